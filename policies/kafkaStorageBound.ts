import { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";

import {
  brokerStorageCapacityBytes,
  clientStorageBoundBytes,
  fileDeleteDelayMs,
  indexHeadroomRatio,
  retentionCheckIntervalMs,
  TopicLimits,
} from "../clients/storageBound";
import { formatBytes } from "../config/byteUnits";
import { parseQuantity } from "../config/quantity";
import { clientOf, kafkaBrokersLabel, resourceTypes } from "../components/resourceKinds";
import { platformKafkaOf } from "./partitionsPerBroker";
import { guardRecords, Props } from "./policyTypes";

/** One client's share of the bound, for the message. */
export interface ClientShare {
  readonly client: string;
  readonly plan: string;
  readonly bytes: number;
}

const writeWindowSeconds = (retentionCheckIntervalMs + fileDeleteDelayMs) / 1000;
const unowned = "(no client)";
/** Pulumi.yaml's default of alertDiskUsageRatio, for a stack whose guard does not record it. */
const defaultDiskUsageRatio = 0.9;

function positive(value: unknown): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function stackOf(resources: readonly PolicyResource[]): string {
  return /^urn:pulumi:([^:]+)::/.exec(resources[0]?.urn ?? "")?.[1] ?? "(unknown)";
}

function ofType(resources: readonly PolicyResource[], type: string): Props[] {
  return resources.filter((r) => r.type === type).map((r) => r.props as Props);
}

function requestedStorage(claim: Props): unknown {
  const resources = (claim.spec as Props | undefined)?.resources as Props | undefined;
  return (resources?.requests as Props | undefined)?.storage;
}

/** The brokers' StatefulSet (by label) and the size of the claims its running brokers mount. */
function brokerVolumes(resources: readonly PolicyResource[]): { brokers: number; bytes: number } | undefined {
  const statefulSets = resources.filter((r) => {
    const labels = ((r.props as Props).metadata as Props | undefined)?.labels as Props | undefined;
    return r.type === resourceTypes.statefulSet && labels?.[kafkaBrokersLabel.key] === kafkaBrokersLabel.value;
  });
  const [statefulSet] = statefulSets;
  if (statefulSet === undefined || statefulSets.length > 1) {
    return undefined;
  }
  const props = statefulSet.props as Props;
  const name = String((props.metadata as Props | undefined)?.name);
  const brokers = Number((props.spec as Props | undefined)?.replicas);
  // Claims `<template>-<statefulset>-<ordinal>`: those of brokers that run (drained ones above replicas do not count).
  const claim = new RegExp(`^[a-z0-9-]+-${name}-(\\d+)$`);
  const bytes = ofType(resources, resourceTypes.pvc)
    .filter((c) => Number(claim.exec(String((c.metadata as Props | undefined)?.name))?.[1] ?? Infinity) < brokers)
    .reduce((sum, c) => sum + (parseQuantity(String(requestedStorage(c))) ?? 0), 0);
  return { brokers, bytes };
}

/**
 * The stack's Kafka storage bound, client by client (clients/storageBound.ts):
 * each declared topic's partitions × (retention.bytes + segment.bytes), the
 * client's producer quota over the retention check and delete delay, times
 * the topic's replication, plus index files. Problems are topics or clients
 * whose size is not bounded at all.
 */
export function declaredStorage(resources: readonly PolicyResource[]): { shares: ClientShare[]; problems: string[] } {
  const ids = guardRecords(resources).flatMap((record) => Object.keys(record.clients ?? {}));
  const plans = new Map(ofType(resources, resourceTypes.billingRow).map((r) => [String(r.clientId), String(r.plan)]));
  const rates = new Map(
    ofType(resources, resourceTypes.kafkaQuota).map((q) => [
      String(q.entityName),
      positive((q.config as Props | undefined)?.producer_byte_rate),
    ]),
  );
  const problems: string[] = [];
  const topicsByClient = new Map<string, { limits: TopicLimits; replicas: number }[]>();
  for (const topic of ofType(resources, resourceTypes.kafkaTopic)) {
    const config = (topic.config ?? {}) as Props;
    const retentionBytes = positive(config["retention.bytes"]);
    const segmentBytes = positive(config["segment.bytes"]);
    if (retentionBytes === undefined || segmentBytes === undefined) {
      problems.push(
        `Topic ${String(topic.name)} has retention.bytes ${String(config["retention.bytes"] ?? "unset")} and segment.bytes ${String(config["segment.bytes"] ?? "unset")}: its size is not bounded. Declare topics through ClientTenant, which sets both from the client's plan.`,
      );
      continue;
    }
    const client = clientOf(resourceTypes.kafkaTopic, topic, ids) ?? unowned;
    const entry = {
      limits: { partitions: Number(topic.partitions), retentionBytes, segmentBytes },
      replicas: Number(topic.replicationFactor),
    };
    topicsByClient.set(client, [...(topicsByClient.get(client) ?? []), entry]);
  }
  const shares: ClientShare[] = [];
  for (const [client, topics] of topicsByClient) {
    const rate = rates.get(client);
    if (client !== unowned && rate === undefined) {
      problems.push(
        `Client ${client} has topics but no producer_byte_rate quota: what it writes between retention checks is not bounded. Declare clients through ClientTenant, which sets the plan's quota.`,
      );
    }
    // Each topic at its own replication; the quota's late writes at the largest.
    const bytes =
      topics.reduce(
        (sum, t) => sum + clientStorageBoundBytes({ topics: [t.limits], producerByteRate: 0 }, t.replicas),
        0,
      ) +
      clientStorageBoundBytes({ topics: [], producerByteRate: rate ?? 0 }, Math.max(...topics.map((t) => t.replicas)));
    shares.push({ client, plan: plans.get(client) ?? "no plan", bytes });
  }
  return { shares: shares.sort((a, b) => b.bytes - a.bytes), problems };
}

function largest(shares: readonly ClientShare[]): string {
  const byPlan = new Map<string, { clients: number; bytes: number }>();
  for (const s of shares) {
    const p = byPlan.get(s.plan) ?? { clients: 0, bytes: 0 };
    byPlan.set(s.plan, { clients: p.clients + 1, bytes: p.bytes + s.bytes });
  }
  const plans = [...byPlan.entries()]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .map(([plan, p]) => `${plan} ${formatBytes(p.bytes)} (${p.clients} client${p.clients === 1 ? "" : "s"})`);
  const clients = shares.slice(0, 3).map((s) => `${s.client} (${s.plan}) ${formatBytes(s.bytes)}`);
  return `By plan: ${plans.join(", ")}. Largest clients: ${clients.join(", ")}.`;
}

/**
 * Capacity as a check: what the stack's topics can hold, by construction,
 * fits the brokers' volumes below the disk alert. Partition counts are
 * partitions-per-broker's, against the same ceiling the capacity command reads.
 */
export function kafkaStorageBound(enforcementLevel: EnforcementLevel = "mandatory"): StackValidationPolicy {
  return {
    name: "kafka-storage-bound",
    description:
      "The Kafka storage bound (partitions × (retention.bytes + segment.bytes) × replication, quotas, index files) fits the brokers' volumes below the disk alert.",
    enforcementLevel,
    validateStack: (args, reportViolation) => {
      const { shares, problems } = declaredStorage(args.resources);
      for (const problem of problems) {
        reportViolation(problem);
      }
      // A tenants stack checks its shard, plus the environment's other shards, against its platform's brokers.
      const platform = platformKafkaOf(args.resources);
      const volumes =
        platform === undefined
          ? brokerVolumes(args.resources)
          : { brokers: platform.brokers, bytes: platform.volumeBytes };
      const others = platform?.otherShardsBoundBytes ?? 0;
      if (shares.length === 0 || volumes === undefined) {
        // No topics, or no (single) broker StatefulSet: partitions-per-broker reports the latter.
        return;
      }
      const recorded = Number(guardRecords(args.resources)[0]?.kafkaDiskUsageRatio);
      const ratio = recorded > 0 && recorded <= 1 ? recorded : defaultDiskUsageRatio;
      const capacity = brokerStorageCapacityBytes(1, volumes.bytes, ratio);
      const total = shares.reduce((sum, s) => sum + s.bytes, 0) + others;
      if (total > capacity) {
        const scope = platform === undefined ? "" : ` with the other shards' ${formatBytes(others)}`;
        reportViolation(
          `Stack ${stackOf(args.resources)}: the Kafka storage bound of ${shares.length} client(s)${scope} is ${formatBytes(total)} (partitions × (retention.bytes + segment.bytes), quota × ${writeWindowSeconds} s, × replication, + ${indexHeadroomRatio * 100}% index files), above the ${formatBytes(capacity)} the brokers hold (${volumes.brokers} brokers' volumes, ${formatBytes(volumes.bytes)}, up to the disk alert's ratio ${ratio}). ${largest(shares)} Lower the plans' retention.bytes, or raise kg-rca-server:kafkaVolumeSize or kafkaBrokers.`,
        );
      }
    },
  };
}
