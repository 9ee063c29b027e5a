import * as pulumi from "@pulumi/pulumi";

import { dynamicModule, dynamicTypeNames } from "../resourceKinds";

/**
 * A gate between the brokers' StatefulSet and everything that talks to Kafka (topics, users,
 * ACLs, quotas). The StatefulSet's await ends when its pods are Ready, and a broker's pod is
 * Ready once its client port accepts connections: before it has registered with the controllers,
 * before its partitions have leaders again, and before the node's port reaches it. Topic diffs
 * started then failed with "connection refused" on a broker's external port. The gate asks the
 * cluster itself, through the same external listener the kafka provider uses, until every
 * declared broker is registered and every partition has a leader and its full ISR.
 *
 * It runs when created and whenever the StatefulSet changes: its uid (a replacement; the new object
 * starts again at generation 1) and its generation (an update of its spec) are inputs.
 * Its code is serialized into the state, so it requires what it uses inside its functions.
 */

export interface BrokersReadyInputs {
  /** The external listener's bootstrap servers, host:port, comma-separated. */
  readonly bootstrapServers: string;
  readonly username: string;
  readonly password: string;
  /** PEM of the CA the listener's certificate chains to; "" for a plaintext listener. */
  readonly caCertificate: string;
  /** Broker ids 0..brokers-1 must all be registered. */
  readonly brokers: number;
  /** The StatefulSet's metadata.uid: a new one means it was replaced and every broker restarted. */
  readonly uid: string;
  /** The StatefulSet's metadata.generation: a new one means pods were rolled or added. */
  readonly generation: number;
  /** How long to wait, in seconds. */
  readonly timeoutSeconds: number;
}

/** What is not ready yet, in words; empty when the cluster is. */
async function notReady(inputs: BrokersReadyInputs): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Kafka, logLevel } = require("kafkajs") as typeof import("kafkajs");
  const kafka = new Kafka({
    clientId: "kg-rca-brokers-ready",
    brokers: inputs.bootstrapServers.split(","),
    ssl: inputs.caCertificate === "" ? false : { ca: [inputs.caCertificate] },
    sasl: { mechanism: "scram-sha-512", username: inputs.username, password: inputs.password },
    connectionTimeout: 5000,
    requestTimeout: 10000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const problems: string[] = [];
    const registered = new Set((await admin.describeCluster()).brokers.map((broker) => broker.nodeId));
    const missing = Array.from({ length: inputs.brokers }, (_, id) => id).filter((id) => !registered.has(id));
    if (missing.length > 0) {
      problems.push(`broker(s) ${missing.join(", ")} not registered`);
    }
    const { topics } = await admin.fetchTopicMetadata();
    for (const topic of topics) {
      for (const partition of topic.partitions) {
        if (partition.leader < 0) {
          problems.push(`${topic.name}/${String(partition.partitionId)} has no leader`);
        } else if (partition.isr.length < partition.replicas.length) {
          problems.push(
            `${topic.name}/${String(partition.partitionId)} has ${String(partition.isr.length)} of ${String(partition.replicas.length)} replicas in sync`,
          );
        }
      }
    }
    return problems;
  } finally {
    await admin.disconnect();
  }
}

async function waitUntilReady(inputs: BrokersReadyInputs): Promise<void> {
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  let last = "not asked yet";
  for (;;) {
    try {
      const problems = await notReady(inputs);
      if (problems.length === 0) {
        return;
      }
      last =
        problems.slice(0, 5).join("; ") + (problems.length > 5 ? ` (and ${String(problems.length - 5)} more)` : "");
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Kafka at ${inputs.bootstrapServers} was not ready after ${String(inputs.timeoutSeconds)} s: ${last}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

export class BrokersReadyProvider implements pulumi.dynamic.ResourceProvider<BrokersReadyInputs, BrokersReadyInputs> {
  diff(_id: string, olds: BrokersReadyInputs, news: BrokersReadyInputs): Promise<pulumi.dynamic.DiffResult> {
    const fields = ["bootstrapServers", "caCertificate", "brokers", "uid", "generation"] as const;
    return Promise.resolve({ changes: fields.some((field) => olds[field] !== news[field]) });
  }

  async create(inputs: BrokersReadyInputs): Promise<pulumi.dynamic.CreateResult<BrokersReadyInputs>> {
    await waitUntilReady(inputs);
    return { id: "brokers-ready", outs: inputs };
  }

  async update(
    _id: string,
    _olds: BrokersReadyInputs,
    news: BrokersReadyInputs,
  ): Promise<pulumi.dynamic.UpdateResult<BrokersReadyInputs>> {
    await waitUntilReady(news);
    return { outs: news };
  }

  /** Nothing exists outside the state. */
  async delete(): Promise<void> {}
}

const brokersReadyProvider = new BrokersReadyProvider();

export class BrokersReady extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: { [K in keyof BrokersReadyInputs]: pulumi.Input<BrokersReadyInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    // The password is a secret in the state like every other input that carries one.
    super(
      brokersReadyProvider,
      name,
      args,
      { ...opts, additionalSecretOutputs: ["password"] },
      dynamicModule,
      dynamicTypeNames.brokersReady,
    );
  }
}
