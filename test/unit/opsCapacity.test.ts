import { strict as assert } from "assert";

import { ClientEntry } from "../../clients/types";
import {
  clientsAtCeiling,
  clientsByPlan,
  growthProjection,
  impliedStorage,
  partitionLoad,
  planClientStorageBound,
} from "../../ops/capacity";
import { capacityReport, renderCapacity, formatBytes } from "../../ops/capacityReport";
import { loadOpsContext } from "../../ops/stack";
import { guideFigures } from "./fixtures/stack";
import { projectDir } from "./helpers/synthesize";

const MiB = 1024 * 1024;

function client(id: string, plan: ClientEntry["plan"], status: ClientEntry["status"] = "active"): ClientEntry {
  return { id, name: id, email: `${id}@example.com`, plan, status };
}

const clients: ClientEntry[] = [
  client("basic-one", "basic"),
  client("basic-two", "basic", "suspended"),
  client("pro-one", "pro"),
  client("ent-one", "enterprise", "offboarding"),
  client("gone-one", "enterprise", "offboarded"),
];

/** The prod stack's ops context with the guide's figures and `overrides` over Pulumi.prod.yaml. */
function prodContext(overrides: Record<string, string>): ReturnType<typeof loadOpsContext> {
  return loadOpsContext({
    projectDir,
    stack: "prod",
    overrides: { ...guideFigures, ...overrides },
    env: {},
    timeoutMs: 1000,
  });
}

