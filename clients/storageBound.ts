/**
 * The most a client's topics can make the Kafka brokers hold, from topic
 * limits and quotas alone. Import-free, so the policy pack, the capacity
 * command and the tests share one arithmetic.
 *
 * Per partition and replica Kafka keeps at most `retention.bytes` plus one
 * segment: the active segment is never deleted, and the oldest closed one
 * goes only while the rest still holds `retention.bytes`. On top of that, a
 * producer keeps writing between two retention checks, and deleted segments
 * stay on disk for `file.delete.delay.ms`: at most its quota for that long.
 */

/** `log.retention.check.interval.ms`: the brokers keep Kafka's default (kafkaSharedProperties sets none). */
export const retentionCheckIntervalMs = 300_000;
/** `file.delete.delay.ms`: Kafka's default, not set on the brokers or the topics. */
export const fileDeleteDelayMs = 60_000;
/**
 * Files beside the segments: offset and time indexes take 20 bytes per 4 KiB
 * of log (about 0.5%), plus leader-epoch and producer-state snapshots.
 * 5% covers them with room to spare.
 */
export const indexHeadroomRatio = 0.05;

export interface TopicLimits {
  readonly partitions: number;
  readonly retentionBytes: number;
  readonly segmentBytes: number;
}

export interface ProducerLimits {
  readonly topics: readonly TopicLimits[];
  /** The client's producer quota, bytes per second (all its topics together). */
  readonly producerByteRate: number;
}

/** One replica of one partition: its retention limit and the one-segment overshoot. */
export function partitionBoundBytes(topic: TopicLimits): number {
  return topic.retentionBytes + topic.segmentBytes;
}

/** One replica of every partition of a topic. */
export function topicBoundBytes(topic: TopicLimits): number {
  return topic.partitions * partitionBoundBytes(topic);
}

/** What a producer at its quota writes before retention catches up with it (per replica). */
export function writesBeforeRetentionBytes(producerByteRate: number): number {
  return (producerByteRate * (retentionCheckIntervalMs + fileDeleteDelayMs)) / 1000;
}

/** A client's bound on the brokers' disks: every replica of every partition, late writes and index files. */
export function clientStorageBoundBytes(client: ProducerLimits, replicationFactor: number): number {
  const perReplica =
    client.topics.reduce((sum, t) => sum + topicBoundBytes(t), 0) + writesBeforeRetentionBytes(client.producerByteRate);
  return perReplica * replicationFactor * (1 + indexHeadroomRatio);
}

/** What the brokers may fill: their volumes up to the ratio where the disk alert fires. */
export function brokerStorageCapacityBytes(brokers: number, volumeBytes: number, usageRatio: number): number {
  return brokers * volumeBytes * usageRatio;
}
