import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Kafka, logLevel } from "kafkajs";
import neo4j from "neo4j-driver";
import { Client } from "pg";

import { planOf, topicName } from "../../clients";
import { ClientEntry } from "../../clients/types";
import { billingSchemaSql } from "../../components/postgres/billingSchema";
import { graphBuilderConsumerGroup } from "../../components/workloads/graphBuilder";
import { healthChecks } from "../../ops/checks";
import { billingCheck } from "../../ops/checks/billing";
import { workloadsCheck } from "../../ops/checks/workloads";
import { clientsReport } from "../../ops/clientsReport";
import { loadKubeconfig } from "../../ops/connections/kubeconfig";
import { createIfAbsent, kubeClient } from "../../ops/connections/kubernetes";
import { HealthCheck } from "../../ops/context";
import { NamedFinding } from "../../ops/findings";
import { runHealth } from "../../ops/health";
import { silentProgress } from "../../ops/progress";
import { loadOpsContext } from "../../ops/stack";
import { openMetricsText, SeriesSpec } from "../support/openMetrics";
import { freePort } from "../support/freePort";
import { PostgresServer } from "../support/postgresServer";
import { projectDir, run, ScriptedServer, workload } from "./opsServers";

const namespace = "kg-rca-ops";
/**
 * Each check's deadline in these tests. The command's default (10 s) is for an operator's
 * terminal; CI runs this suite beside the node's suites and the unit tests on two cores, where the
 * healthy-platform tests failed in two full runs that they pass alone. The deadline's own test
 * sets a short one.
 */
const testDeadlineSeconds = 60;
const kafkaPassword = "ops-e2e-admin";
const neo4jPassword = "ops-e2e-password";

const registry: ClientEntry[] = [
  { id: "tenant-a", name: "A", email: "a@a.example.com", plan: "basic", status: "active" },
  { id: "tenant-b", name: "B", email: "b@b.example.com", plan: "pro", status: "active" },
  { id: "tenant-c", name: "C", email: "c@c.example.com", plan: "basic", status: "suspended" },
  { id: "tenant-d", name: "D", email: "d@d.example.com", plan: "pro", status: "offboarded" },
];
const eventsA = topicName("tenant-a", "events");
const eventsB = topicName("tenant-b", "events");
/** Messages produced per partition of tenant-a's events topic: lag thresholds are crossed by committing less. */
const producedA = [10500, 1500, 20];

type Env = Record<string, string | undefined>;
type Findings = Record<string, NamedFinding>;

interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function gb(n: number): number {
  return n * 1e9;
}

/** Two hours of history and one hour ahead, so "now" has samples for the whole run. */
function metrics(kind: "healthy" | "unhealthy"): string {
  const healthy = kind === "healthy";
  const volume = (claim: string, used: number, ns = namespace): SeriesSpec[] => [
    {
      metric: "kubelet_volume_stats_used_bytes",
      labels: { namespace: ns, persistentvolumeclaim: claim },
      value: () => used,
    },
    {
      metric: "kubelet_volume_stats_capacity_bytes",
      labels: { namespace: ns, persistentvolumeclaim: claim },
      value: () => gb(100),
    },
  ];
  const series: SeriesSpec[] = [
    { metric: "kg_rca_accuracy_at_k", labels: { k: "3" }, value: () => (healthy ? 0.91 : 0.7) },
    { metric: "kg_rca_accuracy_at_k", labels: { k: "1" }, value: () => 0.5 },
    {
      metric: "kg_messages_processed_total",
      labels: { client_id: "tenant-a", status: "success" },
      value: (t) => (healthy ? 6 * t : 1000),
    },
    {
      metric: "kg_messages_processed_total",
      labels: { client_id: "tenant-b", status: "success" },
      value: (t) => (healthy ? 4 * t : 0),
    },
    { metric: "kg_messages_processed_total", labels: { client_id: "tenant-a", status: "error" }, value: (t) => t },
    ...(healthy
      ? [
          {
            metric: "kg_api_calls_total",
            labels: { client_id: "tenant-a" },
            value: (t: number) => 2 * Math.floor(Math.min(t, 7200) / 30),
          },
        ]
      : []),
    ...volume("data-neo4j-0", healthy ? gb(50) : gb(97)),
    ...volume("data-kafka-0", healthy ? gb(40) : gb(92)),
    // Not a Neo4j or Kafka data claim, and another namespace: both must be left out.
    ...volume("neo4j-backups", gb(99)),
    ...volume("data-neo4j-0", gb(99), "someone-else"),
  ];
  const now = Math.floor(Date.now() / 1000);
  return openMetricsText(series, now - 7200, now + 3600, 30);
}

