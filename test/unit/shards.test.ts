import { strict as assert } from "assert";

import { clientsByShard, shardCount, shardOf } from "../../clients/shards";

describe("tenant shards", () => {
  it("sizes an environment from its capacity: capacityMaxClients over tenantShardSize, rounded up", () => {
    assert.equal(shardCount(200, 50), 4);
    assert.equal(shardCount(201, 50), 5);
    assert.equal(shardCount(10, 50), 1);
  });

  it("puts a client in a shard that depends on its id alone (fixed values: a change would move clients)", () => {
    // Pinned: if the function ever changes, every existing environment's clients would change stacks.
    assert.deepEqual(
      ["acme-abc123", "globex", "tenant-a", "tenant-b", "tenant-c"].map((id) => shardOf(id, 4)),
      [1, 1, 3, 3, 0],
    );
    assert.equal(shardOf("anything", 1), 0);
  });

  it("spreads 200 ids over 4 shards within 25% of an even share", () => {
    const ids = Array.from({ length: 200 }, (_, i) => ({ id: `client-${i}` }));
    const sizes = clientsByShard(ids, 4).map((shard) => shard.length);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      200,
    );
    assert.ok(
      sizes.every((n) => n >= 37 && n <= 63),
      `shard sizes ${sizes.join(", ")}`,
    );
  });

  it("lists every shard, empty ones too, keeping registry order within each", () => {
    const shards = clientsByShard([{ id: "tenant-a" }, { id: "tenant-b" }, { id: "tenant-c" }], 8);
    assert.equal(shards.length, 8);
    assert.deepEqual(
      shards
        .flat()
        .map((c) => c.id)
        .sort(),
      ["tenant-a", "tenant-b", "tenant-c"],
    );
    for (const [index, shard] of shards.entries()) {
      assert.ok(shard.every((c) => shardOf(c.id, 8) === index));
    }
  });
});
