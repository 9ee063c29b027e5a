import { planOf } from "../../clients/plans";
import { topicName } from "../../clients/naming";
import { isLive } from "../../clients/lifecycle";
import { consumerLagExpr } from "../../components/monitoring/metricNames";
import { graphBuilderConsumerGroup } from "../../components/workloads/graphBuilder";
import { openKafkaAdmin } from "../connections/kafka";
import { topicOffsets } from "../connections/topicOffsets";
import { HealthCheck } from "../context";
import { error, Finding, ok, warning } from "../findings";

export interface PartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  readonly low: number;
  readonly high: number;
  /** The group's committed offset; -1 when it never committed on this partition. */
  readonly committed: number;
}

/**
 * Messages the group has still to read on a partition; without a commit,
 * everything the partition retains. The same figure as a series of
 * consumerLagExpr, the metric HighConsumerLag fires on.
 */
export function partitionLag(p: PartitionOffsets): number {
  return p.committed < 0 ? p.high - p.low : Math.max(0, p.high - p.committed);
}

export interface LagThresholds {
  readonly warning: number;
  readonly critical: number;
}

export function judgeLag(
  partitions: readonly PartitionOffsets[],
  missingTopics: readonly string[],
  thresholds: LagThresholds,
): Finding {
  const worst = partitions.reduce<PartitionOffsets | undefined>(
    (max, p) => (max === undefined || partitionLag(p) > partitionLag(max) ? p : max),
    undefined,
  );
  const lag = worst === undefined ? 0 : partitionLag(worst);
  const where = worst === undefined ? "" : ` (${worst.topic}[${worst.partition}])`;
  const figure = `max lag ${lag}${where}`;
  const over = `group ${graphBuilderConsumerGroup} over ${partitions.length} partitions`;
  if (lag >= thresholds.critical) {
    return error(
      figure,
      `${over}: at or above the critical threshold ${thresholds.critical} (kg-rca-server:opsConsumerLagCritical)`,
    );
  }
  if (lag >= thresholds.warning) {
    return warning(
      figure,
      `${over}: at or above the warning threshold ${thresholds.warning} (kg-rca-server:opsConsumerLagWarning)`,
    );
  }
  if (missingTopics.length > 0) {
    return warning(figure, `topics of the registry missing on the brokers: ${missingTopics.join(", ")}`);
  }
  return ok(figure, `${over}: below the warning threshold ${thresholds.warning}`);
}

export const consumerLagCheck: HealthCheck = {
  name: "consumer-lag",
  measures: `largest per-partition lag of group ${graphBuilderConsumerGroup} over every live client's topics (end offset minus committed offset), as ${consumerLagExpr(graphBuilderConsumerGroup)} reports it to HighConsumerLag`,
  run: async (context, scope) => {
    const admin = await openKafkaAdmin(context, scope);
    const expected = context.clients
      .filter((c) => isLive(c.status))
      .flatMap((c) => Object.keys(planOf(c.plan).topics).map((kind) => topicName(c.id, kind)));
    const existing = new Set(await admin.listTopics());
    const topics = expected.filter((t) => existing.has(t));
    const committed = new Map<string, number>();
    if (topics.length > 0) {
      for (const t of await admin.fetchOffsets({ groupId: graphBuilderConsumerGroup, topics })) {
        for (const p of t.partitions) {
          committed.set(`${t.topic}/${p.partition}`, Number(p.offset));
        }
      }
    }
    const partitions = (
      await Promise.all(
        topics.map(async (topic) =>
          (await topicOffsets(admin, topic)).map((p) => ({
            topic,
            partition: p.partition,
            low: Number(p.low),
            high: Number(p.high),
            committed: committed.get(`${topic}/${p.partition}`) ?? -1,
          })),
        ),
      )
    ).flat();
    return judgeLag(
      partitions,
      expected.filter((t) => !existing.has(t)),
      context.config.ops.consumerLag,
    );
  },
};
