import { strict as assert } from "assert";

import { declaredConfigKeys, rawConfigOf } from "../../config/configFiles";
import { parseStackConfig, secretConfigKeys, ValidationError } from "../../config";
import { externalBrokerAddresses, fixtureStackConfig } from "./fixtures/stack";
import { projectDir, stackConfig } from "./helpers/synthesize";

function parse(overrides: Record<string, string>) {
  return parseStackConfig(rawConfigOf(fixtureStackConfig(overrides)), "test");
}

function problemsOf(overrides: Record<string, string>): readonly string[] {
  try {
    parse(overrides);
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail(`config ${JSON.stringify(overrides)} was accepted`);
}

function assertRefused(overrides: Record<string, string>, key: string, fragment: string): void {
  const problems = problemsOf(overrides);
  assert.ok(
    problems.some((p) => p.startsWith(`kg-rca-server:${key}`) && p.includes(fragment)),
    `expected a problem on ${key} mentioning "${fragment}", got:\n${problems.join("\n")}`,
  );
}

describe("stack config", () => {
  // The one unit test that reads Pulumi.prod.yaml: every other test runs on fixed figures.
  it("reads the production stack as the operations guide describes it", () => {
    const { config } = parseStackConfig(rawConfigOf(stackConfig("prod")), "Pulumi.prod.yaml");
    assert.equal(config.namespace, "kg-rca-server");
    assert.equal(config.neo4j.servers, 3);
    assert.deepEqual(config.neo4j.settings, {
      heapInitialSize: "32G",
      heapMaxSize: "64G",
      pageCacheSize: "32G",
      transactionTotalMax: "32G",
      transactionMax: "16G",
      queryCacheSize: 2000,
      checkpointIntervalTime: "15m",
      checkpointIntervalTx: 100000,
      boltThreadPoolMaxSize: 800,
    });
    assert.deepEqual(config.neo4j.resources, {
      requests: { cpu: "16", memory: "128Gi" },
      limits: { cpu: "32", memory: "256Gi" },
    });
    assert.equal(config.kafka.brokers, 5);
    assert.deepEqual(config.kafka.settings, {
      defaultReplicationFactor: 3,
      minInsyncReplicas: 2,
      compressionType: "gzip",
      logRetentionHours: 168,
      logRetentionBytes: 1099511627776,
      logSegmentBytes: 1073741824,
      numNetworkThreads: 8,
      numIoThreads: 16,
    });
    assert.deepEqual(config.graphBuilder.autoscaling, {
      minReplicas: 5,
      maxReplicas: 50,
      cpuTargetPercent: 70,
      scaleDownStabilizationSeconds: 600,
    });
    assert.deepEqual(config.graphBuilder.resources, {
      requests: { cpu: "2", memory: "4Gi" },
      limits: { cpu: "4", memory: "8Gi" },
    });
    assert.equal(config.graphBuilder.batchSize, 100);
    assert.equal(config.graphBuilder.batchTimeoutMs, 1000);
    assert.equal(config.graphBuilder.rcaWindowMinutes, 15);
    assert.equal(config.graphBuilder.rcaMaxCauses, 10);
    assert.equal(config.kgApi.autoscaling.minReplicas, 10);
    assert.equal(config.kgApi.autoscaling.maxReplicas, 100);
    assert.deepEqual(config.ops, {
      prometheusUrl: "http://prometheus:9090",
      consumerLag: { warning: 1000, critical: 10000 },
      volumeUsageErrorRatio: 0.95,
      capacity: { maxClients: 200, scaleLeadMonths: 3 },
    });
  });

  it("is immutable once parsed", () => {
    const { config } = parse({});
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.neo4j.settings));
  });

  it("declares in Pulumi.yaml exactly the keys the program reads, each with type, description and default", () => {
    const declared = declaredConfigKeys(projectDir);
    const { keysRead } = parse({});
    assert.deepEqual([...declared.keys()].sort(), [...keysRead].sort());
    // A secret has no default (it would be a password shared by every stack), and the CLI requires a
    // declared key without one in every stack: prod and the tenants stacks set none.
    for (const key of secretConfigKeys) {
      assert.ok(!declared.has(key), `${key} must not be declared in Pulumi.yaml`);
    }
    for (const [key, decl] of declared) {
      assert.ok(["string", "integer", "boolean"].includes(decl.type), `${key} has type ${decl.type}`);
      assert.ok(decl.description.length > 10, `${key} needs a description`);
      assert.notEqual(decl.default, undefined, `${key} needs a default`);
    }
  });

  it("declares the consumer-lag keys of the health check and the alert as integers whose defaults keep their order", () => {
    const declared = declaredConfigKeys(projectDir);
    const defaults = ["opsConsumerLagWarning", "alertConsumerLagMessages", "opsConsumerLagCritical"].map((key) => {
      const decl = declared.get(key);
      assert.ok(decl !== undefined, `${key} is not declared in Pulumi.yaml`);
      assert.equal(decl.type, "integer", key);
      assert.match(decl.description, /per-partition lag/i, key);
      assert.equal(typeof decl.default, "number", key);
      return Number(decl.default);
    });
    const [warning = 0, alert = 0, critical = 0] = defaults;
    assert.ok(warning < alert && warning < critical, `defaults ${defaults.join(", ")}`);
  });

  describe("refuses bad values, naming the key and what would be valid", () => {
    for (const bad of ["0", "-1", "2.5", "three", ""]) {
      it(`a replica count of "${bad}"`, () => {
        assertRefused({ neo4jServers: bad }, "neo4jServers", bad === "" ? "is required" : "positive integer");
      });
    }
    it("an HPA bound that is not a positive integer", () => {
      assertRefused({ kgApiMaxReplicas: "0" }, "kgApiMaxReplicas", "positive integer");
      assertRefused({ graphBuilderMinReplicas: "1.5" }, "graphBuilderMinReplicas", "positive integer");
    });
    it("an HPA minimum above its maximum", () => {
      assertRefused(
        { graphBuilderMinReplicas: "60" },
        "graphBuilderMinReplicas",
        "must not exceed kg-rca-server:graphBuilderMaxReplicas (50)",
      );
    });
    for (const bad of ["0", "101", "-5"]) {
      it(`a CPU target of ${bad}`, () => {
        assertRefused({ kgApiCpuTargetPercent: bad }, "kgApiCpuTargetPercent", "an integer from 1 to 100");
      });
    }
    for (const [key, bad] of [
      ["neo4jVolumeSize", "10GB"],
      ["kafkaMemoryLimit", "lots"],
      ["graphBuilderCpuRequest", "2 cores"],
      ["postgresVolumeSize", "-5Gi"],
    ] as const) {
      it(`a quantity that does not parse: ${key}=${bad}`, () => {
        assertRefused({ [key]: bad }, key, "Kubernetes quantity");
      });
    }
    it("a request above its limit", () => {
      assertRefused({ kgApiCpuRequest: "3" }, "kgApiCpuRequest", `must not exceed kg-rca-server:kgApiCpuLimit ("2")`);
    });
    it("a Neo4j heap plus page cache above the memory limit", () => {
      assertRefused(
        { neo4jMemoryLimit: "64Gi", neo4jMemoryRequest: "64Gi" },
        "neo4jMemoryLimit",
        "must hold neo4jHeapMaxSize",
      );
    });
    it("a Neo4j size in the wrong syntax", () => {
      assertRefused({ neo4jPageCacheSize: "32GB" }, "neo4jPageCacheSize", "Neo4j memory size");
    });
    for (const bad of ["-Xmx2g", "-XX:+UseSerialGC  -XX:+AlwaysPreTouch", "-XX:+UseSerialGC $(id)", "-XX:*"]) {
      it(`Kafka JVM flags that are not -XX: flags split by single spaces: "${bad}"`, () => {
        assertRefused({ kafkaJvmPerformanceOptions: bad }, "kafkaJvmPerformanceOptions", "JVM flags of the form -XX:");
      });
    }
    it("an initial heap above the maximum heap", () => {
      assertRefused({ neo4jHeapInitialSize: "128G" }, "neo4jHeapInitialSize", "must not exceed neo4jHeapMaxSize");
    });
    it("fewer Kafka brokers than the replication factor", () => {
      assertRefused(
        { kafkaBrokers: "2", kafkaControllers: "1" },
        "kafkaBrokers",
        "at least kafkaReplicationFactor (3)",
      );
    });
    it("min.insync.replicas not below the replication factor", () => {
      assertRefused(
        { kafkaMinInsyncReplicas: "3" },
        "kafkaMinInsyncReplicas",
        "must be below kafkaReplicationFactor (3)",
      );
    });
    it("a tenants' listener address that is not HOST:PORT with a valid DNS name or IP", () => {
      const what = "HOST:PORT with a lowercase DNS name or an IP address";
      assertRefused(
        { kafkaExternalBootstrapAddress: "Kafka_1.example.com:9094" },
        "kafkaExternalBootstrapAddress",
        what,
      );
      assertRefused({ kafkaExternalBootstrapAddress: "kafka.example.com" }, "kafkaExternalBootstrapAddress", what);
      assertRefused(
        { kafkaExternalBootstrapAddress: "kafka.example.com:70000" },
        "kafkaExternalBootstrapAddress",
        what,
      );
      assertRefused(
        {
          kafkaExternalBrokerAddresses:
            "a.example.com:9094,-b.example.com:9094,c.example.com:9094,d.example.com:9094,e.example.com:9094",
        },
        "kafkaExternalBrokerAddresses",
        '"-b.example.com:9094" is not one',
      );
      const ok = parse({ kafkaExternalBootstrapAddress: "10.0.0.5:9094" }).config.kafka;
      assert.deepEqual(ok.external.bootstrap, { host: "10.0.0.5", port: 9094 });
      assert.equal(ok.adminBootstrapServers, "10.0.0.5:9094");
    });
    it("an external address count that does not match the broker count, or a repeated address", () => {
      assertRefused(
        { kafkaExternalBrokerAddresses: externalBrokerAddresses(4) },
        "kafkaExternalBrokerAddresses",
        "lists 4 address(es) but kafkaBrokers is 5: give exactly one HOST:PORT per broker",
      );
      assertRefused(
        {
          kafkaBrokers: "6",
          kafkaExternalBrokerAddresses: `${externalBrokerAddresses(5)},kafka-0.kg-rca.example.com:9094`,
        },
        "kafkaExternalBrokerAddresses",
        "repeats kafka-0.kg-rca.example.com:9094",
      );
    });
    it("a node port outside the NodePort range", () => {
      assertRefused(
        { kafkaExternalServiceType: "NodePort" },
        "kafkaExternalBootstrapAddress",
        "port(s) 9094, 9094, 9094, 9094, 9094, 9094 outside the NodePort range 30000-32767",
      );
      assertRefused(
        { kafkaExternalServiceType: "ClusterIP" },
        "kafkaExternalServiceType",
        '"LoadBalancer", "NodePort"',
      );
    });
    it("an issuer missing or malformed in prod, and a plaintext listener in prod", () => {
      assertRefused({ tlsCertificateIssuer: "" }, "tlsCertificateIssuer", "is required in prod");
      assertRefused({ tlsCertificateIssuer: "kg-rca-ca" }, "tlsCertificateIssuer", '"ClusterIssuer/kg-rca-ca"');
      assertRefused({ kafkaListenerProtocol: "SASL_PLAINTEXT" }, "kafkaListenerProtocol", 'must be "SASL_SSL" in prod');
      assertRefused({ kafkaListenerProtocol: "PLAINTEXT" }, "kafkaListenerProtocol", '"SASL_SSL", "SASL_PLAINTEXT"');
      const staging = parse({
        environment: "staging",
        tlsCertificateIssuer: "",
        kafkaListenerProtocol: "SASL_PLAINTEXT",
      });
      assert.equal(staging.config.tls.issuer, undefined);
      assert.equal(staging.config.kafka.listenerProtocol, "SASL_PLAINTEXT");
    });
    it("a CA certificate that does not parse, is not a CA, or is missing outside a local stack", () => {
      assertRefused({ tlsCaCertificate: "not a certificate" }, "tlsCaCertificate", "must be a PEM certificate");
      assertRefused({ tlsCaCertificate: "" }, "tlsCaCertificate", 'is required with kafkaListenerProtocol "SASL_SSL"');
      // A local stack's file leaves it out: scripts/local.sh writes the machine's CA in (the program checks it then).
      assert.equal(parse({ environment: "local", tlsCaCertificate: "" }).config.tls.caCertificate, "");
    });
    it("a single-replica Kafka outside a local stack", () => {
      const single = {
        kafkaBrokers: "1",
        kafkaExternalBrokerAddresses: externalBrokerAddresses(1),
        kafkaControllers: "1",
        kafkaReplicationFactor: "1",
        kafkaMinInsyncReplicas: "1",
      };
      assertRefused(single, "kafkaMinInsyncReplicas", "must be below kafkaReplicationFactor (1)");
      assert.equal(parse({ ...single, environment: "local" }).config.kafka.settings.minInsyncReplicas, 1);
    });
    it("an even or oversized controller quorum", () => {
      assertRefused({ kafkaControllers: "2" }, "kafkaControllers", "must be odd");
      assertRefused({ kafkaControllers: "7" }, "kafkaControllers", "must not exceed kafkaBrokers (5)");
    });
    for (const bad of ["neo4j", "neo4j:latest", "apache/kafka", "postgres:"]) {
      it(`an image without a version: "${bad}"`, () => {
        assertRefused({ neo4jImage: bad }, "neo4jImage", "explicit version");
      });
    }
    it("an unknown compression type or environment", () => {
      assertRefused({ kafkaCompressionType: "brotli" }, "kafkaCompressionType", `must be one of "gzip"`);
      assertRefused({ environment: "production" }, "environment", `must be one of "prod", "staging", "local"`);
    });
    it("a boolean that is not true or false", () => {
      assertRefused({ skipAwait: "yes" }, "skipAwait", "must be true or false");
    });
    it("ops consumer-lag thresholds that are not positive integers, or a critical threshold not above the warning", () => {
      assertRefused({ opsConsumerLagWarning: "0" }, "opsConsumerLagWarning", "positive integer");
      assertRefused({ opsConsumerLagCritical: "lots" }, "opsConsumerLagCritical", "positive integer");
      assertRefused(
        { opsConsumerLagCritical: "1000" },
        "opsConsumerLagCritical",
        "(1000) must be above opsConsumerLagWarning (1000)",
      );
      assertRefused(
        { opsConsumerLagWarning: "20000" },
        "opsConsumerLagCritical",
        "(10000) must be above opsConsumerLagWarning (20000)",
      );
    });
    it("an ops consumer-lag warning not below the lag HighConsumerLag fires on, naming both keys", () => {
      assertRefused(
        { opsConsumerLagWarning: "10000", opsConsumerLagCritical: "20000" },
        "opsConsumerLagWarning",
        "(10000) must be below alertConsumerLagMessages (10000), where HighConsumerLag fires",
      );
      // Lowering the alert's threshold under the check's warning is refused just the same, and only that.
      assert.deepEqual(problemsOf({ alertConsumerLagMessages: "800" }), [
        "kg-rca-server:opsConsumerLagWarning: (1000) must be below alertConsumerLagMessages (800), where HighConsumerLag fires, so the health check warns first",
      ]);
      // An alert threshold that does not parse is its own problem, not a relation one.
      assert.deepEqual(
        problemsOf({ alertConsumerLagMessages: "lots" }).map((p) => p.split(":")[1]),
        ["alertConsumerLagMessages"],
      );
      const { config } = parse({ opsConsumerLagWarning: "9999" });
      assert.deepEqual([config.ops.consumerLag.warning, config.monitoring.alerts.consumerLagMessages], [9999, 10000]);
    });
    it("a volume error ratio outside 0-1 or not above the alert's disk usage ratio", () => {
      assertRefused({ opsVolumeUsageErrorRatio: "1.5" }, "opsVolumeUsageErrorRatio", "a number from 0 to 1");
      assertRefused({ opsVolumeUsageErrorRatio: "95%" }, "opsVolumeUsageErrorRatio", "a number from 0 to 1");
      assertRefused(
        { opsVolumeUsageErrorRatio: "0.8" },
        "opsVolumeUsageErrorRatio",
        "(0.8) must be above alertDiskUsageRatio (0.9)",
      );
    });
    it("a Prometheus URL that is not http(s)", () => {
      for (const bad of ["prometheus:9090", "ftp://prometheus", "http://prom etheus", "http://p:9090/?x=1"]) {
        assertRefused({ opsPrometheusUrl: bad }, "opsPrometheusUrl", "an http or https URL");
      }
    });
    it("a client ceiling or scale lead that is not a whole number in range", () => {
      assertRefused({ capacityMaxClients: "0" }, "capacityMaxClients", "positive integer");
      assertRefused({ capacityMaxClients: "2.5" }, "capacityMaxClients", "positive integer");
      assertRefused({ capacityScaleLeadMonths: "-1" }, "capacityScaleLeadMonths", "an integer from 0 to 120");
      assertRefused({ capacityScaleLeadMonths: "121" }, "capacityScaleLeadMonths", "an integer from 0 to 120");
    });
    it("a backup schedule with a bad cron field, or not five fields", () => {
      assertRefused(
        { backupNeo4jSchedule: "0 24 * * *" },
        "backupNeo4jSchedule",
        'the hour field is "24": 24 is outside 0-23. The hour takes 0-23',
      );
      assertRefused({ backupPostgresSchedule: "a b c d e" }, "backupPostgresSchedule", 'the minute field is "a"');
      assertRefused({ backupPostgresSchedule: "@every 1h" }, "backupPostgresSchedule", "five-field cron schedule");
      assert.equal(parse({ backupNeo4jSchedule: "@daily" }).config.backups.neo4jSchedule, "@daily");
    });
    it("tenant shards: the count follows capacityMaxClients over tenantShardSize; a size that is not a positive integer is refused", () => {
      // The default from bench:engine (README): shards of 5, 40 at the guide's 200 clients.
      assert.deepEqual([parse({}).config.tenants.shardSize, parse({}).config.tenants.shards], [5, 40]);
      assert.equal(parse({ capacityMaxClients: "120", tenantShardSize: "25" }).config.tenants.shards, 5);
      assertRefused({ tenantShardSize: "0" }, "tenantShardSize", "positive integer");
      assertRefused({ tenantShardSize: "ten" }, "tenantShardSize", "positive integer");
    });
    it("network: operator ranges that are not CIDR blocks, namespaces that are not DNS labels", () => {
      for (const bad of ["10.0.0.0", "10.0.0.0/33", "300.1.1.1/8", "fd00::/129", "10.0.0.0/8;192.168.0.0/16", "any"]) {
        assertRefused({ networkOperatorCidrs: bad }, "networkOperatorCidrs", "a comma-separated list of CIDR blocks");
      }
      assert.deepEqual(parse({ networkOperatorCidrs: "172.31.254.0/24, fd00::/8" }).config.network.operatorCidrs, [
        "172.31.254.0/24",
        "fd00::/8",
      ]);
      assert.deepEqual(parse({}).config.network, {
        ingressControllerNamespace: "ingress-nginx",
        monitoringNamespace: "monitoring",
        operatorCidrs: [],
        dataPlaneAccess: "port-forward",
      });
      assert.equal(parse({ dataPlaneAccess: "direct" }).config.network.dataPlaneAccess, "direct");
      assertRefused(
        { dataPlaneAccess: "tunnel" },
        "dataPlaneAccess",
        'must be one of "port-forward", "direct"; got "tunnel"',
      );
      assertRefused(
        { networkIngressControllerNamespace: "Ingress_Nginx" },
        "networkIngressControllerNamespace",
        "a DNS label",
      );
      assertRefused({ networkMonitoringNamespace: "" }, "networkMonitoringNamespace", "");
    });
    it("an S3 endpoint or credentials Secret that is malformed, or set while the program declares the AWS bucket", () => {
      const local = { awsEnabled: "false" };
      for (const bad of ["172.31.254.1:19000", "s3://bucket", "http://s3.local/path", "http://S3.local"]) {
        assertRefused({ ...local, backupS3Endpoint: bad }, "backupS3Endpoint", "an endpoint URL such as");
      }
      assertRefused(
        { ...local, backupS3CredentialsSecret: "S3_Keys" },
        "backupS3CredentialsSecret",
        "name of a Secret",
      );
      assertRefused(
        { backupS3Endpoint: "http://172.31.254.1:19000" },
        "backupS3Endpoint",
        "must be empty while awsEnabled is true",
      );
      assertRefused(
        { backupS3CredentialsSecret: "s3-keys" },
        "backupS3CredentialsSecret",
        "must be empty while awsEnabled",
      );
      const accepted = parse({
        ...local,
        backupS3Endpoint: "http://172.31.254.1:19000",
        backupS3CredentialsSecret: "s3-keys",
      });
      assert.deepEqual(
        [accepted.config.backups.s3Endpoint, accepted.config.backups.s3CredentialsSecret],
        ["http://172.31.254.1:19000", "s3-keys"],
      );
      assert.equal(parse({}).config.backups.s3Endpoint, undefined);
    });
    it("a namespace or host that is not a DNS name", () => {
      assertRefused({ namespace: "KG_RCA" }, "namespace", "DNS label");
      assertRefused({ kgApiIngressHost: "https://api" }, "kgApiIngressHost", "DNS host name");
    });
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({ neo4jServers: "0", kafkaImage: "apache/kafka", kgApiCpuTargetPercent: "200" });
    assert.equal(problems.length, 3, problems.join("\n"));
  });
});
