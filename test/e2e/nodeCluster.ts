/**
 * The local node's cluster as the end-to-end tests reach it from the host: its
 * API (client-node), its Services by their cluster names (clusterNetwork.ts),
 * the Secrets the program generated, and the Kafka CLI inside the broker pod.
 * Valid once the stack's `up()` has succeeded.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as k8s from "@kubernetes/client-node";
import * as fs from "fs";
import { Kafka, KafkaJSError, logLevel } from "kafkajs";
import neo4j, { Driver } from "neo4j-driver";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";

import { ClusterNetwork, nodeAddress } from "./clusterNetwork";
import { kafkaAdminClientProperties, kafkaTlsMountPath } from "../../components/kafka/kafkaProperties";
import { neo4jPorts } from "../../components/neo4j/neo4jSettings";
import { forwardPort } from "../../components/shared/portForward";
import { stackConfigFromFile } from "../../config/configFiles";
import { LocalStack, projectDir } from "./localStack";
import { readEvery } from "./tenantMessages";

export const namespace = "kg-rca-server";

/** How a machine outside the cluster reaches Kafka: the tenants' listener, over TLS, trusting the stack's CA. */
export interface TenantListener {
  readonly bootstrap: string;
  readonly ca: string;
}

/** Error types a Kafka client logged (kafkajs hides a refused FindCoordinator behind "coordinator not found"). */
export type ErrorSink = string[];

export class NodeCluster {
  readonly kube = new k8s.KubeConfig();
  readonly network: ClusterNetwork;

  constructor(private readonly stack: LocalStack) {
    this.kube.loadFromFile(stack.kubeconfig);
    this.network = new ClusterNetwork(nodeAddress(stack.kubeconfig));
  }

  core(): k8s.CoreV1Api {
    return this.kube.makeApiClient(k8s.CoreV1Api);
  }

  apps(): k8s.AppsV1Api {
    return this.kube.makeApiClient(k8s.AppsV1Api);
  }

  async secretValue(name: string, key: string): Promise<string> {
    const secret = await this.core().readNamespacedSecret({ name, namespace });
    return Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8");
  }

  /** The ClusterIP of a Service of the namespace. */
  serviceAddress(name: string): Promise<string> {
    return this.network.resolve(`${name}.${namespace}.svc.cluster.local`);
  }

