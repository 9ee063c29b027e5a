import { PromQueryFormat } from "@grafana/grafana-foundation-sdk/prometheus";

import { AlertThresholds } from "../../config";
import {
  alertSteps,
  barGaugePanel,
  Dashboard,
  dashboard,
  floorSteps,
  gaugePanel,
  labelValuesVariable,
  legendBy,
  query,
  statPanel,
  thresholdLines,
  thresholds,
  timeseriesPanel,
} from "./grafana";
import {
  histogramBuckets,
  histogramCount,
  limitedResources,
  metricLabels as label,
  metricNames as metric,
  rcaAccuracyExpr,
  successStatus,
  volumeUsageRatio,
} from "./metricNames";
import { labelIs, matcher, selector } from "./promql";

export const dashboardUids = {
  serverOverview: "kg-rca-server-overview",
  perClient: "kg-rca-per-client",
  rcaQuality: "kg-rca-rca-quality",
  performance: "kg-rca-performance",
} as const;

/** The Per-Client dashboard's dropdown. */
const clientVariable = "client_id";

/** P50, P95 and P99 of a histogram across all its series over 5 minutes. */
function latencyQuantiles(histogram: string) {
  return [0.5, 0.95, 0.99].map((q) =>
    query(
      `histogram_quantile(${q}, sum by (${label.le}) (rate(${histogramBuckets(histogram)}[5m])))`,
      `P${Math.round(q * 100)}`,
    ),
  );
}

function serverOverview(namespace: string, alerts: AlertThresholds): Dashboard {
  const inNamespace = labelIs(label.namespace, namespace);
  // cAdvisor also reports each pod as a whole, with an empty container label: counted once, not twice.
  const inContainer = matcher(label.container, "!=", "");
  const limit = (resource: string) =>
    `sum(${selector(metric.containerResourceLimits, inNamespace, labelIs(label.resource, resource))})`;
  return dashboard(dashboardUids.serverOverview, "KG RCA - Server Overview", [
    statPanel(
      "Total active clients",
      query(`count(sum by (${label.client}) (increase(${metric.messagesProcessed}[24h])) > 0)`),
    )
      .description("Clients that sent at least one event in the last 24 hours.")
      .unit("none")
      .span(8)
      .height(6),
    statPanel("RCA accuracy (A@3)", query(rcaAccuracyExpr(3)))
      .unit("percentunit")
      .thresholds(thresholds(floorSteps(alerts.rcaAccuracyMin)))
      .span(8)
      .height(6),
    statPanel(
      "Error rate",
      query(
        `sum(rate(${selector(metric.messagesProcessed, matcher(label.status, "!=", successStatus))}[5m]))` +
          ` / sum(rate(${metric.messagesProcessed}[5m]))`,
      ),
    )
      .description("Share of processed messages whose status is not success.")
      .unit("percentunit")
      .thresholds(
        thresholds([
          { color: "green", value: null },
          { color: "orange", value: 0.01 },
          { color: "red", value: 0.05 },
        ]),
      )
      .span(8)
      .height(6),
    timeseriesPanel(
      "Messages processed (rate)",
      query(`sum by (${label.status}) (rate(${metric.messagesProcessed}[5m]))`, legendBy(label.status)),
    ).unit("cps"),
    timeseriesPanel(
      "System resource utilization",
      query(
        `sum(rate(${selector(metric.containerCpuSeconds, inNamespace, inContainer)}[5m])) / ${limit(limitedResources.cpu)}`,
        "CPU",
      ),
      query(
        `sum(${selector(metric.containerMemoryWorkingSetBytes, inNamespace, inContainer)}) / ${limit(limitedResources.memory)}`,
        "Memory",
      ),
      query(`max(${volumeUsageRatio(namespace)})`, "Disk (fullest volume)"),
    )
      .description("CPU and memory of the platform's containers against their limits, and the fullest volume.")
      .unit("percentunit")
      .min(0),
  ]);
}

