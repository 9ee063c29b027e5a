import { strict as assert } from "assert";

import { GraphBuilder, KgApi } from "../../components";
import { MockRun } from "../../tools/mockEngine";
import { graphBuilderArgs, kgApiArgs } from "./fixtures/componentArgs";
import { synthesizeFixtureStack } from "./fixtures/stack";
import { envOf, find, inputsOf, ofType, synthesizeComponents, Tree, types } from "./helpers/synthesize";

describe("GraphBuilder and KgApi", () => {
  let run: MockRun;
  before(async () => {
    run = await synthesizeComponents(() => {
      new GraphBuilder("graph-builder", graphBuilderArgs);
      new KgApi("kg-api", kgApiArgs);
    });
  });

  it("autoscales graph-builder 5-50 at 70% CPU with a 600 s scale-down window", () => {
    const hpa = inputsOf(run, types.hpa, "graph-builder-hpa");
    assert.deepEqual(hpa.spec, {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "graph-builder" },
      minReplicas: 5,
      maxReplicas: 50,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
    });
    assert.equal(find(run, types.hpa, "graph-builder-hpa").parent, "graph-builder");
  });

  it("leaves the replica count to the HPA", () => {
    for (const name of ["graph-builder-deployment", "kg-api-deployment"]) {
      assert.equal(inputsOf(run, types.deployment, name).spec.replicas, undefined, name);
    }
  });

  it("gives graph-builder its resources and tuning env", () => {
    const container: Tree = inputsOf(run, types.deployment, "graph-builder-deployment").spec.template.spec
      .containers[0];
    assert.deepEqual(container.resources, {
      requests: { cpu: "2", memory: "4Gi" },
      limits: { cpu: "4", memory: "8Gi" },
    });
    const env = envOf(container);
    assert.deepEqual(
      [env.KAFKA_CONSUMER_BATCH_SIZE, env.KAFKA_CONSUMER_BATCH_TIMEOUT_MS, env.RCA_WINDOW_MIN, env.RCA_MAX_CAUSES],
      ["100", "1000", "15", "10"],
    );
    assert.equal(env.KAFKA_BOOTSTRAP_SERVERS, "kafka.kg-rca-server.svc.cluster.local:9092");
    assert.equal(env.KAFKA_CONSUMER_GROUP, "kg-builder");
    assert.deepEqual(env.KAFKA_SASL_PASSWORD, { secretKeyRef: { name: "graph-builder-kafka", key: "password" } });
    assert.deepEqual(env.NEO4J_PASSWORD, { secretKeyRef: { name: "neo4j-auth", key: "password" } });
    assert.equal(container.image, "ghcr.io/kg-rca/graph-builder:1.4.0");
  });

  it("autoscales kg-api 10-100 and serves it through an Ingress on the configured host", () => {
    const hpa = inputsOf(run, types.hpa, "kg-api-hpa");
    assert.equal(hpa.spec.minReplicas, 10);
    assert.equal(hpa.spec.maxReplicas, 100);
    const ingress = inputsOf(run, types.ingress, "kg-api-ingress");
    assert.equal(ingress.spec.ingressClassName, "nginx");
    assert.deepEqual(ingress.spec.rules, [
      {
        host: "api.kg-rca.example.com",
        http: {
          paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "kg-api", port: { number: 8080 } } } }],
        },
      },
    ]);
    const env = envOf(inputsOf(run, types.deployment, "kg-api-deployment").spec.template.spec.containers[0]);
    assert.deepEqual(env.PGPASSWORD, { secretKeyRef: { name: "postgresql-auth", key: "password" } });
  });

  it("has both workloads verify the servers with the platform's CA: libpq's verify-full and Node's extra CAs", () => {
    for (const name of ["graph-builder", "kg-api"]) {
      const spec: Tree = inputsOf(run, types.deployment, `${name}-deployment`).spec.template.spec;
      const env = envOf(spec.containers[0]);
      assert.equal(env.NODE_EXTRA_CA_CERTS, "/etc/kg-rca-ca/ca.crt", name);
      assert.match(String(env.NEO4J_URI), /^neo4j\+s:\/\//, name);
      assert.ok(
        (spec.volumes as Tree[]).some((v) => v.configMap?.name === "tls-ca"),
        `${name} mounts ConfigMap tls-ca`,
      );
    }
    const kgApi = envOf(inputsOf(run, types.deployment, "kg-api-deployment").spec.template.spec.containers[0]);
    assert.equal(kgApi.PGSSLMODE, "verify-full");
    assert.equal(kgApi.PGSSLROOTCERT, "/etc/kg-rca-ca/ca.crt");
  });

  it("follows HPA bounds from the stack config", async () => {
    const changed = await synthesizeFixtureStack({
      kgApiMinReplicas: "3",
      kgApiMaxReplicas: "7",
      kgApiCpuTargetPercent: "55",
    });
    const spec = inputsOf(changed, types.hpa, "kg-api-hpa").spec;
    assert.deepEqual(
      [spec.minReplicas, spec.maxReplicas, spec.metrics[0].resource.target.averageUtilization],
      [3, 7, 55],
    );
  });

  it("pins every container image to an explicit version", async () => {
    const program = await synthesizeFixtureStack();
    const containers = [...ofType(program, types.statefulSet), ...ofType(program, types.deployment)].flatMap(
      (r) => (r.inputs as Tree).spec.template.spec.containers as Tree[],
    );
    assert.equal(containers.length, 5);
    for (const c of containers) {
      assert.match(c.image, /:[0-9][\w.-]*$/, c.image);
    }
  });
});
