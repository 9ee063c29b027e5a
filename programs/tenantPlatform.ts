/**
 * What a platform stack exports for its tenants stacks, and nothing more: the tenants stacks take
 * every name, address and setting from here (a stack reference), never by deriving them again
 * from config of their own. The admin password is a separate, secret output.
 */
import { TenantKafkaConnection } from "../components/tenants/clientTenant";
import { BillingConnection } from "../components/tenants/billingRow";
import { Neo4jEndpoint } from "../components/tenants/neo4jDatabase";

export const tenantPlatformOutput = "tenantPlatform";
export const kafkaAdminPasswordOutput = "kafkaAdminPassword";

export interface TenantPlatform {
  readonly environment: string;
  /** Namespace of the clients' credential Secrets (the platform's). */
  readonly namespace: string;
  /** The environment's registry (a name in clients/registry.ts or file:PATH.json). */
  readonly clientRegistry: string;
  /** The environment's shard count, fixed when it was created. */
  readonly tenantShards: number;
  readonly tenantDatabases: boolean;
  readonly kafka: {
    /** The admin listener the engine's kafka provider dials, host:port, comma-separated. */
    readonly adminBootstrapServers: string;
    readonly adminUser: string;
    readonly tlsEnabled: boolean;
    /** PEM of the CA the listener's certificate chains to; "" with plaintext listeners. */
    readonly caCertificate: string;
    readonly replicationFactor: number;
    readonly minInsyncReplicas: number;
    readonly graphBuilderPrincipal: string;
    /** Running brokers and the bytes of their volumes, for the policy pack's bounds. */
    readonly brokers: number;
    readonly brokerVolumeBytes: number;
    readonly diskUsageRatio: number;
  };
  /** Written into each client's credentials Secret. */
  readonly kafkaConnection: TenantKafkaConnection;
  readonly billingConnection: BillingConnection;
  readonly neo4jConnection: Neo4jEndpoint;
}

type Shape = "string" | "number" | "boolean" | { readonly [field: string]: Shape };

/** The contract's shape, checked field by field on what a stack reference returns. */
const shape: { readonly [field: string]: Shape } = {
  environment: "string",
  namespace: "string",
  clientRegistry: "string",
  tenantShards: "number",
  tenantDatabases: "boolean",
  kafka: {
    adminBootstrapServers: "string",
    adminUser: "string",
    tlsEnabled: "boolean",
    caCertificate: "string",
    replicationFactor: "number",
    minInsyncReplicas: "number",
    graphBuilderPrincipal: "string",
    brokers: "number",
    brokerVolumeBytes: "number",
    diskUsageRatio: "number",
  },
  kafkaConnection: { bootstrapServers: "string", securityProtocol: "string", caCertificate: "string" },
  billingConnection: {
    namespace: "string",
    service: "string",
    pod: "string",
    port: "number",
    access: "string",
    database: "string",
    secretName: "string",
  },
  neo4jConnection: {
    namespace: "string",
    service: "string",
    pod: "string",
    port: "number",
    access: "string",
    secretName: "string",
  },
};

function mismatches(value: unknown, expected: Shape, at: string): string[] {
  if (typeof expected === "string") {
    return typeof value === expected
      ? []
      : [`${at} is ${value === undefined ? "missing" : typeof value}, not a ${expected}`];
  }
  if (typeof value !== "object" || value === null) {
    return [`${at} is ${value === undefined ? "missing" : typeof value}, not an object`];
  }
  const record = value as Record<string, unknown>;
  return Object.entries(expected).flatMap(([field, inner]) => mismatches(record[field], inner, `${at}.${field}`));
}

/**
 * The platform's output as a tenants stack reads it, or an error naming the platform stack, each
 * field that is wrong, and what to do: a platform stack that has not been updated since the
 * layout existed has no such output yet.
 */
export function parseTenantPlatform(value: unknown, platformStack: string): TenantPlatform {
  const where = `kg-rca-server:platformStack: stack "${platformStack}"`;
  if (value === undefined) {
    throw new Error(
      `${where} has no output "${tenantPlatformOutput}". Update the platform stack first (npm run fleet -- up --env ENV runs it before the tenants stacks), or correct the reference.`,
    );
  }
  const problems = mismatches(value, shape, tenantPlatformOutput);
  if (problems.length > 0) {
    throw new Error(
      `${where}: its "${tenantPlatformOutput}" output does not hold what a tenants stack needs: ${problems.join("; ")}. Update the platform stack with this version of the program first.`,
    );
  }
  return value as TenantPlatform;
}
