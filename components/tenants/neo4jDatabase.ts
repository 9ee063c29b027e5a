import * as pulumi from "@pulumi/pulumi";

import { dynamicModule, dynamicTypeNames } from "../resourceKinds";

/**
 * One client's Neo4j database, as a dynamic resource.
 *
 * Serialized into the state, so self-contained: the driver is created inside
 * each method and the connection comes from the environment at run time
 * (KG_RCA_NEO4J_URI, KG_RCA_NEO4J_USER, KG_RCA_NEO4J_PASSWORD), never from
 * inputs. Deleting drops the database with `DUMP DATA`: Neo4j writes a final
 * dump to its dumps directory before the store is removed.
 */

export const neo4jConnectionVariables = {
  uri: "KG_RCA_NEO4J_URI",
  user: "KG_RCA_NEO4J_USER",
  password: "KG_RCA_NEO4J_PASSWORD",
} as const;

export interface Neo4jDatabaseInputs {
  readonly databaseName: string;
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

/** Opens a session on the system database, with timeouts and errors that say where and what failed. */
async function connect(purpose: string): Promise<Connection> {
  const v = neo4jConnectionVariables;
  const uri = process.env[v.uri];
  const user = process.env[v.user] ?? "neo4j";
  const password = process.env[v.password];
  if (uri === undefined || uri === "" || password === undefined || password === "") {
    throw new Error(
      `${purpose}: ${v.uri} and ${v.password} must be set (and ${v.user}, default neo4j) to reach the Neo4j cluster`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const neo4j = require("neo4j-driver") as typeof import("neo4j-driver");
  const driver = neo4j.driver(uri, neo4j.auth.basic(user, password), {
    connectionTimeout: 10000,
    connectionAcquisitionTimeout: 15000,
    maxTransactionRetryTime: 5000,
  });
  try {
    await driver.getServerInfo({ database: "system" });
  } catch (err) {
    await driver.close();
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
    close: () => driver.close(),
  };
}

async function withConnection<T>(purpose: string, work: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await connect(purpose);
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
    return Promise.resolve({ changes: renamed, replaces: renamed ? ["databaseName"] : [] });
  }

  create(inputs: Props): Promise<pulumi.dynamic.CreateResult<Props>> {
    const purpose = `create database ${inputs.databaseName}`;
    return withConnection(purpose, async (c) => {
      await requireEnterprise(c, purpose);
      await c.run(createDatabaseCypher(inputs.databaseName));
      return { id: inputs.databaseName, outs: inputs };
    });
  }

  read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult<Props>> {
    const name = props?.databaseName ?? id;
    return withConnection(`read database ${name}`, async (c) => {
      const exists = await databaseExists(c, name);
      // An empty id tells the engine the database is gone.
      return exists ? { id, props: { databaseName: name } } : { id: "", props: { databaseName: name } };
    });
  }

  delete(_id: string, props: Props): Promise<void> {
    const purpose = `drop database ${props.databaseName}`;
    return withConnection(purpose, async (c) => {
      await requireEnterprise(c, purpose);
      await c.run(dropDatabaseCypher(props.databaseName));
    });
  }
}

/** One provider object for every client database: its code is serialized once. */
export const neo4jDatabaseProvider = new Neo4jDatabaseProvider();

export class Neo4jDatabase extends pulumi.dynamic.Resource {
  constructor(name: string, args: { databaseName: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(neo4jDatabaseProvider, name, args, opts, dynamicModule, dynamicTypeNames.neo4jDatabase);
  }
}