  /** Polls `check` every 2 s until it holds; a throwing check counts as not yet. */
  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 300000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check().catch(() => false)) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  /**
   * Names of the namespace's serving pods that are not Ready (empty: all Ready). A Job's pods are
   * not serving pods and are left out: the backup CronJobs keep their real schedules on the local
   * stack, so a run that crosses 02:00 UTC meets the Neo4j backup's pods, which fail at once on
   * Community by design (the backups suite checks them).
   */
  async podsNotReady(): Promise<string[]> {
    return (await this.core().listNamespacedPod({ namespace })).items
      .filter((pod) => pod.status?.phase !== "Succeeded")
      .filter((pod) => !(pod.metadata?.ownerReferences ?? []).some((owner) => owner.kind === "Job"))
      .filter((pod) => !(pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"))
      .map((pod) => pod.metadata?.name ?? "");
  }

  /**
   * Waits until every serving pod is Ready, naming those that are not at the deadline. After a
   * restart, and before a check of the whole namespace: clients reconnecting after a restart can
   * lift graph-builder's CPU over its HPA's target for a scrape, and the pod that scale-up adds
   * takes 30-60 s to become Ready (seen once on CI, right after the certificate rotation).
   */
  async waitAllReady(what: string, timeoutMs = 300000): Promise<void> {
    let notReady: string[] = [];
    try {
      await this.waitFor(
        what,
        async () => {
          notReady = await this.podsNotReady();
          return notReady.length === 0;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; not Ready: ${notReady.join(", ")}`);
    }
  }

  async podReady(name: string): Promise<boolean> {
    const pod = await this.core().readNamespacedPod({ name, namespace });
    return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  }

  kubectl(...args: string[]): string {
    return this.kubectlWithInput(undefined, ...args);
  }

  /** kubectl with `input` on its standard input (`exec -i`). */
  kubectlWithInput(input: Buffer | undefined, ...args: string[]): string {
    const result = spawnSync("kubectl", ["-n", namespace, ...args], {
      env: this.stack.environment,
      encoding: "utf8",
      timeout: 300000,
      maxBuffer: 64 * 1024 * 1024,
      input,
    });
    assert.equal(result.status, 0, `kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  }

  /** Runs a CronJob now, as a Job made from its template (`kubectl create job --from`). */
  runCronJob(cronJob: string, job: string): void {
    this.kubectl("create", "job", job, `--from=cronjob/${cronJob}`);
  }

  /** Waits until a Job has completed or failed, and says which. */
  async jobOutcome(name: string, timeoutMs = 900000): Promise<"Complete" | "Failed"> {
    const batch = this.kube.makeApiClient(k8s.BatchV1Api);
    let outcome: "Complete" | "Failed" | undefined;
    await this.waitFor(
      `Job ${name} to finish`,
      async () => {
        const job = await batch.readNamespacedJob({ name, namespace });
        const finished = (job.status?.conditions ?? []).find(
          (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
        );
        outcome = finished?.type as typeof outcome;
        return outcome !== undefined;
      },
      timeoutMs,
    );
    return outcome ?? "Failed";
  }

  /** The log of a container of the (first) pod of a Job. */
  async jobLog(job: string, container: string): Promise<string> {
    const pods = await this.core().listNamespacedPod({ namespace, labelSelector: `job-name=${job}` });
    const pod = pods.items[0]?.metadata?.name ?? "";
    return this.core().readNamespacedPodLog({ name: pod, namespace, container });
  }

  /** Deletes a Job and its pods. */
  async deleteJob(name: string): Promise<void> {
    await this.kube
      .makeApiClient(k8s.BatchV1Api)
      .deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" });
  }

  /**
   * Takes a single-pod StatefulSet's server away or brings it back, keeping its volume: the
   * outage of a server as the engine meets it in a cluster. The engine does not refresh, so
   * an update in between does not undo the replica count.
   */
  async scaleStatefulSet(name: string, replicas: 0 | 1): Promise<void> {
    this.kubectl("scale", `statefulset/${name}`, `--replicas=${replicas}`);
    const pod = `${name}-0`;
    if (replicas === 0) {
      await this.waitFor(`${pod} gone`, async () => {
        const pods = await this.core().listNamespacedPod({ namespace, fieldSelector: `metadata.name=${pod}` });
        return pods.items.length === 0;
      });
    } else {
      await this.waitFor(`${pod} Ready`, () => this.podReady(pod));
    }
  }

  /** The environment of the stack's scripts and CLI (KG_RCA_LOCAL_DIR, KUBECONFIG, PATH). */
  get stackEnvironment(): NodeJS.ProcessEnv {
    return this.stack.environment;
  }

  /** The tenants' listener and the CA as the stack's config declares them (scripts/local.sh writes the CA in). */
  tenantListener(): TenantListener {
    const config = stackConfigFromFile(projectDir, this.stack.configFile, "skip");
    const bootstrap = config.kafkaExternalBootstrapAddress;
    const ca = config.tlsCaCertificate;
    if (bootstrap === undefined || ca === undefined || ca === "") {
      throw new Error(`${this.stack.configFile} has no kafkaExternalBootstrapAddress or tlsCaCertificate`);
    }
    return { bootstrap, ca };
  }

  /**
   * A Kafka CLI tool run in the broker pod as the admin super-user (its password is in the pod's
   * environment), against the broker's own client listener over TLS (its name is in the certificate).
   */
  kafkaTool(tool: string, ...args: string[]): string {
    // The same admin properties as the program's rebalance Job, trusting the broker's own CA file.
    const script = [
      "set -e",
      "cat > /tmp/e2e-admin.properties <<EOF_PROPS",
      `${kafkaAdminClientProperties("SASL_SSL", `${kafkaTlsMountPath}/ca.crt`)}EOF_PROPS`,
      `/opt/kafka/bin/${tool} --bootstrap-server "$HOSTNAME.kafka-headless.${namespace}.svc.cluster.local:9092" --command-config /tmp/e2e-admin.properties "$@"`,
    ].join("\n");
    return this.kubectl("exec", "kafka-0", "--", "bash", "-c", script, tool, ...args);
  }

  /** A Kafka client of a SCRAM user, from outside the cluster: the tenants' listener, over TLS. */
  kafka(username: string, password: string, errors?: ErrorSink): Kafka {
    const listener = this.tenantListener();
    return new Kafka({
      clientId: `e2e-${username}`,
      brokers: [listener.bootstrap],
      sasl: { mechanism: "scram-sha-512", username, password },
      ssl: { ca: [listener.ca] },
      connectionTimeout: 5000,
      requestTimeout: 15000,
      // A few retries: the broker creates its offsets topic on the first group request.
      retry: { retries: 5, initialRetryTime: 500 },
      logLevel: errors === undefined ? logLevel.NOTHING : logLevel.DEBUG,
      logCreator: () => (entry) => {
        const error = (entry.log as { error?: { type?: string } }).error;
        if (errors !== undefined && error?.type !== undefined) {
          errors.push(error.type);
        }
      },
    });
  }

  /** A client's SCRAM credentials, from the Secret the program generated for it. */
  async credentialsOf(clientId: string): Promise<{ username: string; password: string }> {
    const secret = `${clientId}-kafka-credentials`;
    return {
      username: await this.secretValue(secret, "username"),
      password: await this.secretValue(secret, "password"),
    };
  }

  async tenantKafka(clientId: string, errors?: ErrorSink): Promise<Kafka> {
    const { username, password } = await this.credentialsOf(clientId);
    return this.kafka(username, password, errors);
  }

  /** The super-user the engine's kafka provider uses. */
  adminKafka(): Kafka {
    return this.kafka("admin", this.stack.environment.KAFKA_ADMIN_PASSWORD ?? "local-kafka-admin");
  }

  /** Messages on a topic, from its offsets, by a fresh admin client (a long-lived one keeps the partitions it first saw). */
  async messageCount(topic: string): Promise<number> {
    // Right after the brokers change (a drain, a lowered count, a roll) a partition's leader may
    // move after the admin client read its metadata: the old leader answers NOT_LEADER_FOR_PARTITION,
    // which kafkajs's fetchTopicOffsets does not retry (it retries an unknown topic only). A new
    // client reads fresh metadata, so each retriable error gets a new one, for up to a minute.
    const deadline = Date.now() + 60000;
    for (;;) {
      const admin = this.adminKafka().admin();
      await admin.connect();
      try {
        return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      } catch (error) {
        if (!(error instanceof KafkaJSError && error.retriable) || Date.now() > deadline) {
          throw error;
        }
      } finally {
        await admin.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  /** Every message of a topic, sorted, read from the start by a fresh consumer group of the client. */
  async readAll(clientId: string, topic: string): Promise<string[]> {
    const expected = await this.messageCount(topic);
    return readEvery(await this.tenantKafka(clientId), `${clientId}.e2e-${Date.now()}`, topic, expected);
  }

  /**
   * Runs `work` with a Neo4j driver logged in as `password`'s user neo4j, through a port-forward to
   * neo4j-0 over TLS: Bolt takes nothing else, verified against the stack's CA for `localhost`, the
   * name a port-forward has (as the engine's provider and the ops commands connect).
   */
  async withBolt<T>(password: string, work: (driver: Driver) => Promise<T>): Promise<T> {
    const forwarding = await forwardPort(new k8s.PortForward(this.kube), {
      namespace,
      pod: "neo4j-0",
      port: neo4jPorts.bolt,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-bolt-"));
    const caFile = path.join(dir, "ca.crt");
    fs.writeFileSync(caFile, this.tenantListener().ca);
    const driver = neo4j.driver(`bolt://localhost:${forwarding.localPort}`, neo4j.auth.basic("neo4j", password), {
      encrypted: "ENCRYPTION_ON",
      trust: "TRUST_CUSTOM_CA_SIGNED_CERTIFICATES",
      trustedCertificates: [caFile],
      connectionTimeout: 10000,
    });
    try {
      return await work(driver);
    } finally {
      await driver.close();
      await forwarding.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * A query on the billing database (or another) in the program's PostgreSQL pod, as the platform's
   * user, over TLS verified against the stack's CA and the Service's name (the server takes nothing else).
   */
  async billing(sql: string, params: unknown[] = [], database = "billing"): Promise<Record<string, unknown>[]> {
    const client = new Client({
      host: await this.serviceAddress("postgresql"),
      port: 5432,
      ssl: { ca: this.tenantListener().ca, servername: `postgresql.${namespace}.svc.cluster.local` },
      user: await this.secretValue("postgresql-auth", "username"),
      password: await this.secretValue("postgresql-auth", "password"),
      database,
      connectionTimeoutMillis: 10000,
    });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }
}
