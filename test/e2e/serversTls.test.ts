/**
 * PostgreSQL and Neo4j take TLS only, from the host as a machine on the cluster's network: a
 * plaintext client, a client that does not trust the stack's CA and a client expecting another
 * name are refused; openssl sees each server's certificate chain to the CA and name its Service;
 * and each serves the certificate its Secret holds now (after the rotation the listener suite ran,
 * which restarts them too).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import neo4j from "neo4j-driver";
import { Client, ClientConfig } from "pg";

import { neo4jPorts } from "../../components/neo4j/neo4jSettings";
import { postgresPort } from "../../components/postgres/billingDatabase";
import { namespace, NodeCluster } from "./nodeCluster";
import { sharedNode } from "./sharedNode";

interface Handshake {
  readonly output: string;
  readonly serial?: string;
}

describe("PostgreSQL and Neo4j over TLS only, verified against the stack's CA and the Services' names", function () {
  this.timeout(5 * 60 * 1000);
  let cluster: NodeCluster;
  let ca: string;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-servers-tls-"));
  const caFile = path.join(scratch, "ca.crt");
  const serviceName = (service: string): string => `${service}.${namespace}.svc.cluster.local`;

  /** openssl's TLS handshake with a server (PostgreSQL negotiates it first), verifying the name. */
  function handshake(address: string, name: string, starttls?: "postgres"): Handshake {
    const connect = spawnSync(
      "openssl",
      [
        "s_client",
        "-connect",
        address,
        "-servername",
        name,
        "-verify_hostname",
        name,
        "-CAfile",
        caFile,
        "-verify_return_error",
        ...(starttls === undefined ? [] : ["-starttls", starttls]),
      ],
      { input: "", encoding: "utf8", timeout: 30000 },
    );
    const output = `${connect.stdout}${connect.stderr}`;
    const serial = spawnSync("openssl", ["x509", "-noout", "-serial"], { input: connect.stdout, encoding: "utf8" });
    return { output, serial: /serial=([0-9A-F]+)/.exec(serial.stdout)?.[1] };
  }

  /** The serial of the certificate in a Secret, as the server would have read it at its start. */
  async function secretSerial(secret: string): Promise<string | undefined> {
    const certificate = await cluster.secretValue(secret, "tls.crt");
    const result = spawnSync("openssl", ["x509", "-noout", "-serial"], { input: certificate, encoding: "utf8" });
    return /serial=([0-9A-F]+)/.exec(result.stdout)?.[1];
  }

  async function billingClient(ssl: ClientConfig["ssl"]): Promise<string> {
    const client = new Client({
      host: await cluster.serviceAddress("postgresql"),
      port: postgresPort,
      user: await cluster.secretValue("postgresql-auth", "username"),
      password: await cluster.secretValue("postgresql-auth", "password"),
      database: "billing",
      ssl,
      connectionTimeoutMillis: 10000,
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      const result = await client.query<{ ssl: boolean }>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
      return `connected, ssl=${String(result.rows[0]?.ssl)}`;
    } catch (err) {
      return `refused: ${(err as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  before(async () => {
    ({ cluster } = await sharedNode());
    ca = cluster.tenantListener().ca;
    fs.writeFileSync(caFile, ca);
  });

  after(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("PostgreSQL: verify-full succeeds; plaintext, an untrusted CA and another name are refused", async () => {
    const servername = serviceName("postgresql");
    assert.equal(await billingClient({ ca, servername }), "connected, ssl=true");
    assert.match(await billingClient(false), /^refused: no pg_hba\.conf entry .* no encryption/);
    assert.match(
      await billingClient({ servername }),
      /^refused: (self[- ]signed certificate|unable to get local issuer|unable to verify the first certificate)/,
    );
    assert.match(
      await billingClient({ ca, servername: serviceName("kg-api") }),
      /^refused: Hostname\/IP does not match certificate's altnames/,
    );
  });

  it("Neo4j: Bolt refuses plaintext and a client that does not trust the stack's CA", async () => {
    const address = `${await cluster.serviceAddress("neo4j")}:${neo4jPorts.bolt}`;
    const password = await cluster.secretValue("neo4j-auth", "password");
    for (const uri of [`bolt://${address}`, `bolt+s://${address}`]) {
      const driver = neo4j.driver(uri, neo4j.auth.basic("neo4j", password), { connectionTimeout: 10000 });
      try {
        await assert.rejects(driver.getServerInfo(), `${uri} is refused`);
      } finally {
        await driver.close();
      }
    }
  });

  it("each server's certificate chains to the CA, names its Service, and is its Secret's current one", async () => {
    const servers = [
      { service: "postgresql", port: postgresPort, secret: "postgresql-tls", starttls: "postgres" as const },
      { service: "neo4j", port: neo4jPorts.bolt, secret: "neo4j-tls", starttls: undefined },
    ];
    for (const server of servers) {
      const address = `${await cluster.serviceAddress(server.service)}:${server.port}`;
      const served = handshake(address, serviceName(server.service), server.starttls);
      assert.match(
        served.output,
        /Verification: OK|Verify return code: 0 \(ok\)/,
        `${server.service}: ${served.output}`,
      );
      assert.equal(
        served.serial,
        await secretSerial(server.secret),
        `${server.service} serves its Secret's certificate`,
      );
    }
  });
});
