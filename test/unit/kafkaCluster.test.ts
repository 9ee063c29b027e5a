import { strict as assert } from "assert";

import { KafkaCluster } from "../../components";
import { MockRun } from "../../tools/mockEngine";
import { kafkaClusterArgs, kafkaConfig } from "./fixtures/componentArgs";
import { assertSpreadsOverNodes } from "./helpers/placement";
import { envOf, find, inputsOf, synthesizeComponents, Tree, types } from "./helpers/synthesize";

function properties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split("\n")
      .map((line) => {
        const at = line.indexOf("=");
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );
}

describe("KafkaCluster", () => {
  let run: MockRun;
  let statefulSet: Tree;
  let container: Tree;
  let config: Tree;
  before(async () => {
    run = await synthesizeComponents(() => {
      new KafkaCluster("kafka", kafkaClusterArgs);
    });
    statefulSet = inputsOf(run, types.statefulSet, "kafka-statefulset");
    container = statefulSet.spec.template.spec.containers[0];
    config = inputsOf(run, types.configMap, "kafka-config");
  });

  it("runs the configured brokers from a pinned official image", () => {
    assert.equal(find(run, types.statefulSet, "kafka-statefulset").parent, "kafka");
    assert.equal(statefulSet.spec.replicas, 5);
    assert.equal(statefulSet.spec.serviceName, "kafka-headless");
    assert.equal(container.image, "apache/kafka:4.0.0");
    assert.deepEqual(container.command, ["/bin/bash", "/etc/kafka-config/start.sh"]);
  });

  it("passes the guide's broker settings", () => {
    const p = properties(config.data["server.properties"]);
    assert.deepEqual(
      {
        rf: p["default.replication.factor"],
        isr: p["min.insync.replicas"],
        compression: p["compression.type"],
        hours: p["log.retention.hours"],
        bytes: p["log.retention.bytes"],
        segment: p["log.segment.bytes"],
        network: p["num.network.threads"],
        io: p["num.io.threads"],
      },
      {
        rf: "3",
        isr: "2",
        compression: "gzip",
        hours: "168",
        bytes: "1099511627776",
        segment: "1073741824",
        network: "8",
        io: "16",
      },
    );
  });

  it("runs KRaft with the first three brokers as the controller quorum", () => {
    const p = properties(config.data["server.properties"]);
    assert.equal(
      p["controller.quorum.voters"],
      [0, 1, 2].map((i) => `${i}@kafka-${i}.kafka-headless.kg-rca-server.svc.cluster.local:9093`).join(","),
    );
    assert.equal(p["zookeeper.connect"], undefined);
    const script: string = config.data["start.sh"];
    assert.match(script, /if \[ "\$NODE_ID" -lt 3 \]; then\n {2}ROLES=broker,controller/);
    assert.match(script, /kafka-storage\.sh format --ignore-formatted --cluster-id "\$KAFKA_CLUSTER_ID"/);
  });

  it("authenticates every listener with SASL and enforces ACLs with the StandardAuthorizer", () => {
    const p = properties(config.data["server.properties"]);
    assert.equal(
      p["listener.security.protocol.map"],
      "CLIENT:SASL_SSL,INTERNAL:SASL_SSL,CONTROLLER:SASL_SSL,EXTERNAL:SASL_SSL",
    );
    assert.equal(p["sasl.enabled.mechanisms"], "SCRAM-SHA-512");
    assert.equal(p["sasl.mechanism.inter.broker.protocol"], "SCRAM-SHA-512");
    assert.equal(p["authorizer.class.name"], "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    assert.equal(p["allow.everyone.if.no.acl.found"], "false");
    assert.equal(p["super.users"], "User:admin");
    assert.equal(p["auto.create.topics.enable"], "false");
  });

  it("writes the admin SCRAM credential at format time from the Secret, never into the ConfigMap", () => {
    const script: string = config.data["start.sh"];
    assert.match(script, /--add-scram "SCRAM-SHA-512=\[name=admin,password=\$KAFKA_ADMIN_PASSWORD\]"/);
    // The anchor against the SCRAM replay bug, with a password made in the container and kept nowhere.
    assert.match(
      script,
      /--add-scram "SCRAM-SHA-512=\[name=f5a5a608,password=\$\(head -c 24 \/dev\/urandom \| base64 \| tr -d '\/\+='\)\]" \\\n/,
    );
    assert.doesNotMatch(JSON.stringify(config.data), /mock-password/);
    const env = envOf(container);
    assert.deepEqual(env.KAFKA_ADMIN_PASSWORD, { secretKeyRef: { name: "kafka-admin", key: "password" } });
    assert.equal(inputsOf(run, types.secret, "kafka-admin-secret").stringData, "[secret]");
    assert.equal(env.KAFKA_HEAP_OPTS, "-Xms6G -Xmx6G");
  });

  it("leaves the brokers' and tools' JVM flags to the image unless configured, then gives them to both", async () => {
    const flagsOf = (containers: Tree[]) => containers.map((c) => envOf(c).KAFKA_JVM_PERFORMANCE_OPTS);
    const job = (r: MockRun) => inputsOf(r, types.job, "kafka-rebalance").spec.template.spec.containers as Tree[];
    assert.deepEqual(flagsOf([container, ...job(run)]), [undefined, undefined]);

    const flags = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    const tuned = await synthesizeComponents(() => {
      new KafkaCluster("kafka", { ...kafkaClusterArgs, kafka: { ...kafkaConfig, jvmPerformanceOptions: flags } });
    });
    const broker = inputsOf(tuned, types.statefulSet, "kafka-statefulset").spec.template.spec.containers as Tree[];
    assert.deepEqual(flagsOf([...broker, ...job(tuned)]), [flags, flags]);
  });

  it("claims a log volume per broker and exposes headless and bootstrap Services", () => {
    assert.equal(statefulSet.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "1Ti");
    assert.equal(statefulSet.spec.volumeClaimTemplates[0].spec.storageClassName, "gp3-expandable");
    assert.equal(inputsOf(run, types.service, "kafka-headless").spec.clusterIP, "None");
    const bootstrap = inputsOf(run, types.service, "kafka-bootstrap");
    assert.equal(bootstrap.metadata.name, "kafka");
    assert.deepEqual(bootstrap.spec.ports, [{ name: "client", port: 9092, targetPort: 9092 }]);
  });

  it("spreads brokers across nodes where it can, and never leaves one unschedulable for it", () => {
    assertSpreadsOverNodes(statefulSet.spec.template.spec, "kafka");
  });

  it("sets resources and has a PodDisruptionBudget", () => {
    assert.deepEqual(container.resources, {
      requests: { cpu: "4", memory: "16Gi" },
      limits: { cpu: "8", memory: "32Gi" },
    });
    assert.deepEqual(inputsOf(run, types.pdb, "kafka-pdb").spec, {
      maxUnavailable: 1,
      selector: { matchLabels: { app: "kafka" } },
    });
  });

  it("gates what talks to Kafka on the brokers being registered, through the admin listener, on every change of the StatefulSet", async () => {
    const gate = find(run, types.brokersReady, "kafka-brokers-ready");
    assert.equal(gate.parent, "kafka");
    // The StatefulSet's generation, also an input, is unknown until the API server has the object.
    const { bootstrapServers, username, brokers, caCertificate, password } = gate.inputs;
    assert.deepEqual(
      { bootstrapServers, username, brokers, caCertificate: typeof caCertificate, password: typeof password },
      {
        bootstrapServers: "kafka.kg-rca.example.com:9094",
        username: "admin",
        brokers: 5,
        caCertificate: "string",
        password: "string",
      },
    );
    const skipped = await synthesizeComponents(() => {
      new KafkaCluster("kafka", { ...kafkaClusterArgs, skipAwait: true });
    });
    assert.equal(
      skipped.resources.filter((r) => r.type === types.brokersReady).length,
      0,
      "no gate where nothing runs (skipAwait)",
    );
  });
});
