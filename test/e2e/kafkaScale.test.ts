import { strict as assert } from "assert";
import * as k8s from "@kubernetes/client-node";

import { isReplacement, refusal, StepLog } from "../../tools/engineResults";
import { LocalStack } from "./localStack";
import { namespace, NodeCluster } from "./nodeCluster";

/** The tenant topics the local registry declares (tenant-a basic, tenant-b pro). */
const topics = [
  "tenant-a.events.normalized",
  "tenant-a.logs.normalized",
  "tenant-b.events.normalized",
  "tenant-b.logs.normalized",
];
const messagesPerTopic = 40;

describe("Kafka scale-out and drain on the node: the program's start script, rebalance Jobs and guard", function () {
  this.timeout(40 * 60 * 1000);
  const stack = new LocalStack("node");
  let cluster: NodeCluster;

  /** Broker ids holding a replica of any partition of the topics, read from the broker's metadata. */
  async function replicaBrokers(names: readonly string[] = topics): Promise<number[]> {
    const admin = cluster.adminKafka().admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...names] });
      const ids = new Set(metadata.topics.flatMap((t) => t.partitions.flatMap((p) => p.replicas)));
      return [...ids].sort((a, b) => a - b);
    } finally {
      await admin.disconnect();
    }
  }

  /** Messages on each topic, from its offsets. */
  async function messageCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const topic of topics) {
      counts[topic] = await cluster.messageCount(topic);
    }
    return counts;
  }

  /** Every message of a tenant topic, read as its tenant. */
  function readAll(topic: string): Promise<string[]> {
    return cluster.readAll(topic.split(".")[0] ?? "", topic);
  }

  function expectedMessages(topic: string): string[] {
    return Array.from({ length: messagesPerTopic }, (_, i) => `${topic}-${String(i).padStart(3, "0")}`).sort();
  }

  async function jobSucceeded(name: string): Promise<void> {
    const batch = cluster.kube.makeApiClient(k8s.BatchV1Api);
    await cluster.waitFor(
      `Job ${name} to complete`,
      async () => {
        const job = await batch.readNamespacedJob({ name, namespace });
        const failed = (job.status?.conditions ?? []).find((c) => c.type === "Failed" && c.status === "True");
        if (failed !== undefined) {
          throw new assert.AssertionError({ message: `Job ${name} failed: ${failed.message ?? ""}` });
        }
        return (job.status?.succeeded ?? 0) >= 1;
      },
      900000,
    );
  }

  async function readyBrokers(): Promise<number> {
    const set = await cluster.apps().readNamespacedStatefulSet({ name: "kafka", namespace });
    return set.status?.readyReplicas ?? 0;
  }

  before(async () => {
    const up = await stack.up();
    assert.equal(up.status, 0, up.output.slice(-4000));
    cluster = new NodeCluster(stack);
    const producer = cluster.adminKafka().producer();
    await producer.connect();
    for (const topic of topics) {
      const messages = expectedMessages(topic).map((value) => ({ value }));
      await producer.send({ topic, messages });
    }
    await producer.disconnect();
  });

  after(() => {
    stack.down();
  });

  it("grows 1 → 3 brokers: they join with the program's start script, the rebalance Job spreads every partition, nothing is lost", async () => {
    assert.deepEqual(await replicaBrokers(), [0]);
    await stack.setConfig({ kafkaBrokers: "3" });
    await stack.update();
    assert.equal(await readyBrokers(), 3);
    await jobSucceeded("kafka-rebalance-3");
    assert.deepEqual(await replicaBrokers(), [0, 1, 2], "partitions on every broker, as the broker reports them");
    for (const topic of topics) {
      assert.deepEqual(await readAll(topic), expectedMessages(topic), topic);
    }
  });

  it("refuses lowering the count while the brokers it removes were not drained, and changes nothing", async () => {
    await stack.setConfig({ kafkaBrokers: "2" });
    const refused = await refusal(stack.update());
    assert.match(refused, /lowering 3 to 2 removes broker\(s\) 2, and 2 is not drained/);
    assert.equal(await readyBrokers(), 3);
    await stack.setConfig({ kafkaBrokers: "3" });
    await stack.preview({ expectNoChanges: true });
  });

  it("drains broker 2 (its partitions move away), then lowers the count; every message is still there", async () => {
    await stack.setConfig({ kafkaDrainedBrokers: "2" });
    await stack.update();
    await jobSucceeded("kafka-rebalance-3-drain-2");
    assert.deepEqual(await replicaBrokers(), [0, 1], "no partition left on broker 2");
    assert.deepEqual(await replicaBrokers(["__consumer_offsets"]), [0, 1], "nor of the consumer offsets");

    await stack.setConfig({ kafkaBrokers: "2" });
    await stack.update();
    await cluster.waitFor(
      "kafka-2 gone",
      async () =>
        (await cluster.core().listNamespacedPod({ namespace, fieldSelector: "metadata.name=kafka-2" })).items.length ===
        0,
    );
    assert.equal(await readyBrokers(), 2);
    const counts = await messageCounts();
    assert.deepEqual(counts, Object.fromEntries(topics.map((t) => [t, messagesPerTopic])));
    for (const topic of topics) {
      assert.deepEqual(await readAll(topic), expectedMessages(topic), topic);
    }
    await stack.preview({ expectNoChanges: true });
  });

  it("raising kafkaReplicationFactor reassigns every topic in place: no topic replaced, nothing lost", async () => {
    await stack.setConfig({ kafkaReplicationFactor: "2" });
    const log = new StepLog();
    await stack.update({ onEvent: log.onEvent });
    const topicSteps = log.steps.filter((s) => s.type === "kafka:index/topic:Topic");
    assert.deepEqual(topicSteps.filter(isReplacement), [], "no topic replaced");
    assert.equal(topicSteps.filter((s) => s.op === "update").length, topics.length, "every topic updated in place");
    const admin = cluster.adminKafka().admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      for (const topic of metadata.topics) {
        for (const partition of topic.partitions) {
          assert.equal(
            partition.replicas.length,
            2,
            `${topic.name}/${partition.partitionId}: ${partition.replicas.join(",")}`,
          );
        }
      }
    } finally {
      await admin.disconnect();
    }
    assert.deepEqual(await messageCounts(), Object.fromEntries(topics.map((t) => [t, messagesPerTopic])));
    for (const topic of topics) {
      assert.deepEqual(await readAll(topic), expectedMessages(topic), topic);
    }
    await stack.preview({ expectNoChanges: true });
  });
});
