/**
 * Metric names and expressions shared by the alert rules, the dashboards and
 * the day-2 commands (ops/), so a health check measures what the alert fires on.
 */
export const metricNames = {
  rcaAccuracyAtK: "kg_rca_accuracy_at_k",
  messagesProcessed: "kg_messages_processed_total",
  apiCalls: "kg_api_calls_total",
  volumeUsedBytes: "kubelet_volume_stats_used_bytes",
  volumeCapacityBytes: "kubelet_volume_stats_capacity_bytes",
} as const;

/** The label that names the client on the platform's own metrics. */
export const clientLabel = "client_id";

/** A PromQL label matcher value; PromQL string literals take the same escapes as JSON. */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** A@k accuracy of the RCA, e.g. A@3. */
export function rcaAccuracyExpr(k: number): string {
  return `${metricNames.rcaAccuracyAtK}{k="${k}"}`;
}

/** Used/capacity ratio of every volume claim in the namespace (label `persistentvolumeclaim`). */
export function volumeUsageExpr(namespace: string): string {
  const inNamespace = `namespace=${promqlString(namespace)}`;
  return `(${metricNames.volumeUsedBytes}{${inNamespace}} / ${metricNames.volumeCapacityBytes}{${inNamespace}})`;
}
