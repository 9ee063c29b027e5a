/**
 * The tenants' way in, from outside the cluster: the host is a machine beside the node, reaching
 * the node's address as a tenant's network would reach a load balancer. Two client implementations
 * (kafkajs, and Kafka's own Java client run from the host) produce and consume over TLS with a
 * client's credentials from its Secret; plaintext, an untrusted CA and another tenant's topic are
 * refused.
 */
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Kafka, logLevel } from "kafkajs";

import { hasAccess } from "../../clients/lifecycle";
import { topicName } from "../../clients/naming";
import { kafkaClientProperties } from "../../components/kafka/kafkaProperties";
import { kafkaClientJars } from "../../tools/kafkaJars";
import { projectDir } from "./localStack";
import { NodeCluster, TenantListener } from "./nodeCluster";
import { servedRegistry, sharedNode } from "./sharedNode";

interface Credentials {
  readonly username: string;
  readonly password: string;
}

describe("the tenants' listener from outside the cluster: SASL_SSL with the client's Secret, two client libraries", function () {
  this.timeout(10 * 60 * 1000);
  let cluster: NodeCluster;
  let listener: TenantListener;
  let owner: string;
  let other: string;
  let credentials: Credentials;
  let jars: string;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-listener-"));
  /** The stack's CA as a file, for the Java client and openssl (written in `before`). */
  const caFile = path.join(scratch, "ca.crt");

  /** Client properties of the Java client, written to a file; `trust` false leaves our CA out. */
  function javaProperties(who: Credentials, trust: boolean): string {
    const file = path.join(scratch, `client-${who.username}-${String(trust)}.properties`);
    const properties = kafkaClientProperties({
      protocol: "SASL_SSL",
      username: who.username,
      password: who.password,
      caFile: trust ? caFile : undefined,
      extra: ["request.timeout.ms=10000", "default.api.timeout.ms=20000"],
    });
    fs.writeFileSync(file, properties, { mode: 0o600 });
    return file;
  }

  /** A TLS handshake with the tenants' listener by openssl, trusting the stack's CA; its output. */
  function tlsHandshake(...checks: string[]): string {
    const probe = spawnSync(
      "openssl",
      ["s_client", "-connect", listener.bootstrap, "-CAfile", caFile, ...checks, "-verify_return_error", "-brief"],
      { input: "", encoding: "utf8", timeout: 30000 },
    );
    return `${probe.stdout}${probe.stderr}`;
  }

  /** A Kafka CLI class of the Java client, run on the host; its exit status and output. */
  function java(mainClass: string, args: string[], input?: string): { status: number; output: string } {
    const result = spawnSync(
      "java",
      [
        "-Xmx256m",
        "-cp",
        `${jars}/*`,
        "-Dlog4j2.level=WARN",
        mainClass,
        "--bootstrap-server",
        listener.bootstrap,
        ...args,
      ],
      { encoding: "utf8", input, timeout: 120000 },
    );
    return { status: result.status ?? -1, output: `${result.stdout}\n${result.stderr}` };
  }

  function kafkajs(who: Credentials, ssl: boolean | { ca: string[] }): Kafka {
    return new Kafka({
      clientId: `listener-${who.username}`,
      brokers: [listener.bootstrap],
      sasl: { mechanism: "scram-sha-512", username: who.username, password: who.password },
      ssl,
      connectionTimeout: 5000,
      authenticationTimeout: 5000,
      requestTimeout: 10000,
      retry: { retries: 1, initialRetryTime: 300 },
      logLevel: logLevel.NOTHING,
    });
  }

  before(async () => {
    ({ cluster } = await sharedNode());
    listener = cluster.tenantListener();
    const live = servedRegistry().filter((c) => hasAccess(c.status));
    assert.ok(live.length >= 2, "two clients with access, to test isolation");
    owner = live[0]?.id ?? "";
    other = live[1]?.id ?? "";
    credentials = await cluster.credentialsOf(owner);
    fs.writeFileSync(caFile, listener.ca);
    jars = kafkaClientJars();
  });

  after(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("the client's Secret carries the external bootstrap, the protocol, the mechanism and the CA", async () => {
    const secret = `${owner}-kafka-credentials`;
    assert.equal(await cluster.secretValue(secret, "bootstrapServers"), listener.bootstrap);
    assert.equal(await cluster.secretValue(secret, "securityProtocol"), "SASL_SSL");
    assert.equal(await cluster.secretValue(secret, "mechanism"), "SCRAM-SHA-512");
    assert.equal((await cluster.secretValue(secret, "ca.crt")).trim(), listener.ca.trim());
    // The tenants' listener is a node port of the node's address, not a cluster address.
    assert.match(listener.bootstrap, new RegExp(`^${cluster.network.dnsServer.replace(/\./g, "\\.")}:3\\d{4}$`));
  });

  it("kafkajs produces and consumes over TLS with the client's credentials", async () => {
    const topic = topicName(owner, "events");
    const client = kafkajs(credentials, { ca: [listener.ca] });
    const producer = client.producer();
    await producer.connect();
    const marker = `kafkajs-tls-${Date.now()}`;
    await producer.send({ topic, messages: [{ key: marker, value: marker }] });
    await producer.disconnect();
    const consumer = client.consumer({ groupId: `${owner}.listener-kafkajs-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          if (message.value?.toString() === marker) {
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
    await Promise.race([
      seen,
      new Promise((_, reject) => {
        setTimeout(() => {
          reject(new Error(`${marker} not read back within 60 s`));
        }, 60000);
      }),
    ]);
    await consumer.disconnect();
  });

  it("Kafka's Java client produces and consumes over TLS with the same credentials", async () => {
    const topic = topicName(owner, "logs");
    const config = javaProperties(credentials, true);
    const marker = `java-tls-${Date.now()}`;
    const produced = java(
      "org.apache.kafka.tools.ConsoleProducer",
      ["--topic", topic, "--producer.config", config],
      `${marker}\n`,
    );
    assert.equal(produced.status, 0, produced.output);
    // Every message the topic holds now, the marker the last: the consumer ends once it has read
    // them, rather than after a quiet spell, which a slow group join on a busy machine outlasts.
    const admin = kafkajs(credentials, { ca: [listener.ca] }).admin();
    await admin.connect();
    const held = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    await admin.disconnect();
    const consumed = java("org.apache.kafka.tools.consumer.ConsoleConsumer", [
      "--topic",
      topic,
      "--consumer.config",
      config,
      "--group",
      `${owner}.listener-java-${Date.now()}`,
      "--from-beginning",
      "--max-messages",
      String(held),
      "--timeout-ms",
      "90000",
    ]);
    assert.match(consumed.output, new RegExp(marker), consumed.output.slice(-2000));
  });

  it("refuses a plaintext connection and a client that does not trust our CA, with either library", async () => {
    await assert.rejects(kafkajs(credentials, false).admin().connect(), /connect|closed|timeout|ECONNRESET/i);
    await assert.rejects(
      kafkajs(credentials, true).admin().connect(),
      /self[- ]signed certificate|unable to (get|verify)/i,
    );
    const untrusting = java("org.apache.kafka.tools.TopicCommand", [
      "--list",
      "--command-config",
      javaProperties(credentials, false),
    ]);
    assert.notEqual(untrusting.status, 0, untrusting.output);
    assert.match(untrusting.output, /SSL handshake failed|PKIX path building failed/, untrusting.output.slice(-2000));
  });

  it("refuses another tenant's topic, with either library", async () => {
    const foreign = topicName(other, "events");
    const producer = kafkajs(credentials, { ca: [listener.ca] }).producer();
    await producer.connect();
    await assert.rejects(producer.send({ topic: foreign, messages: [{ value: "x" }] }), /not authorized/i);
    await producer.disconnect();
    const consumed = java("org.apache.kafka.tools.consumer.ConsoleConsumer", [
      "--topic",
      foreign,
      "--consumer.config",
      javaProperties(credentials, true),
      "--group",
      `${owner}.listener-foreign`,
      "--timeout-ms",
      "15000",
    ]);
    assert.match(
      consumed.output,
      /TopicAuthorizationException|Not authorized to access topics/,
      consumed.output.slice(-2000),
    );
  });

  /** The serial number of the certificate the tenants' listener presents. */
  function servedSerial(): string {
    const probe = spawnSync(
      "bash",
      [
        "-c",
        `openssl s_client -connect "$1" -CAfile "$2" -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -serial`,
        "served-serial",
        listener.bootstrap,
        caFile,
      ],
      { encoding: "utf8", timeout: 30000 },
    );
    const serial = /serial=([0-9A-F]+)/.exec(probe.stdout)?.[1];
    assert.ok(serial !== undefined, `no certificate served at ${listener.bootstrap}: ${probe.stdout}${probe.stderr}`);
    return serial;
  }

  it("rotation: a renewed certificate is served after the rolling restart; the producer reconnects and no message or row is lost", async () => {
    const before = servedSerial();
    const rowsBefore = await cluster.billing("SELECT * FROM clients ORDER BY id");
    const topic = topicName(owner, "events");
    const producer = kafkajs(credentials, { ca: [listener.ca] }).producer({
      retry: { retries: 30, initialRetryTime: 500, maxRetryTime: 5000 },
    });
    await producer.connect();
    // Numbered messages, each sent until acknowledged (the only broker restarts under it).
    const run = `rotation-${Date.now()}`;
    let sent = 0;
    const control = { stop: false };
    const producing = (async () => {
      while (!control.stop) {
        try {
          await producer.send({ topic, acks: -1, messages: [{ key: run, value: `${run}-${sent}` }] });
          sent++;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await cluster.waitFor("messages acknowledged before the rotation", () => Promise.resolve(sent >= 20), 60000);
    const beforeRoll = sent;
    // Not spawnSync: the producer keeps sending while the brokers restart.
    const renewed = await new Promise<{ status: number | null; output: string }>((resolve) => {
      const child = spawn("bash", [path.join(projectDir, "scripts/local.sh"), "renew-certificates"], {
        env: cluster.stackEnvironment,
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("close", (status) => {
        resolve({ status, output });
      });
    });
    assert.equal(renewed.status, 0, renewed.output);
    const afterRoll = sent;
    await cluster.waitFor(
      "messages acknowledged after the roll",
      () => Promise.resolve(sent >= afterRoll + 20),
      180000,
    );
    control.stop = true;
    await producing;
    await producer.disconnect();

    assert.notEqual(servedSerial(), before, "the listener serves the renewed certificate");
    const read = await cluster.readAll(owner, topic);
    const ours = new Set(read.filter((value) => value.startsWith(`${run}-`)));
    const missing = Array.from({ length: sent }, (_, i) => `${run}-${i}`).filter((value) => !ours.has(value));
    assert.deepEqual(missing, [], `${sent} messages acknowledged, every one readable after the rotation`);
    assert.deepEqual(await cluster.billing("SELECT * FROM clients ORDER BY id"), rowsBefore);
    // The in-cluster clients reconnect too: graph-builder's probe is Ready only while it fetches from the brokers.
    await cluster.waitAllReady("every pod Ready again after the rotation");
    console.log(
      `      rotation: ${sent} messages acknowledged (${beforeRoll} before the renewal, ${afterRoll - beforeRoll} while the brokers, Neo4j and PostgreSQL restarted, the rest after), none lost`,
    );
  });

  it("the brokers' certificate names the external addresses and chains to the stack's CA", () => {
    const output = tlsHandshake();
    assert.match(output, /Verification: OK/, output);
    const host = listener.bootstrap.split(":")[0] ?? "";
    assert.match(tlsHandshake("-verify_ip", host), /Verification: OK/);
  });
});
