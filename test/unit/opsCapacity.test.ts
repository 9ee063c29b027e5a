import { strict as assert } from "assert";

import { ClientEntry } from "../../clients/types";
import {
  clientStorageUpperBound,
  clientsByPlan,
  growthProjection,
  impliedStorage,
  longestRetentionHours,
  partitionLoad,
} from "../../ops/capacity";
import { capacityReport, formatBytes } from "../../ops/capacityReport";
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

  it("bounds a client's storage by its producer quota over its longest retention on every replica", () => {
    assert.equal(longestRetentionHours(client("a", "pro")), 168);
    assert.equal(clientStorageUpperBound(client("a", "basic"), 3), 1 * MiB * 3600 * 72 * 3);
    assert.equal(clientStorageUpperBound(client("a", "enterprise"), 1), 20 * MiB * 3600 * 336);
    // An override that shortens the longest topic shortens the bound; the next longest topic then rules.
    const shortEvents: ClientEntry = { ...client("a", "pro"), overrides: { retentionHours: { events: 24 } } };
    assert.equal(longestRetentionHours(shortEvents), 72);
    assert.equal(clientStorageUpperBound(shortEvents, 1), 5 * MiB * 3600 * 72);
  });

  it("sums the storage bound per plan and compares it with brokers × volume size", () => {
    const estimate = impliedStorage(clients, 3, 5, 1024 ** 4);
    assert.deepEqual(estimate.perPlan, [
      { plan: "basic", clients: 2, bytes: 2 * 1 * MiB * 3600 * 72 * 3 },
      { plan: "pro", clients: 1, bytes: 5 * MiB * 3600 * 168 * 3 },
      { plan: "enterprise", clients: 1, bytes: 20 * MiB * 3600 * 336 * 3 },
    ]);
    assert.equal(
      estimate.totalBytes,
      estimate.perPlan.reduce((s, p) => s + p.bytes, 0),
    );
    assert.equal(estimate.capacityBytes, 5 * 1024 ** 4);
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

  it("formats bytes in binary units", () => {
    assert.deepEqual([formatBytes(0), formatBytes(1536), formatBytes(5 * 1024 ** 4)], ["0 B", "1.5 KiB", "5 TiB"]);
  });

  it("reports the prod stack from its config and registry, with the policy pack's ceiling", () => {
    // The guide's figures over whatever Pulumi.prod.yaml holds: the arithmetic below is for them.
    const context = loadOpsContext({ projectDir, stack: "prod", overrides: guideFigures, env: {}, timeoutMs: 1000 });
    const report = capacityReport(context, { value: 4000, source: "policies/config.prod.json" }, 10);
    // prod: enterprise 48 + basic 9 + pro 18 = 75 partitions × 3 replicas over 5 brokers.
    assert.deepEqual(
      { ...report.partitions },
      { partitionReplicas: 225, brokers: 5, perBroker: 45, ceiling: 4000, ceilingSource: "policies/config.prod.json" },
    );
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.status, c.figure]),
      [
        ["partitions", "ok", "45/4000 per broker"],
        ["storage", "warning", "78.6 TiB of 5 TiB"],
        ["projection", "ok", "19 months to 200 clients"],
      ],
    );
    assert.equal(report.status, "warning");
    const crowded = capacityReport(context, { value: 40, source: "test" }, 100);
    const [partitions, , projection] = crowded.checks;
    assert.equal(partitions!.status, "error");
    assert.match(partitions!.reason, /kafkaBrokers is at least 6/);
    assert.deepEqual([projection!.status, projection!.figure], ["warning", "1 month to 200 clients"]);
  });
});
