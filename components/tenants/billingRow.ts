import * as pulumi from "@pulumi/pulumi";

import { ClusterEndpoint, openClusterEndpoint, sameConnection } from "./clusterEndpoint";
import { readClusterConfigMap, readClusterSecret } from "./clusterSecret";
import { billingStatuses, BillingStatus } from "../../clients/lifecycle";
import { dynamicModule, dynamicTypeNames } from "../resourceKinds";

/**
 * The billing row of one client in PostgreSQL, as a dynamic resource.
 *
 * The provider's code is serialized into the state, so it is self-contained:
 * the `pg` client is created inside each method. The connection is found at
 * run time, never from a credential among the inputs: KG_RCA_BILLING_DATABASE_URL
 * when the environment sets it (a server outside the cluster, tests), otherwise
 * the database the program runs, through a port-forward or at its Service
 * (`dataPlaneAccess`), with the password read from its Secret through the
 * engine's kubeconfig, over TLS verified against the CA ConfigMap it names.
 * Rows are never deleted: a delete records status `deleted` and keeps the
 * client's history.
 */

export const billingUrlVariable = "KG_RCA_BILLING_DATABASE_URL";

/** Where the program runs the billing database: names only, no credential. */
export interface BillingConnection extends ClusterEndpoint {
  readonly database: string;
  /** Secret with keys `username` and `password`. */
  readonly secretName: string;
  /** ConfigMap whose `ca.crt` the server's certificate chains to; absent: the server has no TLS. */
  readonly caConfigMap?: string;
}

export interface BillingRowInputs {
  readonly clientId: string;
  readonly name: string;
  readonly email: string;
  readonly plan: string;
  readonly status: BillingStatus;
  /** sha256 of the client's API key, hex; the key itself lives only in a Kubernetes Secret. */
  readonly apiKeyHash: string;
  /** The program's billing database; unused when KG_RCA_BILLING_DATABASE_URL is set. Not part of the row. */
  readonly connection?: BillingConnection;
}

type Row = BillingRowInputs;

/** How to reach the billing database, and what closes the way to it. */
interface BillingTarget {
  /** A connection string, or the parts of one with TLS options (a server the program runs). */
  readonly client: import("pg").ClientConfig;
  /** host:port, or the pod behind a port-forward: what messages name (never the password). */
  readonly where: string;
  close(): Promise<void>;
}

/** The billing database: the environment's URL, else the program's server through its endpoint and Secret. */
async function openBillingTarget(row: Row): Promise<BillingTarget> {
  const url = process.env[billingUrlVariable];
  if (url !== undefined && url !== "") {
    const where = (() => {
      try {
        const parsed = new URL(url);
        return `${parsed.hostname}:${parsed.port === "" ? "5432" : parsed.port}`;
      } catch {
        return "the configured server";
      }
    })();
    return { client: { connectionString: url }, where, close: () => Promise.resolve() };
  }
  const c = row.connection;
  if (c === undefined) {
    throw new Error(
      `billing row ${row.clientId}: ${billingUrlVariable} is not set and the row records no billing database; set it to the billing database URL (postgresql://billing:PASSWORD@HOST:5432/billing)`,
    );
  }
  let user: string;
  let password: string;
  try {
    [user, password] = await Promise.all([
      readClusterSecret(c.namespace, c.secretName, "username"),
      readClusterSecret(c.namespace, c.secretName, "password"),
    ]);
  } catch (err) {
    throw new Error(`billing row ${row.clientId}: ${(err as Error).message}`);
  }
  let ca: string | undefined;
  try {
    ca = c.caConfigMap === undefined ? undefined : await readClusterConfigMap(c.namespace, c.caConfigMap, "ca.crt");
  } catch (err) {
    throw new Error(`billing row ${row.clientId}: ${(err as Error).message}`);
  }
  // Rows recorded before endpoints had an access mode and a pod reached the Service directly.
  const recorded: Partial<ClusterEndpoint> = c;
  const endpoint = await openClusterEndpoint({
    ...c,
    access: recorded.access ?? "direct",
    pod: recorded.pod ?? `${c.service}-0`,
  });
  return {
    client: {
      host: endpoint.host,
      port: endpoint.port,
      user,
      password,
      database: c.database,
      // verify-full: the certificate must chain to the CA and name the Service, also when the
      // connection itself goes to a port-forward's 127.0.0.1.
      ssl: ca === undefined ? false : { ca, servername: `${c.service}.${c.namespace}.svc.cluster.local` },
    },
    where: endpoint.describe,
    close: () => endpoint.close(),
  };
}

/** The advisory lock every billing writer holds while it applies the schema and writes (an arbitrary constant). */
const billingSchemaLockKey = 4_700_110_001;

