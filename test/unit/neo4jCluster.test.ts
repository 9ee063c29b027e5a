import { strict as assert } from "assert";

import { Neo4jCluster } from "../../components";
import { MockRun } from "../../tools/mockEngine";
import { neo4jEnvName } from "../../components/neo4j/neo4jSettings";
import { neo4jClusterArgs } from "./fixtures/componentArgs";
import { synthesizeFixtureStack } from "./fixtures/stack";
import { assertSpreadsOverNodes } from "./helpers/placement";
import { envOf, find, inputsOf, ofType, synthesizeComponents, Tree, types } from "./helpers/synthesize";

describe("Neo4jCluster", () => {
  let run: MockRun;
  let statefulSet: Tree;
  let container: Tree;
  before(async () => {
    run = await synthesizeComponents(() => {
      new Neo4jCluster("neo4j", neo4jClusterArgs);
    });
    statefulSet = inputsOf(run, types.statefulSet, "neo4j-statefulset");
    container = statefulSet.spec.template.spec.containers[0];
  });

  it("maps settings to the official image's environment variables", () => {
    assert.equal(neo4jEnvName("server.memory.heap.max_size"), "NEO4J_server_memory_heap_max__size");
    assert.equal(neo4jEnvName("db.checkpoint.interval.tx"), "NEO4J_db_checkpoint_interval_tx");
  });

  it("runs the configured servers from a pinned image, parented to the component", () => {
    assert.equal(find(run, types.statefulSet, "neo4j-statefulset").parent, "neo4j");
    assert.equal(statefulSet.metadata.name, "neo4j");
    assert.equal(statefulSet.metadata.namespace, "kg-rca-server");
    assert.equal(statefulSet.spec.replicas, 3);
    assert.equal(statefulSet.spec.serviceName, "neo4j-headless");
    assert.equal(container.image, "neo4j:5.26.5-enterprise");
  });

  it("passes every tuning setting of the guide", () => {
    const env = envOf(container);
    assert.deepEqual(
      {
        heapInitial: env.NEO4J_server_memory_heap_initial__size,
        heapMax: env.NEO4J_server_memory_heap_max__size,
        pageCache: env.NEO4J_server_memory_pagecache_size,
        txTotal: env.NEO4J_db_memory_transaction_total_max,
        tx: env.NEO4J_db_memory_transaction_max,
        queryCache: env.NEO4J_server_db_query__cache__size,
        checkpointTime: env.NEO4J_db_checkpoint_interval_time,
        checkpointTx: env.NEO4J_db_checkpoint_interval_tx,
        boltPool: env.NEO4J_server_bolt_thread__pool__max__size,
      },
      {
        heapInitial: "32G",
        heapMax: "64G",
        pageCache: "32G",
        txTotal: "32G",
        tx: "16G",
        queryCache: "2000",
        checkpointTime: "15m",
        checkpointTx: "100000",
        boltPool: "800",
      },
    );
  });

  it("forms a cluster: every server discovers all three and advertises its own name", () => {
    const env = envOf(container);
    assert.equal(
      env.NEO4J_dbms_cluster_discovery_v2_endpoints,
      [0, 1, 2].map((i) => `neo4j-${i}.neo4j-headless.kg-rca-server.svc.cluster.local:6000`).join(","),
    );
    assert.equal(env.NEO4J_dbms_cluster_discovery_version, "V2_ONLY");
    assert.equal(env.NEO4J_initial_dbms_default__primaries__count, "3");
    assert.equal(
      env.NEO4J_server_default__advertised__address,
      "$(POD_NAME).neo4j-headless.kg-rca-server.svc.cluster.local",
    );
    assert.equal(env.NEO4J_ACCEPT_LICENSE_AGREEMENT, "yes");
  });

  it("sets requests, limits and probes", () => {
    assert.deepEqual(container.resources, {
      requests: { cpu: "16", memory: "128Gi" },
      limits: { cpu: "32", memory: "256Gi" },
    });
    assert.deepEqual(container.readinessProbe.tcpSocket, { port: 7687 });
    assert.deepEqual(container.livenessProbe.httpGet, { path: "/", port: 7474 });
    assert.ok(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds >= 600);
  });

  it("claims a data volume of the configured size and class", () => {
    assert.deepEqual(statefulSet.spec.volumeClaimTemplates, [
      {
        metadata: { name: "data", labels: statefulSet.metadata.labels },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: "gp3-expandable",
          resources: { requests: { storage: "500Gi" } },
        },
      },
    ]);
    assert.deepEqual(container.volumeMounts[0], { name: "data", mountPath: "/data" });
  });

  it("spreads servers across nodes where it can, and never leaves one unschedulable for it", () => {
    assertSpreadsOverNodes(statefulSet.spec.template.spec, "neo4j");
  });

  it("injects no service-link variables, which the image would read as NEO4J_* settings and refuse", () => {
    assert.equal(statefulSet.spec.template.spec.enableServiceLinks, false);
  });

  it("keeps the admin password in a generated Secret, never in the spec", () => {
    const env = envOf(container);
    assert.deepEqual(env.NEO4J_AUTH, { secretKeyRef: { name: "neo4j-auth", key: "NEO4J_AUTH" } });
    const secret = inputsOf(run, types.secret, "neo4j-auth-secret");
    assert.equal(secret.metadata.name, "neo4j-auth");
    assert.equal(secret.stringData, "[secret]");
    assert.equal(find(run, types.randomValue, "neo4j-auth-password").parent, "neo4j-auth");
  });

  it("exposes a headless Service for discovery and a client Service for Bolt and HTTP", () => {
    const headless = inputsOf(run, types.service, "neo4j-headless");
    assert.equal(headless.spec.clusterIP, "None");
    assert.equal(headless.spec.publishNotReadyAddresses, true);
    assert.deepEqual(
      headless.spec.ports.map((p: Tree) => p.port),
      [7474, 7687, 6000, 7000, 6362],
    );
    const client = inputsOf(run, types.service, "neo4j-client");
    assert.equal(client.metadata.name, "neo4j");
    assert.deepEqual(
      client.spec.ports.map((p: Tree) => p.name),
      ["http", "bolt"],
    );
  });

  it("keeps a majority up through voluntary disruptions", () => {
    const pdb = inputsOf(run, types.pdb, "neo4j-pdb");
    assert.deepEqual(pdb.spec, { maxUnavailable: 1, selector: { matchLabels: { app: "neo4j" } } });
  });

  it("follows the server count of the stack", async () => {
    const small = await synthesizeFixtureStack({ neo4jServers: "1" });
    const env = envOf(inputsOf(small, types.statefulSet, "neo4j-statefulset").spec.template.spec.containers[0]);
    assert.equal(env.NEO4J_initial_dbms_default__primaries__count, "1");
    assert.equal(
      env.NEO4J_dbms_cluster_discovery_v2_endpoints,
      "neo4j-0.neo4j-headless.kg-rca-server.svc.cluster.local:6000",
    );
  });

  describe("Bolt over TLS", () => {
    it("requires TLS of every Bolt client, with the certificate of Secret neo4j-tls", () => {
      const env = envOf(container);
      assert.equal(env.NEO4J_server_bolt_tls__level, "REQUIRED");
      assert.equal(env.NEO4J_dbms_ssl_policy_bolt_enabled, "true");
      assert.equal(env.NEO4J_dbms_ssl_policy_bolt_base__directory, "/ssl/bolt");
      assert.equal(env.NEO4J_dbms_ssl_policy_bolt_private__key, "tls.key");
      assert.equal(env.NEO4J_dbms_ssl_policy_bolt_public__certificate, "tls.crt");
      assert.equal(env.NEO4J_dbms_ssl_policy_bolt_client__auth, "NONE");
      const volumes: Tree[] = statefulSet.spec.template.spec.volumes;
      assert.deepEqual(
        volumes.find((v) => v.name === "bolt-tls"),
        { name: "bolt-tls", secret: { secretName: "neo4j-tls", defaultMode: 0o440 } },
      );
    });

    it("takes TLS on Enterprise's backup port from the same certificate; Community has no such port", async () => {
      assert.equal(envOf(container).NEO4J_dbms_ssl_policy_backup_enabled, "true");
      assert.equal(envOf(container).NEO4J_dbms_ssl_policy_backup_base__directory, "/ssl/bolt");
      const community = await synthesizeComponents(() => {
        new Neo4jCluster("neo4j", { ...neo4jClusterArgs, neo4j: { ...neo4jClusterArgs.neo4j, edition: "community" } });
      });
      const env = envOf(inputsOf(community, types.statefulSet, "neo4j-statefulset").spec.template.spec.containers[0]);
      assert.equal(env.NEO4J_dbms_ssl_policy_bolt_enabled, "true");
      assert.equal(env.NEO4J_dbms_ssl_policy_backup_enabled, undefined);
    });

    it("has cert-manager issue a certificate for every server, the Service and localhost (port-forwards)", () => {
      const certificate: Tree = inputsOf(run, types.certificate, "neo4j-certificate");
      assert.equal(certificate.spec.secretName, "neo4j-tls");
      assert.deepEqual(certificate.spec.dnsNames, [
        "*.neo4j-headless.kg-rca-server.svc.cluster.local",
        "neo4j.kg-rca-server.svc.cluster.local",
        "neo4j.kg-rca-server.svc",
        "localhost",
      ]);
    });

    it("without TLS (bare servers without a CA), plaintext Bolt and no certificate", async () => {
      const plain = await synthesizeComponents(() => {
        new Neo4jCluster("neo4j", { ...neo4jClusterArgs, tls: undefined });
      });
      const env = envOf(inputsOf(plain, types.statefulSet, "neo4j-statefulset").spec.template.spec.containers[0]);
      assert.equal(env.NEO4J_server_bolt_tls__level, undefined);
      assert.equal(ofType(plain, types.certificate).length, 0);
    });
  });
});
