import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PolicyEvent } from "@pulumi/pulumi/automation";

import { stackConfigFromFiles } from "../../config/configFiles";
import { changesOf, platformResourcesOf, refusal } from "../../tools/engineResults";
import { freshProgram, MockRun, runUnderMocks } from "../../tools/mockEngine";
import { KubeObject } from "./kubeApi";
import { LocalStack, projectDir } from "./localStack";

const namespace = "kg-rca-server";
/** Kinds the issue asks to read back, by type token. */
const checkedKinds = [
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:core/v1:Service",
  "kubernetes:core/v1:Secret",
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  "kubernetes:policy/v1:PodDisruptionBudget",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:networking.k8s.io/v1:Ingress",
  "kubernetes:core/v1:PersistentVolumeClaim",
];
/** Kinds listed to prove a destroy leaves nothing behind. */
const namespacedKinds = [
  ...checkedKinds,
  "kubernetes:core/v1:ConfigMap",
  "kubernetes:batch/v1:Job",
  "kubernetes:core/v1:ServiceAccount",
];

/** Values the mock engine makes up for what the real engine generates (the KRaft cluster id). */
const generatedUnderMocks = new Set(["bW9jay1jbHVzdGVyLWlkAA"]);

/** True when every field of `declared` is in `live` with the same value (the API server adds defaults). */
function contains(live: unknown, declared: unknown, at = ""): string[] {
  if (Array.isArray(declared)) {
    if (!Array.isArray(live) || live.length !== declared.length) {
      return [`${at}: expected ${declared.length} items, got ${JSON.stringify(live)}`];
    }
    return declared.flatMap((item, i) => contains(live[i], item, `${at}[${i}]`));
  }
  if (typeof declared === "object" && declared !== null) {
    if (typeof live !== "object" || live === null) {
      return [`${at}: missing`];
    }
    return Object.entries(declared).flatMap(([k, v]) =>
      contains((live as Record<string, unknown>)[k], v, `${at}.${k}`),
    );
  }
  return String(live) === String(declared) || generatedUnderMocks.has(String(declared))
    ? []
    : [`${at}: declared ${JSON.stringify(declared)}, live ${JSON.stringify(live)}`];
}

/**
 * A digest of what an object asks for (spec, data, labels, annotations). Not its resourceVersion:
 * controllers rewrite status (the HPA controller every few seconds) without anyone changing it.
 */
function desiredStateDigest(o: KubeObject): string {
  const metadata = o.metadata as KubeObject;
  const desired = {
    spec: o.spec,
    data: o.data,
    labels: metadata.labels,
    annotations: metadata.annotations,
    uid: metadata.uid,
  };
  return crypto.createHash("sha256").update(JSON.stringify(desired)).digest("hex").slice(0, 16);
}

/** Every object of the checked kinds in the namespace, with a digest of its desired state: a fingerprint of the cluster. */
async function clusterFingerprint(stack: LocalStack): Promise<string[]> {
  const lists = await Promise.all(
    namespacedKinds.map(async (kind) =>
      (await stack.kube.list(kind, namespace)).map(
        (o: KubeObject) => `${kind.split(":").pop() ?? kind}/${String(o.metadata.name)}@${desiredStateDigest(o)}`,
      ),
    ),
  );
  return lists.flat().sort();
}

