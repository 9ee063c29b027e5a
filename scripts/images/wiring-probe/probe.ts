/**
 * The wiring probe: stands in for the graph-builder and kg-api images (the
 * application team's, not available here) in the local stack. Its readiness
 * requires what the real service needs from the program, so a wrong Secret
 * key, host name, port or ACL keeps it unready:
 *
 * - every environment variable the program sets for the service (probeConfig.ts);
 * - graph-builder: a SASL login to Kafka with the mounted credentials, the
 *   tenant topics it can describe, and a consumer in its group reading them;
 * - both: a Bolt session to Neo4j with the mounted password running `RETURN 1`;
 * - kg-api: a TLS connection to the billing database, verified against PGSSLROOTCERT
 *   (verify-full), reading its `clients` table.
 *
 * HTTP on the Deployment's probe port: GET /healthz answers 200 while every
 * check passes and 503 with the failing checks' reasons otherwise; GET /status
 * gives every check as JSON; POST /burn?seconds=N&workers=W keeps W threads busy
 * for N seconds (to drive the HPA). Checks rerun every WIRING_PROBE_INTERVAL_SECONDS
 * (10); each result is logged when it changes and at least once a minute.
 *
 *   node probe.js [--mode=graph-builder|kg-api]   (default: $WIRING_PROBE_MODE)
 */
import * as fs from "fs";
import * as http from "http";
import { Worker } from "worker_threads";
import { Consumer, Kafka, logLevel, SASLOptions } from "kafkajs";
import neo4j, { Driver } from "neo4j-driver";
import { Client } from "pg";

import {
  BillingSettings,
  CheckResult,
  isProbeMode,
  isTenantTopic,
  KafkaSettings,
  Neo4jSettings,
  parseBurn,
  parseMode,
  ProbeConfig,
  readiness,
  readProbeConfig,
} from "./probeConfig";

