import { KafkaConfig } from "./types";

/**
 * The listed drained brokers that still run (ids below the broker count), in
 * order: the ones a rebalance must empty. Ids at or above the count name
 * brokers already removed, kept in the list until their claims go.
 */
export function drainingBrokers(kafka: Pick<KafkaConfig, "brokers" | "drainedBrokers">): number[] {
  return kafka.drainedBrokers.filter((id) => id < kafka.brokers).sort((a, b) => a - b);
}
