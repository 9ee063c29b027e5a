import * as pulumi from "@pulumi/pulumi";

import { dynamicModule, dynamicTypeNames } from "../resourceKinds";
import { ClusterEndpoint, openClusterEndpoint, sameConnection } from "./clusterEndpoint";
import { readClusterConfigMap, readClusterSecret } from "./clusterSecret";

/**
 * One client's Neo4j database, as a dynamic resource.
 *
 * Serialized into the state, so self-contained: the driver is created inside
 * each method and the connection is found at run time, never from a credential
 * among the inputs: the environment's cluster (KG_RCA_NEO4J_URI,
 * KG_RCA_NEO4J_USER, KG_RCA_NEO4J_PASSWORD) when set, otherwise the servers the
 * program runs, through a port-forward or at their Service (`dataPlaneAccess`),
 * with the password read from their Secret through the engine's kubeconfig.
 * Deleting drops the database with `DUMP DATA`: Neo4j writes a final dump to
 * its dumps directory before the store is removed.
 */

export const neo4jConnectionVariables = {
  uri: "KG_RCA_NEO4J_URI",
  user: "KG_RCA_NEO4J_USER",
  password: "KG_RCA_NEO4J_PASSWORD",
} as const;

export interface Neo4jDatabaseInputs {
  readonly databaseName: string;
  /** The program's servers; unused when KG_RCA_NEO4J_URI is set. Not part of the database. */
  readonly connection?: Neo4jEndpoint;
}

type Props = Neo4jDatabaseInputs;

