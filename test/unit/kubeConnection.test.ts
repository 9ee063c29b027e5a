import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { workloadsCheck } from "../../ops/checks/workloads";
import { kubeconfigPath, loadKubeconfig } from "../../ops/connections/kubeconfig";
import { createIfAbsent, kubeClient } from "../../ops/connections/kubernetes";
import { NamedFinding } from "../../ops/findings";
import { runHealth } from "../../ops/health";
import { silentProgress } from "../../ops/progress";
import { loadOpsContext } from "../../ops/stack";
import { FakeKubeApi, listOf, Routes, writeKubeconfig } from "../support/fakeKubeApi";
import { projectDir } from "./helpers/synthesize";

const deployments = "GET /apis/apps/v1/namespaces/ns/deployments";
const statefulSets = "GET /apis/apps/v1/namespaces/ns/statefulsets";
const healthy: Routes = {
  [deployments]: listOf("Deployment", [
    { metadata: { name: "kg-api" }, spec: { replicas: 2 }, status: { readyReplicas: 2 } },
  ]),
  [statefulSets]: listOf("StatefulSet", [{ metadata: { name: "neo4j" }, spec: {}, status: { readyReplicas: 1 } }]),
};

/** An exec credential plugin: waits `delayMs`, then prints an ExecCredential with `token`, or fails. */
function writePlugin(dir: string, delayMs: number, outcome: { token: string } | { fail: string }): string {
  const file = path.join(dir, "plugin.js");
  const body =
    "token" in outcome
      ? `process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: ${JSON.stringify(outcome.token)} } }))`
      : `process.stderr.write(${JSON.stringify(outcome.fail)}); process.exitCode = 1`;
  fs.writeFileSync(file, `setTimeout(() => { ${body}; }, ${delayMs});\n`);
  return file;
}