/** Accepts connections and never answers: what a hung server looks like to a client. */
function blackHole(): Promise<{ port: number; close: () => void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => {
          sockets.forEach((s) => s.destroy());
          server.close();
        },
      });
    });
  });
}

describe("ops commands against real Kafka, Neo4j, PostgreSQL, Kubernetes API and Prometheus", function () {
  this.timeout(10 * 60 * 1000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-ops-"));
  const registryFile = path.join(root, "registry.json");
  const registryWithNewcomer = path.join(root, "registry-newcomer.json");
  const ports = { kafka: 0, controller: 0, neo4j: 0, healthy: 0, unhealthy: 0, empty: 0 };
  let kafkaServer: ScriptedServer;
  let neo4jServer: ScriptedServer;
  let cluster: ScriptedServer;
  const prometheus: Record<"healthy" | "unhealthy" | "empty", ScriptedServer | undefined> = {
    healthy: undefined,
    unhealthy: undefined,
    empty: undefined,
  };
  let postgres: PostgresServer | undefined;
  let env: Env = {};
  let base: Record<string, string> = {};
  let kafka: Kafka;

  const promUrl = (name: keyof typeof prometheus) => `http://127.0.0.1:${ports[name]}`;

  async function health(
    overrides: Record<string, string> = {},
    envChanges: Env = {},
    checks: readonly HealthCheck[] = healthChecks,
    timeoutMs = testDeadlineSeconds * 1000,
  ): Promise<Findings> {
    const context = loadOpsContext({
      projectDir,
      stack: "local",
      overrides: { ...base, ...overrides },
      env: { ...env, ...envChanges },
      timeoutMs,
    });
    const findings = await runHealth(context, checks, silentProgress);
    return Object.fromEntries(findings.map((f) => [f.name, f]));
  }

  function summary(findings: Findings, ...names: string[]): string[][] {
    return names.map((name) => [name, findings[name]?.status ?? "missing", findings[name]?.figure ?? ""]);
  }

  /**
   * The real command, as an operator runs it (`npm run ops` is ts-node on scripts/ops.ts), with the
   * test's deadline where the command takes one.
   */
  function ops(args: readonly string[], envChanges: Env = {}): Promise<CommandResult> {
    const deadline = args[0] === "capacity" ? [] : ["--timeout", String(testDeadlineSeconds)];
    const set = Object.entries(base)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
    for (const [k, v] of Object.entries({ ...env, ...envChanges })) {
      if (v !== undefined) {
        childEnv[k] = v;
      }
    }
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          "-r",
          "ts-node/register/transpile-only",
          "scripts/ops.ts",
          ...args,
          ...deadline,
          "--stack",
          "local",
          "--set",
          set,
        ],
        { cwd: projectDir, env: childEnv },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });
  }

  async function commitLag(partition: number, offset: number): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId: graphBuilderConsumerGroup,
        topic: eventsA,
        partitions: [{ partition, offset: String(offset) }],
      });
    } finally {
      await admin.disconnect();
    }
  }

  async function billingSql(sql: string): Promise<void> {
    const client = new Client({ connectionString: postgres!.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  async function seedKafka(): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const live = registry.filter((c) => c.status !== "offboarded");
      await admin.createTopics({
        waitForLeaders: true,
        topics: live.flatMap((c) =>
          Object.entries(planOf(c.plan).topics).map(([kind, spec]) => ({
            topic: topicName(c.id, kind),
            numPartitions: spec.partitions,
            replicationFactor: 1,
          })),
        ),
      });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (const [partition, count] of producedA.entries()) {
        for (let sent = 0; sent < count; sent += 2000) {
          const batch = Math.min(2000, count - sent);
          await producer.send({
            topic: eventsA,
            messages: Array.from({ length: batch }, (_, i) => ({ partition, value: `event-${sent + i}` })),
          });
        }
      }
      await producer.send({
        topic: eventsB,
        messages: Array.from({ length: 7 }, (_, i) => ({ partition: 0, value: `b-${i}` })),
      });
    } finally {
      await producer.disconnect();
    }
    // graph-builder has read all but 500 messages of partition 1.
    await commitLag(0, producedA[0]!);
    await commitLag(1, producedA[1]! - 500);
    await commitLag(2, producedA[2]!);
    const adminB = kafka.admin();
    await adminB.connect();
    await adminB.setOffsets({
      groupId: graphBuilderConsumerGroup,
      topic: eventsB,
      partitions: [{ partition: 0, offset: "7" }],
    });
    await adminB.disconnect();
  }

  async function seedNeo4j(): Promise<void> {
    const driver = neo4j.driver(`bolt://127.0.0.1:${ports.neo4j}`, neo4j.auth.basic("neo4j", neo4jPassword));
    try {
      // Community has one standard database: the sample graph goes into the default one.
      await driver.executeQuery(
        `UNWIND range(1, 5) AS i CREATE (r:Resource {id: i})
         WITH collect(r) AS rs
         UNWIND range(0, 2) AS j
         WITH rs[j] AS cause, rs[j + 1] AS effect
         CREATE (cause)-[:POTENTIAL_CAUSE]->(effect)`,
      );
      await driver.executeQuery("CREATE (:Event {id: 1})-[:OBSERVED_ON]->(:Event {id: 2})");
    } finally {
      await driver.close();
    }
  }

  async function seedKubernetes(kubeconfig: string): Promise<void> {
    const kube = kubeClient(loadKubeconfig(kubeconfig), 15000);
    for (const ns of [namespace, `${namespace}-bad`]) {
      await createIfAbsent(() => kube.core.createNamespace({ body: { metadata: { name: ns } } }));
    }
    await createIfAbsent(() => kube.objects.create(workload("Deployment", namespace, "graph-builder", 0)));
    await createIfAbsent(() => kube.objects.create(workload("StatefulSet", namespace, "neo4j", 0)));
    // No kubelet runs here: a workload that asks for pods never becomes ready.
    await createIfAbsent(() => kube.objects.create(workload("Deployment", `${namespace}-bad`, "kg-api", 2)));
    await createIfAbsent(() => kube.objects.create(workload("StatefulSet", `${namespace}-bad`, "neo4j", 0)));
  }

  async function startPrometheus(name: keyof typeof prometheus): Promise<void> {
    const dir = path.join(root, `prometheus-${name}`);
    const server = new ScriptedServer("scripts/services/prometheus.sh", dir, { PROMETHEUS_PORT: String(ports[name]) });
    if (name !== "empty") {
      const file = path.join(root, `${name}.om`);
      fs.writeFileSync(file, metrics(name));
      await run("bash", ["scripts/services/prometheus.sh", "backfill", dir, file]);
    }
    await server.start();
    prometheus[name] = server;
  }

  before(async () => {
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) {
      ports[key] = await freePort();
    }
    fs.writeFileSync(registryFile, JSON.stringify(registry));
    fs.writeFileSync(
      registryWithNewcomer,
      JSON.stringify([
        ...registry,
        { id: "tenant-e", name: "E", email: "e@e.example.com", plan: "basic", status: "active" },
      ]),
    );
    kafkaServer = new ScriptedServer("scripts/services/kafka.sh", path.join(root, "kafka"), {
      KAFKA_PORT: String(ports.kafka),
      KAFKA_CONTROLLER_PORT: String(ports.controller),
      KAFKA_ADMIN_PASSWORD: kafkaPassword,
    });
    neo4jServer = new ScriptedServer("scripts/services/neo4j.sh", path.join(root, "neo4j"), {
      NEO4J_PORT: String(ports.neo4j),
      NEO4J_PASSWORD: neo4jPassword,
    });
    cluster = new ScriptedServer("scripts/toolchain/local-cluster.sh", path.join(root, "cluster"), {});
    // The JVMs and the control plane start together: most of their start-up is waiting.
    await Promise.all([kafkaServer.start(), neo4jServer.start(), cluster.start()]);
    postgres = await PostgresServer.create();
    for (const name of ["healthy", "unhealthy", "empty"] as const) {
      await startPrometheus(name);
    }
    const kubeconfig = path.join(root, "cluster", "kubeconfig");
    env = {
      KAFKA_ADMIN_PASSWORD: kafkaPassword,
      KG_RCA_NEO4J_URI: `bolt://127.0.0.1:${ports.neo4j}`,
      KG_RCA_NEO4J_USER: "neo4j",
      KG_RCA_NEO4J_PASSWORD: neo4jPassword,
      KG_RCA_BILLING_DATABASE_URL: postgres.url,
      KUBECONFIG: kubeconfig,
    };
    base = {
      kafkaAdminBootstrapServers: `127.0.0.1:${ports.kafka}`,
      // The bare broker listens without TLS.
      kafkaListenerProtocol: "SASL_PLAINTEXT",
      clientRegistry: `file:${registryFile}`,
      namespace,
      opsPrometheusUrl: promUrl("healthy"),
    };
    kafka = new Kafka({
      clientId: "ops-e2e",
      brokers: [`127.0.0.1:${ports.kafka}`],
      sasl: { mechanism: "scram-sha-512", username: "admin", password: kafkaPassword },
      retry: { retries: 5, initialRetryTime: 500 },
      logLevel: logLevel.NOTHING,
    });
    await Promise.all([seedKafka(), seedNeo4j(), seedKubernetes(kubeconfig)]);
    await billingSql(billingSchemaSql);
    await billingSql(
      `INSERT INTO clients (id, name, email, plan, status) VALUES
         ('tenant-a', 'A', 'a@a.example.com', 'basic', 'active'),
         ('tenant-b', 'B', 'b@b.example.com', 'pro', 'active'),
         ('tenant-c', 'C', 'c@c.example.com', 'basic', 'suspended'),
         ('tenant-d', 'D', 'd@d.example.com', 'pro', 'deleted')`,
    );
  });

  after(async () => {
    const servers = [kafkaServer, neo4jServer, cluster, ...Object.values(prometheus)];
    const stops = servers.filter((server) => server !== undefined).map((server) => server.stop());
    await Promise.allSettled(stops);
    try {
      postgres?.destroy();
    } catch {
      // Already stopped by a test; destroy still removes its data.
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("reports every check ok on a healthy platform, with the measured figures", async () => {
    const findings = await health();
    assert.deepEqual(
      Object.values(findings).map((f) => [f.name, f.status, f.figure]),
      [
        ["workloads", "ok", "2/2 ready"],
        ["neo4j", "ok", "1/1 servers, 2/2 databases with a writer"],
        ["kafka-brokers", "ok", "1/1 brokers"],
        ["consumer-lag", "ok", `max lag 500 (${eventsA}[1])`],
        ["billing", "ok", "4/4 clients match"],
        ["volumes", "ok", "fullest data-neo4j-0 50.0%"],
        ["rca-accuracy", "ok", "A@3 91.0%"],
        ["message-rate", "ok", "10.0 msg/s"],
      ],
      JSON.stringify(findings, null, 2),
    );
  });

  it("runs as a command: exit 0, a JSON document on stdout, progress on stderr", async () => {
    const result = await ops(["health", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as { stack: string; status: string; checks: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(document), ["stack", "status", "checks"]);
    assert.equal(document.stack, "local");
    assert.equal(document.status, "ok");
    assert.deepEqual(
      document.checks.map((c) => c.name),
      ["workloads", "neo4j", "kafka-brokers", "consumer-lag", "billing", "volumes", "rca-accuracy", "message-rate"],
    );
    for (const check of document.checks) {
      assert.deepEqual(Object.keys(check), ["name", "status", "figure", "reason", "durationMs"]);
      assert.equal(typeof check.durationMs, "number");
      assert.ok(typeof check.reason === "string" && check.reason.length > 10);
    }
    assert.match(result.stderr, /^health: stack local, 8 checks, 60s deadline each: workloads, neo4j,/m);
    assert.match(result.stderr, /^health: consumer-lag: ok \(\d+(\.\d)?s\)$/m);

    const table = await ops(["health"]);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^Health of stack local \(namespace kg-rca-ops\)$/m);
    assert.match(table.stdout, /^OK +kafka-brokers +1\/1 brokers +all 1 configured brokers are online$/m);
    assert.match(table.stdout, /^overall: ok$/m);
  });

  it("workloads: not ready is an error naming them, an empty namespace a warning", async () => {
    const bad = await health({ namespace: `${namespace}-bad` }, {}, [workloadsCheck]);
    assert.deepEqual(summary(bad, "workloads"), [["workloads", "error", "1/2 ready"]]);
    assert.equal(bad.workloads!.reason, "not ready: Deployment/kg-api 0/2");
    const empty = await health({ namespace: `${namespace}-none` }, {}, [workloadsCheck]);
    assert.deepEqual(summary(empty, "workloads"), [["workloads", "warning", "0 workloads"]]);
  });

  it("neo4j and kafka-brokers: fewer servers than configured is a warning", async () => {
    // Three servers are a cluster: the stack config must say Enterprise for it to be valid at all.
    const findings = await health({
      neo4jServers: "3",
      neo4jEdition: "enterprise",
      kafkaBrokers: "3",
      // One tenants' address per broker, or the config is refused before any check runs.
      kafkaExternalBrokerAddresses: "10.0.0.1:31091,10.0.0.1:31092,10.0.0.1:31093",
    });
    assert.deepEqual(summary(findings, "neo4j", "kafka-brokers"), [
      ["neo4j", "warning", "1/3 servers, 2/2 databases with a writer"],
      ["kafka-brokers", "warning", "1/3 brokers"],
    ]);
    assert.match(
      findings["kafka-brokers"]!.reason,
      /fewer brokers online than kg-rca-server:kafkaBrokers \(3\); online ids: 1$/,
    );
  });

  it("consumer-lag: warning from 1,000 and error from 10,000 messages behind, and topics missing on the brokers", async () => {
    try {
      await commitLag(1, 0);
      const warn = await health();
      assert.deepEqual(summary(warn, "consumer-lag"), [["consumer-lag", "warning", `max lag 1500 (${eventsA}[1])`]]);
      await commitLag(0, 0);
      const critical = await health();
      assert.deepEqual(summary(critical, "consumer-lag"), [["consumer-lag", "error", `max lag 10500 (${eventsA}[0])`]]);
      assert.match(
        critical["consumer-lag"]!.reason,
        /group kg-builder over 36 partitions: at or above the critical threshold 10000/,
      );
      // The alert's threshold moves too: the check's warning must stay below it.
      const configured = await health({
        opsConsumerLagWarning: "20000",
        opsConsumerLagCritical: "30000",
        alertConsumerLagMessages: "40000",
      });
      assert.equal(configured["consumer-lag"]!.status, "ok", "the thresholds come from the stack config");
    } finally {
      await commitLag(0, producedA[0]!);
      await commitLag(1, producedA[1]! - 500);
    }
    const newcomer = await health({ clientRegistry: `file:${registryWithNewcomer}` });
    assert.equal(newcomer["consumer-lag"]!.status, "warning");
    assert.equal(
      newcomer["consumer-lag"]!.reason,
      "topics of the registry missing on the brokers: tenant-e.events.normalized, tenant-e.logs.normalized",
    );
  });

  it("billing: a row that disagrees with the registry is a warning; refused credentials an error", async () => {
    try {
      await billingSql("UPDATE clients SET status = 'suspended' WHERE id = 'tenant-b'");
      const findings = await health({}, {}, [billingCheck]);
      assert.deepEqual(summary(findings, "billing"), [["billing", "warning", "3/4 clients match"]]);
      assert.equal(
        findings.billing!.reason,
        "tenant-b: billing says suspended, registry says active (expected active)",
      );
    } finally {
      await billingSql("UPDATE clients SET status = 'active' WHERE id = 'tenant-b'");
    }
    const refused = await health({}, { KG_RCA_BILLING_DATABASE_URL: postgres!.url.replace(/:[^:@]+@/, ":wrong@") }, [
      billingCheck,
    ]);
    assert.equal(refused.billing!.status, "error");
    assert.match(
      refused.billing!.reason,
      /^cannot reach the billing database at 127\.0\.0\.1:\d+: password authentication failed/,
    );
    assert.doesNotMatch(refused.billing!.reason, /wrong/);
  });

  it("Prometheus checks: warnings and errors from the unhealthy series, no data from an empty Prometheus", async () => {
    const unhealthy = await health({}, { KG_RCA_PROMETHEUS_URL: promUrl("unhealthy") });
    assert.deepEqual(summary(unhealthy, "volumes", "rca-accuracy", "message-rate"), [
      ["volumes", "error", "fullest data-neo4j-0 97.0%"],
      ["rca-accuracy", "warning", "A@3 70.0%"],
      ["message-rate", "warning", "0.0 msg/s"],
    ]);
    assert.equal(
      unhealthy.volumes!.reason,
      "at or above 95.0% (kg-rca-server:opsVolumeUsageErrorRatio): data-neo4j-0 97.0%",
    );
    const lenient = await health({ opsVolumeUsageErrorRatio: "0.98" }, { KG_RCA_PROMETHEUS_URL: promUrl("unhealthy") });
    assert.deepEqual(summary(lenient, "volumes"), [["volumes", "warning", "fullest data-neo4j-0 97.0%"]]);
    assert.equal(
      lenient.volumes!.reason,
      "above 90.0% (kg-rca-server:alertDiskUsageRatio): data-neo4j-0 97.0%, data-kafka-0 92.0%",
    );
    const empty = await health({ opsPrometheusUrl: promUrl("empty") });
    assert.deepEqual(summary(empty, "volumes", "rca-accuracy", "message-rate"), [
      ["volumes", "warning", "no data"],
      ["rca-accuracy", "warning", "no data"],
      ["message-rate", "warning", "no data"],
    ]);
  });

  it("without a variable, a check looks for the program's Secret through the kubeconfig and names what is missing", async () => {
    // This API server runs no platform: the Secrets a port-forward would need the passwords of are absent.
    const findings = await health({}, { KG_RCA_NEO4J_URI: undefined, KAFKA_ADMIN_PASSWORD: undefined });
    assert.equal(findings.neo4j!.status, "error");
    assert.match(findings.neo4j!.reason, new RegExp(`^cannot read Secret ${namespace}/neo4j-auth: .*answered 404`));
    for (const check of ["kafka-brokers", "consumer-lag"]) {
      assert.match(
        findings[check]!.reason,
        new RegExp(
          `^KAFKA_ADMIN_PASSWORD is not set and cannot read Secret ${namespace}/kafka-admin: .*404.*; set it to`,
        ),
      );
    }
    assert.deepEqual(
      ["workloads", "billing", "volumes"].map((n) => findings[n]!.status),
      ["ok", "ok", "ok"],
    );
  });

  it("a server that accepts and never answers is cut at the deadline, each check on its own", async () => {
    const hole = await blackHole();
    try {
      const kubeconfig = path.join(root, "hole-kubeconfig");
      const original = fs.readFileSync(env.KUBECONFIG!, "utf8");
      fs.writeFileSync(
        kubeconfig,
        original.replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${hole.port}`),
      );
      const at = `127.0.0.1:${hole.port}`;
      const started = Date.now();
      const findings = await health(
        { kafkaAdminBootstrapServers: at, opsPrometheusUrl: `http://${at}` },
        {
          KUBECONFIG: kubeconfig,
          KG_RCA_NEO4J_URI: `bolt://${at}`,
          KG_RCA_BILLING_DATABASE_URL: `postgresql://billing:x@${at}/billing`,
        },
        healthChecks,
        1500,
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 5000, `all checks ran at once, each cut at 1.5s; took ${elapsed} ms`);
      for (const finding of Object.values(findings)) {
        assert.equal(finding.status, "error", `${finding.name}: ${finding.reason}`);
        // The client library's own timeout or ours, whichever comes first: never a hang.
        assert.match(
          finding.reason,
          /no answer within 1\.5s|timed? ?out|timeout|1500 ms/i,
          `${finding.name}: ${finding.reason}`,
        );
      }
    } finally {
      hole.close();
    }
  });

  it("clients: the weekly summary of each active client, as a table and as JSON", async () => {
    const context = loadOpsContext({ projectDir, stack: "local", overrides: base, env, timeoutMs: 10000 });
    const report = await clientsReport(context, silentProgress);
    assert.deepEqual(report.errors, {});
    assert.equal(report.databases, "default");
    const [a, b, ...rest] = report.clients;
    assert.equal(rest.length, 0, "only active clients are summarised");
    assert.deepEqual(
      { ...a, apiCalls7d: undefined },
      {
        id: "tenant-a",
        plan: "basic",
        status: "active",
        billingStatus: { value: "active" },
        events: { value: 12020 },
        resources: { value: 5 },
        rcaLinks: { value: 3 },
        apiCalls7d: undefined,
      },
    );
    // 2 calls every 30 s for the two hours before the data was written (480), flat since; Prometheus extrapolates
    // the average rate to the end of the window by less than one step (2 calls).
    const calls = (a!.apiCalls7d as { value: number }).value;
    assert.ok(calls >= 480 && calls <= 482, `tenant-a API calls over 7d: ${calls}`);
    assert.deepEqual(
      [b!.events, b!.resources, b!.rcaLinks, b!.apiCalls7d],
      [{ value: 7 }, { value: 5 }, { value: 3 }, { value: null }],
    );

    const table = await ops(["clients"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^tenant-a +basic +active +active +12020 +\(default\) +5 +3 +\d+$/m);
    assert.match(table.stdout, /^tenant-b +pro +active +active +7 +\(default\) +5 +3 +n\/a$/m);
    assert.match(table.stdout, /the shared default database \(kg-rca-server:tenantDatabases is false\)/);
    assert.match(table.stderr, /^clients: kafka: done/m);
    const json = await ops(["clients", "--json"]);
    assert.equal(json.code, 0);
    const document = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(document), ["stack", "databases", "clients", "errors"]);
  });

  it("capacity: the registry and stack config alone, as a command", async () => {
    const result = await ops(["capacity", "--json", "--growth", "2"]);
    const report = JSON.parse(result.stdout) as {
      partitions: { partitionReplicas: number; perBroker: number; ceiling: number; ceilingSource: string };
      projection: { current: number; monthsUntilCeiling: number; startScalingInMonths: number };
      checks: { name: string; status: string }[];
    };
    // tenant-a and tenant-c basic (9 partitions each), tenant-b pro (18); replication 1, one broker.
    assert.deepEqual(
      { ...report.partitions },
      { partitionReplicas: 36, brokers: 1, perBroker: 36, ceiling: 4000, ceilingSource: "policies/config.local.json" },
    );
    assert.deepEqual([report.projection.current, report.projection.monthsUntilCeiling], [3, 98]);
    assert.equal(result.code, 1, "the plans' storage bound exceeds the local stack's 1Gi volume");
  });

  describe("with each server stopped in turn, the failing checks are errors and the others still report", () => {
    const statuses = (f: Findings) => Object.fromEntries(Object.values(f).map((x) => [x.name, x.status]));
    const ok = "ok";
    const error = "error";

    it("Prometheus", async () => {
      await prometheus.healthy!.stop();
      const findings = await health();
      assert.deepEqual(statuses(findings), {
        workloads: ok,
        neo4j: ok,
        "kafka-brokers": ok,
        "consumer-lag": ok,
        billing: ok,
        volumes: error,
        "rca-accuracy": error,
        "message-rate": error,
      });
      assert.match(
        findings.volumes!.reason,
        new RegExp(`^cannot reach Prometheus at ${promUrl("healthy")}: connect ECONNREFUSED`),
      );
      const result = await ops(["clients", "--json"]);
      assert.equal(result.code, 2);
      const report = JSON.parse(result.stdout) as {
        clients: { events: unknown; apiCalls7d: { error: string } }[];
        errors: Record<string, string>;
      };
      assert.deepEqual(Object.keys(report.errors), ["prometheus"]);
      assert.deepEqual(report.clients[0]!.events, { value: 12020 });
      assert.match(report.clients[0]!.apiCalls7d.error, /^prometheus: cannot reach Prometheus/);
      const healthCommand = await ops(["health", "--json"]);
      assert.equal(healthCommand.code, 2);
      assert.equal((JSON.parse(healthCommand.stdout) as { status: string }).status, "error");
    });

    it("PostgreSQL", async () => {
      postgres!.stop();
      const findings = await health();
      assert.deepEqual(
        summary(findings, "billing", "workloads", "neo4j", "kafka-brokers", "consumer-lag").map(([n, s]) => [n, s]),
        [
          ["billing", error],
          ["workloads", ok],
          ["neo4j", ok],
          ["kafka-brokers", ok],
          ["consumer-lag", ok],
        ],
      );
      assert.match(findings.billing!.reason, /^cannot reach the billing database at 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    });

    it("Neo4j", async () => {
      await neo4jServer.stop();
      const findings = await health();
      assert.deepEqual(
        summary(findings, "neo4j", "workloads", "kafka-brokers", "consumer-lag").map(([n, s]) => [n, s]),
        [
          ["neo4j", error],
          ["workloads", ok],
          ["kafka-brokers", ok],
          ["consumer-lag", ok],
        ],
      );
      assert.match(findings.neo4j!.reason, new RegExp(`^cannot reach Neo4j at bolt://127\\.0\\.0\\.1:${ports.neo4j}`));
    });

    it("Kafka", async () => {
      await kafkaServer.stop();
      const findings = await health();
      assert.deepEqual(
        summary(findings, "kafka-brokers", "consumer-lag", "workloads").map(([n, s]) => [n, s]),
        [
          ["kafka-brokers", error],
          ["consumer-lag", error],
          ["workloads", ok],
        ],
      );
      assert.match(
        findings["kafka-brokers"]!.reason,
        new RegExp(`^cannot reach Kafka at 127\\.0\\.0\\.1:${ports.kafka}`),
      );
    });

    it("the Kubernetes API server", async () => {
      await cluster.stop();
      const findings = await health();
      assert.equal(findings.workloads!.status, error);
      assert.match(
        findings.workloads!.reason,
        /^cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
      );
      assert.deepEqual(
        Object.values(findings).map((f) => f.status),
        Array<string>(8).fill(error),
        "with every server down, every check is an error and every check still reports",
      );
    });
  });
});
