import { strict as assert } from "assert";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../../components/resourceKinds";
import { guardrails } from "../../policies/guardrails";
import { partitionReplicasPerBroker } from "../../policies/partitionsPerBroker";
import { backupBucketHardening } from "../../policies/backupBucketHardening";
import { containerResources } from "../../policies/containerResources";
import { cronJobConcurrency } from "../../policies/cronJobConcurrency";
import { hpaBounds } from "../../policies/hpaBounds";
import { kafkaListenersTls } from "../../policies/kafkaListenersTls";
import { databaseTls } from "../../policies/databaseTls";
import { kafkaStorageBound } from "../../policies/kafkaStorageBound";
import { noPasswordLiterals } from "../../policies/noPasswordLiterals";
import { partitionsPerBroker } from "../../policies/partitionsPerBroker";
import { podSecurityRestricted } from "../../policies/podSecurityRestricted";
import { statefulResourcesProtected } from "../../policies/statefulResourcesProtected";
import { statefulSetDisruptionBudget } from "../../policies/statefulSetDisruptionBudget";
import { tenantAclIsolation } from "../../policies/tenantAclIsolation";
import { topicReplication } from "../../policies/topicReplication";
import { workloadNetworkPolicy } from "../../policies/workloadNetworkPolicy";
import * as path from "path";

import { clientsByShard } from "../../clients/shards";
import { prodClients } from "../../clients/registries/prod";
import { DeclaredResource, freshProgram, MockRun, runUnderMocks } from "../../tools/mockEngine";
import { projectDir, stackConfig, synthesize, Tree } from "../unit/helpers/synthesize";
import { resourceViolations, stackViolations, withChange, without } from "./harness";

const acl = resourceTypes.kafkaAcl;
const topic = resourceTypes.kafkaTopic;

function isStackPolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy {
  return "validateStack" in policy;
}

async function violations(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  resources: readonly DeclaredResource[],
  config = {},
) {
  return isStackPolicy(policy)
    ? stackViolations(policy, resources, config)
    : resourceViolations(policy, resources, config);
}

