import { metricLabels, metricNames, successStatus } from "../../components/monitoring/metricNames";
import { labelIs, selector } from "../../components/monitoring/promql";
import { prometheus, prometheusUrl } from "../connections/prometheus";
import { HealthCheck } from "../context";
import { Finding, ok, warning } from "../findings";

export const messageRateExpr = `sum(rate(${selector(metricNames.messagesProcessed, labelIs(metricLabels.status, successStatus))}[1h]))`;

/** Messages processed successfully per second over the last hour; none at all means the pipeline stands still. */
export function judgeMessageRate(perSecond: number | undefined): Finding {
  if (perSecond === undefined) {
    return warning("no data", `Prometheus has no ${metricNames.messagesProcessed} series in the last hour`);
  }
  const figure = `${perSecond.toFixed(1)} msg/s`;
  if (perSecond <= 0) {
    return warning(figure, "no message processed successfully in the last hour");
  }
  return ok(figure, "successfully processed messages per second, averaged over the last hour");
}

export const messageRateCheck: HealthCheck = {
  name: "message-rate",
  measures: `${messageRateExpr}: messages processed successfully per second over the last hour`,
  run: async (context) => {
    const samples = await prometheus(prometheusUrl(context.config, context.env), context.timeoutMs).query(
      messageRateExpr,
    );
    return judgeMessageRate(samples[0]?.value);
  },
};