describe("Kubernetes connection (client-node)", function () {
  this.timeout(20000);
  let dir: string;
  let api: FakeKubeApi | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-connection-"));
  });

  afterEach(async () => {
    await api?.stop();
    api = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function workloads(kubeconfig: string | undefined, timeoutMs = 5000): Promise<NamedFinding> {
    const context = loadOpsContext({
      projectDir,
      stack: "local",
      overrides: { namespace: "ns" },
      env: { KUBECONFIG: kubeconfig },
      timeoutMs,
    });
    const [finding] = await runHealth(context, [workloadsCheck], silentProgress);
    return finding!;
  }

  it("workloads: reads Deployments and StatefulSets with the kubeconfig's bearer token", async () => {
    api = await FakeKubeApi.start(healthy);
    const finding = await workloads(writeKubeconfig(dir, api.url, { token: "static-token" }));
    assert.deepEqual([finding.status, finding.figure], ["ok", "2/2 ready"], finding.reason);
    assert.deepEqual(api.seen.map((r) => [`${r.method} ${r.path}`, r.authorization]).sort(), [
      [deployments, "Bearer static-token"],
      [statefulSets, "Bearer static-token"],
    ]);
  });

  it("workloads: not ready is an error naming them", async () => {
    api = await FakeKubeApi.start({
      ...healthy,
      [deployments]: listOf("Deployment", [{ metadata: { name: "kg-api" }, spec: { replicas: 2 }, status: {} }]),
    });
    const finding = await workloads(writeKubeconfig(dir, api.url, { token: "t" }));
    assert.deepEqual(
      [finding.status, finding.figure, finding.reason],
      ["error", "1/2 ready", "not ready: Deployment/kg-api 0/2"],
    );
  });

  it("runs an exec credential plugin without blocking the event loop, and sends its token", async () => {
    api = await FakeKubeApi.start(healthy);
    const plugin = writePlugin(dir, 400, { token: "exec-token" });
    const kubeconfig = writeKubeconfig(dir, api.url, {
      exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [plugin] },
    });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    try {
      const finding = await workloads(kubeconfig);
      assert.equal(finding.status, "ok", finding.reason);
    } finally {
      clearInterval(ticker);
    }
    // Other work (the other checks, their deadlines) ran while the plugin did.
    assert.ok(ticks >= 10, `the event loop ran ${ticks} timer ticks during a 400 ms plugin`);
    assert.deepEqual(
      api.seen.map((r) => r.authorization),
      ["Bearer exec-token", "Bearer exec-token"],
    );
  });

  it("names a failing exec credential plugin", async () => {
    api = await FakeKubeApi.start(healthy);
    const plugin = writePlugin(dir, 0, { fail: "no SSO session\n" });
    const kubeconfig = writeKubeconfig(dir, api.url, { exec: { command: process.execPath, args: [plugin] } });
    const finding = await workloads(kubeconfig);
    assert.equal(finding.status, "error");
    assert.equal(finding.reason, `credential plugin ${process.execPath} failed: no SSO session`);
    assert.deepEqual(api.seen, [], "nothing is sent without credentials");
  });

  it("cuts an exec credential plugin that never answers at the deadline", async () => {
    api = await FakeKubeApi.start(healthy);
    const plugin = writePlugin(dir, 3000, { token: "late" });
    const kubeconfig = writeKubeconfig(dir, api.url, { exec: { command: process.execPath, args: [plugin] } });
    const started = Date.now();
    const finding = await workloads(kubeconfig, 500);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.deepEqual([finding.status, finding.reason], ["error", "workloads: no answer within 0.5s"]);
  });

  it("reads kubectl's tokenFile, relative to the kubeconfig", async () => {
    api = await FakeKubeApi.start(healthy);
    fs.writeFileSync(path.join(dir, "token"), "file-token\n");
    const finding = await workloads(writeKubeconfig(dir, api.url, { tokenFile: "token" }));
    assert.equal(finding.status, "ok", finding.reason);
    assert.deepEqual(
      api.seen.map((r) => r.authorization),
      ["Bearer file-token", "Bearer file-token"],
    );
  });

  it("an answer other than 2xx is an error with the request and the server's message", async () => {
    api = await FakeKubeApi.start({
      ...healthy,
      [deployments]: { status: 403, body: { kind: "Status", message: 'deployments.apps is forbidden: User "x"' } },
    });
    const finding = await workloads(writeKubeconfig(dir, api.url, { token: "t" }));
    assert.deepEqual(
      [finding.status, finding.reason],
      ["error", `GET /apis/apps/v1/namespaces/ns/deployments answered 403: deployments.apps is forbidden: User "x"`],
    );
  });

  it("an API server that is down, or never answers, is an error naming it", async () => {
    api = await FakeKubeApi.start({ ...healthy, [statefulSets]: "hang" });
    const url = api.url;
    const hanging = await workloads(writeKubeconfig(dir, url, { token: "t" }), 500);
    assert.deepEqual([hanging.status, hanging.reason], ["error", "workloads: no answer within 0.5s"]);
    const client = kubeClient(loadKubeconfig(writeKubeconfig(dir, url, { token: "t" })), 300);
    await assert.rejects(
      client.apps.listNamespacedStatefulSet({ namespace: "ns" }),
      new Error(`cannot reach the Kubernetes API at ${url}: no answer within 300 ms`),
    );
    await api.stop();
    api = undefined;
    const down = await workloads(writeKubeconfig(dir, url, { token: "t" }));
    assert.equal(down.status, "error");
    assert.match(down.reason, /^cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  });

  it("close() cancels the requests in flight", async () => {
    api = await FakeKubeApi.start({ [deployments]: "hang" });
    const client = kubeClient(loadKubeconfig(writeKubeconfig(dir, api.url, { token: "t" })), 60000);
    const pending = client.apps.listNamespacedDeployment({ namespace: "ns" });
    setTimeout(() => {
      client.close();
    }, 100);
    await assert.rejects(pending, /^Error: cannot reach the Kubernetes API at .*abort/i);
  });

  it("createIfAbsent: created, already there (409), or the server's refusal", async () => {
    const discovery = {
      status: 200,
      body: {
        kind: "APIResourceList",
        groupVersion: "v1",
        resources: [{ name: "persistentvolumes", kind: "PersistentVolume", namespaced: false, verbs: ["create"] }],
      },
    };
    const volume = { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "v" } };
    for (const [status, expected] of [
      [201, true],
      [409, false],
    ] as const) {
      api = await FakeKubeApi.start({
        "GET /api/v1": discovery,
        "POST /api/v1/persistentvolumes": {
          status,
          body: status === 201 ? volume : { kind: "Status", message: "exists" },
        },
      });
      const client = kubeClient(loadKubeconfig(writeKubeconfig(dir, api.url, { token: "t" })), 5000);
      assert.equal(await createIfAbsent(() => client.objects.create(volume)), expected);
      assert.deepEqual(JSON.parse(api.seen.at(-1)!.body), volume);
      await api.stop();
      api = undefined;
    }
    api = await FakeKubeApi.start({
      "GET /api/v1": discovery,
      "POST /api/v1/persistentvolumes": { status: 422, body: { kind: "Status", message: "spec.capacity: Required" } },
    });
    const client = kubeClient(loadKubeconfig(writeKubeconfig(dir, api.url, { token: "t" })), 5000);
    await assert.rejects(
      createIfAbsent(() => client.objects.create(volume)),
      new Error("POST /api/v1/persistentvolumes answered 422: spec.capacity: Required"),
    );
  });
});

