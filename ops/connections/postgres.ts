import { Client } from "pg";

import { Scope } from "../withTimeout";
import { connectionVariables, Environment, required } from "./variables";

/** A client of the billing database from KG_RCA_BILLING_DATABASE_URL, closed with the scope. */
export async function openBilling(env: Environment, timeoutMs: number, scope: Scope): Promise<Client> {
  const url = required(
    env,
    connectionVariables.billingUrl,
    "the billing database URL, postgresql://billing:PASSWORD@HOST:5432/billing",
  );
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A server that goes away mid-report emits 'error' on the client; the query's own rejection reports it.
  client.on("error", () => undefined);
  scope.onClose(() => client.end());
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot reach the billing database at ${hostOf(url)}: ${(err as Error).message}`);
  }
  return client;
}

/** host:port of a database URL, for messages that must not show the password. */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === "" ? "5432" : parsed.port}`;
  } catch {
    return "the configured server";
  }
}
