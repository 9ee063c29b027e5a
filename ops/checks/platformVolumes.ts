import { kafkaDataVolume } from "../../components/kafka/kafkaCluster";
import { neo4jDataVolume } from "../../components/neo4j/neo4jCluster";
import { claimName } from "../../components/storage/volumeClaims";
import { StackConfig } from "../../config/types";

/** The StatefulSets index.ts declares for Neo4j and Kafka (their component names). */
export const platformStatefulSets = { neo4j: "neo4j", kafka: "kafka" } as const;

/** The data claims of the Neo4j servers and Kafka brokers the stack declares, by the StatefulSet controller's names. */
export function platformDataClaims(config: StackConfig): string[] {
  const claims = (template: string, statefulSet: string, replicas: number) =>
    Array.from({ length: replicas }, (_, ordinal) => claimName(template, statefulSet, ordinal));
  return [
    ...claims(neo4jDataVolume, platformStatefulSets.neo4j, config.neo4j.servers),
    ...claims(kafkaDataVolume, platformStatefulSets.kafka, config.kafka.brokers),
  ];
}