describe("kubeconfig loading", () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(config: Record<string, unknown>): string {
    const file = path.join(dir, "config");
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
  }

  const cluster = { name: "c", cluster: { server: "https://127.0.0.1:6443" } };
  const user = { name: "u", user: { token: "t" } };
  const context = { name: "x", context: { cluster: "c", user: "u" } };

  it("takes the first existing file of KUBECONFIG's list, and names the variable when there is none", () => {
    const file = write({ clusters: [cluster], users: [user], contexts: [context] });
    const missing = path.join(dir, "missing");
    assert.equal(kubeconfigPath({ KUBECONFIG: [missing, file].join(path.delimiter) }), file);
    assert.throws(
      () => kubeconfigPath({ KUBECONFIG: missing }),
      new Error(`no kubeconfig: KUBECONFIG names ${missing}, which does not exist`),
    );
  });

  it("uses the first context when there is no current-context", () => {
    const config = loadKubeconfig(write({ clusters: [cluster], users: [user], contexts: [context] }));
    assert.equal(config.getCurrentContext(), "x");
    assert.equal(config.getCurrentCluster()?.server, "https://127.0.0.1:6443");
  });

  it("names the file and what is missing", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ clusters: [cluster], users: [user] }, "no current-context and no contexts"],
      [{ clusters: [cluster], users: [user], contexts: [context], "current-context": "y" }, 'no context named "y"'],
      [{ users: [user], contexts: [context] }, 'no cluster named "c"'],
      [{ clusters: [cluster], contexts: [context] }, 'no user named "u"'],
    ];
    for (const [config, message] of cases) {
      const file = write(config);
      assert.throws(() => loadKubeconfig(file), new Error(`${file}: ${message}`));
    }
  });

  it("refuses a certificate authority file it cannot read, relative paths from the file's folder", () => {
    const file = write({
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443", "certificate-authority": "ca.crt" } }],
      users: [user],
      contexts: [context],
    });
    assert.throws(() => loadKubeconfig(file), /ENOENT: no such file or directory, access '.*\/ca\.crt'/);
    fs.writeFileSync(path.join(dir, "ca.crt"), "not checked here");
    assert.equal(loadKubeconfig(file).getCurrentCluster()?.caFile, path.join(dir, "ca.crt"));
  });
});
