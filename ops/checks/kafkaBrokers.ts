import { openKafkaAdmin } from "../connections/kafka";
import { HealthCheck } from "../context";
import { error, Finding, ok, warning } from "../findings";

export function judgeBrokers(online: readonly number[], configured: number): Finding {
  const figure = `${online.length}/${configured} brokers`;
  if (online.length === 0) {
    return error(figure, "no broker is registered with the cluster");
  }
  if (online.length < configured) {
    return warning(
      figure,
      `fewer brokers online than kg-rca-server:kafkaBrokers (${configured}); online ids: ${[...online].sort((a, b) => a - b).join(", ")}`,
    );
  }
  return ok(figure, `all ${configured} configured brokers are online`);
}

export const kafkaBrokersCheck: HealthCheck = {
  name: "kafka-brokers",
  measures: "brokers registered with the cluster against kg-rca-server:kafkaBrokers",
  run: async (context, scope) => {
    const admin = await openKafkaAdmin(context, scope);
    const cluster = await admin.describeCluster();
    return judgeBrokers(
      cluster.brokers.map((b) => b.nodeId),
      context.config.kafka.brokers,
    );
  },
};
