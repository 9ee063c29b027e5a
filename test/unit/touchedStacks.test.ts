import { strict as assert } from "assert";

import { shardOf } from "../../clients/shards";
import { ClientEntry } from "../../clients/types";
import { Change, configScope, registryChanges, shardsWithStacks, touchedStacks } from "../../fleet/touchedStacks";

const client = (id: string, plan: ClientEntry["plan"], status: ClientEntry["status"] = "active"): ClientEntry => ({
  id,
  name: id,
  email: `ops@${id}.example.com`,
  plan,
  status,
});

// Four shards; with SHA-256 these land in shards 1, 1, 3, 3, 0 (pinned in shards.test.ts).
const base = [
  client("acme-abc123", "enterprise"),
  client("globex", "basic"),
  client("tenant-a", "pro"),
  client("tenant-b", "basic"),
];
const layout = { shards: 4, baseClients: base, headClients: base };
const touched = (changes: Change[], head = base) => touchedStacks(changes, { ...layout, headClients: head });

describe("stacks a change touches", () => {
  it("the layout the expectations below rest on", () => {
    assert.deepEqual(
      base.map((c) => shardOf(c.id, 4)),
      [1, 1, 3, 3],
    );
    assert.equal(shardOf("tenant-c", 4), 0);
  });

  it("registry: an added client touches its shard only", () => {
    const head = [...base, client("tenant-c", "basic")];
    assert.deepEqual(registryChanges(base, head), [{ kind: "registry", clientId: "tenant-c" }]);
    assert.deepEqual(touched(registryChanges(base, head), head), { platform: false, shards: [0] });
  });

  it("registry: an edited entry (plan, status, overrides) touches its shard only", () => {
    for (const edit of [
      { plan: "enterprise" as const },
      { status: "suspended" as const },
      { overrides: { retentionHours: { events: 48 } } },
    ]) {
      const head = base.map((c) => (c.id === "tenant-a" ? { ...c, ...edit } : c));
      assert.deepEqual(registryChanges(base, head), [{ kind: "registry", clientId: "tenant-a" }]);
      assert.deepEqual(touched(registryChanges(base, head), head), { platform: false, shards: [3] });
    }
  });

  it("registry: a removed entry touches its shard, so the guard's refusal shows in its preview", () => {
    const head = base.filter((c) => c.id !== "globex");
    assert.deepEqual(touched(registryChanges(base, head), head), { platform: false, shards: [1] });
  });

  it("registry: no change touches nothing", () => {
    assert.deepEqual(registryChanges(base, base), []);
    assert.deepEqual(touched([]), { platform: false, shards: [] });
  });

  it("plan: an edited plan touches the shards holding a client on it, before or after the change", () => {
    assert.deepEqual(touched([{ kind: "plan", plan: "basic" }]), { platform: false, shards: [1, 3] });
    assert.deepEqual(touched([{ kind: "plan", plan: "enterprise" }]), { platform: false, shards: [1] });
    // tenant-c joins on enterprise in the same change: its shard is touched too.
    const head = [...base, client("tenant-c", "enterprise")];
    assert.deepEqual(touched([{ kind: "plan", plan: "enterprise" }], head), { platform: false, shards: [0, 1] });
  });

  it("components: tenant code touches every shard; platform code the platform stack only", () => {
    assert.deepEqual(touched([{ kind: "tenantCode" }]), { platform: false, shards: [0, 1, 2, 3] });
    assert.deepEqual(touched([{ kind: "platformCode" }]), { platform: true, shards: [] });
  });

  it("config: a platform key touches the platform stack; one the tenants read through it, every shard too", () => {
    assert.equal(configScope("kafkaBrokers"), "platform");
    assert.deepEqual(touched([{ kind: "config", key: "kafkaBrokers" }]), { platform: true, shards: [] });
    assert.deepEqual(touched([{ kind: "config", key: "neo4jHeapMaxSize" }]), { platform: true, shards: [] });
    assert.deepEqual(touched([{ kind: "config", key: "kafkaReplicationFactor" }]), {
      platform: true,
      shards: [0, 1, 2, 3],
    });
  });

  it("config: a shared key touches every stack; a tenant key every shard and not the platform", () => {
    assert.deepEqual(touched([{ kind: "config", key: "namespace" }]), { platform: true, shards: [0, 1, 2, 3] });
    assert.deepEqual(touched([{ kind: "config", key: "tenantDatabases" }]), { platform: false, shards: [0, 1, 2, 3] });
  });

  it("unions several changes", () => {
    assert.deepEqual(
      touched([
        { kind: "registry", clientId: "tenant-c" },
        { kind: "plan", plan: "enterprise" },
        { kind: "config", key: "kafkaBrokers" },
      ]),
      { platform: true, shards: [0, 1] },
    );
  });

  describe("which touched shards have a stack to run", () => {
    const populated = new Set(base.map((c) => shardOf(c.id, 4)));

    it("a change every shard follows runs the shards that hold a client, not the empty ones", () => {
      assert.deepEqual(shardsWithStacks(touched([{ kind: "tenantCode" }]), populated, new Set()), {
        platform: false,
        shards: [1, 3],
      });
    });

    it("an empty shard whose stack exists still runs (a drift check covers it)", () => {
      assert.deepEqual(shardsWithStacks(touched([{ kind: "config", key: "namespace" }]), populated, new Set([2])), {
        platform: true,
        shards: [1, 2, 3],
      });
    });

    it("an onboarding into an empty shard runs it: the new entry populates it, and its stack is created", () => {
      const head = [...base, client("tenant-c", "basic")];
      const withNew = new Set(head.map((c) => shardOf(c.id, 4)));
      assert.deepEqual(shardsWithStacks(touched(registryChanges(base, head), head), withNew, new Set()), {
        platform: false,
        shards: [0],
      });
    });
  });
});
