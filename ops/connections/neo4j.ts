import neo4j, { Driver } from "neo4j-driver";

import { Scope } from "../withTimeout";
import { platformServers, reachPlatformServer, readPlatformSecret, ServerContext } from "./platformServers";
import { connectionVariables, required } from "./variables";

export type Row = Record<string, unknown>;

async function neo4jTarget(
  context: ServerContext,
  scope: Scope,
): Promise<{ uri: string; user: string; password: string }> {
  const v = connectionVariables;
  const env = context.env;
  const uri = env[v.neo4jUri];
  if (uri !== undefined && uri !== "") {
    const password = required(env, v.neo4jPassword, "the password of the Neo4j user");
    return { uri, user: env[v.neo4jUser] ?? "neo4j", password };
  }
  const server = platformServers.neo4j;
  const password = await readPlatformSecret(context, server.secretName, "password");
  const reached = await reachPlatformServer(context, server, scope);
  // Through a port-forward the driver must not route: the routing table names in-cluster addresses.
  const scheme = context.config.network.dataPlaneAccess === "direct" ? "neo4j" : "bolt";
  return { uri: `${scheme}://${reached.host}:${reached.port}`, user: "neo4j", password };
}

export interface Neo4jConnection {
  readonly uri: string;
  /** Runs a read query; `database` undefined means the server's default database. */
  read(cypher: string, database?: string): Promise<Row[]>;
}

/**
 * A driver on the cluster, checked with a login, closed with the scope: KG_RCA_NEO4J_* when the URI
 * is set, else the program's servers (as `dataPlaneAccess` says) with the password of their Secret.
 */
export async function openNeo4j(context: ServerContext, scope: Scope): Promise<Neo4jConnection> {
  const { uri, user, password } = await neo4jTarget(context, scope);
  const timeoutMs = context.timeoutMs;
  const v = connectionVariables;
  const driver: Driver = neo4j.driver(uri, neo4j.auth.basic(user, password), {
    connectionTimeout: timeoutMs,
    connectionAcquisitionTimeout: timeoutMs,
    maxTransactionRetryTime: 0,
    disableLosslessIntegers: true,
  });
  scope.onClose(() => driver.close());
  try {
    await driver.getServerInfo({ database: "system" });
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code === "Neo.ClientError.Security.Unauthorized") {
      throw new Error(`Neo4j at ${uri} refused the credentials of user "${user}" (check ${v.neo4jPassword})`);
    }
    throw new Error(`cannot reach Neo4j at ${uri}: ${e.message}`);
  }
  return {
    uri,
    read: async (cypher, database) => {
      const result = await driver.executeQuery(cypher, {}, { database, routing: neo4j.routing.READ });
      return result.records.map((record) => record.toObject() as Row);
    },
  };
}
