import { metricLabels, volumeUsageExpr } from "../../components/monitoring/metricNames";
import { prometheus, prometheusUrl } from "../connections/prometheus";
import { HealthCheck } from "../context";
import { error, Finding, ok, warning } from "../findings";
import { platformDataClaims } from "./platformVolumes";

export interface VolumeUsage {
  readonly claim: string;
  readonly ratio: number;
}

export interface VolumeThresholds {
  /** Above this ratio (the DiskSpaceHigh alert's threshold) a volume is a warning. */
  readonly warningAbove: number;
  /** From this ratio a volume is an error. */
  readonly errorFrom: number;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function judgeVolumes(
  usage: readonly VolumeUsage[],
  expectedClaims: readonly string[],
  thresholds: VolumeThresholds,
): Finding {
  const measured = usage.filter((u) => expectedClaims.includes(u.claim)).sort((a, b) => b.ratio - a.ratio);
  const unmeasured = expectedClaims.filter((claim) => !measured.some((u) => u.claim === claim));
  const fullest = measured[0];
  if (fullest === undefined) {
    return warning("no data", `Prometheus has no volume stats for ${expectedClaims.join(", ")}`);
  }
  const figure = `fullest ${fullest.claim} ${percent(fullest.ratio)}`;
  const list = (filter: (u: VolumeUsage) => boolean) =>
    measured
      .filter(filter)
      .map((u) => `${u.claim} ${percent(u.ratio)}`)
      .join(", ");
  if (fullest.ratio >= thresholds.errorFrom) {
    return error(
      figure,
      `at or above ${percent(thresholds.errorFrom)} (kg-rca-server:opsVolumeUsageErrorRatio): ${list((u) => u.ratio >= thresholds.errorFrom)}`,
    );
  }
  if (fullest.ratio > thresholds.warningAbove) {
    return warning(
      figure,
      `above ${percent(thresholds.warningAbove)} (kg-rca-server:alertDiskUsageRatio): ${list((u) => u.ratio > thresholds.warningAbove)}`,
    );
  }
  if (unmeasured.length > 0) {
    return warning(figure, `no volume stats for ${unmeasured.join(", ")}`);
  }
  return ok(figure, `all ${measured.length} Neo4j and Kafka volumes at or below ${percent(thresholds.warningAbove)}`);
}

export const volumesCheck: HealthCheck = {
  name: "volumes",
  measures: "used/capacity of the Neo4j and Kafka data volumes (kubelet volume stats in Prometheus)",
  run: async (context) => {
    const { config } = context;
    const samples = await prometheus(prometheusUrl(config, context.env), context.timeoutMs).query(
      volumeUsageExpr(config.namespace),
    );
    const usage = samples.map((s) => ({ claim: s.labels[metricLabels.volumeClaim] ?? "", ratio: s.value }));
    return judgeVolumes(usage, platformDataClaims(config), {
      warningAbove: config.monitoring.alerts.diskUsageRatio,
      errorFrom: config.ops.volumeUsageErrorRatio,
    });
  },
};