const databaseNamePattern = /^[a-z][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A database name in backticks, refused unless it is a valid Neo4j 5 name (so nothing can be injected). */
export function quotedDatabaseName(name: string): string {
  if (!databaseNamePattern.test(name) || name.includes("..")) {
    throw new Error(
      `"${name}" is not a valid Neo4j database name: 3-63 lowercase ASCII letters, digits, '.' and '-', starting with a letter and not ending with '.' or '-'`,
    );
  }
  return `\`${name}\``;
}

export function createDatabaseCypher(name: string): string {
  return `CREATE DATABASE ${quotedDatabaseName(name)} IF NOT EXISTS WAIT 300 SECONDS`;
}

export function dropDatabaseCypher(name: string): string {
  return `DROP DATABASE ${quotedDatabaseName(name)} IF EXISTS DUMP DATA WAIT 300 SECONDS`;
}

export const showDatabaseCypher = "SHOW DATABASES YIELD name WHERE name = $name RETURN count(*) AS found";
export const editionCypher = "CALL dbms.components() YIELD edition RETURN edition";

interface Connection {
  readonly uri: string;
  run(cypher: string, params?: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The program's Neo4j servers, for when the environment names no cluster: names only, no credential. */
export interface Neo4jEndpoint extends ClusterEndpoint {
  /** Secret whose key `password` is user neo4j's. */
  readonly secretName: string;
  /** ConfigMap whose `ca.crt` the servers' certificate chains to; absent: Bolt without TLS. */
  readonly caConfigMap?: string;
}

interface Target {
  readonly uri: string;
  readonly user: string;
  readonly password: string;
  /** A file with the CA to verify the server with (TLS), or none (the URI's scheme decides). */
  readonly caFile?: string;
  /** Reached through a port-forward, so one server only. */
  readonly forwarded: boolean;
  close(): Promise<void>;
}

/** The environment's cluster (KG_RCA_NEO4J_*), else the program's servers through their endpoint and Secret. */
async function openTarget(purpose: string, endpoint: Neo4jEndpoint | undefined): Promise<Target> {
  const v = neo4jConnectionVariables;
  const uri = process.env[v.uri];
  if (uri !== undefined && uri !== "") {
    const password = process.env[v.password];
    if (password === undefined || password === "") {
      throw new Error(`${purpose}: ${v.uri} is set, so ${v.password} must be too (and ${v.user}, default neo4j)`);
    }
    return { uri, user: process.env[v.user] ?? "neo4j", password, forwarded: false, close: () => Promise.resolve() };
  }
  if (endpoint === undefined) {
    throw new Error(
      `${purpose}: ${v.uri} and ${v.password} must be set (and ${v.user}, default neo4j) to reach the Neo4j cluster`,
    );
  }
  let password: string;
  let ca: string | undefined;
  try {
    password = await readClusterSecret(endpoint.namespace, endpoint.secretName, "password");
    ca =
      endpoint.caConfigMap === undefined
        ? undefined
        : await readClusterConfigMap(endpoint.namespace, endpoint.caConfigMap, "ca.crt");
  } catch (err) {
    throw new Error(`${purpose}: ${(err as Error).message}`);
  }
  const open = await openClusterEndpoint(endpoint);
  const forwarded = endpoint.access === "port-forward";
  // Through a port-forward the driver must not route (the routing table names in-cluster
  // addresses), and the certificate is checked for localhost, the name a port-forward has.
  const host = forwarded ? "localhost" : open.host;
  const caFile = ca === undefined ? undefined : writeCaFile(ca);
  return {
    uri: `${forwarded ? "bolt" : "neo4j"}://${host}:${open.port}`,
    user: "neo4j",
    password,
    caFile,
    forwarded,
    close: async () => {
      if (caFile !== undefined) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { rmSync } = require("fs") as typeof import("fs");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        rmSync((require("path") as typeof import("path")).dirname(caFile), { recursive: true, force: true });
      }
      await open.close();
    },
  };
}

/** The driver reads trusted certificates from files only: the CA in a private temporary file. */
function writeCaFile(ca: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require("fs") as typeof import("fs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require("path") as typeof import("path");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require("os") as typeof import("os");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-neo4j-ca-"));
  const file = path.join(dir, "ca.crt");
  fs.writeFileSync(file, ca, { mode: 0o600 });
  return file;
}

/** Opens a session on the system database, with timeouts and errors that say where and what failed. */
async function connect(purpose: string, endpoint: Neo4jEndpoint | undefined): Promise<Connection> {
  const first = await openTarget(purpose, endpoint);
  const connection = await login(purpose, first);
  if (endpoint === undefined || !first.forwarded) {
    return connection;
  }
  // A port-forward reaches one server; administration goes to the system database's writer.
  const writer = await systemWriterPod(connection);
  if (writer === undefined || writer === endpoint.pod) {
    return connection;
  }
  await connection.close();
  return login(purpose, await openTarget(purpose, { ...endpoint, pod: writer }));
}

/** The pod of the server that writes the system database: the first label of its advertised address. */
async function systemWriterPod(c: Connection): Promise<string | undefined> {
  const rows = await c.run(systemWriterCypher);
  const address = rows[0]?.address;
  return typeof address === "string" ? address.split(".")[0]?.split(":")[0] : undefined;
}

export const systemWriterCypher = "SHOW DATABASE system YIELD address, writer WHERE writer RETURN address";

async function login(purpose: string, target: Target): Promise<Connection> {
  const { uri, user, password } = target;
  const v = neo4jConnectionVariables;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const neo4j = require("neo4j-driver") as typeof import("neo4j-driver");
  const driver = neo4j.driver(uri, neo4j.auth.basic(user, password), {
    connectionTimeout: 10000,
    connectionAcquisitionTimeout: 15000,
    maxTransactionRetryTime: 5000,
    ...(target.caFile === undefined
      ? {}
      : {
          encrypted: "ENCRYPTION_ON" as const,
          trust: "TRUST_CUSTOM_CA_SIGNED_CERTIFICATES" as const,
          trustedCertificates: [target.caFile],
        }),
  });
  const close = async (): Promise<void> => {
    await driver.close();
    await target.close();
  };
  try {
    await driver.getServerInfo({ database: "system" });
  } catch (err) {
    await close();
    const e = err as { code?: string; message: string };
    if (e.code === "Neo.ClientError.Security.Unauthorized") {
      throw new Error(`${purpose}: Neo4j at ${uri} refused the credentials of user "${user}" (check ${v.password})`);
    }
    throw new Error(`${purpose}: cannot reach Neo4j at ${uri}: ${e.message}`);
  }
  return {
    uri,
    async run(cypher, params = {}) {
      const session = driver.session({ database: "system" });
      try {
        const result = await session.run(cypher, params);
        return result.records.map((r) => r.toObject() as Record<string, unknown>);
      } finally {
        await session.close();
      }
    },
    close,
  };
}

async function withConnection<T>(
  purpose: string,
  endpoint: Neo4jEndpoint | undefined,
  work: (c: Connection) => Promise<T>,
): Promise<T> {
  const connection = await connect(purpose, endpoint);
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

/** Multi-database administration is Enterprise-only: say so before Neo4j answers with a generic error. */
async function requireEnterprise(c: Connection, purpose: string): Promise<void> {
  const rows = await c.run(editionCypher);
  const reported = rows[0]?.edition;
  const edition = typeof reported === "string" ? reported : "unknown";
  if (edition !== "enterprise") {
    throw new Error(
      `${purpose}: Neo4j at ${c.uri} is ${edition} edition, which has a single database and cannot CREATE or DROP DATABASE; per-client databases need Enterprise Edition (or set kg-rca-server:tenantDatabases to false)`,
    );
  }
}

export async function databaseExists(c: Connection, name: string): Promise<boolean> {
  const rows = await c.run(showDatabaseCypher, { name });
  return Number(rows[0]?.found ?? 0) > 0;
}

export class Neo4jDatabaseProvider implements pulumi.dynamic.ResourceProvider<Props, Props> {
  check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult<Props>> {
    try {
      quotedDatabaseName(news.databaseName);
      return Promise.resolve({ inputs: news });
    } catch (err) {
      return Promise.resolve({ failures: [{ property: "databaseName", reason: (err as Error).message }] });
    }
  }

  diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const renamed = olds.databaseName !== news.databaseName;
    // A delete finds the servers in the recorded outputs only: a new way in is recorded by an update.
    const moved = !sameConnection(olds.connection, news.connection);
    return Promise.resolve({ changes: renamed || moved, replaces: renamed ? ["databaseName"] : [] });
  }

  /** Only the way in changed (a rename replaces): the database stays as it is, the outputs record it. */
  update(_id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult<Props>> {
    return Promise.resolve({ outs: news });
  }

  create(inputs: Props): Promise<pulumi.dynamic.CreateResult<Props>> {
    const purpose = `create database ${inputs.databaseName}`;
    return withConnection(purpose, inputs.connection, async (c) => {
      await requireEnterprise(c, purpose);
      await c.run(createDatabaseCypher(inputs.databaseName));
      return { id: inputs.databaseName, outs: inputs };
    });
  }

  read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult<Props>> {
    const name = props?.databaseName ?? id;
    const recorded = { databaseName: name, connection: props?.connection };
    return withConnection(`read database ${name}`, props?.connection, async (c) => {
      const exists = await databaseExists(c, name);
      // An empty id tells the engine the database is gone.
      return { id: exists ? id : "", props: recorded };
    });
  }

  delete(_id: string, props: Props): Promise<void> {
    const purpose = `drop database ${props.databaseName}`;
    return withConnection(purpose, props.connection, async (c) => {
      await requireEnterprise(c, purpose);
      await c.run(dropDatabaseCypher(props.databaseName));
    });
  }
}

/** One provider object for every client database: its code is serialized once. */
export const neo4jDatabaseProvider = new Neo4jDatabaseProvider();

export class Neo4jDatabase extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: { [K in keyof Neo4jDatabaseInputs]: pulumi.Input<Neo4jDatabaseInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(neo4jDatabaseProvider, name, args, opts, dynamicModule, dynamicTypeNames.neo4jDatabase);
  }
}