describe("ops capacity arithmetic", () => {
  it("counts clients by plan and status, every plan listed, offboarded ones left out", () => {
    assert.deepEqual(clientsByPlan(clients), [
      { plan: "basic", active: 1, suspended: 1, offboarding: 0 },
      { plan: "pro", active: 1, suspended: 0, offboarding: 0 },
      { plan: "enterprise", active: 0, suspended: 0, offboarding: 1 },
    ]);
    assert.deepEqual(
      clientsByPlan([]).map((p) => p.active + p.suspended + p.offboarding),
      [0, 0, 0],
    );
  });

  it("puts every live client's partitions times the replication factor on the brokers, rounded up", () => {
    // basic 6+3 (twice), pro 12+6, enterprise 24+12+12: 18 + 18 + 48 = 84 partitions.
    assert.deepEqual(partitionLoad(clients, 3, 5, 4000), {
      partitionReplicas: 252,
      brokers: 5,
      perBroker: 51,
      ceiling: 4000,
    });
    assert.equal(partitionLoad(clients, 1, 1, 10).perBroker, 84);
    assert.equal(partitionLoad([], 3, 5, 4000).perBroker, 0);
  });

  it("bounds a plan's client by its topics' retention.bytes + one segment, its quota over 360 s, replicas and index files", () => {
    // basic: events 6 × (96 + 32) MiB, logs 3 × (64 + 32) MiB, quota 1 MiB/s × 360 s.
    assert.equal(planClientStorageBound("basic", 1), (6 * 128 + 3 * 96 + 360) * MiB * 1.05);
    // enterprise: 24 × 192 + 12 × 160 + 12 × 128 MiB, 20 MiB/s × 360 s; three replicas.
    assert.equal(planClientStorageBound("enterprise", 3), (24 * 192 + 12 * 160 + 12 * 128 + 7200) * MiB * 3 * 1.05);
  });

  it("scales the live mix to capacityMaxClients, rounding up per plan; an even mix with no live client", () => {
    assert.deepEqual(clientsAtCeiling(clients, 200), { basic: 100, pro: 50, enterprise: 50 });
    assert.deepEqual(clientsAtCeiling([client("p", "pro")], 10), { basic: 0, pro: 10, enterprise: 0 });
    assert.deepEqual(clientsAtCeiling([], 200), { basic: 67, pro: 67, enterprise: 67 });
  });

  it("sums the bound per plan, now and at the ceiling, against brokers × volume × the disk alert's ratio", () => {
    const estimate = impliedStorage(
      { name: "stack t", clients },
      3,
      { count: 5, volumeBytes: 1024 ** 4, usageRatio: 0.9 },
      8,
    );
    const bound = (plan: ClientEntry["plan"]) => planClientStorageBound(plan, 3);
    assert.deepEqual(estimate.perPlan, [
      { plan: "basic", clients: 2, bytes: 2 * bound("basic"), clientsAtCeiling: 4, bytesAtCeiling: 4 * bound("basic") },
      { plan: "pro", clients: 1, bytes: bound("pro"), clientsAtCeiling: 2, bytesAtCeiling: 2 * bound("pro") },
      {
        plan: "enterprise",
        clients: 1,
        bytes: bound("enterprise"),
        clientsAtCeiling: 2,
        bytesAtCeiling: 2 * bound("enterprise"),
      },
    ]);
    assert.equal(estimate.set, "stack t");
    assert.equal(estimate.totalBytes, 2 * bound("basic") + bound("pro") + bound("enterprise"));
    assert.equal(estimate.partitionsAtCeiling, 4 * 9 + 2 * 18 + 2 * 48);
    assert.equal(estimate.volumesBytes, 5 * 1024 ** 4);
    assert.equal(estimate.capacityBytes, 5 * 1024 ** 4 * 0.9);
  });

  describe("growth projection (the guide's formula)", () => {
    it("50 clients, 10 a month, ceiling 200, 3 months of lead: full in 15 months, scale in 12", () => {
      assert.deepEqual(growthProjection(50, 200, 10, 3), {
        current: 50,
        ceiling: 200,
        growthPerMonth: 10,
        monthsUntilCeiling: 15,
        startScalingInMonths: 12,
      });
    });
    it("rounds months down", () => {
      assert.equal(growthProjection(50, 200, 7, 3).monthsUntilCeiling, 21);
    });
    it("says now when the lead is longer than the months left", () => {
      assert.equal(growthProjection(190, 200, 5, 3).startScalingInMonths, 0);
      assert.equal(growthProjection(190, 200, 5, 3).monthsUntilCeiling, 2);
    });
    it("says never when nothing grows", () => {
      const p = growthProjection(50, 200, 0, 3);
      assert.equal(p.monthsUntilCeiling, null);
      assert.equal(p.startScalingInMonths, null);
    });
    it("is at the ceiling now when there are already as many clients", () => {
      assert.deepEqual(
        [growthProjection(200, 200, 0, 3).monthsUntilCeiling, growthProjection(250, 200, 10, 3).startScalingInMonths],
        [0, 0],
      );
    });
    it("refuses a negative or fractional growth", () => {
      assert.throws(() => growthProjection(1, 200, -1, 3), /whole number of clients per month, 0 or more; got -1/);
      assert.throws(() => growthProjection(1, 200, 1.5, 3), /got 1.5/);
    });
  });

  it("reports an excess as an error where kafka-storage-bound is mandatory, a warning where advisory", () => {
    const context = prodContext({ kafkaVolumeSize: "10Gi" });
    const storage = (level: string) =>
      capacityReport(context, { value: 4000, source: "test" }, 10, level).checks.find((c) => c.name === "storage");
    assert.deepEqual([storage("mandatory")?.status, storage("mandatory")?.figure], ["error", "65.1 GiB of 45 GiB"]);
    assert.match(storage("mandatory")?.reason ?? "", /the policy pack \(kafka-storage-bound\) refuses it/);
    assert.equal(storage("advisory")?.status, "warning");
  });

  it("warns when a shard holds more live clients than tenantShardSize", () => {
    // Two shards of one client each: acme-abc123 and smallco-q1w2e3 both hash to shard 0.
    const context = prodContext({ capacityMaxClients: "2", tenantShardSize: "1" });
    const shards = capacityReport(context, { value: 4000, source: "test" }, 0).checks.find((c) => c.name === "shards");
    assert.deepEqual([shards?.status, shards?.figure], ["warning", "2/1 in shard 0"]);
    assert.match(shards?.reason ?? "", /^shard\(s\) 0 hold more live clients than kg-rca-server:tenantShardSize/);
  });

  it("formats bytes in binary units", () => {
    assert.deepEqual([formatBytes(0), formatBytes(1536), formatBytes(5 * 1024 ** 4)], ["0 B", "1.5 KiB", "5 TiB"]);
  });

  it("reports the prod stack from its config and registry, with the policy pack's ceiling", () => {
    // The guide's figures over whatever Pulumi.prod.yaml holds: the arithmetic below is for them
    // (and shards of 50: four, so each shard's row can be written out).
    const context = prodContext({ tenantShardSize: "50" });
    const report = capacityReport(context, { value: 4000, source: "policies/config.prod.json" }, 10);
    // prod: enterprise 48 + basic 9 + pro 18 = 75 partitions × 3 replicas over 5 brokers.
    assert.deepEqual(
      { ...report.partitions },
      { partitionReplicas: 225, brokers: 5, perBroker: 45, ceiling: 4000, ceilingSource: "policies/config.prod.json" },
    );
    // Before retention.bytes the quota × retention bound was 78.6 TiB of 5 TiB. Now, at 200 clients
    // (67 of each plan, the registry's mix): 67 × 21168 MiB × 3 replicas × 1.05 = 4.26 TiB of 4.5 TiB.
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.status, c.figure]),
      [
        ["partitions", "ok", "45/4000 per broker"],
        ["storage", "ok", "65.1 GiB of 4.5 TiB"],
        ["storage at ceiling", "ok", "4.3 TiB of 4.5 TiB"],
        ["partitions at ceiling", "ok", "3015/4000 per broker"],
        ["projection", "ok", "19 months to 200 clients"],
        ["shards", "ok", "1/50 in shard 0"],
      ],
    );
    assert.equal(report.status, "ok");
    // 200 clients over shards of 50: four shards, each client in the one its id hashes to.
    assert.deepEqual(
      report.shards.map((s) => [s.shard, s.live, s.size]),
      [
        [0, 1, 50],
        [1, 0, 50],
        [2, 1, 50],
        [3, 1, 50],
      ],
    );
    assert.equal(report.shards[1]?.boundBytes, 0);
    assert.match(renderCapacity(report), /SHARD +LIVE +SIZE +BOUND\n0 +1 +50 +/);
    assert.equal(report.storage[0]?.totalBytesAtCeiling, 67 * 21168 * MiB * 3 * 1.05);
    const crowded = capacityReport(context, { value: 40, source: "test" }, 100);
    const [partitions, , , , projection] = crowded.checks;
    assert.equal(partitions!.status, "error");
    assert.match(partitions!.reason, /kafkaBrokers is at least 6/);
    assert.deepEqual([projection!.status, projection!.figure], ["warning", "1 month to 200 clients"]);
  });
});
