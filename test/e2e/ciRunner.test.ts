/**
 * The engine's and the operators' view of the cluster: a CI runner outside it, which has a
 * kubeconfig and the tenants' listener and nothing else. Every node suite's `pulumi up` runs in
 * that runner's network namespace (scripts/node/runner.sh); this suite shows what the namespace
 * reaches and that the day-2 commands and the Neo4j provider work from it with only a kubeconfig.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { neo4jPorts } from "../../components/neo4j/neo4jSettings";
import { postgresPort } from "../../components/postgres/billingDatabase";
import { projectDir } from "./localStack";
import { namespace, NodeCluster } from "./nodeCluster";
import { sharedNode } from "./sharedNode";

interface Probe {
  readonly target: string;
  readonly outcome: string;
}

describe("a CI runner's view: the engine and the ops commands reach the API server and the tenants' listener only", function () {
  this.timeout(5 * 60 * 1000);
  let cluster: NodeCluster;
  let nodeDir: string;
  let stackFile: string;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-runner-"));

  /** CMD in the runner's network namespace, with only PATH, HOME and KUBECONFIG in its environment. */
  function inRunner(command: string, args: string[]): { status: number; stdout: string; stderr: string } {
    const environment = cluster.stackEnvironment;
    const result = spawnSync("bash", ["scripts/node/runner.sh", "exec", nodeDir, command, ...args], {
      cwd: projectDir,
      encoding: "utf8",
      timeout: 180000,
      env: { PATH: environment.PATH, HOME: os.homedir(), KUBECONFIG: environment.KUBECONFIG },
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** A TCP connection to each HOST:PORT (or a DNS lookup of a bare name) from inside the runner. */
  function probe(targets: readonly string[]): Probe[] {
    const script = path.join(scratch, "probe.js");
    fs.writeFileSync(
      script,
      `const net = require("net"), dns = require("dns");
      const attempt = (target) => new Promise((resolve) => {
        if (!target.includes(":")) {
          dns.lookup(target, (err) => resolve({ target, outcome: err ? "unresolved" : "resolved" }));
          return;
        }
        const [host, port] = target.split(":");
        const socket = net.connect({ host, port: Number(port), timeout: 3000 });
        socket.once("connect", () => { socket.destroy(); resolve({ target, outcome: "connected" }); });
        socket.once("timeout", () => { socket.destroy(); resolve({ target, outcome: "timeout" }); });
        socket.once("error", (err) => resolve({ target, outcome: err.code }));
      });
      Promise.all(process.argv.slice(2).map(attempt)).then((r) => console.log(JSON.stringify(r)));`,
    );
    const run = inRunner("node", [script, ...targets]);
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as Probe[];
  }

  before(async () => {
    ({ cluster } = await sharedNode());
    const environment = cluster.stackEnvironment;
    const state = environment.KG_RCA_LOCAL_DIR ?? path.join(os.homedir(), ".local/state/kg-rca-local");
    nodeDir = path.join(state, "node");
    stackFile = path.join(state, "Pulumi.local.yaml");
  });

  after(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("reaches the API server and the tenants' listener; no Service, pod, other node port or cluster name", async () => {
    const listener = cluster.tenantListener();
    const node = cluster.network.dnsServer;
    const postgresService = await cluster.serviceAddress("postgresql");
    const neo4jService = await cluster.serviceAddress("neo4j");
    const postgresPod = (await cluster.core().readNamespacedPod({ name: "postgresql-0", namespace })).status?.podIP;
    assert.ok(postgresPod, "postgresql-0 has an address");
    const reached = probe([
      `${node}:6443`,
      listener.bootstrap,
      `${postgresService}:${postgresPort}`,
      `${neo4jService}:${neo4jPorts.bolt}`,
      `${postgresPod}:${postgresPort}`,
      // kubelet's port on the node's own address: only the relayed ports answer there.
      `${node}:10250`,
      `postgresql.${namespace}.svc.cluster.local`,
    ]);
    const outcomes = Object.fromEntries(reached.map((p) => [p.target, p.outcome]));
    assert.equal(outcomes[`${node}:6443`], "connected");
    assert.equal(outcomes[listener.bootstrap], "connected");
    for (const target of [`${postgresService}:${postgresPort}`, `${neo4jService}:${neo4jPorts.bolt}`]) {
      assert.match(String(outcomes[target]), /^(ENETUNREACH|EHOSTUNREACH|timeout)$/, `${target} from the runner`);
    }
    assert.match(String(outcomes[`${postgresPod}:${postgresPort}`]), /^(ENETUNREACH|EHOSTUNREACH|timeout)$/);
    assert.equal(outcomes[`${node}:10250`], "ECONNREFUSED");
    assert.equal(outcomes[`postgresql.${namespace}.svc.cluster.local`], "unresolved");
  });

  it("`ops health` from the runner with only a kubeconfig: Kafka over TLS, PostgreSQL and Neo4j through port-forwards", async () => {
    // The workloads check counts Ready replicas: a pod an HPA has just added is given its minute.
    await cluster.waitAllReady("every pod Ready before the health check", 180000);
    const run = inRunner("npx", [
      "ts-node",
      "--transpile-only",
      "scripts/ops.ts",
      "health",
      "--stack",
      "local",
      "--config-file",
      stackFile,
      "--json",
      "--timeout",
      "30",
    ]);
    const report = JSON.parse(run.stdout) as { checks: { name: string; status: string; reason: string }[] };
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    for (const name of ["workloads", "neo4j", "kafka-brokers", "billing"]) {
      assert.equal(byName[name]?.status, "ok", `${name}: ${byName[name]?.reason ?? "missing"}\n${run.stderr}`);
    }
    // No Prometheus runs on the local stack: the checks that need one say so, and only they fail.
    for (const name of ["rca-accuracy", "message-rate"]) {
      assert.notEqual(byName[name], undefined);
    }
  });

  it("the Neo4j provider reads a database through a port-forward over TLS, with the password and CA from the cluster", () => {
    const script = path.join(scratch, "neo4jRead.ts");
    fs.writeFileSync(
      script,
      `import { Neo4jDatabaseProvider } from ${JSON.stringify(path.join(projectDir, "components/tenants/neo4jDatabase"))};
      const connection = { namespace: ${JSON.stringify(namespace)}, service: "neo4j", pod: "neo4j-0", port: ${neo4jPorts.bolt}, access: "port-forward" as const, secretName: "neo4j-auth", caConfigMap: "tls-ca" };
      new Neo4jDatabaseProvider()
        .read("neo4j", { databaseName: "neo4j", connection })
        .then((r) => console.log(JSON.stringify({ id: r.id })), (e: Error) => { console.error(e.message); process.exit(1); });`,
    );
    const run = inRunner("npx", [
      "ts-node",
      "--transpile-only",
      "--project",
      path.join(projectDir, "tsconfig.json"),
      script,
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { id: "neo4j" });
  });

  it("leaves no relay of an engine run behind: a leftover would hold the CLI's output and hang the Automation API", () => {
    const left = spawnSync("pgrep", ["-af", `${nodeDir}/runner/loopback-`], { encoding: "utf8" });
    assert.equal(left.stdout, "", "event-log relays still running");
  });
});
