import { HealthCheck } from "../context";
import { billingCheck } from "./billing";
import { consumerLagCheck } from "./consumerLag";
import { kafkaBrokersCheck } from "./kafkaBrokers";
import { messageRateCheck } from "./messageRate";
import { neo4jCheck } from "./neo4jCluster";
import { rcaAccuracyCheck } from "./rcaAccuracy";
import { volumesCheck } from "./volumes";
import { workloadsCheck } from "./workloads";

/** The morning health check of the operations guide, in its order. */
export const healthChecks: readonly HealthCheck[] = [
  workloadsCheck,
  neo4jCheck,
  kafkaBrokersCheck,
  consumerLagCheck,
  billingCheck,
  volumesCheck,
  rcaAccuracyCheck,
  messageRateCheck,
];
