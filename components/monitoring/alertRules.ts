import * as yaml from "js-yaml";

import { AlertThresholds } from "../../config";
import { restoreDrillCronJobName, restoreDrillDeadlineSeconds } from "../backups/backupJobs";
import { graphBuilderConsumerGroup } from "../workloads/graphBuilder";
import {
  consumerLagExpr,
  cronJobNotSucceededExpr,
  metricLabels,
  metricNames,
  rcaAccuracyExpr,
  volumeUsageExpr,
} from "./metricNames";
import { labelIs, selector } from "./promql";

/** One Prometheus alerting rule, in the shape of a rules file and of a PrometheusRule's spec. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** Absent when the alert fires on the first evaluation that matches. */
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval: string;
  readonly rules: readonly AlertRule[];
}

export const alertRuleGroupName = "server-critical";
export const alertRuleGroupInterval = "30s";

const durationUnits: Record<string, { readonly seconds: number; readonly word: string }> = {
  ms: { seconds: 0.001, word: "millisecond" },
  s: { seconds: 1, word: "second" },
  m: { seconds: 60, word: "minute" },
  h: { seconds: 3600, word: "hour" },
  d: { seconds: 86400, word: "day" },
  w: { seconds: 604800, word: "week" },
  y: { seconds: 31536000, word: "year" },
};

function durationParts(duration: string): { readonly amount: number; readonly unit: string }[] {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(duration)) {
    throw new Error(`"${duration}" is not a Prometheus duration such as "30s", "5m" or "1h30m"`);
  }
  return [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)].map((m) => ({ amount: Number(m[1]), unit: m[2] ?? "" }));
}

/** Seconds in a Prometheus duration such as "1h30m". */
export function durationSeconds(duration: string): number {
  return durationParts(duration).reduce((sum, p) => sum + p.amount * (durationUnits[p.unit]?.seconds ?? 0), 0);
}

/** "2m" as "2 minutes", "1h30m" as "1 hour 30 minutes", for annotation text. */
export function durationWords(duration: string): string {
  return durationParts(duration)
    .filter((p) => p.amount > 0)
    .map((p) => `${p.amount} ${durationUnits[p.unit]?.word ?? p.unit}${p.amount === 1 ? "" : "s"}`)
    .join(" ");
}

/** The `for` field of a rule: Prometheus treats a missing `for` as zero, so "0m" is left out. */
function holdFor(duration: string): { readonly for?: string } {
  return durationSeconds(duration) === 0 ? {} : { for: duration };
}

/** A label of the alerting series, as annotation text. */
function labelValue(label: string): string {
  return `{{ $labels.${label} }}`;
}

/** Longer than a drill may run (its job's deadline) plus time for kube-state-metrics to see the outcome. */
export const restoreDrillFailedFor = `${restoreDrillDeadlineSeconds / 60 + 30}m`;

/**
 * The guide's six alerts and the restore drill's, with thresholds and hold times from the stack
 * config. Kubernetes metrics are scoped to the platform namespace, and
 * consumer lag to the graph-builder's group, so other tenants' pods, volumes
 * and consumers in the cluster do not page this team.
 */
export function alertRuleGroups(alerts: AlertThresholds, namespace: string): RuleGroup[] {
  const inNamespace = labelIs(metricLabels.namespace, namespace);
  const neo4jDownWords = durationWords(alerts.neo4jDownFor);
  return [
    {
      name: alertRuleGroupName,
      interval: alertRuleGroupInterval,
      rules: [
        {
          alert: "Neo4jDown",
          expr: `${metricNames.neo4jUp} == 0`,
          ...holdFor(alerts.neo4jDownFor),
          labels: { severity: "critical" },
          annotations: {
            summary: `Neo4j instance ${labelValue(metricLabels.instance)} is down`,
            description:
              neo4jDownWords === "" ? "Neo4j is down" : `Neo4j has been down for more than ${neo4jDownWords}`,
          },
        },
        {
          alert: "KafkaBrokerDown",
          expr: `${metricNames.kafkaBrokerUp} == 0`,
          ...holdFor(alerts.kafkaBrokerDownFor),
          labels: { severity: "critical" },
          annotations: { summary: `Kafka broker ${labelValue(metricLabels.broker)} is down` },
        },
        {
          alert: "HighConsumerLag",
          expr: `${consumerLagExpr(graphBuilderConsumerGroup)} > ${alerts.consumerLagMessages}`,
          ...holdFor(alerts.consumerLagFor),
          labels: { severity: "warning" },
          annotations: {
            summary: `High consumer lag on ${labelValue(metricLabels.topic)}`,
            description: "Lag: {{ $value }} messages",
          },
        },
        {
          alert: "LowRCAAccuracy",
          expr: `${rcaAccuracyExpr(3)} < ${alerts.rcaAccuracyMin}`,
          ...holdFor(alerts.rcaAccuracyFor),
          labels: { severity: "warning" },
          annotations: {
            summary: "RCA accuracy below threshold",
            description: "A@3 accuracy: {{ $value }}",
          },
        },
        {
          alert: "DiskSpaceHigh",
          expr: `${volumeUsageExpr(namespace)} > ${alerts.diskUsageRatio}`,
          ...holdFor(alerts.diskUsageFor),
          labels: { severity: "warning" },
          annotations: {
            summary: `Disk usage high on ${labelValue(metricLabels.volumeClaim)}`,
            description: "{{ $value | humanizePercentage }} used",
          },
        },
        {
          alert: "PodRestartingFrequently",
          // increase(), not the guide's rate(): rate() is per second and would need 5 restarts every second.
          expr: `increase(${selector(metricNames.containerRestarts, inNamespace)}[1h]) > ${alerts.podRestartsPerHour}`,
          ...holdFor(alerts.podRestartsFor),
          labels: { severity: "warning" },
          annotations: { summary: `Pod ${labelValue(metricLabels.pod)} restarting frequently` },
        },
        {
          alert: "BackupRestoreDrillFailed",
          // The drill's exit code is its result; kube-state-metrics carries the CronJob's last success.
          expr: cronJobNotSucceededExpr(namespace, restoreDrillCronJobName),
          for: restoreDrillFailedFor,
          labels: { severity: "critical" },
          annotations: {
            summary: "The PostgreSQL restore drill has not passed since its last scheduled run",
            description: `The newest billing dump could not be restored and checked: see the logs of the latest job of CronJob ${restoreDrillCronJobName} in ${namespace}`,
          },
        },
      ],
    },
  ];
}

/** The Prometheus rules file (`rule_files:` entry) holding the groups. */
export function renderRulesYaml(groups: readonly RuleGroup[]): string {
  const header =
    "# Generated by Pulumi from components/monitoring/alertRules.ts: edit the stack config, not this file.\n";
  return header + yaml.dump({ groups }, { lineWidth: -1, noRefs: true, quotingType: '"' });
}
