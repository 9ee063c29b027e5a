import { rcaAccuracyExpr } from "../../components/monitoring/metricNames";
import { prometheus, prometheusUrl } from "../connections/prometheus";
import { HealthCheck } from "../context";
import { Finding, ok, warning } from "../findings";

/** The lowest A@3 of any series: the LowRCAAccuracy alert fires on any one below the minimum. */
export function judgeAccuracy(values: readonly number[], minimum: number): Finding {
  if (values.length === 0) {
    return warning("no data", `Prometheus has no ${rcaAccuracyExpr(3)} series: is graph-builder reporting?`);
  }
  const lowest = Math.min(...values);
  const figure = `A@3 ${(lowest * 100).toFixed(1)}%`;
  if (lowest < minimum) {
    return warning(figure, `below ${(minimum * 100).toFixed(1)}% (kg-rca-server:alertRcaAccuracyMin)`);
  }
  return ok(figure, `at or above ${(minimum * 100).toFixed(1)}% (kg-rca-server:alertRcaAccuracyMin)`);
}

export const rcaAccuracyCheck: HealthCheck = {
  name: "rca-accuracy",
  measures: `RCA accuracy ${rcaAccuracyExpr(3)} against kg-rca-server:alertRcaAccuracyMin`,
  run: async (context) => {
    const samples = await prometheus(prometheusUrl(context.config, context.env), context.timeoutMs).query(
      rcaAccuracyExpr(3),
    );
    return judgeAccuracy(
      samples.map((s) => s.value).filter((v) => Number.isFinite(v)),
      context.config.monitoring.alerts.rcaAccuracyMin,
    );
  },
};
