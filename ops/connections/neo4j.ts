import * as fs from "fs";
import neo4j, { Driver } from "neo4j-driver";
import * as os from "os";
import * as path from "path";

import { Scope } from "../withTimeout";
import { platformServers, reachPlatformServer, readPlatformSecret, ServerContext } from "./platformServers";
import { connectionVariables, required } from "./variables";

export type Row = Record<string, unknown>;

interface Neo4jTarget {
  readonly uri: string;
  readonly user: string;
  readonly password: string;
  /** A file with the CA to verify the servers with (the platform's Bolt takes TLS only). */
  readonly caFile?: string;
}

async function neo4jTarget(context: ServerContext, scope: Scope): Promise<Neo4jTarget> {
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
  const forwarded = context.config.network.dataPlaneAccess === "port-forward";
  // Through a port-forward the driver must not route (the routing table names in-cluster
  // addresses), and the certificate is checked for localhost, the name a port-forward has.
  const ca = context.config.tls.caCertificate;
  return {
    uri: forwarded ? `bolt://localhost:${reached.port}` : `neo4j://${reached.host}:${reached.port}`,
    user: "neo4j",
    password,
    caFile: ca === "" ? undefined : caFileFor(ca, scope),
  };
}

/** The driver reads trusted certificates from files only: the CA in a private temporary file, removed with the scope. */
function caFileFor(ca: string, scope: Scope): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-ops-ca-"));
  scope.onClose(() => fs.promises.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "ca.crt");
  fs.writeFileSync(file, ca, { mode: 0o600 });
  return file;
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
  const { uri, user, password, caFile } = await neo4jTarget(context, scope);
  const timeoutMs = context.timeoutMs;
  const v = connectionVariables;
  const driver: Driver = neo4j.driver(uri, neo4j.auth.basic(user, password), {
    connectionTimeout: timeoutMs,
    connectionAcquisitionTimeout: timeoutMs,
    maxTransactionRetryTime: 0,
    disableLosslessIntegers: true,
    ...(caFile === undefined
      ? {}
      : { encrypted: "ENCRYPTION_ON", trust: "TRUST_CUSTOM_CA_SIGNED_CERTIFICATES", trustedCertificates: [caFile] }),
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
