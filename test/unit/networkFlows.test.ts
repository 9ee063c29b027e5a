import { strict as assert } from "assert";

import { appPolicies, platformFlows, s3EndpointPort } from "../../components/platform/networkFlows";
import { platformPorts } from "../../components/platform/networkPolicies";
import { NetworkConfig } from "../../config";
import { inputsOf, ofType, synthesize, Tree, types } from "./helpers/synthesize";

const workloads = {
  kafka: "kafka",
  neo4j: "neo4j",
  postgresql: "postgresql",
  graphBuilder: "graph-builder",
  kgApi: "kg-api",
  maintenancePage: "kg-api-maintenance",
  backupJobs: "backup-jobs",
};
const network: NetworkConfig = {
  ingressControllerNamespace: "ingress-nginx",
  monitoringNamespace: "monitoring",
  operatorCidrs: [],
  dataPlaneAccess: "port-forward",
};

/** Each flow as "from -> to: ports", readable in a failure. */
function described(config: NetworkConfig, s3Endpoint?: string): string[] {
  const peer = (p: Tree) => ("app" in p ? p.app : "namespace" in p ? `ns/${p.namespace}` : p.cidr);
  return platformFlows(workloads, platformPorts, config, s3Endpoint).map(
    (f) => `${peer(f.from)} -> ${peer(f.to)}: ${f.ports.map((p) => p.port).join(",")}`,
  );
}

describe("network allow-list", () => {
  it("allows exactly the components' flows: peers, tenants, clients to their servers, ingress, scraping, backups", () => {
    assert.deepEqual(described(network), [
      "kafka -> kafka: 9092,9093,9094",
      "neo4j -> neo4j: 7687,6000,7000",
      "0.0.0.0/0 -> kafka: 9095",
      "graph-builder -> kafka: 9092",
      "graph-builder -> neo4j: 7687",
      "kg-api -> neo4j: 7687",
      "kg-api -> postgresql: 5432",
      "backup-jobs -> neo4j: 6362",
      "backup-jobs -> postgresql: 5432",
      "backup-jobs -> 0.0.0.0/0: 443",
      "ns/ingress-nginx -> kg-api: 8080",
      "ns/ingress-nginx -> kg-api-maintenance: 8080",
      "ns/monitoring -> kg-api: 8080",
      "ns/monitoring -> graph-builder: 9090",
    ]);
  });

  it("lets each operator range reach the admin endpoints only: Kafka's client listener, Bolt, PostgreSQL", () => {
    const flows = described({ ...network, operatorCidrs: ["172.31.254.0/24"] });
    assert.deepEqual(flows.slice(14), [
      "172.31.254.0/24 -> kafka: 9092",
      "172.31.254.0/24 -> neo4j: 7687",
      "172.31.254.0/24 -> postgresql: 5432",
    ]);
  });

  it("sends the backups to the configured S3 endpoint's port, HTTPS's otherwise", () => {
    assert.equal(s3EndpointPort(undefined), 443);
    assert.equal(s3EndpointPort("http://172.31.254.1:19000"), 19000);
    assert.equal(s3EndpointPort("http://s3.local"), 80);
    assert.equal(s3EndpointPort("https://s3.local"), 443);
    assert.ok(described(network, "http://172.31.254.1:19000").includes("backup-jobs -> 0.0.0.0/0: 19000"));
  });

  it("gives a server only ingress rules and a pure client only egress rules", () => {
    const policies = appPolicies(workloads, platformFlows(workloads, platformPorts, network, undefined));
    const policyOf = (app: string) => {
      const policy = policies.find((p) => p.app === app);
      assert.ok(policy, app);
      return policy;
    };
    assert.equal(policyOf("postgresql").egress.length, 0);
    assert.equal(policyOf("postgresql").ingress.length, 2);
    assert.equal(policyOf("backup-jobs").ingress.length, 0);
    assert.deepEqual(
      policyOf("kg-api").egress.map((rule) => rule.to),
      [
        [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "neo4j" } } }],
        [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "postgresql" } } }],
      ],
    );
  });

  it("declares a default deny, DNS for every pod, and one policy per workload selecting its pods", async () => {
    const run = await synthesize("prod");
    const names = ofType(run, types.networkPolicy).map((r) => r.name);
    assert.deepEqual(names.sort(), [
      "network-policies-backup-jobs",
      "network-policies-default-deny",
      "network-policies-dns",
      "network-policies-graph-builder",
      "network-policies-kafka",
      "network-policies-kg-api",
      "network-policies-kg-api-maintenance",
      "network-policies-neo4j",
      "network-policies-postgresql",
    ]);
    const deny = inputsOf(run, types.networkPolicy, "network-policies-default-deny");
    assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    assert.equal(deny.metadata.namespace, "kg-rca-server");
    const kafka = inputsOf(run, types.networkPolicy, "network-policies-kafka").spec;
    assert.deepEqual(kafka.podSelector, { matchLabels: { "app.kubernetes.io/name": "kafka" } });
    // Every workload's pods carry the label the policies select by, with the name the allow-list uses.
    const podLabels = ofType(run, types.deployment).map(
      (d) => (d.inputs as Tree).spec.template.metadata.labels["app.kubernetes.io/name"],
    );
    assert.deepEqual(podLabels.sort(), ["graph-builder", "kg-api"]);
  });
});
