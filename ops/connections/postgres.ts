import { Client, ClientConfig } from "pg";

import { billingDatabase } from "../../components/postgres/billingSchema";
import { Scope } from "../withTimeout";
import { platformServers, reachPlatformServer, readPlatformSecretKeys, ServerContext } from "./platformServers";
import { connectionVariables } from "./variables";

/**
 * A client of the billing database, closed with the scope: KG_RCA_BILLING_DATABASE_URL when set,
 * else the program's server (as `dataPlaneAccess` says) with the credentials of its Secret.
 */
export async function openBilling(context: ServerContext, scope: Scope): Promise<Client> {
  const { settings, where } = await billingSettings(context, scope);
  const timeoutMs = context.timeoutMs;
  const client = new Client({ ...settings, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A server that goes away mid-report emits 'error' on the client; the query's own rejection reports it.
  client.on("error", () => undefined);
  scope.onClose(() => client.end());
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot reach the billing database at ${where}: ${(err as Error).message}`);
  }
  return client;
}

async function billingSettings(
  context: ServerContext,
  scope: Scope,
): Promise<{ settings: ClientConfig; where: string }> {
  const url = context.env[connectionVariables.billingUrl];
  if (url !== undefined && url !== "") {
    return { settings: { connectionString: url }, where: hostOf(url) };
  }
  const server = platformServers.billing;
  const { username: user, password } = await readPlatformSecretKeys(context, server.secretName, [
    "username",
    "password",
  ]);
  const reached = await reachPlatformServer(context, server, scope);
  const ca = context.config.tls.caCertificate;
  return {
    settings: {
      host: reached.host,
      port: reached.port,
      user,
      password,
      database: billingDatabase,
      // verify-full against the Service's name, also through a port-forward's 127.0.0.1.
      ssl: ca === "" ? false : { ca, servername: reached.serverName },
    },
    where: reached.describe,
  };
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
