/**
 * Plans are data: what a client gets is decided here and nowhere else.
 * Changing a client's plan is editing the `plan` word of its registry entry.
 */

/**
 * One topic family: the topic is `<client id>.<kind>.normalized`. Both
 * retention limits apply (Kafka deletes a closed segment once either is
 * passed); the byte limit is what bounds the brokers' disks by construction.
 */
export interface TopicSpec {
  readonly partitions: number;
  readonly retentionHours: number;
  /** `retention.bytes`: the size one partition keeps (per replica), closed segments beyond it are deleted. */
  readonly retentionBytesPerPartition: number;
  /**
   * `segment.bytes`: the active segment is never deleted and the oldest closed one goes only once
   * the rest still holds `retention.bytes`, so a partition may exceed its limit by one segment.
   */
  readonly segmentBytes: number;
}

export interface Plan {
  readonly topics: Readonly<Record<string, TopicSpec>>;
  /** Kafka client quotas of the client's principal, bytes per second. */
  readonly quotas: { readonly producerByteRate: number; readonly consumerByteRate: number };
  readonly apiRateLimitPerMinute: number;
  /**
   * Range a per-client retention override may take (the guide shortens logs for low-value clients).
   * Overrides change time only: `retention.bytes` is always the plan's, so no override moves the storage bound.
   */
  readonly retentionOverrideHours: { readonly min: number; readonly max: number };
}

const MiB = 1024 * 1024;

/**
 * Small segments keep the overshoot above `retention.bytes` small; 32 MiB
 * still means few files per partition at these limits (see README, "Clients").
 */
const segmentBytes = 32 * MiB;

export const plans = {
  basic: {
    topics: {
      events: { partitions: 6, retentionHours: 72, retentionBytesPerPartition: 96 * MiB, segmentBytes },
      logs: { partitions: 3, retentionHours: 24, retentionBytesPerPartition: 64 * MiB, segmentBytes },
    },
    quotas: { producerByteRate: 1 * MiB, consumerByteRate: 2 * MiB },
    apiRateLimitPerMinute: 600,
    retentionOverrideHours: { min: 6, max: 72 },
  },
  pro: {
    topics: {
      events: { partitions: 12, retentionHours: 168, retentionBytesPerPartition: 128 * MiB, segmentBytes },
      logs: { partitions: 6, retentionHours: 72, retentionBytesPerPartition: 96 * MiB, segmentBytes },
    },
    quotas: { producerByteRate: 5 * MiB, consumerByteRate: 10 * MiB },
    apiRateLimitPerMinute: 3000,
    retentionOverrideHours: { min: 6, max: 168 },
  },
  enterprise: {
    topics: {
      events: { partitions: 24, retentionHours: 336, retentionBytesPerPartition: 160 * MiB, segmentBytes },
      logs: { partitions: 12, retentionHours: 168, retentionBytesPerPartition: 128 * MiB, segmentBytes },
      traces: { partitions: 12, retentionHours: 72, retentionBytesPerPartition: 96 * MiB, segmentBytes },
    },
    quotas: { producerByteRate: 20 * MiB, consumerByteRate: 40 * MiB },
    apiRateLimitPerMinute: 12000,
    retentionOverrideHours: { min: 6, max: 720 },
  },
} as const satisfies Record<string, Plan>;

export type PlanName = keyof typeof plans;
export const planNames = Object.keys(plans) as PlanName[];

export function planOf(name: PlanName): Plan {
  return plans[name];
}
