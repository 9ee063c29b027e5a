import neo4j, { Driver } from "neo4j-driver";

import { Scope } from "../withTimeout";
import { connectionVariables, Environment, required } from "./variables";

export type Row = Record<string, unknown>;

export interface Neo4jConnection {
  readonly uri: string;
  /** Runs a read query; `database` undefined means the server's default database. */
  read(cypher: string, database?: string): Promise<Row[]>;
}

/** A driver on the cluster from KG_RCA_NEO4J_*, checked with a login, closed with the scope. */
export async function openNeo4j(env: Environment, timeoutMs: number, scope: Scope): Promise<Neo4jConnection> {
  const v = connectionVariables;
  const uri = required(env, v.neo4jUri, "the Bolt URI of the Neo4j cluster, e.g. neo4j://neo4j.kg-rca-server:7687");
  const password = required(env, v.neo4jPassword, "the password of the Neo4j user");
  const user = env[v.neo4jUser] ?? "neo4j";
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