function perClient(): Dashboard {
  const client = labelIs(label.client, `$${clientVariable}`);
  return dashboard(
    dashboardUids.perClient,
    "KG RCA - Per-Client",
    [
      timeseriesPanel(
        "Events ingested",
        query(
          `sum by (${label.status}) (rate(${selector(metric.messagesProcessed, client)}[5m]))`,
          legendBy(label.status),
        ),
      ).unit("cps"),
      timeseriesPanel(
        "RCA queries executed",
        query(`sum(rate(${selector(histogramCount(metric.rcaComputeTime), client)}[5m])) * 60`, "per minute"),
      ).unit("cpm"),
      statPanel("Storage usage", query(`${selector(metric.clientStorageBytes, client)} / 1024 / 1024 / 1024`)).unit(
        "gbytes",
      ),
      // A 5m window: rate() over 1m has at most one sample at the default 1m scrape interval.
      timeseriesPanel(
        "API call rate",
        query(`sum(rate(${selector(metric.apiCalls, client)}[5m])) * 60`, "calls per minute"),
      ).unit("cpm"),
      timeseriesPanel(
        "Kafka lag per topic",
        query(
          `sum by (${label.topic}) (${selector(metric.consumerLag, matcher(label.topic, "=~", `$${clientVariable}[.].+`))})`,
          legendBy(label.topic),
        ),
      )
        .unit("none")
        .span(24),
    ],
    [labelValuesVariable(clientVariable, "Client", metric.messagesProcessed, label.client)],
  );
}

function rcaQuality(alerts: AlertThresholds): Dashboard {
  const accuracyGauge = (k: number) =>
    gaugePanel(`A@${k} accuracy`, query(rcaAccuracyExpr(k)))
      .unit("percentunit")
      .min(0)
      .max(1)
      // Only A@3 has an agreed floor (the LowRCAAccuracy alert); the others are shown without judgement.
      .thresholds(thresholds(k === 3 ? floorSteps(alerts.rcaAccuracyMin) : [{ color: "blue", value: null }]))
      .span(6)
      .height(6);
  return dashboard(dashboardUids.rcaQuality, "KG RCA - RCA Quality", [
    ...[1, 3, 5, 10].map(accuracyGauge),
    timeseriesPanel("Mean Average Rank (MAR) trend", query(metric.rcaMeanAverageRank, "MAR"))
      .description("Average rank of the true root cause among the suggested causes; lower is better.")
      .unit("none"),
    barGaugePanel(
      "Confidence score distribution",
      // "heatmap" turns the cumulative `le` buckets into per-bucket counts.
      query(
        `sum by (${label.le}) (increase(${histogramBuckets(metric.rcaConfidenceScore)}[$__range]))`,
        legendBy(label.le),
      )
        .instant()
        .format(PromQueryFormat.Heatmap),
    )
      .description("RCA links created over the dashboard's time range, by confidence score bucket.")
      .unit("none"),
    statPanel("Null confidence link count", query(`sum(${metric.rcaNullConfidenceLinks})`))
      .description("POTENTIAL_CAUSE links without a confidence score.")
      .unit("none")
      .thresholds(
        thresholds([
          { color: "green", value: null },
          { color: "orange", value: 1 },
        ]),
      ),
    timeseriesPanel("RCA compute time", ...latencyQuantiles(metric.rcaComputeTime)).unit("s"),
  ]);
}

function performance(alerts: AlertThresholds): Dashboard {
  return dashboard(dashboardUids.performance, "KG RCA - Performance", [
    timeseriesPanel("Message processing latency", ...latencyQuantiles(metric.messageProcessingDuration)).unit("s"),
    timeseriesPanel("Neo4j query duration", ...latencyQuantiles(metric.neo4jQueryDuration)).unit("s"),
    timeseriesPanel("API latency", ...latencyQuantiles(metric.apiRequestDuration)).unit("s"),
    timeseriesPanel(
      "Kafka consumer lag",
      query(`sum by (${label.topic}) (${metric.consumerLag})`, legendBy(label.topic)),
    )
      .unit("none")
      .thresholds(thresholds(alertSteps(alerts.consumerLagMessages)))
      .thresholdsStyle(thresholdLines()),
    timeseriesPanel("End-to-end latency", ...latencyQuantiles(metric.endToEndLatency))
      .description("From an event's timestamp to its RCA links being queryable.")
      .unit("s")
      .span(24),
  ]);
}

/**
 * The guide's four dashboards. Panel thresholds that mirror an alert (A@3
 * floor, consumer lag) come from the same AlertThresholds as the rules.
 */
export function grafanaDashboards(namespace: string, alerts: AlertThresholds): Dashboard[] {
  return [serverOverview(namespace, alerts), perClient(), rcaQuality(alerts), performance(alerts)];
}
