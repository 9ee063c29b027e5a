import { strict as assert } from "assert";
import * as k8s from "@kubernetes/client-node";

import { neo4jBackupUnavailableMessage } from "../../components/backups/backupScripts";
import { selects } from "../../policies/kubernetesPods";
import { namespace, NodeCluster } from "./nodeCluster";
import { servedRegistry, serveRegistry, sharedNode, stack } from "./sharedNode";

describe("a real node: the program's own pods run in the local stack", function () {
  this.timeout(30 * 60 * 1000);
  let cluster: NodeCluster;
  /**
   * An update with `pod` deleted while it runs. Whether that update applies or fails depends on
   * when the pod goes; either is accepted. The StatefulSet must bring the pod back, and a re-run
   * must converge.
   */
  async function updateWhileDeleting(pod: string): Promise<void> {
    const interrupted = stack.update().catch(() => undefined);
    await cluster.core().deleteNamespacedPod({ name: pod, namespace });
    await interrupted;
    await cluster.waitFor(`${pod} Ready again`, () => cluster.podReady(pod));
    await stack.update();
    await stack.preview({ expectNoChanges: true });
  }

  before(async () => {
    ({ cluster } = await sharedNode());
  });

  it("1. every StatefulSet, Deployment and wiring probe is Ready", async () => {
    // The wiring probes stand in for graph-builder and kg-api: Ready only while the Secrets, host
    // names and ports the program gives them reach Kafka, Neo4j and the billing database. A pod an
    // HPA has just added is given its minute to start.
    await cluster.waitAllReady("every pod Ready", 180000);
    const statefulSets = (await cluster.apps().listNamespacedStatefulSet({ namespace })).items;
    assert.deepEqual(statefulSets.map((s) => s.metadata?.name).sort(), ["kafka", "neo4j", "postgresql"]);
    for (const s of statefulSets) {
      assert.equal(s.status?.readyReplicas, s.spec?.replicas, `StatefulSet ${s.metadata?.name}`);
    }
    const deployments = (await cluster.apps().listNamespacedDeployment({ namespace })).items;
    assert.deepEqual(deployments.map((d) => d.metadata?.name).sort(), ["graph-builder", "kg-api"]);
    for (const d of deployments) {
      assert.ok((d.status?.readyReplicas ?? 0) >= 1, `Deployment ${d.metadata?.name} has no ready pod`);
    }
  });

  it('1. the namespace enforces Pod Security "restricted": every pod above was admitted under it, and a root pod is refused', async () => {
    const labels = (await cluster.core().readNamespace({ name: namespace })).metadata?.labels ?? {};
    assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
    // The API server's own PodSecurity admission judges the pod: a dry run writes nothing.
    const rootPod: k8s.V1Pod = {
      metadata: { name: "pod-security-probe" },
      spec: { containers: [{ name: "probe", image: "kg-rca.local/pause:any", securityContext: { runAsUser: 0 } }] },
    };
    await assert.rejects(
      cluster.core().createNamespacedPod({ namespace, body: rootPod, dryRun: "All" }),
      (err: Error) => {
        // The API server's Status, as JSON text: its message names the level and version it enforced.
        const body = (err as { body?: unknown }).body;
        const message = typeof body === "string" ? (JSON.parse(body) as { message?: string }).message : err.message;
        return /violates PodSecurity "restricted:v1\.34"/.test(message ?? "");
      },
    );
  });

  it("1. the API server holds a default deny and an allow policy selecting every pod of the namespace (not enforced here)", async () => {
    // The node's bridge network plugin does not enforce NetworkPolicies: this checks them as the API server stored them.
    const policies = (await cluster.kube.makeApiClient(k8s.NetworkingV1Api).listNamespacedNetworkPolicy({ namespace }))
      .items;
    const deny = policies.find((p) => p.metadata?.name === "default-deny");
    const denySpec = deny?.spec;
    assert.ok(denySpec, "no default-deny policy");
    // Every pod (an empty selector), in and out, with no rule.
    assert.deepEqual(denySpec.podSelector?.matchLabels ?? {}, {});
    assert.deepEqual(denySpec.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual([denySpec.ingress ?? [], denySpec.egress ?? []], [[], []]);
    const allows = policies.filter((p) => p.metadata?.name?.startsWith("allow-") && p.metadata.name !== "allow-dns");
    for (const pod of (await cluster.core().listNamespacedPod({ namespace })).items) {
      const labels = pod.metadata?.labels ?? {};
      const selecting = allows.filter((p) => selects(p.spec?.podSelector, labels));
      assert.equal(selecting.length, 1, `pod ${pod.metadata?.name} is selected by ${selecting.length} allow policies`);
    }
  });

  it("1. as stored, the policies let no pod without an allowing policy reach the servers, and each client only its flows (not enforced here)", async () => {
    const policies = (await cluster.kube.makeApiClient(k8s.NetworkingV1Api).listNamespacedNetworkPolicy({ namespace }))
      .items;
    const podLabels = (app: string): Record<string, string> => ({ "app.kubernetes.io/name": app });
    /** Whether some policy selecting the server's pods admits a pod of this namespace with `labels` on `port`. */
    const admitted = (server: string, labels: Record<string, string>, port: number): boolean =>
      policies
        .filter((p) => selects(p.spec?.podSelector, podLabels(server)) && p.spec?.policyTypes?.includes("Ingress"))
        .some((p) =>
          (p.spec?.ingress ?? []).some(
            (rule) =>
              (rule.ports ?? []).some((p) => p.port === port) &&
              // A pod of this namespace is admitted by a pod selector alone (a namespace selector names others).
              (rule._from ?? []).some(
                (peer) => peer.namespaceSelector === undefined && selects(peer.podSelector, labels),
              ),
          ),
        );
    /** Whether some policy selecting this client lets it out to the server's pods on `port`. */
    const released = (labels: Record<string, string>, server: string, port: number): boolean =>
      policies
        .filter((p) => selects(p.spec?.podSelector, labels) && p.spec?.policyTypes?.includes("Egress"))
        .some((p) =>
          (p.spec?.egress ?? []).some(
            (rule) =>
              (rule.ports ?? []).some((p) => p.port === port) &&
              (rule.to ?? []).some((peer) => selects(peer.podSelector, podLabels(server))),
          ),
        );
    const servers = { kafka: 9092, neo4j: 7687, postgresql: 5432 } as const;
    const intruder = podLabels("intruder");
    for (const [server, port] of Object.entries(servers)) {
      assert.equal(admitted(server, intruder, port), false, `an unknown pod admitted to ${server}:${port}`);
      assert.equal(released(intruder, server, port), false, `an unknown pod let out to ${server}:${port}`);
    }
    const reach = (client: string): string[] =>
      Object.entries(servers)
        .filter(
          ([server, port]) => admitted(server, podLabels(client), port) && released(podLabels(client), server, port),
        )
        .map(([server]) => server);
    assert.deepEqual(reach("graph-builder"), ["kafka", "neo4j"]);
    assert.deepEqual(reach("kg-api"), ["neo4j", "postgresql"]);
  });

  it("1. the broker was formatted by the program's start script, with the admin and anchor SCRAM users", () => {
    const users = cluster.kafkaTool("kafka-configs.sh", "--describe", "--entity-type", "users");
    assert.match(users, /SCRAM credential configs for user-principal 'admin' are SCRAM-SHA-512/);
    assert.match(users, /SCRAM credential configs for user-principal 'f5a5a608' are SCRAM-SHA-512/);
    const meta = cluster.kubectl("exec", "kafka-0", "--", "cat", "/var/lib/kafka/data/logs/meta.properties");
    assert.match(meta, /^node\.id=0$/m);
  });

  it("1. the broker's JVM starts with the stack's kafkaJvmPerformanceOptions, through the image's scripts", async () => {
    const configured = (await stack.engine.getConfig("kg-rca-server:kafkaJvmPerformanceOptions")).value;
    assert.notEqual(configured, "", "Pulumi.local.yaml sets the flags");
    const commandLines = cluster.kubectl(
      "exec",
      "kafka-0",
      "--",
      "bash",
      "-c",
      `for p in /proc/[0-9]*; do tr '\\0' ' ' < "$p/cmdline" 2>/dev/null; echo; done`,
    );
    const broker = commandLines.split("\n").find((line) => / kafka\.Kafka /.test(line));
    assert.ok(broker?.includes(` ${configured} `), `the broker's command line: ${broker ?? "(none)"}`);
  });

  it("1. the billing schema exists in the program's PostgreSQL pod, with a row for every registry entry", async () => {
    const tables = await cluster.billing(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    assert.deepEqual(
      tables.map((r) => r.table_name),
      ["client_history", "clients"],
    );
    const rows = await cluster.billing("SELECT id FROM clients ORDER BY id");
    assert.deepEqual(
      rows.map((r) => r.id),
      servedRegistry()
        .map((c) => c.id)
        .sort(),
    );
  });

  it("1. Neo4j answers Bolt (over TLS) with the generated password, and refuses another", async () => {
    const password = await cluster.secretValue("neo4j-auth", "password");
    const one = await cluster.withBolt(password, async (driver) => {
      const result = await driver.executeQuery("RETURN 1 AS one");
      return (result.records[0]?.get("one") as { toNumber(): number }).toNumber();
    });
    assert.equal(one, 1);
    await assert.rejects(
      cluster.withBolt(`${password}-not`, (driver) => driver.executeQuery("RETURN 1")),
      /authentication failure|Unauthorized/i,
    );
  });

  it("4. a broker config change rolls the pod through the config checksum; tenants' data and credentials survive", async () => {
    const kafka = await cluster.tenantKafka("tenant-a");
    const topic = "tenant-a.events.normalized";
    const messagesBefore = await cluster.readAll("tenant-a", topic);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: "before-roll-1" }, { value: "before-roll-2" }] });
    await producer.disconnect();
    const podBefore = await cluster.core().readNamespacedPod({ name: "kafka-0", namespace });
    await stack.setConfig({ kafkaNumIoThreads: "4" });
    await stack.update();
    const podAfter = await cluster.core().readNamespacedPod({ name: "kafka-0", namespace });
    assert.notEqual(podAfter.metadata?.uid, podBefore.metadata?.uid, "kafka-0 was not replaced");
    assert.notEqual(
      podAfter.metadata?.annotations?.["kg-rca/config-sha256"],
      podBefore.metadata?.annotations?.["kg-rca/config-sha256"],
    );
    assert.deepEqual(
      await cluster.readAll("tenant-a", topic),
      [...messagesBefore, "before-roll-1", "before-roll-2"].sort(),
    );
    await stack.preview({ expectNoChanges: true });
  });

  it("3. faults: the broker pod deleted during an update and PostgreSQL's during another; nothing lost or duplicated", async () => {
    const topic = "tenant-a.events.normalized";
    const messagesBefore = await cluster.readAll("tenant-a", topic);
    // Broker pod deleted while an update runs: the StatefulSet brings it back on the same volume.
    await stack.setConfig({ kafkaLogRetentionHours: "100" });
    await updateWhileDeleting("kafka-0");
    assert.deepEqual(await cluster.readAll("tenant-a", topic), messagesBefore);

    // PostgreSQL pod deleted while an update writes billing rows: a plan upgrade of a live basic client.
    const registry = servedRegistry();
    const upgraded = registry.find((c) => c.status === "active" && c.plan === "basic");
    assert.ok(upgraded, "the served registry has an active client on the basic plan");
    const rowsBefore = await cluster.billing("SELECT id, plan, status FROM clients ORDER BY id");
    const historyBefore = await cluster.billing("SELECT client_id, plan, status FROM client_history ORDER BY seq");
    await serveRegistry(registry.map((c) => (c === upgraded ? { ...c, plan: "pro" } : c)));
    await updateWhileDeleting("postgresql-0");
    assert.deepEqual(
      await cluster.billing("SELECT id, plan, status FROM clients ORDER BY id"),
      rowsBefore.map((r) => (r.id === upgraded.id ? { ...r, plan: "pro" } : r)),
    );
    // Exactly one new history entry: the plan change, written once whatever the pod's deletion interrupted.
    assert.deepEqual(await cluster.billing("SELECT client_id, plan, status FROM client_history ORDER BY seq"), [
      ...historyBefore,
      { client_id: upgraded.id, plan: "pro", status: "active" },
    ]);
  });

  it("maintenance on pods: kg-api at zero, the page Ready and answering 503 with Retry-After through its Service; back under its HPA after", async () => {
    const kgApiPods = async () => {
      const pods = await cluster.core().listNamespacedPod({
        namespace,
        labelSelector: "app.kubernetes.io/name=kg-api",
      });
      return pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined);
    };
    await stack.setConfig({ maintenanceMode: "true" });
    await stack.update();
    const parked = await cluster.apps().readNamespacedDeployment({ name: "kg-api", namespace });
    assert.equal(parked.spec?.replicas, 0);
    await cluster.waitFor("no kg-api pod", async () => (await kgApiPods()).length === 0, 120000);
    const hpas = await cluster.kube
      .makeApiClient(k8s.AutoscalingV2Api)
      .listNamespacedHorizontalPodAutoscaler({ namespace });
    assert.deepEqual(
      hpas.items.map((h) => h.metadata?.name),
      ["graph-builder"],
      "kg-api's HPA is gone while it is parked",
    );
    const page = await cluster.apps().readNamespacedDeployment({ name: "kg-api-maintenance", namespace });
    assert.equal(page.status?.readyReplicas, page.spec?.replicas, "the maintenance page is Ready");
    const ingress = await cluster.kube
      .makeApiClient(k8s.NetworkingV1Api)
      .readNamespacedIngress({ name: "kg-api", namespace });
    assert.equal(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name, "kg-api-maintenance");
    const response = await fetch(`http://${await cluster.serviceAddress("kg-api-maintenance")}:8080/api/v1/rca?q=x`);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "3600");
    assert.match(await response.text(), /Scheduled maintenance/);

    // Out of maintenance, with a floor of two: the HPA, not the program, brings kg-api back to it.
    await stack.setConfig({ maintenanceMode: "false", kgApiMinReplicas: "2" });
    await stack.update();
    const hpa = await cluster.kube
      .makeApiClient(k8s.AutoscalingV2Api)
      .readNamespacedHorizontalPodAutoscaler({ name: "kg-api", namespace });
    assert.equal(hpa.spec?.minReplicas, 2);
    await cluster.waitFor(
      "two Ready kg-api pods",
      async () =>
        (await kgApiPods()).filter((p) =>
          (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
        ).length === 2,
      180000,
    );
    const back = await cluster.apps().readNamespacedDeployment({ name: "kg-api", namespace });
    assert.equal(back.spec?.replicas, 2);
    assert.equal(
      (await cluster.apps().listNamespacedDeployment({ namespace })).items.some(
        (d) => d.metadata?.name === "kg-api-maintenance",
      ),
      false,
      "the page is gone",
    );
    await stack.preview({ expectNoChanges: true });
  });

  it("the Neo4j backup job, run on Community, fails at once with a message saying why, not a hang", async () => {
    const name = "neo4j-backup-e2e";
    cluster.runCronJob("neo4j-backup", name);
    assert.equal(await cluster.jobOutcome(name, 300000), "Failed");
    const log = await cluster.jobLog(name, "backup");
    assert.ok(log.includes(neo4jBackupUnavailableMessage), log);
    await cluster.deleteJob(name);
  });
});