const checkTimeoutMs = 10_000;
/** A consumer whose last fetch is older than this has stopped reading. */
const fetchStaleMs = 60_000;
const relogMs = 60_000;

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} timed out after ${checkTimeoutMs / 1000} s`));
    }, checkTimeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

class Neo4jCheck {
  private driver: Driver | undefined;

  constructor(private readonly settings: Neo4jSettings) {}

  async run(): Promise<CheckResult> {
    const started = Date.now();
    this.driver ??= neo4j.driver(this.settings.uri, neo4j.auth.basic(this.settings.user, this.settings.password), {
      connectionTimeout: checkTimeoutMs,
      maxConnectionPoolSize: 2,
    });
    const session = this.driver.session();
    try {
      const result = await withTimeout(session.run("RETURN 1 AS one"), "Bolt query");
      const one: unknown = result.records[0]?.get("one");
      const value = neo4j.isInt(one) ? one.toNumber() : one;
      if (value !== 1) {
        return { name: "neo4j", ok: false, detail: `RETURN 1 gave ${String(value)}` };
      }
      return {
        name: "neo4j",
        ok: true,
        detail: `RETURN 1 as ${this.settings.user} on ${this.settings.uri} (${Date.now() - started} ms)`,
      };
    } catch (error) {
      // A fresh driver next time: the failure may have been a stale routing table or pool.
      await this.close();
      return {
        name: "neo4j",
        ok: false,
        detail: `${this.settings.uri} as ${this.settings.user}: ${errorMessage(error)}`,
      };
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const driver = this.driver;
    this.driver = undefined;
    await driver?.close().catch(() => undefined);
  }
}

class BillingCheck {
  constructor(private readonly settings: BillingSettings) {}

  async run(): Promise<CheckResult> {
    const s = this.settings;
    const where = `${s.user}@${s.host}:${s.port}/${s.database}`;
    let ca: string;
    try {
      ca = fs.readFileSync(s.caFile, "utf8");
    } catch (error) {
      return { name: "billing", ok: false, detail: `PGSSLROOTCERT ${s.caFile}: ${errorMessage(error)}` };
    }
    const client = new Client({
      host: s.host,
      port: s.port,
      database: s.database,
      user: s.user,
      password: s.password,
      // verify-full: the certificate must chain to the CA and name PGHOST.
      ssl: { ca, servername: s.host },
      connectionTimeoutMillis: checkTimeoutMs,
      query_timeout: checkTimeoutMs,
    });
    try {
      await client.connect();
      // kg-api reads the billing rows: the schema must be there, not only the server.
      const result = await client.query<{ clients: string }>("SELECT count(*) AS clients FROM clients");
      return { name: "billing", ok: true, detail: `${where}: ${result.rows[0]?.clients ?? "?"} client rows` };
    } catch (error) {
      return { name: "billing", ok: false, detail: `${where}: ${errorMessage(error)}` };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function saslOptions(settings: KafkaSettings): SASLOptions {
  const { username, password } = settings;
  switch (settings.mechanism) {
    case "scram-sha-512":
      return { mechanism: "scram-sha-512", username, password };
    case "scram-sha-256":
      return { mechanism: "scram-sha-256", username, password };
    case "plain":
      return { mechanism: "plain", username, password };
  }
}

/**
 * Kafka as the graph-builder uses it: a SASL login, the tenant topics its ACLs
 * let it describe, and a consumer in its group that keeps fetching them.
 * Offsets are not committed: the group's position is left for the real service.
 */
class KafkaCheck {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private topics: readonly string[] = [];
  private joinedAt: number | undefined;
  private assignedPartitions = 0;
  private lastFetchAt: number | undefined;
  private messages = 0;
  private crash: string | undefined;

  constructor(private readonly settings: KafkaSettings) {
    this.kafka = new Kafka({
      clientId: "kg-rca-wiring-probe",
      brokers: [...settings.brokers],
      ssl: settings.ssl,
      sasl: saslOptions(settings),
      connectionTimeout: checkTimeoutMs,
      requestTimeout: checkTimeoutMs,
      retry: { retries: 1 },
      logLevel: logLevel.NOTHING,
    });
  }

  async run(): Promise<CheckResult> {
    const who = `${this.settings.username}@${this.settings.brokers.join(",")}`;
    let topics: string[];
    const admin = this.kafka.admin();
    try {
      await withTimeout(admin.connect(), "SASL login");
      topics = (await withTimeout(admin.listTopics(), "topic listing")).filter(isTenantTopic).sort();
      if (topics.length > 0) {
        await withTimeout(admin.fetchTopicMetadata({ topics }), "topic metadata");
      }
    } catch (error) {
      return { name: "kafka", ok: false, detail: `${who}: ${errorMessage(error)}` };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (topics.length === 0) {
      await this.stopConsumer();
      return {
        name: "kafka",
        ok: false,
        detail: `${who}: no tenant topic (<client>.<kind>.normalized) is visible to this user: no client onboarded, or its ACLs are missing`,
      };
    }
    if (this.consumer === undefined || this.crash !== undefined || topics.join() !== this.topics.join()) {
      const previousCrash = this.crash;
      await this.startConsumer(topics);
      if (previousCrash !== undefined) {
        return { name: "kafka", ok: false, detail: `${who}: consumer failed: ${previousCrash}` };
      }
    }
    return this.consumerResult(who);
  }

  private consumerResult(who: string): CheckResult {
    const group = this.settings.consumerGroup;
    if (this.crash !== undefined) {
      return { name: "kafka", ok: false, detail: `${who}: consumer in group ${group} failed: ${this.crash}` };
    }
    if (this.joinedAt === undefined) {
      return { name: "kafka", ok: false, detail: `${who}: consumer has not joined group ${group} yet` };
    }
    if (this.assignedPartitions === 0) {
      // Another member of the group holds every partition; joining already proved the group ACL.
      return { name: "kafka", ok: true, detail: `${who}: in group ${group}, no partition assigned to this member` };
    }
    if (this.lastFetchAt === undefined || this.lastFetchAt < this.joinedAt) {
      return { name: "kafka", ok: false, detail: `${who}: in group ${group}, no fetch completed yet` };
    }
    if (Date.now() - this.lastFetchAt > fetchStaleMs) {
      return { name: "kafka", ok: false, detail: `${who}: no fetch for ${fetchStaleMs / 1000} s` };
    }
    return {
      name: "kafka",
      ok: true,
      detail: `${who}: group ${group} reads ${this.assignedPartitions} partition(s) of ${this.topics.join(", ")} (${this.messages} message(s) so far)`,
    };
  }

  private async startConsumer(topics: readonly string[]): Promise<void> {
    await this.stopConsumer();
    this.topics = topics;
    this.crash = undefined;
    this.joinedAt = undefined;
    this.lastFetchAt = undefined;
    this.assignedPartitions = 0;
    const consumer = this.kafka.consumer({ groupId: this.settings.consumerGroup, retry: { retries: 1 } });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.joinedAt = Date.now();
      this.assignedPartitions = Object.values(event.payload.memberAssignment).reduce((n, p) => n + p.length, 0);
    });
    consumer.on(consumer.events.FETCH, () => {
      this.lastFetchAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.crash = errorMessage(event.payload.error);
    });
    try {
      await withTimeout(consumer.connect(), "consumer login");
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: () => {
          this.messages += 1;
          return Promise.resolve();
        },
      });
    } catch (error) {
      this.crash = errorMessage(error);
    }
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.stopConsumer();
  }
}

interface Check {
  run(): Promise<CheckResult>;
  close?(): Promise<void>;
}

/** Runs the checks in a loop and remembers the latest results. */
class Prober {
  private results: CheckResult[] = [];
  private readonly lastLogged = new Map<string, { line: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly config: ProbeConfig,
    private readonly checks: readonly Check[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    void this.cycle();
  }

  status(): { mode: string; ready: boolean; reason: string; checks: readonly CheckResult[] } {
    return { mode: this.config.mode, ...readiness(this.results), checks: this.results };
  }

  private async cycle(): Promise<void> {
    const results: CheckResult[] = [
      this.config.problems.length === 0
        ? { name: "environment", ok: true, detail: "every variable the program must set is there" }
        : { name: "environment", ok: false, detail: this.config.problems.join("; ") },
    ];
    for (const check of this.checks) {
      results.push(
        await check.run().catch((error: unknown) => ({ name: "probe", ok: false, detail: errorMessage(error) })),
      );
    }
    this.results = results;
    for (const result of results) {
      this.logResult(result);
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.cycle(), this.intervalMs);
    }
  }

  private logResult(result: CheckResult): void {
    const line = `check ${result.name} ${result.ok ? "ok" : "FAILED"}: ${result.detail}`;
    const previous = this.lastLogged.get(result.name);
    // The detail of a passing check carries timings: compare the verdict, not the text.
    const verdict = `${String(result.ok)} ${result.ok ? "" : result.detail}`;
    if (previous === undefined || previous.line !== verdict || Date.now() - previous.at > relogMs) {
      log(line);
      this.lastLogged.set(result.name, { line: verdict, at: Date.now() });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const check of this.checks) {
      await check.close?.();
    }
  }
}

/** Threads that spin until the deadline, so the pod's CPU use rises on demand. */
function burn(seconds: number, workers: number): void {
  const code = `
    const { workerData } = require("worker_threads");
    let x = 0;
    while (Date.now() < workerData.until) { x = (x + Math.sqrt(x + 1)) % 1e9; }
  `;
  const until = Date.now() + seconds * 1000;
  for (let i = 0; i < workers; i += 1) {
    new Worker(code, { eval: true, workerData: { until } }).unref();
  }
  log(`burning ${workers} thread(s) for ${seconds} s`);
}

function serve(prober: Prober, port: number): http.Server {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://probe");
    const reply = (status: number, body: unknown): void => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(`${JSON.stringify(body)}\n`);
    };
    if (request.method === "GET" && url.pathname === "/healthz") {
      const status = prober.status();
      reply(status.ready ? 200 : 503, { ready: status.ready, reason: status.reason });
    } else if (request.method === "GET" && url.pathname === "/status") {
      reply(200, prober.status());
    } else if (request.method === "POST" && url.pathname === "/burn") {
      const parsed = parseBurn(url.searchParams);
      if (typeof parsed === "string") {
        reply(400, { error: parsed });
      } else {
        burn(parsed.seconds, parsed.workers);
        reply(202, { burning: parsed });
      }
    } else {
      reply(404, { error: "not found: GET /healthz, GET /status, POST /burn?seconds=N&workers=W" });
    }
  });
  server.listen(port);
  return server;
}

function main(): void {
  const mode = parseMode(process.argv.slice(2), process.env);
  if (!isProbeMode(mode)) {
    console.error(`wiring probe: unknown mode "${mode}": set WIRING_PROBE_MODE or --mode to graph-builder or kg-api`);
    process.exit(2);
  }
  const config = readProbeConfig(mode, process.env);
  const checks: Check[] = [];
  if (config.kafka !== undefined) {
    checks.push(new KafkaCheck(config.kafka));
  }
  if (config.neo4j !== undefined) {
    checks.push(new Neo4jCheck(config.neo4j));
  }
  if (config.billing !== undefined) {
    checks.push(new BillingCheck(config.billing));
  }
  const interval = Number(process.env.WIRING_PROBE_INTERVAL_SECONDS ?? "10");
  const prober = new Prober(config, checks, (Number.isFinite(interval) && interval > 0 ? interval : 10) * 1000);
  const server = serve(prober, config.port);
  log(`wiring probe for ${mode} on :${config.port} (stands in for the application image)`);
  prober.start();

  const shutdown = (signal: string): void => {
    log(`${signal}: stopping`);
    server.close();
    void prober.stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => {
    shutdown("SIGTERM");
  });
  process.on("SIGINT", () => {
    shutdown("SIGINT");
  });
}

main();
