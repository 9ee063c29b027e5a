import { labelIs, selector } from "./promql";

/**
 * The one place that spells metric and label names. The alert rules, the
 * dashboards and the day-2 commands (ops/) build their PromQL from this
 * module, so a health check measures what its alert fires on;
 * test/unit/metricNames.test.ts fails on a name spelled anywhere else.
 */
export const metricNames = {
  // The platform's own metrics (graph-builder and kg-api).
  messagesProcessed: "kg_messages_processed_total",
  apiCalls: "kg_api_calls_total",
  clientStorageBytes: "kg_client_storage_bytes",
  /** What each series holds: see consumerLagExpr. */
  consumerLag: "kg_kafka_consumer_lag",
  rcaAccuracyAtK: "kg_rca_accuracy_at_k",
  rcaMeanAverageRank: "kg_rca_mean_average_rank",
  rcaNullConfidenceLinks: "kg_rca_null_confidence_links",
  // Histograms, by base name (their series through histogramBuckets and histogramCount).
  rcaConfidenceScore: "kg_rca_confidence_score",
  rcaComputeTime: "kg_rca_compute_time_seconds",
  messageProcessingDuration: "kg_message_processing_duration_seconds",
  neo4jQueryDuration: "kg_neo4j_query_duration_seconds",
  apiRequestDuration: "kg_api_request_duration_seconds",
  endToEndLatency: "kg_end_to_end_latency_seconds",
  // The Neo4j and Kafka exporters.
  neo4jUp: "neo4j_up",
  kafkaBrokerUp: "kafka_broker_up",
  // Kubernetes: kubelet volume stats, cAdvisor and kube-state-metrics.
  volumeUsedBytes: "kubelet_volume_stats_used_bytes",
  volumeCapacityBytes: "kubelet_volume_stats_capacity_bytes",
  containerCpuSeconds: "container_cpu_usage_seconds_total",
  containerMemoryWorkingSetBytes: "container_memory_working_set_bytes",
  containerResourceLimits: "kube_pod_container_resource_limits",
  containerRestarts: "kube_pod_container_status_restarts_total",
  cronJobLastScheduleTime: "kube_cronjob_status_last_schedule_time",
  cronJobLastSuccessfulTime: "kube_cronjob_status_last_successful_time",
} as const;

/** The labels queries select and group by, and alert annotations print. */
export const metricLabels = {
  /** The client on the platform's own metrics. */
  client: "client_id",
  /** Outcome of a processed message: successStatus or an error. */
  status: "status",
  /** The k of A@k. */
  k: "k",
  /** A histogram bucket's upper bound. */
  le: "le",
  group: "group",
  topic: "topic",
  partition: "partition",
  namespace: "namespace",
  pod: "pod",
  container: "container",
  /** What a container resource limit limits: a value of limitedResources. */
  resource: "resource",
  volumeClaim: "persistentvolumeclaim",
  instance: "instance",
  broker: "broker",
  cronJob: "cronjob",
} as const;

/** The `status` of a message processed without error. */
export const successStatus = "success";

/** The `resource` values of container resource limits. */
export const limitedResources = { cpu: "cpu", memory: "memory" } as const;

/** The cumulative `le` bucket counters of a histogram. */
export function histogramBuckets(histogram: string): string {
  return `${histogram}_bucket`;
}

/** How many observations a histogram has counted. */
export function histogramCount(histogram: string): string {
  return `${histogram}_count`;
}

/** A@k accuracy of the RCA, e.g. A@3. */
export function rcaAccuracyExpr(k: number): string {
  return selector(metricNames.rcaAccuracyAtK, labelIs(metricLabels.k, String(k)));
}

/** Used/capacity of every volume claim in the namespace, a series per claim (label `persistentvolumeclaim`). */
export function volumeUsageRatio(namespace: string): string {
  const inNamespace = labelIs(metricLabels.namespace, namespace);
  return `${selector(metricNames.volumeUsedBytes, inNamespace)} / ${selector(metricNames.volumeCapacityBytes, inNamespace)}`;
}

/** volumeUsageRatio in parentheses, ready for a comparison. */
export function volumeUsageExpr(namespace: string): string {
  return `(${volumeUsageRatio(namespace)})`;
}

/**
 * Lag of one consumer group, a series per partition (labels `group`, `topic`,
 * `partition`): messages the group has still to read there, the partition's
 * end offset minus the group's committed offset, or everything the partition
 * retains where the group never committed. HighConsumerLag fires on any
 * series of the graph-builder's group; the consumer-lag health check
 * computes the same figure from the brokers' offsets and judges the largest.
 */
export function consumerLagExpr(group: string): string {
  return selector(metricNames.consumerLag, labelIs(metricLabels.group, group));
}

/**
 * A series while a CronJob's latest scheduled run has not succeeded: its last
 * schedule time is after its last success, or it never succeeded. True while a
 * run is still going too, so an alert on it holds for longer than a run may take.
 */
export function cronJobNotSucceededExpr(namespace: string, cronJob: string): string {
  const matchers = [labelIs(metricLabels.namespace, namespace), labelIs(metricLabels.cronJob, cronJob)];
  const scheduled = selector(metricNames.cronJobLastScheduleTime, ...matchers);
  const succeeded = selector(metricNames.cronJobLastSuccessfulTime, ...matchers);
  const on = `on(${metricLabels.namespace}, ${metricLabels.cronJob})`;
  return `(${scheduled} > ${on} ${succeeded}) or (${scheduled} unless ${on} ${succeeded})`;
}
