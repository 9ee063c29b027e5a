import { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";

import { kafkaBrokersLabel, resourceTypes } from "../components/resourceKinds";
import type { PlatformKafkaFacts } from "../components/platform/platformGuard";
import { configOf, guardRecords, guardrailConfigSchema, Props } from "./policyTypes";

/** Partition replicas each broker would carry if the stack's topics were spread evenly. */
export function partitionReplicasPerBroker(topics: readonly Props[], brokers: number): number {
  const replicas = topics.reduce((sum, t) => sum + Number(t.partitions) * Number(t.replicationFactor), 0);
  return Math.ceil(replicas / brokers);
}

/** StatefulSets that carry the brokers' label, whatever they are named. */
function brokerStatefulSets(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => {
    const labels = ((r.props as Props).metadata as Props | undefined)?.labels as Props | undefined;
    return r.type === resourceTypes.statefulSet && labels?.[kafkaBrokersLabel.key] === kafkaBrokersLabel.value;
  });
}

/** The broker count the platform guard was given (kg-rca-server:kafkaBrokers); 0 without a guard. */
function declaredBrokers(resources: readonly PolicyResource[]): number {
  const counts = guardRecords(resources)
    .map((record) => Number(record.kafkaBrokers))
    .filter((count) => count > 0);
  return Math.max(0, ...counts);
}

const brokerLabel = `${kafkaBrokersLabel.key}=${kafkaBrokersLabel.value}`;

/** A tenants stack's record of its platform's brokers (on its GuardRecord); undefined in a stack that declares brokers. */
export function platformKafkaOf(resources: readonly PolicyResource[]): PlatformKafkaFacts | undefined {
  const facts = guardRecords(resources)
    .map((record) => record.platformKafka)
    .find((f) => f !== undefined);
  return facts !== undefined && facts.brokers > 0 ? facts : undefined;
}

/** A tenant shard's topics, with the environment's other shards', against its platform's brokers. */
function checkTenantsShard(
  topics: readonly Props[],
  platform: PlatformKafkaFacts,
  ceiling: number,
  reportViolation: (message: string) => void,
): void {
  const replicas =
    topics.reduce((sum, t) => sum + Number(t.partitions) * Number(t.replicationFactor), 0) +
    platform.otherShardsPartitionReplicas;
  const perBroker = Math.ceil(replicas / platform.brokers);
  if (perBroker > ceiling) {
    reportViolation(
      `This shard's ${topics.length} topics and the environment's other shards put ${perBroker} partition replicas on each of its platform's ${platform.brokers} brokers, above the ceiling of ${ceiling}. Raise kg-rca-server:kafkaBrokers on the platform stack to at least ${Math.ceil(replicas / ceiling)}, or move clients to plans with fewer partitions.`,
    );
  }
}

/**
 * Capacity planning as a check: the stack's topics must fit the brokers it
 * declares. A stack with Kafka and no broker StatefulSet fails, so a renamed
 * or missing cluster cannot turn the check off.
 */
export function partitionsPerBroker(enforcementLevel: EnforcementLevel = "mandatory"): StackValidationPolicy {
  return {
    name: "partitions-per-broker",
    description: "Total partition replicas per broker stay under the configured ceiling.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateStack: (args, reportViolation) => {
      const topics = args.resources.filter((r) => r.type === resourceTypes.kafkaTopic).map((r) => r.props as Props);
      const configured = declaredBrokers(args.resources);
      if (topics.length === 0 && configured === 0) {
        return;
      }
      const declares = `The stack declares ${topics.length} Kafka topic(s)${configured > 0 ? ` and kg-rca-server:kafkaBrokers ${configured}` : ""}`;
      const platform = platformKafkaOf(args.resources);
      if (platform !== undefined) {
        checkTenantsShard(topics, platform, configOf(args).maxPartitionReplicasPerBroker, reportViolation);
        return;
      }
      const statefulSets = brokerStatefulSets(args.resources);
      const [statefulSet, ...others] = statefulSets;
      if (statefulSet === undefined || others.length > 0) {
        const found =
          statefulSet === undefined
            ? "no StatefulSet"
            : `${statefulSets.length} StatefulSets (${statefulSets.map((r) => r.name).join(", ")})`;
        reportViolation(
          `${declares}, and ${found} labelled ${brokerLabel}, so partition replicas per broker cannot be checked. Declare the brokers through KafkaCluster, which labels its StatefulSet, once per stack.`,
        );
        return;
      }
      const brokers = Number(((statefulSet.props as Props).spec as Props | undefined)?.replicas);
      if (!(brokers > 0)) {
        reportViolation(
          `${declares}, and its broker StatefulSet ${statefulSet.name} runs no broker (replicas ${String(brokers)}). Set kg-rca-server:kafkaBrokers to at least 1.`,
        );
        return;
      }
      const perBroker = partitionReplicasPerBroker(topics, brokers);
      const ceiling = configOf(args).maxPartitionReplicasPerBroker;
      if (perBroker > ceiling) {
        const needed = Math.ceil((perBroker * brokers) / ceiling);
        reportViolation(
          `${topics.length} topics put ${perBroker} partition replicas on each of ${brokers} brokers, above the ceiling of ${ceiling}. Raise kg-rca-server:kafkaBrokers to at least ${needed}, or move clients to plans with fewer partitions.`,
        );
      }
    },
  };
}
