import { strict as assert } from "assert";

import { kafkaSharedProperties } from "../../components/kafka/kafkaProperties";
import { planProblems, validatePlans } from "../../clients/planValidation";
import { plans } from "../../clients/plans";
import {
  brokerStorageCapacityBytes,
  clientStorageBoundBytes,
  fileDeleteDelayMs,
  partitionBoundBytes,
  retentionCheckIntervalMs,
  topicBoundBytes,
  writesBeforeRetentionBytes,
} from "../../clients/storageBound";
import { ValidationError } from "../../config/validationError";
import { fixtureConfig } from "./fixtures/stack";

const MiB = 1024 * 1024;

describe("plans' storage limits", () => {
  it("every topic kind has its retention.bytes and a 32 MiB segment", () => {
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(plans).map(([name, plan]) => [
          name,
          Object.fromEntries(
            Object.entries(plan.topics).map(([kind, t]) => [kind, t.retentionBytesPerPartition / MiB]),
          ),
        ]),
      ),
      {
        basic: { events: 96, logs: 64 },
        pro: { events: 128, logs: 96 },
        enterprise: { events: 160, logs: 128, traces: 96 },
      },
    );
    assert.ok(Object.values(plans).every((p) => Object.values(p.topics).every((t) => t.segmentBytes === 32 * MiB)));
    assert.deepEqual(planProblems(plans, "clients/plans.ts"), []);
  });

  it("names the plan, the topic kind and the field of a missing or non-positive figure", () => {
    const bad = {
      gold: {
        topics: {
          events: { partitions: 6, retentionHours: 72, segmentBytes: 32 * MiB },
          logs: { partitions: 3, retentionHours: 24, retentionBytesPerPartition: 0, segmentBytes: 32 * MiB },
          traces: { partitions: 3, retentionHours: 24, retentionBytesPerPartition: 64 * MiB, segmentBytes: 1024 },
        },
        quotas: { producerByteRate: -1 },
      },
    };
    assert.deepEqual(planProblems(bad, "plans.ts"), [
      'plans.ts: plan "gold", topic kind "events": retentionBytesPerPartition is missing: a whole number of bytes per partition (retention.bytes), which bounds the topic\'s size',
      'plans.ts: plan "gold", topic kind "logs": retentionBytesPerPartition must be a positive whole number of bytes per partition (retention.bytes), which bounds the topic\'s size; got 0',
      'plans.ts: plan "gold", topic kind "traces": segmentBytes must be 1048576-2147483647 (Kafka\'s range of segment.bytes); got 1024',
      'plans.ts: plan "gold": quotas.producerByteRate must be a positive whole number of bytes per second (it bounds what arrives between retention checks); got -1',
    ]);
    assert.throws(
      () => validatePlans(bad, "plans.ts"),
      (err: unknown) =>
        err instanceof ValidationError && err.message.startsWith("invalid plans (plans.ts): 4 problem(s)"),
    );
  });
});

describe("storage bound arithmetic", () => {
  const topic = { partitions: 12, retentionBytes: 128 * MiB, segmentBytes: 32 * MiB };

  it("allows each partition its retention.bytes plus one segment", () => {
    assert.equal(partitionBoundBytes(topic), 160 * MiB);
    assert.equal(topicBoundBytes(topic), 12 * 160 * MiB);
  });

  it("adds what the producer quota writes over a retention check and the delete delay", () => {
    assert.equal(retentionCheckIntervalMs + fileDeleteDelayMs, 360_000);
    assert.equal(writesBeforeRetentionBytes(5 * MiB), 1800 * MiB);
  });

  it("multiplies by the replication factor and adds 5% for index files", () => {
    assert.equal(
      clientStorageBoundBytes({ topics: [topic, topic], producerByteRate: MiB }, 3),
      (2 * 12 * 160 + 360) * MiB * 3 * 1.05,
    );
    assert.equal(brokerStorageCapacityBytes(5, 1024 ** 4, 0.9), 4.5 * 1024 ** 4);
  });

  it("relies on Kafka's retention check interval and delete delay: the brokers set neither", () => {
    const config = fixtureConfig();
    const properties = kafkaSharedProperties({
      settings: config.kafka.settings,
      brokers: 5,
      controllers: 3,
      statefulSet: "kafka",
      headlessService: "kafka-headless",
      namespace: "ns",
      protocol: "SASL_SSL",
    });
    assert.equal(properties["log.retention.check.interval.ms"], undefined);
    assert.equal(properties["log.segment.delete.delay.ms"], undefined);
  });
});