describe("policy pack", () => {
  let prod: MockRun;
  before(async () => {
    prod = await synthesize("prod");
  });

  it("has fourteen policies with unique names, each at a configurable enforcement level", () => {
    const policies = guardrails("advisory");
    assert.equal(policies.length, 15);
    assert.equal(new Set(policies.map((p) => p.name)).size, 15);
    assert.ok(policies.every((p) => p.enforcementLevel === "advisory"));
    assert.ok(guardrails().every((p) => p.enforcementLevel === "mandatory"));
  });

  it("passes the production stack as declared (the compliant fixture)", async () => {
    for (const policy of guardrails()) {
      assert.deepEqual(await violations(policy, prod.resources), [], policy.name);
    }
  });

  describe("tenant-acl-isolation", () => {
    const policy = tenantAclIsolation();
    const name = "client-newco-xyz789-acl-topic-read";
    it("refuses a client ACL on another client's prefix", async () => {
      const found = await violations(
        policy,
        withChange(prod, acl, name, (r) => (r.inputs.aclResourceName = "client-acme-abc123.")),
      );
      assert.deepEqual(found, [
        `ACL ${name} gives client User:client-newco-xyz789 Prefixed access to "client-acme-abc123.": a client may only hold PREFIXED ACLs on its own prefix "client-newco-xyz789.". Declare client ACLs through ClientTenant.`,
      ]);
    });
    it("refuses a wildcard resource", async () => {
      const found = await violations(
        policy,
        withChange(prod, acl, name, (r) => (r.inputs.aclResourceName = "*")),
      );
      assert.match(found[0] ?? "", /wildcards give access to every tenant/);
    });
    it("refuses a LITERAL pattern", async () => {
      const found = await violations(
        policy,
        withChange(prod, acl, name, (r) => (r.inputs.resourcePatternTypeFilter = "Literal")),
      );
      assert.match(found[0] ?? "", /gives client User:client-newco-xyz789 Literal access/);
    });
    it("refuses a wildcard principal, even on a platform ACL", async () => {
      const found = await violations(
        policy,
        withChange(prod, acl, "client-newco-xyz789-acl-graph-builder-read", (r) => (r.inputs.aclPrincipal = "User:*")),
      );
      assert.equal(found.length, 1);
    });
  });

  describe("topic-replication", () => {
    const policy = topicReplication();
    const name = "client-newco-xyz789-events-topic";
    it("refuses a replication factor below 3 in prod", async () => {
      const found = await violations(
        policy,
        withChange(prod, topic, name, (r) => (r.inputs.replicationFactor = 2)),
      );
      assert.match(found[0] ?? "", /has replication factor 2: prod topics need at least 3/);
    });
    it("refuses min.insync.replicas below 2 in prod", async () => {
      const found = await violations(
        policy,
        withChange(prod, topic, name, (r) => ((r.inputs.config as Tree)["min.insync.replicas"] = "1")),
      );
      assert.match(found[0] ?? "", /has min\.insync\.replicas 1/);
    });
    it("does not apply outside prod", async () => {
      const changed = withChange(prod, topic, name, (r) => (r.inputs.replicationFactor = 1));
      assert.deepEqual(await violations(policy, changed, { environment: "local" }), []);
    });
  });

  describe("container-resources-and-pinned-images", () => {
    const policy = containerResources();
    it("refuses a container without limits", async () => {
      const found = await violations(
        policy,
        withChange(
          prod,
          resourceTypes.deployment,
          "kg-api-deployment",
          (r) => delete (r.inputs as Tree).spec.template.spec.containers[0].resources.limits,
        ),
      );
      assert.deepEqual(found, [
        "kg-api-deployment, container kg-api: no limits.cpu, limits.memory. Set CPU and memory requests and limits so the scheduler and the node can account for it.",
      ]);
    });
    it("refuses an init container without requests", async () => {
      const found = await violations(
        policy,
        withChange(
          prod,
          resourceTypes.cronJob,
          "backup-jobs-neo4j",
          (r) => delete (r.inputs as Tree).spec.jobTemplate.spec.template.spec.initContainers[0].resources.requests,
        ),
      );
      assert.match(found[0] ?? "", /backup-jobs-neo4j, container backup: no requests\.cpu, requests\.memory/);
    });
    for (const image of ["neo4j", "neo4j:latest", "registry:5000/neo4j"]) {
      it(`refuses the image "${image}"`, async () => {
        const found = await violations(
          policy,
          withChange(
            prod,
            resourceTypes.statefulSet,
            "neo4j-statefulset",
            (r) => ((r.inputs as Tree).spec.template.spec.containers[0].image = image),
          ),
        );
        assert.match(found[0] ?? "", new RegExp(`image "${image}" has no explicit version`));
      });
    }
  });

  describe("hpa-bounds", () => {
    const policy = hpaBounds();
    it("refuses min above max", async () => {
      const found = await violations(
        policy,
        withChange(prod, resourceTypes.hpa, "kg-api-hpa", (r) => ((r.inputs as Tree).spec.minReplicas = 200)),
      );
      assert.deepEqual(found, [
        "HPA kg-api-hpa has minReplicas 200 above maxReplicas 100. Lower the minimum or raise the maximum.",
      ]);
    });
    it("refuses a single replica in prod, allows it elsewhere", async () => {
      const changed = withChange(
        prod,
        resourceTypes.hpa,
        "graph-builder-hpa",
        (r) => ((r.inputs as Tree).spec.minReplicas = 1),
      );
      assert.match((await violations(policy, changed))[0] ?? "", /allows 1 replica in prod/);
      assert.deepEqual(await violations(policy, changed, { environment: "local" }), []);
    });
  });

  describe("kafka-listeners-tls", () => {
    const policy = kafkaListenersTls();
    it("refuses a plaintext broker listener or a provider without TLS in prod, allows them elsewhere", async () => {
      const plaintext = withChange(prod, resourceTypes.configMap, "kafka-config", (r) => {
        const data = (r.inputs as Tree).data;
        data["server.properties"] = data["server.properties"].replace("EXTERNAL:SASL_SSL", "EXTERNAL:SASL_PLAINTEXT");
      });
      assert.deepEqual(await violations(policy, plaintext), [
        "ConfigMap kafka-config declares Kafka listeners without TLS in prod (EXTERNAL:SASL_PLAINTEXT): tenants' events and SCRAM exchanges would cross the network unencrypted. Set kg-rca-server:kafkaListenerProtocol to SASL_SSL.",
      ]);
      const noTls = withChange(prod, "pulumi:providers:kafka", "kafka-admin-provider", (r) => {
        (r.inputs as Tree).tlsEnabled = "false";
      });
      assert.match(
        (await violations(policy, noTls))[0] ?? "",
        /Kafka provider kafka-admin-provider connects without TLS in prod/,
      );
      assert.deepEqual(await violations(policy, plaintext, { environment: "local" }), []);
    });
  });

  describe("database-tls", () => {
    const policy = databaseTls();
    it("refuses PostgreSQL without TLS in prod, allows it elsewhere", async () => {
      assert.deepEqual(await violations(policy, prod.resources), []);
      const plaintext = withChange(prod, resourceTypes.statefulSet, "postgresql-statefulset", (r) => {
        delete (r.inputs as Tree).spec.template.spec.containers[0].args;
      });
      assert.deepEqual(await violations(policy, plaintext), [
        "StatefulSet postgresql-statefulset runs PostgreSQL (container postgres) without TLS in prod: billing data and passwords would cross the network unencrypted. Set kg-rca-server:tlsCaCertificate (and the issuer) so the program starts it with ssl=on and its TLS-only pg_hba.conf.",
      ]);
      const sslOff = withChange(prod, resourceTypes.statefulSet, "postgresql-statefulset", (r) => {
        const args = (r.inputs as Tree).spec.template.spec.containers[0].args as string[];
        args[args.indexOf("ssl=on")] = "ssl=off";
      });
      assert.equal((await violations(policy, sslOff)).length, 1);
      assert.deepEqual(await violations(policy, plaintext, { environment: "local" }), []);
    });
    it("refuses Neo4j without TLS required on Bolt in prod", async () => {
      const optional = withChange(prod, resourceTypes.statefulSet, "neo4j-statefulset", (r) => {
        const env = (r.inputs as Tree).spec.template.spec.containers[0].env as Tree[];
        const level = env.find((e) => e.name === "NEO4J_server_bolt_tls__level");
        level.value = "OPTIONAL";
      });
      assert.deepEqual(await violations(policy, optional), [
        "StatefulSet neo4j-statefulset runs Neo4j (container neo4j) without requiring TLS on Bolt in prod: graph data and passwords would cross the network unencrypted. Set kg-rca-server:tlsCaCertificate (and the issuer) so the program sets server.bolt.tls_level REQUIRED.",
      ]);
    });
  });

  describe("statefulset-has-pdb", () => {
    it("refuses a StatefulSet with volumes and no budget", async () => {
      const found = await violations(statefulSetDisruptionBudget(), without(prod, resourceTypes.pdb, "neo4j-pdb"));
      assert.match(
        found[0] ?? "",
        /StatefulSet neo4j-statefulset has volumes but no PodDisruptionBudget selects its pods/,
      );
    });
    it("refuses a budget that selects other pods", async () => {
      const found = await violations(
        statefulSetDisruptionBudget(),
        withChange(
          prod,
          resourceTypes.pdb,
          "kafka-pdb",
          (r) => ((r.inputs as Tree).spec.selector.matchLabels = { app: "other" }),
        ),
      );
      assert.match(found[0] ?? "", /StatefulSet kafka-statefulset/);
    });
  });

  describe("backup-bucket-hardening", () => {
    const policy = backupBucketHardening();
    it("refuses a bucket without versioning", async () => {
      const found = await violations(
        policy,
        withChange(
          prod,
          resourceTypes.bucketVersioning,
          "backups-versioning",
          (r) => ((r.inputs as Tree).versioningConfiguration.status = "Suspended"),
        ),
      );
      assert.deepEqual(found, [
        "Bucket backups-bucket lacks versioning enabled. Declare the bucket through BackupStorage, which sets versioning, encryption, lifecycle and the public-access block.",
      ]);
    });
    it("refuses a bucket without encryption", async () => {
      const found = await violations(policy, without(prod, resourceTypes.bucketEncryption, "backups-encryption"));
      assert.match(found[0] ?? "", /lacks default server-side encryption/);
    });
    it("refuses a bucket without a lifecycle", async () => {
      const found = await violations(policy, without(prod, resourceTypes.bucketLifecycle, "backups-lifecycle"));
      assert.match(found[0] ?? "", /lacks an enabled lifecycle rule/);
    });
    it("refuses a bucket whose public access is not fully blocked", async () => {
      const found = await violations(
        policy,
        withChange(
          prod,
          resourceTypes.bucketPublicAccess,
          "backups-public-access",
          (r) => ((r.inputs as Tree).restrictPublicBuckets = false),
        ),
      );
      assert.match(found[0] ?? "", /lacks all four public-access blocks on/);
    });
  });

  describe("pod-security-restricted", () => {
    const policy = podSecurityRestricted();
    const fix =
      'which Pod Security "restricted" refuses. Use the restricted pod and container security contexts (components/shared/podSecurity.ts).';
    type Declared = Pick<DeclaredResource, "inputs">;
    const workloadPod = (r: Declared) => (r.inputs as Tree).spec.template.spec;
    const backupPod = (r: Declared) => (r.inputs as Tree).spec.jobTemplate.spec.template.spec;
    const refusals: [string, string, string, (r: Declared) => void, string][] = [
      [
        "a container that may escalate its privileges",
        resourceTypes.statefulSet,
        "kafka-statefulset",
        (r) => delete workloadPod(r).containers[0].securityContext.allowPrivilegeEscalation,
        "kafka-statefulset: container kafka does not set allowPrivilegeEscalation: false",
      ],
      [
        "a pod that may run as root (no runAsNonRoot)",
        resourceTypes.deployment,
        "kg-api-deployment",
        (r) => delete workloadPod(r).securityContext.runAsNonRoot,
        "kg-api-deployment: container kg-api does not set runAsNonRoot: true (on itself or the pod)",
      ],
      [
        "an init container run as uid 0",
        resourceTypes.cronJob,
        "backup-jobs-postgresql",
        (r) => (backupPod(r).initContainers[0].securityContext.runAsUser = 0),
        "backup-jobs-postgresql: container dump runs as uid 0",
      ],
      [
        "a container that keeps a capability",
        resourceTypes.statefulSet,
        "neo4j-statefulset",
        (r) => (workloadPod(r).containers[0].securityContext.capabilities.add = ["SYS_ADMIN"]),
        "neo4j-statefulset: container neo4j adds SYS_ADMIN",
      ],
      [
        "a pod without a seccomp profile",
        resourceTypes.statefulSet,
        "postgresql-statefulset",
        (r) => delete workloadPod(r).securityContext.seccompProfile,
        "postgresql-statefulset: container postgres has no RuntimeDefault or Localhost seccomp profile (on itself or the pod)",
      ],
      [
        "a host path volume",
        resourceTypes.deployment,
        "graph-builder-deployment",
        (r) => workloadPod(r).volumes.push({ name: "host", hostPath: { path: "/var/run" } }),
        "graph-builder-deployment: volume host is a hostPath volume",
      ],
      [
        "the host's network",
        resourceTypes.statefulSet,
        "neo4j-statefulset",
        (r) => (workloadPod(r).hostNetwork = true),
        "neo4j-statefulset: hostNetwork is true",
      ],
    ];
    for (const [what, type, name, change, reason] of refusals) {
      it(`refuses ${what}`, async () => {
        assert.deepEqual(await violations(policy, withChange(prod, type, name, change)), [`${reason}, ${fix}`]);
      });
    }
    it("refuses a namespace that does not enforce restricted", async () => {
      const found = await violations(
        policy,
        withChange(prod, resourceTypes.namespace, "platform-namespace", (r) => {
          delete (r.inputs as Tree).metadata.labels["pod-security.kubernetes.io/enforce"];
        }),
      );
      assert.deepEqual(found, [
        'platform-namespace: the namespace does not enforce Pod Security "restricted". Label it pod-security.kubernetes.io/enforce=restricted.',
      ]);
    });
  });

  describe("workload-network-policy", () => {
    const policy = workloadNetworkPolicy();
    it("refuses a workload no NetworkPolicy selects: the default deny would cut it off", async () => {
      const found = await violations(
        policy,
        without(prod, resourceTypes.networkPolicy, "network-policies-graph-builder"),
      );
      assert.deepEqual(found, [
        'graph-builder-deployment: no NetworkPolicy selects its pods (labels {"app":"graph-builder","app.kubernetes.io/managed-by":"pulumi","app.kubernetes.io/name":"graph-builder","app.kubernetes.io/part-of":"kg-rca-server"}), so the default deny cuts them off. Add its flows to the allow-list (components/platform/networkFlows.ts).',
      ]);
    });
    it("refuses workloads in a namespace without a default deny, naming each", async () => {
      const found = await violations(
        policy,
        without(prod, resourceTypes.networkPolicy, "network-policies-default-deny"),
      );
      assert.ok(found.length >= 7, found.join("\n"));
      assert.ok(
        found.includes(
          "kafka-statefulset: no default-deny NetworkPolicy in kg-rca-server, so its pods accept traffic from anywhere. Declare one (components/platform/networkPolicies.ts).",
        ),
      );
    });
    it("does not take a policy with rules for a default deny", async () => {
      const found = await violations(
        policy,
        withChange(prod, resourceTypes.networkPolicy, "network-policies-default-deny", (r) => {
          (r.inputs as Tree).spec.ingress = [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }];
        }),
      );
      assert.ok(found.some((v) => v.startsWith("kafka-statefulset: no default-deny NetworkPolicy")));
    });
  });

  describe("cronjob-no-concurrent-runs", () => {
    it("refuses a CronJob that allows overlapping runs", async () => {
      const found = await violations(
        cronJobConcurrency(),
        withChange(
          prod,
          resourceTypes.cronJob,
          "backup-jobs-postgresql",
          (r) => ((r.inputs as Tree).spec.concurrencyPolicy = "Allow"),
        ),
      );
      assert.deepEqual(found, [
        'CronJob backup-jobs-postgresql has concurrencyPolicy Allow: runs can overlap. Set spec.concurrencyPolicy to "Forbid".',
      ]);
    });
  });

  describe("no-password-literals", () => {
    const policy = noPasswordLiterals();
    it("refuses a password in a container's env value", async () => {
      const found = await violations(
        policy,
        withChange(prod, resourceTypes.deployment, "kg-api-deployment", (r) =>
          ((r.inputs as Tree).spec.template.spec.containers[0].env as Tree[]).push({
            name: "PGPASSWORD",
            value: "hunter2hunter2",
          }),
        ),
      );
      assert.deepEqual(found, [
        "kg-api-deployment, container kg-api, env PGPASSWORD: a credential as a literal value. Use valueFrom.secretKeyRef to a Secret.",
      ]);
    });
    it("refuses a password written into a ConfigMap", async () => {
      const found = await violations(
        policy,
        withChange(
          prod,
          resourceTypes.configMap,
          "kafka-config",
          (r) =>
            ((r.inputs as Tree).data["server.properties"] =
              `${String((r.inputs as Tree).data["server.properties"])}sasl.jaas.config=... password="s3cretValue";\n`),
        ),
      );
      assert.match(
        found[0] ?? "",
        /ConfigMap kafka-config, key server\.properties: looks like a credential in plain text/,
      );
    });
  });

  describe("stateful-resources-protected", () => {
    const policy = statefulResourcesProtected();
    it("refuses an unprotected topic of an active client", async () => {
      const found = await violations(
        policy,
        withChange(prod, topic, "client-acme-abc123-events-topic", (r) => (r.protect = false)),
      );
      assert.match(
        found[0] ?? "",
        /client-acme-abc123-events-topic is not protected, but its client client-acme-abc123 is active/,
      );
    });
    it("refuses an unprotected billing row, claim or bucket", async () => {
      for (const [type, name] of [
        [resourceTypes.billingRow, "client-acme-abc123-billing"],
        [resourceTypes.pvc, "neo4j-claim-0"],
        [resourceTypes.bucket, "backups-bucket"],
      ] as const) {
        const found = await violations(
          policy,
          withChange(prod, type, name, (r) => (r.protect = false)),
        );
        assert.equal(found.length, 1, `${name}: ${found.join("; ")}`);
      }
    });
    it("allows an offboarding client's data to be unprotected", async () => {
      const { registryFile, client } = await import("../unit/helpers/registryFile");
      const registry = registryFile([client("leaving-1", { status: "offboarding" })]);
      const run = await synthesize("prod", { clientRegistry: registry });
      // No policy setting names the registry: the guard's record carries the one the stack applies.
      assert.deepEqual(await violations(policy, run.resources), []);
      assert.ok(run.resources.some((r) => r.type === topic && !r.protect));
    });
    it("reads statuses from the guard's record: a client it records as offboarding has its topic released", async () => {
      const name = "client-acme-abc123-events-topic";
      const offboarding = withChange(prod, resourceTypes.guardRecord, "platform-guard-record", (r) => {
        (r.registeredOutputs.clients as Tree)["client-acme-abc123"] = "offboarding";
      });
      const released = withChange(offboarding, topic, name, (r) => (r.protect = false));
      assert.deepEqual(await violations(policy, released), []);
      const stillActive = withChange(prod, topic, name, (r) => (r.protect = false));
      assert.equal((await violations(policy, stillActive)).length, 1);
    });
    it("refuses unprotected client data when no platform guard records the statuses", async () => {
      const unguarded = withChange(
        without(prod, resourceTypes.guardRecord, "platform-guard-record"),
        topic,
        "client-acme-abc123-events-topic",
        (r) => (r.protect = false),
      );
      assert.deepEqual(await violations(policy, unguarded), [
        'client-acme-abc123-events-topic is not protected, but no platform guard is declared, so no client status is known. Only offboarding releases a client\'s data: set its status to "offboarding" first.',
      ]);
    });
    it("allows the claims of drained brokers to be unprotected", async () => {
      const run = await synthesize("prod", { kafkaBrokers: "5", kafkaDrainedBrokers: "5,6" });
      assert.deepEqual(await violations(policy, run.resources), []);
    });
  });

  describe("partitions-per-broker", () => {
    it("computes partition replicas per broker", () => {
      assert.equal(
        partitionReplicasPerBroker(
          [
            { partitions: 12, replicationFactor: 3 },
            { partitions: 6, replicationFactor: 3 },
          ],
          5,
        ),
        11,
      );
    });
    it("refuses a stack whose topics exceed the ceiling, naming the broker count needed", async () => {
      const found = await violations(partitionsPerBroker(), prod.resources, { maxPartitionReplicasPerBroker: 20 });
      assert.deepEqual(found.length, 1);
      assert.match(
        found[0] ?? "",
        /put \d+ partition replicas on each of 5 brokers, above the ceiling of 20\. Raise kg-rca-server:kafkaBrokers to at least \d+/,
      );
    });
    it("finds the brokers by their label, not their name: a renamed StatefulSet is still checked", async () => {
      const renamed = withChange(prod, resourceTypes.statefulSet, "kafka-statefulset", (r) => {
        r.name = "brokers-statefulset";
        (r.inputs as Tree).metadata.name = "brokers";
      });
      const found = await violations(partitionsPerBroker(), renamed, { maxPartitionReplicasPerBroker: 20 });
      assert.equal(found.length, 1);
      assert.match(found[0] ?? "", /partition replicas on each of 5 brokers, above the ceiling of 20/);
    });
    it("refuses a stack with Kafka topics and no broker StatefulSet, rather than passing silently", async () => {
      const missing = await violations(
        partitionsPerBroker(),
        without(prod, resourceTypes.statefulSet, "kafka-statefulset"),
      );
      assert.equal(missing.length, 1);
      assert.match(
        missing[0] ?? "",
        /^The stack declares \d+ Kafka topic\(s\) and kg-rca-server:kafkaBrokers 5, and no StatefulSet labelled app\.kubernetes\.io\/component=kafka-broker, so partition replicas per broker cannot be checked\./,
      );
      const unlabelled = withChange(prod, resourceTypes.statefulSet, "kafka-statefulset", (r) => {
        delete (r.inputs as Tree).metadata.labels["app.kubernetes.io/component"];
      });
      assert.deepEqual(await violations(partitionsPerBroker(), unlabelled), missing);
    });
  });

  describe("kafka-storage-bound", () => {
    const policy = kafkaStorageBound();
    it("refuses a registry whose clients' bound exceeds the brokers' volumes, naming stack, bound, capacity and the largest", async () => {
      const { registryFile, client } = await import("../unit/helpers/registryFile");
      const registry = registryFile([
        ...["big-1", "big-2", "big-3"].map((id) => client(id, { plan: "enterprise" })),
        client("small-1", { plan: "basic" }),
      ]);
      // 3 × 47 GiB + 4.4 GiB against 5 × 30 GiB × 0.9 = 135 GiB.
      const run = await synthesize("prod", { clientRegistry: registry, kafkaVolumeSize: "30Gi" });
      const found = await violations(policy, run.resources);
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(
        found[0] ?? "",
        /^Stack prod: the Kafka storage bound of 4 client\(s\) is 145\.2 GiB \(partitions × \(retention\.bytes \+ segment\.bytes\), quota × 360 s, × replication, \+ 5% index files\), above the 135 GiB the brokers hold \(5 brokers' volumes, 150 GiB, up to the disk alert's ratio 0\.9\)\. By plan: enterprise 140\.9 GiB \(3 clients\), basic 4\.4 GiB \(1 client\)\. Largest clients: big-1 \(enterprise\) 47 GiB, big-2 \(enterprise\) 47 GiB, big-3 \(enterprise\) 47 GiB\. Lower the plans' retention\.bytes, or raise kg-rca-server:kafkaVolumeSize or kafkaBrokers\.$/,
      );
      // One client fewer fits.
      const fewer = registryFile([client("big-1", { plan: "enterprise" }), client("big-2", { plan: "enterprise" })]);
      const fits = await synthesize("prod", { clientRegistry: fewer, kafkaVolumeSize: "30Gi" });
      assert.deepEqual(await violations(policy, fits.resources), []);
    });
    it("refuses a plan change that raises a topic's retention.bytes past the brokers' volumes", async () => {
      const raised = withChange(
        prod,
        topic,
        "client-acme-abc123-events-topic",
        (r) => ((r.inputs.config as Tree)["retention.bytes"] = String(200 * 1024 ** 3)),
      );
      const found = await violations(policy, raised);
      assert.equal(found.length, 1);
      assert.match(found[0] ?? "", /Largest clients: client-acme-abc123 \(enterprise\) 14\.8 TiB/);
    });
    it("uses the disk ratio the platform guard records (alertDiskUsageRatio)", async () => {
      const run = await synthesize("prod", { kafkaVolumeSize: "14Gi", alertDiskUsageRatio: "0.94" });
      assert.deepEqual(await violations(policy, run.resources), []);
      const lower = await synthesize("prod", { kafkaVolumeSize: "14Gi", alertDiskUsageRatio: "0.9" });
      assert.match((await violations(policy, lower.resources))[0] ?? "", /up to the disk alert's ratio 0\.9\)/);
    });
    it("refuses a topic without retention.bytes or segment.bytes: its size would not be bounded", async () => {
      const unbounded = withChange(prod, topic, "client-newco-xyz789-logs-topic", (r) => {
        delete (r.inputs.config as Tree)["retention.bytes"];
      });
      assert.deepEqual(await violations(policy, unbounded), [
        "Topic client-newco-xyz789.logs.normalized has retention.bytes unset and segment.bytes 33554432: its size is not bounded. Declare topics through ClientTenant, which sets both from the client's plan.",
      ]);
      const negative = withChange(
        prod,
        topic,
        "client-newco-xyz789-logs-topic",
        (r) => ((r.inputs.config as Tree)["retention.bytes"] = "-1"),
      );
      assert.match((await violations(policy, negative))[0] ?? "", /has retention\.bytes -1 and segment\.bytes/);
    });
    it("refuses a client with topics and no producer quota", async () => {
      const found = await violations(policy, without(prod, resourceTypes.kafkaQuota, "client-newco-xyz789-quota"));
      assert.match(found[0] ?? "", /^Client client-newco-xyz789 has topics but no producer_byte_rate quota/);
    });
  });

  describe("in a tenants stack: the shard's topics, with the other shards', against its platform's brokers", () => {
    let shard: MockRun;
    before(async () => {
      const program = freshProgram(path.join(projectDir, "index.ts"));
      // Shards of 50: four at prod's capacity, as the shard index below assumes.
      const platform = await runUnderMocks(
        program,
        stackConfig("prod", { stackRole: "platform", tenantShardSize: "50" }),
        "prod",
      );
      const index = clientsByShard(prodClients, 4).findIndex((clients) => clients.length > 0);
      shard = await runUnderMocks(
        freshProgram(path.join(projectDir, "index.ts")),
        { stackRole: "tenants", platformStack: "prod", tenantShard: String(index) },
        `prod-tenants-${String(index)}`,
        { prod: platform.outputs },
      );
    });

    it("passes a shard of the production registry", async () => {
      for (const policy of guardrails()) {
        assert.deepEqual(await violations(policy, shard.resources), [], policy.name);
      }
    });

    it("counts the other shards' partitions against the platform's brokers", async () => {
      const found = await violations(partitionsPerBroker(), shard.resources, { maxPartitionReplicasPerBroker: 20 });
      assert.equal(found.length, 1);
      assert.match(
        found[0] ?? "",
        /This shard's \d+ topics and the environment's other shards put \d+ partition replicas on each of its platform's 5 brokers, above the ceiling of 20\. Raise kg-rca-server:kafkaBrokers on the platform stack/,
      );
    });

    it("counts the other shards' storage bound against the platform's volumes", async () => {
      const small = withChange(shard, resourceTypes.guardRecord, "tenants-guard-record", (r) => {
        (r.registeredOutputs as Tree).platformKafka.volumeBytes = 2 ** 30;
      });
      const found = await violations(kafkaStorageBound(), small);
      assert.equal(found.length, 1);
      assert.match(
        found[0] ?? "",
        /with the other shards' [\d.]+ [KMGT]iB is [\d.]+ [KMGT]iB .* above the [\d.]+ [KMGT]iB the brokers hold \(5 brokers' volumes/,
      );
    });
  });
});