/** Applies the schema, then upserts the row and appends history when plan or status change, in one transaction. */
async function writeRow(row: Row): Promise<void> {
  const target = await openBillingTarget(row);
  try {
    await writeRowAt(row, target);
  } finally {
    await target.close();
  }
}

async function writeRowAt(row: Row, { client: settings, where }: BillingTarget): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require("pg") as typeof import("pg");
  const client = new Client({ ...settings, connectionTimeoutMillis: 10000, query_timeout: 30000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `billing row ${row.clientId}: cannot connect to the billing database at ${where}: ${(err as Error).message}`,
    );
  }
  try {
    await client.query("BEGIN");
    // The engine writes every client's row in parallel, and concurrent CREATE TABLE IF NOT EXISTS
    // race on PostgreSQL's catalog (a unique violation in pg_type): the writers take turns, until commit.
    await client.query("SELECT pg_advisory_xact_lock($1)", [billingSchemaLockKey]);
    await client.query(billingSchemaSql);
    const before = await client.query<{ plan: string; status: string }>(
      "SELECT plan, status FROM clients WHERE id = $1 FOR UPDATE",
      [row.clientId],
    );
    await client.query(
      `INSERT INTO clients (id, name, email, plan, status, api_key_hash, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now(), now())
       ON CONFLICT (id) DO UPDATE SET name = $2, email = $3, plan = $4, status = $5, api_key_hash = $6, updated_at = now()`,
      [row.clientId, row.name, row.email, row.plan, row.status, row.apiKeyHash],
    );
    const previous = before.rows[0];
    if (previous === undefined || previous.plan !== row.plan || previous.status !== row.status) {
      await client.query("INSERT INTO client_history (client_id, plan, status) VALUES ($1, $2, $3)", [
        row.clientId,
        row.plan,
        row.status,
      ]);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw new Error(
      `billing row ${row.clientId}: write to ${where} failed and was rolled back: ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The billing schema, idempotent; also mounted as the database's init script. */
export const billingSchemaSql = `
CREATE TABLE IF NOT EXISTS clients (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  email        TEXT NOT NULL,
  plan         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN (${billingStatuses.map((status) => `'${status}'`).join(", ")})),
  api_key_hash TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS client_history (
  seq        BIGSERIAL PRIMARY KEY,
  client_id  TEXT NOT NULL REFERENCES clients (id),
  plan       TEXT NOT NULL,
  status     TEXT NOT NULL,
  changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
`.trim();

function checkRow(row: Partial<Row>): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const property of ["clientId", "name", "email", "plan", "apiKeyHash"] as const) {
    if (typeof row[property] !== "string" || row[property] === "") {
      failures.push({ property, reason: `${property} must be a non-empty string` });
    }
  }
  if (!(billingStatuses as readonly string[]).includes(String(row.status))) {
    failures.push({
      property: "status",
      reason: `status must be one of ${billingStatuses.join(", ")}; got ${String(row.status)}`,
    });
  }
  return failures;
}

export class BillingRowProvider implements pulumi.dynamic.ResourceProvider<Row, Row> {
  check(_olds: Row, news: Row): Promise<pulumi.dynamic.CheckResult<Row>> {
    const failures = checkRow(news);
    return Promise.resolve(failures.length > 0 ? { failures } : { inputs: news });
  }

  diff(_id: string, olds: Row, news: Row): Promise<pulumi.dynamic.DiffResult> {
    const fields = ["clientId", "name", "email", "plan", "status", "apiKeyHash"] as const;
    const changed = fields.filter((f) => olds[f] !== news[f]);
    // Where the database is reached is not part of the row, but a delete finds it in the recorded
    // outputs only: a new way in (access, CA) is recorded by an update, or the delete would use the old.
    const moved = !sameConnection(olds.connection, news.connection);
    return Promise.resolve({
      changes: changed.length > 0 || moved,
      replaces: changed.includes("clientId") ? ["clientId"] : [],
      deleteBeforeReplace: false,
    });
  }

  async create(inputs: Row): Promise<pulumi.dynamic.CreateResult<Row>> {
    await writeRow(inputs);
    return { id: inputs.clientId, outs: inputs };
  }

  async update(_id: string, _olds: Row, news: Row): Promise<pulumi.dynamic.UpdateResult<Row>> {
    await writeRow(news);
    return { outs: news };
  }

  /** Billing history is never deleted: the row is kept with status `deleted`. */
  async delete(_id: string, props: Row): Promise<void> {
    await writeRow({ ...props, status: "deleted" });
  }
}

/** One provider object for every billing row: its code is serialized once. */
export const billingRowProvider = new BillingRowProvider();

export class BillingRow extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: { [K in keyof BillingRowInputs]: pulumi.Input<BillingRowInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(billingRowProvider, name, args, opts, dynamicModule, dynamicTypeNames.billingRow);
  }
}
