import { strict as assert } from "assert";
import * as crypto from "crypto";

import { isReplacement, refusal, StepLog } from "../../tools/engineResults";
import { namespace, NodeCluster } from "./nodeCluster";
import { SharedNode, sharedNode } from "./sharedNode";
import { StepTimer } from "./stepTimer";

const messagesPerTopic = 40;

// Last on the shared node: it leaves two brokers and a replication factor of 2.
describe("Kafka scale-out and drain on the node: the program's start script, rebalance Jobs and guard", function () {
  this.timeout(40 * 60 * 1000);
  let cluster: NodeCluster;
  /** Every tenant topic the stack holds when the suite starts. */
  let topics: string[] = [];
  /** What each topic holds once the suite has added its messages: nothing may be lost from here on. */
  const held = new Map<string, string[]>();

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

  async function assertNothingLost(): Promise<void> {
    assert.deepEqual(await messageCounts(), Object.fromEntries(topics.map((t) => [t, held.get(t)?.length])));
    for (const topic of topics) {
      assert.deepEqual(await readAll(topic), held.get(topic), topic);
    }
  }

  /**
   * A broker count and, in the same change, each broker's address on the tenants' listener: node
   * ports 31091, 31092… of the node's address, as Pulumi.local.yaml gives broker 0.
   */
  function brokersConfig(brokers: number): Record<string, string> {
    const node = cluster.network.dnsServer;
    const addresses = Array.from({ length: brokers }, (_, id) => `${node}:${31091 + id}`);
    return { kafkaBrokers: String(brokers), kafkaExternalBrokerAddresses: addresses.join(",") };
  }

  /** The brokers as a client outside the cluster learns them from the tenants' listener. */
  async function advertisedBrokers(): Promise<string[]> {
    const admin = cluster.adminKafka().admin();
    await admin.connect();
    try {
      const { brokers } = await admin.describeCluster();
      return brokers.map((b) => `${b.nodeId}=${b.host}:${b.port}`).sort();
    } finally {
      await admin.disconnect();
    }
  }

  async function jobSucceeded(name: string): Promise<void> {
    assert.equal(await cluster.jobOutcome(name), "Complete", `Job ${name}`);
  }

  /** Bytes of partition data on each broker, as the brokers report their log directories. */
  function logDirBytes(): Map<number, number> {
    const output = cluster.kafkaTool("kafka-log-dirs.sh", "--describe");
    const json = output.split("\n").find((line) => line.startsWith("{")) ?? "{}";
    const described = JSON.parse(json) as {
      brokers?: { broker: number; logDirs: { partitions: { size: number }[] }[] }[];
    };
    return new Map(
      (described.brokers ?? []).map((b) => [
        b.broker,
        b.logDirs.flatMap((d) => d.partitions).reduce((sum, p) => sum + p.size, 0),
      ]),
    );
  }

  async function readyBrokers(): Promise<number> {
    const set = await cluster.apps().readNamespacedStatefulSet({ name: "kafka", namespace });
    return set.status?.readyReplicas ?? 0;
  }

  let stack: SharedNode["stack"];

  before(async () => {
    ({ stack, cluster } = await sharedNode());
    const admin = cluster.adminKafka().admin();
    await admin.connect();
    topics = (await admin.listTopics()).filter((t) => !t.startsWith("__")).sort();
    await admin.disconnect();
    assert.ok(topics.length >= 2, `tenant topics to move: ${topics.join(", ")}`);
    const producer = cluster.adminKafka().producer();
    await producer.connect();
    for (const topic of topics) {
      // About 4 KiB each, and random: the topics compress, and the bytes the rebalance moves should say something.
      const values = Array.from(
        { length: messagesPerTopic },
        (_, i) => `${topic}-${String(i).padStart(3, "0")}-${crypto.randomBytes(3072).toString("base64")}`,
      );
      await producer.send({ topic, messages: values.map((value) => ({ value })) });
    }
    await producer.disconnect();
    for (const topic of topics) {
      held.set(topic, await readAll(topic));
    }
  });

  it("grows 1 → 3 brokers: they join with the program's start script, the rebalance Job spreads every partition, nothing is lost", async () => {
    assert.deepEqual(await replicaBrokers(), [0]);
    const started = Date.now();
    await stack.setConfig(brokersConfig(3));
    await stack.update();
    assert.equal(await readyBrokers(), 3);
    // The new brokers' addresses outside the cluster came with them, each advertised by its broker.
    const node = cluster.network.dnsServer;
    assert.deepEqual(await advertisedBrokers(), [`0=${node}:31091`, `1=${node}:31092`, `2=${node}:31093`]);
    await jobSucceeded("kafka-rebalance-3");
    const seconds = (Date.now() - started) / 1000;
    assert.deepEqual(await replicaBrokers(), [0, 1, 2], "partitions on every broker, as the broker reports them");
    await assertNothingLost();
    // With one replica per partition, whatever the new brokers hold was moved there.
    const bytes = logDirBytes();
    const moved = (bytes.get(1) ?? 0) + (bytes.get(2) ?? 0);
    assert.ok(moved > 0, "the new brokers hold the partitions moved to them");
    console.log(
      `      scale-out 1 → 3 with the rebalance: ${seconds.toFixed(1)} s, ${moved} bytes moved of ${[...bytes.values()].reduce((a, b) => a + b, 0)}`,
    );
  });

  it("refuses lowering the count while the brokers it removes were not drained, and changes nothing", async () => {
    await stack.setConfig(brokersConfig(2));
    const refused = await refusal(stack.update());
    assert.match(refused, /lowering 3 to 2 removes broker\(s\) 2, and 2 is not drained/);
    assert.equal(await readyBrokers(), 3);
    await stack.setConfig(brokersConfig(3));
    await stack.preview({ expectNoChanges: true });
  });

  it("drains broker 2 (its partitions move away), then lowers the count; every message is still there", async () => {
    // Each step's time is printed: the drain's update waits for the rebalance Job, the lowered
    // count for the broker's shutdown, and the check reads every message back.
    const steps = new StepTimer();
    await stack.setConfig({ kafkaDrainedBrokers: "2" });
    await stack.update();
    await jobSucceeded("kafka-rebalance-3-drain-2");
    steps.done("drain update and rebalance");
    assert.deepEqual(await replicaBrokers(), [0, 1], "no partition left on broker 2");
    assert.deepEqual(await replicaBrokers(["__consumer_offsets"]), [0, 1], "nor of the consumer offsets");

    await stack.setConfig(brokersConfig(2));
    await stack.update();
    steps.done("count lowered");
    await cluster.waitFor(
      "kafka-2 gone",
      async () =>
        (await cluster.core().listNamespacedPod({ namespace, fieldSelector: "metadata.name=kafka-2" })).items.length ===
        0,
    );
    steps.done("kafka-2 gone");
    assert.equal(await readyBrokers(), 2);
    await assertNothingLost();
    steps.done("every message read back");
    await stack.preview({ expectNoChanges: true });
    steps.done("no-change preview");
    console.log(`      drain 3 → 2: ${steps.summary()}`);
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
    await assertNothingLost();
    await stack.preview({ expectNoChanges: true });
  });
});
