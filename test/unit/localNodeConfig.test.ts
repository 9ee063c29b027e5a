import { strict as assert } from "assert";

import { rawConfigOf } from "../../config/configFiles";
import { parseStackConfig, ValidationError } from "../../config";
import { neo4jServerSettings } from "../../components/neo4j/neo4jSettings";
import { fixtureStackConfig, synthesizeFixtureStack } from "./fixtures/stack";
import { inputsOf, Tree, types } from "./helpers/synthesize";

function problemsOf(overrides: Record<string, string>): readonly string[] {
  try {
    parseStackConfig(rawConfigOf(fixtureStackConfig(overrides)), "test");
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail(`config ${JSON.stringify(overrides)} was accepted`);
}

/** Every container of every workload kind, with the workload's name. */
function containersOf(resources: readonly { type: string; name: string; inputs: Tree }[]): [string, Tree][] {
  const found: [string, Tree][] = [];
  for (const r of resources) {
    const spec = r.inputs.spec;
    const podSpec = r.type === types.cronJob ? spec?.jobTemplate?.spec?.template?.spec : spec?.template?.spec;
    for (const c of [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])]) {
      found.push([`${r.name}/${String(c.name)}`, c]);
    }
  }
  return found;
}

const workloadKinds: readonly string[] = [types.statefulSet, types.deployment, types.job, types.cronJob];

describe("image pull policy and Neo4j edition (config of a node without a registry)", () => {
  it("gives every container of every workload the configured imagePullPolicy", async () => {
    for (const policy of ["Never", "IfNotPresent", "Always"]) {
      const run = await synthesizeFixtureStack({ imagePullPolicy: policy });
      const containers = containersOf(run.resources.filter((r) => workloadKinds.includes(r.type)));
      // Kafka, Neo4j, PostgreSQL, graph-builder, kg-api, the rebalance Job and both backup CronJobs.
      assert.ok(containers.length >= 8, `only ${containers.length} containers found`);
      for (const [name, container] of containers) {
        assert.equal(container.imagePullPolicy, policy, `${name} under ${policy}`);
      }
    }
  });

  it("refuses an unknown imagePullPolicy, naming the key and the valid values", () => {
    const problems = problemsOf({ imagePullPolicy: "Sometimes" });
    assert.ok(
      problems.some(
        (p) => p.startsWith("kg-rca-server:imagePullPolicy") && p.includes('"Always", "IfNotPresent", "Never"'),
      ),
      problems.join("\n"),
    );
  });

  const settings = {
    heapInitialSize: "1G",
    heapMaxSize: "1G",
    pageCacheSize: "512m",
    transactionTotalMax: "256m",
    transactionMax: "128m",
    queryCacheSize: 100,
    checkpointIntervalTime: "15m",
    checkpointIntervalTx: 1000,
    boltThreadPoolMaxSize: 10,
  };
  const placement = { servers: 1, statefulSet: "neo4j", headlessService: "neo4j-headless", namespace: "ns" };

  it("renders only the settings Community Edition accepts (it refuses unknown ones at start)", () => {
    const community = neo4jServerSettings({ edition: "community", settings, ...placement });
    const enterprise = neo4jServerSettings({ edition: "enterprise", settings, ...placement });
    const enterpriseOnly = Object.keys(enterprise).filter((k) => !(k in community));
    assert.deepEqual(enterpriseOnly.sort(), [
      "dbms.cluster.discovery.resolver_type",
      "dbms.cluster.discovery.v2.endpoints",
      "dbms.cluster.discovery.version",
      "initial.dbms.default_primaries_count",
      "server.backup.enabled",
      "server.backup.listen_address",
    ]);
    assert.equal(community["server.memory.heap.max_size"], "1G");
    assert.equal(community["server.default_listen_address"], "0.0.0.0");
  });

  it("refuses a Community cluster and Community per-client databases before anything is declared", () => {
    const servers = problemsOf({ neo4jEdition: "community", neo4jServers: "3" });
    assert.ok(
      servers.some((p) => p.startsWith("kg-rca-server:neo4jServers") && p.includes("must be 1")),
      servers.join("\n"),
    );
    const databases = problemsOf({
      neo4jEdition: "community",
      neo4jServers: "1",
      tenantDatabases: "true",
    });
    assert.ok(
      databases.some((p) => p.startsWith("kg-rca-server:tenantDatabases") && p.includes("Enterprise Edition")),
      databases.join("\n"),
    );
    const edition = problemsOf({ neo4jEdition: "desktop" });
    assert.ok(edition.some((p) => p.startsWith("kg-rca-server:neo4jEdition") && p.includes('"community"')));
  });
});

describe("kg-api Ingress awaiting (no ingress controller on the local node)", () => {
  it("waits for the Ingress by default, and not where kgApiIngressAwait is false", async () => {
    const awaited = inputsOf(await synthesizeFixtureStack(), types.ingress, "kg-api-ingress");
    assert.equal(awaited.metadata.annotations?.["pulumi.com/skipAwait"], undefined);
    const skipped = inputsOf(
      await synthesizeFixtureStack({ kgApiIngressAwait: "false" }),
      types.ingress,
      "kg-api-ingress",
    );
    assert.equal(skipped.metadata.annotations?.["pulumi.com/skipAwait"], "true");
  });
});
