import { strict as assert } from "assert";

import { KafkaCluster } from "../../components";
import { kafkaCertificateNames } from "../../components/kafka/kafkaProperties";
import { MockRun } from "../../tools/mockEngine";
import { kafkaClusterArgs, kafkaConfig } from "./fixtures/componentArgs";
import { exampleCaCertificate } from "./fixtures/exampleCa";
import { inputsOf, ofType, synthesize, synthesizeComponents, Tree, types } from "./helpers/synthesize";

const kafkaProviderType = "pulumi:providers:kafka";

async function cluster(overrides: Partial<typeof kafkaClusterArgs> = {}): Promise<MockRun> {
  return synthesizeComponents(() => {
    new KafkaCluster("kafka", { ...kafkaClusterArgs, ...overrides });
  });
}

function volumesOf(run: MockRun, type: string, name: string): Tree[] {
  return inputsOf(run, type, name).spec.template.spec.volumes as Tree[];
}

describe("Kafka's tenants' listener and TLS", () => {
  let run: MockRun;
  before(async () => {
    run = await cluster();
  });

  it("publishes a bootstrap Service over every broker and one Service per broker, of the configured type", () => {
    const bootstrap: Tree = inputsOf(run, types.service, "kafka-external-bootstrap");
    assert.equal(bootstrap.metadata.name, "kafka-external-bootstrap");
    assert.equal(bootstrap.spec.type, "LoadBalancer");
    assert.deepEqual(bootstrap.spec.ports, [{ name: "external", port: 9094, targetPort: 9095 }]);
    assert.equal(bootstrap.spec.selector["statefulset.kubernetes.io/pod-name"], undefined);
    for (const id of [0, 1, 2, 3, 4]) {
      const broker: Tree = inputsOf(run, types.service, `kafka-external-${id}`);
      assert.equal(broker.spec.selector["statefulset.kubernetes.io/pod-name"], `kafka-${id}`);
      assert.equal(broker.spec.ports[0].targetPort, 9095);
    }
    assert.equal(ofType(run, types.service).filter((s) => s.name.startsWith("kafka-external-")).length, 6);
  });

  it("with NodePort, the configured port is the node port", async () => {
    const nodePorts = await cluster({
      kafka: {
        ...kafkaConfig,
        brokers: 1,
        controllers: 1,
        external: {
          serviceType: "NodePort",
          bootstrap: { host: "10.0.0.5", port: 31090 },
          brokers: [{ host: "10.0.0.5", port: 31091 }],
        },
      },
    });
    const broker: Tree = inputsOf(nodePorts, types.service, "kafka-external-0");
    assert.equal(broker.spec.type, "NodePort");
    assert.deepEqual(broker.spec.ports, [{ name: "external", port: 31091, targetPort: 9095, nodePort: 31091 }]);
  });

  it("each broker advertises its own external address next to its cluster name, on SASL_SSL listeners", () => {
    const config: Tree = inputsOf(run, types.configMap, "kafka-config");
    const script: string = config.data["start.sh"];
    assert.match(
      script,
      /EXTERNAL_ADDRESSES=\(kafka-0\.kg-rca\.example\.com:9094 kafka-1\.kg-rca\.example\.com:9094 kafka-2\.kg-rca\.example\.com:9094 kafka-3\.kg-rca\.example\.com:9094 kafka-4\.kg-rca\.example\.com:9094\)/,
    );
    assert.match(script, /EXTERNAL="\$\{EXTERNAL_ADDRESSES\[\$NODE_ID\]:\?/);
    assert.match(
      script,
      /advertised\.listeners=CLIENT:\/\/\$HOST:9092,INTERNAL:\/\/\$HOST:9094,EXTERNAL:\/\/\$EXTERNAL/,
    );
    assert.match(script, /listener\.name\.external\.scram-sha-512\.sasl\.jaas\.config=/);
    // The keystore is built from the mounted Secret, readable by the broker's user only.
    assert.match(
      script,
      /umask 077 && cat \/etc\/kafka-tls\/tls\.key \/etc\/kafka-tls\/tls\.crt > \/tmp\/kafka-keystore\.pem/,
    );
    assert.match(config.data["server.properties"], /^ssl\.keystore\.type=PEM$/m);
    assert.match(config.data["server.properties"], /^ssl\.truststore\.location=\/etc\/kafka-tls\/ca\.crt$/m);
  });

  it("mounts the certificate Secret with owner and group read only, and awaits a cert-manager Certificate for it", () => {
    assert.deepEqual(
      volumesOf(run, types.statefulSet, "kafka-statefulset").find((v) => v.name === "tls"),
      { name: "tls", secret: { secretName: "kafka-tls", defaultMode: 0o440 } },
    );
    const certificate: Tree = inputsOf(run, types.certificate, "kafka-certificate");
    assert.equal(certificate.metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
    assert.equal(certificate.spec.secretName, "kafka-tls");
    assert.deepEqual(certificate.spec.issuerRef, {
      group: "cert-manager.io",
      kind: "ClusterIssuer",
      name: "kg-rca-ca",
    });
    assert.deepEqual(certificate.spec.dnsNames, [
      "*.kafka-headless.kg-rca-server.svc.cluster.local",
      "kafka.kg-rca-server.svc.cluster.local",
      "kafka.kg-rca-server.svc",
      "kafka.kg-rca.example.com",
      ...[0, 1, 2, 3, 4].map((id) => `kafka-${id}.kg-rca.example.com`),
    ]);
    assert.equal(certificate.spec.privateKey.encoding, "PKCS8");
  });

  it("puts IP addresses apart from DNS names in the certificate's names", () => {
    const names = kafkaCertificateNames({
      statefulSet: "kafka",
      headlessService: "kafka-headless",
      namespace: "ns",
      external: [
        { host: "172.31.254.2", port: 31090 },
        { host: "172.31.254.2", port: 31091 },
        { host: "fd00::5", port: 31092 },
      ],
    });
    assert.deepEqual(names.ipAddresses, ["172.31.254.2", "fd00::5"]);
    assert.deepEqual(names.dnsNames, [
      "*.kafka-headless.ns.svc.cluster.local",
      "kafka.ns.svc.cluster.local",
      "kafka.ns.svc",
    ]);
  });

  it("without an issuer, declares no Certificate and expects the Secret under the same name", async () => {
    const local = await cluster({ tls: { caCertificate: exampleCaCertificate } });
    assert.equal(ofType(local, types.certificate).length, 0);
    assert.ok(
      volumesOf(local, types.statefulSet, "kafka-statefulset").some((v) => v.secret?.secretName === "kafka-tls"),
    );
  });

  it("the engine's provider comes in over TLS trusting the stack's CA; the rebalance Job trusts it from the platform's ConfigMap", () => {
    const provider: Tree = inputsOf(run, kafkaProviderType, "kafka-admin-provider");
    assert.equal(provider.tlsEnabled, "true");
    assert.equal(provider.caCert, exampleCaCertificate);
    const job: Tree = inputsOf(run, types.job, "kafka-rebalance");
    assert.match(
      job.spec.template.spec.containers[0].command[2],
      /security\.protocol=SASL_SSL\nsasl\.mechanism=SCRAM-SHA-512\n.*\nssl\.truststore\.type=PEM\nssl\.truststore\.location=\/etc\/kg-rca-ca\/ca\.crt/,
    );
    assert.deepEqual(
      volumesOf(run, types.job, "kafka-rebalance").find((v) => v.name === "tls-ca"),
      { name: "tls-ca", configMap: { name: "tls-ca" } },
    );
  });

  it("with plaintext listeners (bare local brokers), mounts no certificate and the provider dials without TLS", async () => {
    const plain = await cluster({ kafka: { ...kafkaConfig, listenerProtocol: "SASL_PLAINTEXT" } });
    assert.match(
      inputsOf(plain, types.configMap, "kafka-config").data["server.properties"],
      /^listener\.security\.protocol\.map=CLIENT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT$/m,
    );
    assert.ok(!volumesOf(plain, types.statefulSet, "kafka-statefulset").some((v) => v.name === "tls"));
    assert.equal(inputsOf(plain, kafkaProviderType, "kafka-admin-provider").tlsEnabled, "false");
  });

  it("the graph-builder trusts the CA from the ConfigMap, and the program refuses to run TLS without a CA", async () => {
    const prod = await synthesize("prod");
    const deployment: Tree = inputsOf(prod, types.deployment, "graph-builder-deployment");
    const env = Object.fromEntries(
      (deployment.spec.template.spec.containers[0].env as Tree[]).map((e: Tree) => [e.name, e.value]),
    );
    assert.equal(env.KAFKA_SECURITY_PROTOCOL, "SASL_SSL");
    assert.equal(env.KAFKA_SSL_CA_LOCATION, "/etc/kg-rca-ca/ca.crt");
    await assert.rejects(
      synthesize("local", { tlsCaCertificate: "" }),
      /kg-rca-server:tlsCaCertificate: is required with kafkaListenerProtocol "SASL_SSL".*npm run local:up writes the local CA's/s,
    );
  });
});