describe("real engine: the local stack against a real API server", function () {
  this.timeout(20 * 60 * 1000);
  const stack = new LocalStack();
  let declared: MockRun;

  before(async function () {
    const result = await stack.up();
    assert.equal(result.status, 0, `npm run local:up failed:\n${result.output.slice(-4000)}`);
    // What scripts/local-services.sh sets on its copy of the local stack's file for a stack without a node.
    const config = {
      ...stackConfigFromFiles(projectDir, "local"),
      skipAwait: "true",
      kafkaAdminBootstrapServers: "127.0.0.1:19092",
      kafkaListenerProtocol: "SASL_PLAINTEXT",
      neo4jEdition: "enterprise",
    };
    declared = await runUnderMocks(freshProgram(path.join(projectDir, "index.ts")), config, "local");
  });

  after(() => {
    const result = stack.down();
    if (result.status !== 0) {
      console.error(result.output.slice(-3000));
    }
  });

  it("1. creates every declared workload, Service, Secret, HPA, PDB, CronJob, Ingress and claim with the declared spec", async () => {
    const objects = declared.resources.filter((r) => checkedKinds.includes(r.type));
    assert.ok(objects.length >= 30, `only ${objects.length} objects declared`);
    for (const object of objects) {
      const inputs = object.inputs as KubeObject;
      const live = await stack.kube.mustGet(object.type, namespace, String(inputs.metadata.name));
      if (object.type === "kubernetes:core/v1:Secret") {
        // Values are secret in the synth; the keys and type are what can be compared.
        assert.equal(live.type, inputs.type, object.name);
        assert.ok(Object.keys(live.data ?? {}).length > 0, `${object.name} has data`);
        continue;
      }
      assert.deepEqual(contains(live.spec, inputs.spec, object.name), []);
    }
  });

  it("2. a second up changes nothing, and preview --expect-no-changes passes", async () => {
    const up = await stack.update();
    assert.deepEqual(changesOf(up.summary.resourceChanges), {}, up.stdout.slice(-3000));
    await stack.preview({ expectNoChanges: true });
  });

  it("2b. the daily drift check (preview --refresh --expect-no-changes) passes, and a refresh adopts no change", async () => {
    await stack.preview({ refresh: true, expectNoChanges: true });
    const refreshed = await stack.refresh();
    assert.deepEqual(changesOf(refreshed.summary.resourceChanges), {}, refreshed.stdout.slice(-3000));
    await stack.preview({ expectNoChanges: true });
  });

  it("3. applies HPA bounds, server count and volume growth in place", async () => {
    const before = await stack.kube.mustGet("kubernetes:apps/v1:StatefulSet", namespace, "neo4j");
    await stack.setConfig({ kgApiMaxReplicas: "3", neo4jServers: "2", neo4jVolumeSize: "2Gi" });
    const up = await stack.update();
    // The engine counts a replacement as one `replace` in the summary, whatever steps it takes.
    assert.equal(up.summary.resourceChanges?.replace, undefined, up.stdout.slice(-3000));
    const hpa = await stack.kube.mustGet("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", namespace, "kg-api");
    assert.equal(hpa.spec.maxReplicas, 3);
    const after = await stack.kube.mustGet("kubernetes:apps/v1:StatefulSet", namespace, "neo4j");
    assert.equal(after.spec.replicas, 2);
    assert.equal(after.metadata.uid, before.metadata.uid, "the StatefulSet was not replaced");
    for (const claim of ["data-neo4j-0", "data-neo4j-1"]) {
      const pvc = await stack.kube.mustGet("kubernetes:core/v1:PersistentVolumeClaim", namespace, claim);
      assert.equal(pvc.spec.resources.requests.storage, "2Gi", claim);
    }
  });

  it("3b. enters and leaves maintenance mode", async () => {
    await stack.setConfig({ maintenanceMode: "true" });
    await stack.update();
    const parked = await stack.kube.mustGet("kubernetes:apps/v1:Deployment", namespace, "kg-api");
    assert.equal(parked.spec.replicas, 0);
    assert.equal(
      await stack.kube.get("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", namespace, "kg-api"),
      undefined,
    );
    const ingress = await stack.kube.mustGet("kubernetes:networking.k8s.io/v1:Ingress", namespace, "kg-api");
    assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, "kg-api-maintenance");

    await stack.setConfig({ maintenanceMode: "false" });
    await stack.update();
    const restored = await stack.kube.mustGet("kubernetes:networking.k8s.io/v1:Ingress", namespace, "kg-api");
    assert.equal(restored.spec.rules[0].http.paths[0].backend.service.name, "kg-api");
    const hpa = await stack.kube.mustGet("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", namespace, "kg-api");
    assert.equal(hpa.spec.maxReplicas, 3);
    assert.equal(await stack.kube.get("kubernetes:apps/v1:Deployment", namespace, "kg-api-maintenance"), undefined);
    await stack.preview({ expectNoChanges: true });
  });

  for (const [what, change, message] of [
    [
      "a volume shrink",
      { neo4jVolumeSize: "1Gi" },
      /neo4jVolumeSize: volumes never shrink: the claims hold 2Gi and the change asks for 1Gi/,
    ],
    [
      "an invalid config value",
      { kgApiCpuTargetPercent: "0" },
      /kgApiCpuTargetPercent: must be an integer from 1 to 100; got "0"/,
    ],
  ] as const) {
    it(`4. refuses ${what} before anything changes`, async () => {
      const stateBefore = await stack.exportState();
      const clusterBefore = await clusterFingerprint(stack);
      const previous = fs.readFileSync(stack.configFile, "utf8");
      await stack.setConfig(change);
      try {
        assert.match(await refusal(stack.update()), message);
      } finally {
        fs.writeFileSync(stack.configFile, previous);
      }
      assert.deepEqual(
        platformResourcesOf(await stack.exportState()),
        platformResourcesOf(stateBefore),
        "state unchanged",
      );
      assert.deepEqual(await clusterFingerprint(stack), clusterBefore, "cluster unchanged");
    });
  }

  const editedRegistryFile = path.join(stack.dir, "edited-registry.json");
  const editedRegistry = `file:${editedRegistryFile}`;

  /** Runs `preview` with the stack serving `clients` instead of its registry, and restores the config. */
  async function withRegistry<T>(clients: object[], preview: () => T | Promise<T>): Promise<T> {
    fs.writeFileSync(editedRegistryFile, JSON.stringify(clients));
    const previous = fs.readFileSync(stack.configFile, "utf8");
    await stack.setConfig({ clientRegistry: editedRegistry });
    try {
      return await preview();
    } finally {
      fs.writeFileSync(stack.configFile, previous);
    }
  }

  const tenantA = {
    id: "tenant-a",
    name: "Tenant A",
    email: "a@tenant-a.example.com",
    plan: "basic",
    status: "active",
  };
  const tenantB = { id: "tenant-b", name: "Tenant B", email: "b@tenant-b.example.com", plan: "pro", status: "active" };

  it("the engine refuses a preview that removes an active client, before any step", async () => {
    const refused = await withRegistry([tenantA], () => refusal(stack.preview()));
    assert.match(refused, /client "tenant-b" \(status active\) was removed\. Entries are never removed/);
  });

  it("a downgrade that shrinks partitions (a topic replacement) fails the preview, and plan:guard refuses it", async () => {
    // plan:guard reads the document `pulumi preview --json` prints, which the Automation API does not produce.
    const preview = await withRegistry([tenantA, { ...tenantB, plan: "basic" }], () => stack.cli("preview", "--json"));
    assert.notEqual(preview.status, 0);
    const file = path.join(stack.dir, "preview.json");
    fs.writeFileSync(file, preview.output.slice(preview.output.indexOf("{")));
    const guard = spawnGuard(file, editedRegistry);
    assert.equal(guard.status, 1, guard.output);
    assert.match(
      guard.output,
      /the preview failed: error: unable to replace resource "urn:pulumi:local::kg-rca-server::kg-rca:tenants:ClientTenant\$kafka:index\/topic:Topic::tenant-b-events-topic"\nas it is currently marked for protection/,
    );
  });

  it("the policy pack runs in a real preview: the stack passes, and a policy violation blocks it", async () => {
    const pack = path.join(projectDir, "policies");
    await stack.preview({ policyPacks: [pack], policyPackConfigs: [path.join(pack, "config.local.json")] });
    const strict = path.join(stack.dir, "policy-strict.json");
    fs.writeFileSync(
      strict,
      JSON.stringify({
        all: "mandatory",
        "partitions-per-broker": { maxPartitionReplicasPerBroker: 10 },
        "topic-replication": { environment: "local" },
        "hpa-bounds": { environment: "local" },
      }),
    );
    const violations: PolicyEvent[] = [];
    const blocked = await refusal(
      stack.preview({
        policyPacks: [pack],
        policyPackConfigs: [strict],
        onEvent: (event) => {
          if (event.policyEvent !== undefined) {
            violations.push(event.policyEvent);
          }
        },
      }),
    );
    assert.match(blocked, /partitions-per-broker/);
    assert.match(blocked, /above the ceiling of 10/);
    assert.ok(
      violations.some(
        (v) =>
          v.policyName === "partitions-per-broker" &&
          v.enforcementLevel === "mandatory" &&
          v.message.includes("above the ceiling of 10"),
      ),
      `the policy reported the violation itself: ${JSON.stringify(violations)}`,
    );
  });

  it("5. destroy leaves nothing in the namespace but what is retained on purpose", async () => {
    // Lifting protection is the explicit step that removing data takes; the Automation API has no
    // `state unprotect`, so it runs as an operator types it.
    const unprotect = stack.cli("state", "unprotect", "--all", "--yes");
    assert.equal(unprotect.status, 0, unprotect.output);
    await stack.destroy();
    const left = await clusterFingerprint(stack);
    // Created by Kubernetes itself in every namespace, not by the program; the namespace is retained on delete.
    const expected = ["ConfigMap/kube-root-ca.crt", "ServiceAccount/default"];
    assert.deepEqual(
      left.map((l) => l.split("@")[0]),
      expected,
    );
    assert.ok(await stack.kube.get("kubernetes:core/v1:Namespace", undefined, namespace), "the namespace is retained");
  });
});

function spawnGuard(file: string, registry: string): { status: number; output: string } {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "scripts/planGuard.ts", file, "--registry", registry],
    {
      cwd: projectDir,
      encoding: "utf8",
    },
  );
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
