import { strict as assert } from "assert";

import { ClientEntry } from "../../clients/types";
import { judgeBilling } from "../../ops/checks/billing";
import { judgeLag, partitionLag } from "../../ops/checks/consumerLag";
import { judgeBrokers } from "../../ops/checks/kafkaBrokers";
import { judgeMessageRate } from "../../ops/checks/messageRate";
import { judgeNeo4j } from "../../ops/checks/neo4jCluster";
import { platformDataClaims } from "../../ops/checks/platformVolumes";
import { judgeAccuracy } from "../../ops/checks/rcaAccuracy";
import { judgeVolumes } from "../../ops/checks/volumes";
import { judgeWorkloads } from "../../ops/checks/workloads";
import { fixtureConfig } from "./fixtures/stack";

const thresholds = { warning: 1000, critical: 10000 };
const offsets = (committed: number, high = 20000) => ({
  topic: "a.events.normalized",
  partition: 2,
  low: 100,
  high,
  committed,
});

describe("ops health check judgements", () => {
  it("workloads: ok when every replica is ready, error listing the others, warning when there are none", () => {
    const ready = { name: "Deployment/kg-api", desired: 3, ready: 3 };
    assert.deepEqual(judgeWorkloads("ns", [ready, { name: "StatefulSet/x", desired: 0, ready: 0 }]), {
      status: "ok",
      figure: "2/2 ready",
      reason: "every Deployment and StatefulSet in ns has all its replicas ready",
    });
    const bad = judgeWorkloads("ns", [ready, { name: "StatefulSet/neo4j", desired: 3, ready: 1 }]);
    assert.deepEqual([bad.status, bad.figure, bad.reason], ["error", "1/2 ready", "not ready: StatefulSet/neo4j 1/3"]);
    assert.equal(judgeWorkloads("ns", []).status, "warning");
  });

  it("neo4j: servers against the configured count, and a writer for every online database", () => {
    const copy = (name: string, address: string, writer: boolean, currentStatus = "online") => ({
      name,
      address,
      requestedStatus: "online",
      currentStatus,
      writer,
    });
    const servers = ["a:7687", "b:7687", "c:7687"].map((address) => ({ address, available: true }));
    const copies = [copy("neo4j", "a:7687", true), copy("neo4j", "b:7687", false), copy("acme", "c:7687", true)];
    assert.deepEqual(judgeNeo4j(servers, copies, 3), {
      status: "ok",
      figure: "3/3 servers, 2/2 databases with a writer",
      reason: "every online database has a writer; 3 server(s) available of 3 configured",
    });
    const oneDown = judgeNeo4j([...servers.slice(0, 2), { address: "c:7687", available: false }], copies, 3);
    assert.deepEqual([oneDown.status, oneDown.figure], ["warning", "2/3 servers, 2/2 databases with a writer"]);
    assert.match(oneDown.reason, /kg-rca-server:neo4jServers \(3\); unavailable: c:7687/);
    const noWriter = judgeNeo4j(servers, [copy("neo4j", "a:7687", true), copy("acme", "b:7687", false)], 3);
    assert.deepEqual([noWriter.status, noWriter.reason], ["error", "no writer (leader) for: acme"]);
    const writerNotOnline = judgeNeo4j(servers, [copy("acme", "a:7687", true, "starting")], 3);
    assert.equal(writerNotOnline.status, "error");
    assert.equal(judgeNeo4j([], [], 3).status, "error");
  });

  it("kafka brokers: fewer than configured is a warning, none an error", () => {
    assert.deepEqual(judgeBrokers([0, 1, 2, 3, 4], 5), {
      status: "ok",
      figure: "5/5 brokers",
      reason: "all 5 configured brokers are online",
    });
    assert.deepEqual(judgeBrokers([4, 0, 1], 5), {
      status: "warning",
      figure: "3/5 brokers",
      reason: "fewer brokers online than kg-rca-server:kafkaBrokers (5); online ids: 0, 1, 4",
    });
    assert.equal(judgeBrokers([], 5).status, "error");
  });

  it("consumer lag: end minus committed, everything retained without a commit, thresholds inclusive", () => {
    assert.equal(partitionLag(offsets(19000)), 1000);
    assert.equal(partitionLag(offsets(-1)), 19900);
    assert.equal(partitionLag(offsets(25000)), 0);
    assert.deepEqual(
      [judgeLag([offsets(19001)], [], thresholds).status, judgeLag([offsets(19001)], [], thresholds).figure],
      ["ok", "max lag 999 (a.events.normalized[2])"],
    );
    assert.equal(judgeLag([offsets(19000)], [], thresholds).status, "warning");
    assert.equal(judgeLag([offsets(10001)], [], thresholds).status, "warning");
    const critical = judgeLag([offsets(19500), offsets(10000)], [], thresholds);
    assert.deepEqual([critical.status, critical.figure], ["error", "max lag 10000 (a.events.normalized[2])"]);
    assert.match(critical.reason, /critical threshold 10000 \(kg-rca-server:opsConsumerLagCritical\)/);
    const missing = judgeLag([], ["b.events.normalized"], thresholds);
    assert.deepEqual([missing.status, missing.figure], ["warning", "max lag 0"]);
  });

  it("billing: a missing row or a status that disagrees with the registry is a warning", () => {
    const entry = (id: string, status: ClientEntry["status"]): ClientEntry => ({
      id,
      name: id,
      email: "a@b.example",
      plan: "basic",
      status,
    });
    const registry = [entry("a-1", "active"), entry("b-1", "offboarding"), entry("c-1", "offboarded")];
    assert.deepEqual(
      judgeBilling(
        registry,
        new Map([
          ["a-1", "active"],
          ["b-1", "suspended"],
        ]),
      ),
      {
        status: "ok",
        figure: "3/3 clients match",
        reason: "every client of the registry has a billing row with the status its lifecycle implies",
      },
    );
    const wrong = judgeBilling(
      registry,
      new Map([
        ["b-1", "active"],
        ["c-1", "active"],
      ]),
    );
    assert.equal(wrong.status, "warning");
    assert.equal(wrong.figure, "0/3 clients match");
    assert.equal(
      wrong.reason,
      "a-1: no billing row (expected active); b-1: billing says active, registry says offboarding (expected suspended); c-1: billing says active, registry says offboarded (expected deleted)",
    );
  });

  it("volumes: only the Neo4j and Kafka claims, warning above the alert ratio, error from the ops ratio", () => {
    const limits = { warningAbove: 0.9, errorFrom: 0.95 };
    const claims = ["data-neo4j-0", "data-kafka-0"];
    const usage = (neo4j: number, kafka: number) => [
      { claim: "data-neo4j-0", ratio: neo4j },
      { claim: "data-kafka-0", ratio: kafka },
      { claim: "neo4j-backups", ratio: 0.99 },
    ];
    assert.deepEqual(judgeVolumes(usage(0.5, 0.9), claims, limits), {
      status: "ok",
      figure: "fullest data-kafka-0 90.0%",
      reason: "all 2 Neo4j and Kafka volumes at or below 90.0%",
    });
    assert.deepEqual(
      [judgeVolumes(usage(0.91, 0.2), claims, limits).status, judgeVolumes(usage(0.91, 0.2), claims, limits).reason],
      ["warning", "above 90.0% (kg-rca-server:alertDiskUsageRatio): data-neo4j-0 91.0%"],
    );
    assert.equal(
      judgeVolumes(usage(0.95, 0.96), claims, limits).reason,
      "at or above 95.0% (kg-rca-server:opsVolumeUsageErrorRatio): data-kafka-0 96.0%, data-neo4j-0 95.0%",
    );
    assert.equal(judgeVolumes(usage(0.95, 0.96), claims, limits).status, "error");
    assert.equal(judgeVolumes([], claims, limits).status, "warning");
    assert.match(
      judgeVolumes(usage(0.5, 0.5), [...claims, "data-kafka-1"], limits).reason,
      /no volume stats for data-kafka-1/,
    );
  });

  it("volumes: the claims are those the StatefulSet controller names for the configured servers and brokers", () => {
    assert.deepEqual(platformDataClaims(fixtureConfig()), [
      "data-neo4j-0",
      "data-neo4j-1",
      "data-neo4j-2",
      "data-kafka-0",
      "data-kafka-1",
      "data-kafka-2",
      "data-kafka-3",
      "data-kafka-4",
    ]);
  });

  it("rca accuracy: the lowest series against the alert minimum; no series is a warning", () => {
    assert.deepEqual(judgeAccuracy([0.91, 0.88], 0.85), {
      status: "ok",
      figure: "A@3 88.0%",
      reason: "at or above 85.0% (kg-rca-server:alertRcaAccuracyMin)",
    });
    assert.deepEqual(
      [judgeAccuracy([0.91, 0.7], 0.85).status, judgeAccuracy([0.91, 0.7], 0.85).figure],
      ["warning", "A@3 70.0%"],
    );
    assert.equal(judgeAccuracy([], 0.85).status, "warning");
  });

  it("message rate: zero or no series is a warning", () => {
    assert.deepEqual(judgeMessageRate(12.25), {
      status: "ok",
      figure: "12.3 msg/s",
      reason: "successfully processed messages per second, averaged over the last hour",
    });
    assert.equal(judgeMessageRate(0).status, "warning");
    assert.equal(judgeMessageRate(undefined).figure, "no data");
  });
});
