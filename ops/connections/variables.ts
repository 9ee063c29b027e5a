import { billingUrlVariable } from "../../components/tenants/billingRow";
import { neo4jConnectionVariables } from "../../components/tenants/neo4jDatabase";

/**
 * Where the ops commands find endpoints and credentials: the same variables
 * the engine's dynamic providers and `scripts/local.sh env` use, so one
 * environment serves `pulumi up` and the day-2 commands alike.
 */
export const connectionVariables = {
  billingUrl: billingUrlVariable,
  neo4jUri: neo4jConnectionVariables.uri,
  neo4jUser: neo4jConnectionVariables.user,
  neo4jPassword: neo4jConnectionVariables.password,
  kubeconfig: "KUBECONFIG",
  /** The Kafka super-user's password, as local.sh exports it; the user is the platform's admin. */
  kafkaAdminPassword: "KAFKA_ADMIN_PASSWORD",
  /** Overrides the stack's kg-rca-server:opsPrometheusUrl for one run (e.g. a port-forward). */
  prometheusUrl: "KG_RCA_PROMETHEUS_URL",
} as const;

export type Environment = Readonly<Record<string, string | undefined>>;

/** A variable's value, or an error naming the variable and what it must hold. */
export function required(env: Environment, variable: string, holds: string): string {
  const value = env[variable];
  if (value === undefined || value === "") {
    throw new Error(`${variable} is not set; it must hold ${holds}`);
  }
  return value;
}
