/**
 * Plans are data: what a client gets is decided here and nowhere else.
 * Changing a client's plan is editing the `plan` word of its registry entry.
 */

/** One topic family: the topic is `<client id>.<kind>.normalized`. */
export interface TopicSpec {
  readonly partitions: number;
  readonly retentionHours: number;
}

export interface Plan {
  readonly topics: Readonly<Record<string, TopicSpec>>;
  /** Kafka client quotas of the client's principal, bytes per second. */
  readonly quotas: { readonly producerByteRate: number; readonly consumerByteRate: number };
  readonly apiRateLimitPerMinute: number;
  /** Range a per-client retention override may take (the guide shortens logs for low-value clients). */
  readonly retentionOverrideHours: { readonly min: number; readonly max: number };
}

const MiB = 1024 * 1024;

export const plans = {
  basic: {
    topics: {
      events: { partitions: 6, retentionHours: 72 },
      logs: { partitions: 3, retentionHours: 24 },
    },
    quotas: { producerByteRate: 1 * MiB, consumerByteRate: 2 * MiB },
    apiRateLimitPerMinute: 600,
    retentionOverrideHours: { min: 6, max: 72 },
  },
  pro: {
    topics: {
      events: { partitions: 12, retentionHours: 168 },
      logs: { partitions: 6, retentionHours: 72 },
    },
    quotas: { producerByteRate: 5 * MiB, consumerByteRate: 10 * MiB },
    apiRateLimitPerMinute: 3000,
    retentionOverrideHours: { min: 6, max: 168 },
  },
  enterprise: {
    topics: {
      events: { partitions: 24, retentionHours: 336 },
      logs: { partitions: 12, retentionHours: 168 },
      traces: { partitions: 12, retentionHours: 72 },
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
