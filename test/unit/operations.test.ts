import { strict as assert } from "assert";

import { guardProblems, GuardInputs, PlatformGuardProvider } from "../../components/platform/platformGuard";
import { resourceTypes } from "../../components/resourceKinds";
import { MockRun } from "../../tools/mockEngine";
import { externalBrokerAddresses, synthesizeFixtureStack } from "./fixtures/stack";
import { find, inputsOf, ofType, Tree, types } from "./helpers/synthesize";

const pvcType = resourceTypes.pvc;
const guardType = resourceTypes.platformGuard;

/** Resources that are not part of the maintenance switch, with their inputs. */
function snapshot(run: MockRun): Record<string, unknown> {
  return Object.fromEntries(run.resources.map((r) => [`${r.type} ${r.name}`, r.inputs]));
}

describe("maintenance mode", () => {
  let normal: MockRun;
  let maintenance: MockRun;
  before(async () => {
    normal = await synthesizeFixtureStack();
    maintenance = await synthesizeFixtureStack({ maintenanceMode: "true" });
  });

  it("parks kg-api at zero replicas with its autoscaler out of the way", () => {
    assert.equal(inputsOf(maintenance, types.deployment, "kg-api-deployment").spec.replicas, 0);
    assert.equal(
      ofType(maintenance, types.hpa).some((r) => r.name === "kg-api-hpa"),
      false,
    );
    assert.ok(
      ofType(maintenance, types.hpa).some((r) => r.name === "graph-builder-hpa"),
      "graph-builder keeps ingesting",
    );
  });

  it("points the Ingress at a page that answers 503", () => {
    const rule: Tree = inputsOf(maintenance, types.ingress, "kg-api-ingress").spec.rules[0];
    assert.deepEqual(rule.http.paths[0].backend, { service: { name: "kg-api-maintenance", port: { number: 8080 } } });
    const conf: string = inputsOf(maintenance, types.configMap, "kg-api-maintenance-content").data["default.conf"];
    // Server-wide: the error_page answer comes from the internal location, which would drop a header of `location /`.
    assert.match(conf, /^server \{\n {2}listen 8080;\n {2}add_header Retry-After 3600 always;\n/);
    assert.match(conf, /location \/ \{\n {4}return 503;/);
    assert.match(conf, /error_page 503 \/maintenance\.html;/);
    const page: Tree = inputsOf(maintenance, types.deployment, "kg-api-maintenance-deployment").spec.template.spec
      .containers[0];
    assert.equal(page.image, "nginx:1.27.2");
  });

  it("turned off, declares exactly what was there before", async () => {
    const after = await synthesizeFixtureStack({ maintenanceMode: "false" });
    assert.deepEqual(snapshot(after), snapshot(normal));
    assert.equal(
      normal.resources.some((r) => r.name.startsWith("kg-api-maintenance")),
      false,
    );
  });
});

describe("storage growth", () => {
  it("declares every claim under the StatefulSet controller's name, sized from config and protected", async () => {
    const run = await synthesizeFixtureStack();
    const claims = ofType(run, pvcType).filter((r) => r.name.includes("-claim-"));
    assert.deepEqual(claims.map((c) => (c.inputs as Tree).metadata.name).sort(), [
      "data-kafka-0",
      "data-kafka-1",
      "data-kafka-2",
      "data-kafka-3",
      "data-kafka-4",
      "data-neo4j-0",
      "data-neo4j-1",
      "data-neo4j-2",
      "data-postgresql-0",
    ]);
    assert.ok(claims.every((c) => c.protect));
    const neo4jClaim: Tree = inputsOf(run, pvcType, "neo4j-claim-1");
    assert.deepEqual(neo4jClaim.spec, {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "gp3-expandable",
      resources: { requests: { storage: "500Gi" } },
    });
  });

  it("grows the claims, not the StatefulSet's immutable template", async () => {
    const grown = await synthesizeFixtureStack({ neo4jVolumeSize: "1Ti" });
    assert.equal(inputsOf(grown, pvcType, "neo4j-claim-0").spec.resources.requests.storage, "1Ti");
    const statefulSet: Tree = inputsOf(grown, types.statefulSet, "neo4j-statefulset");
    assert.deepEqual(statefulSet.spec.persistentVolumeClaimRetentionPolicy, {
      whenDeleted: "Retain",
      whenScaled: "Retain",
    });
    // The template is ignored on update (ignoreChanges), so its change can never force a replacement.
    assert.equal(statefulSet.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "1Ti");
  });

  it("hands every volume size and the broker count to the guard, which everything else waits for", async () => {
    const run = await synthesizeFixtureStack();
    const guard: Tree = inputsOf(run, guardType, "platform-guard");
    assert.deepEqual(guard.volumeSizes, {
      neo4jVolumeSize: "500Gi",
      kafkaVolumeSize: "1Ti",
      postgresVolumeSize: "50Gi",
      backupLocalVolumeSize: "2Ti",
    });
    assert.equal(guard.storageClassExpandable, true);
    assert.equal(guard.kafkaBrokers, 5);
    assert.equal(guard.clientRegistry, "prod");
    assert.equal(guard.tenantShards, undefined, "a whole stack's clients are in no shard: no count is fixed yet");
    assert.ok(Object.keys(guard.clients).length > 0);
    assert.ok(Object.values(guard.clients).every((status) => status === "active" || status === "suspended"));
    assert.equal(find(run, guardType, "platform-guard").parent, "platform");
  });

  describe("the guard", () => {
    const clients: Readonly<Record<string, string>> = {
      acme: "active",
      globex: "suspended",
      initech: "offboarding",
      hooli: "offboarded",
    };
    const base: GuardInputs = {
      volumeSizes: { neo4jVolumeSize: "500Gi", kafkaVolumeSize: "1Ti" },
      storageClassExpandable: true,
      kafkaBrokers: 5,
      kafkaDrainedBrokers: [],
      clients,
      clientRegistry: "prod",
    };

    it("accepts a first deployment, an unchanged one and growth on an expandable class", () => {
      assert.deepEqual(guardProblems(undefined, base), []);
      assert.deepEqual(guardProblems(base, base), []);
      assert.deepEqual(
        guardProblems(base, { ...base, volumeSizes: { ...base.volumeSizes, neo4jVolumeSize: "1Ti" } }),
        [],
      );
      assert.deepEqual(
        guardProblems(base, { ...base, volumeSizes: { ...base.volumeSizes, kafkaVolumeSize: "1024Gi" } }),
        [],
      );
    });

    it("refuses a shrink, naming the key and the size to restore", () => {
      assert.deepEqual(
        guardProblems(base, { ...base, volumeSizes: { ...base.volumeSizes, neo4jVolumeSize: "100Gi" } }),
        [
          "kg-rca-server:neo4jVolumeSize: volumes never shrink: the claims hold 500Gi and the change asks for 100Gi. Set it back to 500Gi or more (to shrink, migrate the data to new volumes).",
        ],
      );
    });

    it("refuses growth on a StorageClass that cannot expand", () => {
      const problems = guardProblems(base, {
        ...base,
        storageClassExpandable: false,
        volumeSizes: { ...base.volumeSizes, kafkaVolumeSize: "2Ti" },
      });
      assert.equal(problems.length, 1);
      assert.match(
        problems[0] ?? "",
        /kafkaVolumeSize: growing 1Ti to 2Ti needs a StorageClass with allowVolumeExpansion: true/,
      );
    });

    it("refuses removing brokers that were not drained in an earlier update, and allows it once they were", () => {
      assert.deepEqual(guardProblems({ ...base, kafkaBrokers: 7 }, base), [
        "kg-rca-server:kafkaBrokers: lowering 7 to 5 removes broker(s) 5, 6, and 5, 6 are not drained. First list them in kg-rca-server:kafkaDrainedBrokers and apply that (the kafka-rebalance Job moves their partitions to the other brokers); once that Job has completed, lower the count.",
      ]);
      assert.match(
        guardProblems(
          { ...base, kafkaBrokers: 7, kafkaDrainedBrokers: [6] },
          { ...base, kafkaDrainedBrokers: [5, 6] },
        )[0] ?? "",
        /and 5 is not drained\. First list it/,
      );
      // Listing them in the same update that removes them is not a drain: nothing has moved yet.
      assert.match(
        guardProblems({ ...base, kafkaBrokers: 7 }, { ...base, kafkaDrainedBrokers: [5, 6] })[0] ?? "",
        /5, 6 are not drained/,
      );
      assert.deepEqual(
        guardProblems(
          { ...base, kafkaBrokers: 7, kafkaDrainedBrokers: [5, 6] },
          { ...base, kafkaDrainedBrokers: [5, 6] },
        ),
        [],
      );
    });

    it("records the tenant shard count and refuses any change of it, naming both keys and the count to keep", () => {
      const sharded = { ...base, tenantShards: 4 };
      assert.deepEqual(guardProblems(base, sharded), [], "state from before shards: the count is recorded");
      assert.deepEqual(guardProblems(sharded, sharded), []);
      assert.deepEqual(
        guardProblems(sharded, base),
        [],
        "a whole stack fixes no count (one that had recorded one stops): the split chooses it",
      );
      for (const shards of [3, 5]) {
        const problems = guardProblems(sharded, { ...sharded, tenantShards: shards });
        assert.equal(problems.length, 1);
        assert.match(
          problems[0] ?? "",
          new RegExp(
            `^kg-rca-server:tenantShardSize, kg-rca-server:capacityMaxClients: they make ${shards} tenant shards, and this environment was created with 4\\. .*rounds up to 4; beyond this environment's capacity, create another environment\\.$`,
          ),
        );
      }
    });

    it("in a platform stack, holding no registry, checks no client; in a tenants stack, only its shard's", () => {
      const platform: GuardInputs = { ...base, clients: undefined, clientRegistry: undefined };
      assert.deepEqual(guardProblems(base, platform), [], "the clients moved to the tenants stacks");
      assert.deepEqual(guardProblems(platform, platform), []);
      const shard: GuardInputs = { clients: { acme: "active" }, clientRegistry: "prod (shard 1)", tenantShards: 4 };
      assert.deepEqual(guardProblems(shard, { ...shard, clients: { acme: "suspended" } }), []);
      assert.deepEqual(guardProblems(shard, { ...shard, clients: {} }), [
        'client registry prod (shard 1): client "acme" (status active) was removed. Entries are never removed: offboard it by setting status "offboarding", then "offboarded" in a later update, and keep the entry so its id is never reused.',
      ]);
      assert.match(
        guardProblems(shard, { ...shard, tenantShards: 5 }).join(),
        /they make 5 tenant shards, and this environment was created with 4/,
      );
    });

    it("refuses removing any registry entry, naming the client and the way to offboard", () => {
      const without = (id: string): Record<string, string> =>
        Object.fromEntries(Object.entries(clients).filter(([key]) => key !== id));
      assert.deepEqual(guardProblems(base, { ...base, clients: without("acme") }), [
        'client registry prod: client "acme" (status active) was removed. Entries are never removed: offboard it by setting status "offboarding", then "offboarded" in a later update, and keep the entry so its id is never reused.',
      ]);
      assert.match(
        guardProblems(base, { ...base, clients: without("hooli") })[0] ?? "",
        /"hooli" \(status offboarded\) was removed/,
      );
    });

    it("refuses skipping the offboarding step and reviving an offboarded id; allows every other step", () => {
      const step = (id: string, status: string): string[] =>
        guardProblems(base, { ...base, clients: { ...base.clients, [id]: status } });
      assert.deepEqual(step("acme", "offboarded"), [
        'client registry prod: client "acme" status active cannot become offboarded in one update; from active it may become active, suspended, offboarding.',
      ]);
      assert.match(step("globex", "offboarded")[0] ?? "", /status suspended cannot become offboarded/);
      assert.match(
        step("hooli", "active")[0] ?? "",
        /status offboarded cannot become active in one update; from offboarded it may become offboarded\./,
      );
      for (const [id, status] of [
        ["acme", "suspended"],
        ["acme", "offboarding"],
        ["globex", "active"],
        ["initech", "offboarded"],
        ["initech", "active"],
      ] as const) {
        assert.deepEqual(step(id, status), [], `${id} → ${status}`);
      }
      // Stacks deployed before the guard knew the registry, and new clients, are accepted.
      assert.deepEqual(guardProblems({ ...base, clients: undefined }, base), []);
      assert.deepEqual(guardProblems(base, { ...base, clients: { ...base.clients, umbrella: "active" } }), []);
    });

    it("does not show a registry change as a change of itself, only a settings change", async () => {
      const provider = new PlatformGuardProvider();
      const added = { ...base, clients: { ...base.clients, umbrella: "active" } };
      assert.equal((await provider.diff("platform-guard", base, added)).changes, false);
      assert.equal((await provider.diff("platform-guard", base, { ...base, kafkaBrokers: 6 })).changes, true);
    });
  });
});

describe("Kafka scale-out", () => {
  it("raises the brokers and declares a rebalance Job over all of them", async () => {
    const run = await synthesizeFixtureStack({
      kafkaBrokers: "7",
      kafkaExternalBrokerAddresses: externalBrokerAddresses(7),
    });
    assert.equal(inputsOf(run, types.statefulSet, "kafka-statefulset").spec.replicas, 7);
    const job: Tree = inputsOf(run, types.job, "kafka-rebalance");
    assert.equal(job.metadata.name, "kafka-rebalance-7");
    assert.equal(job.metadata.annotations["pulumi.com/skipAwait"], "true");
    const script: string = job.spec.template.spec.containers[0].command[2];
    assert.match(script, /grep -c '\(id: '\)" -ge 7 \]/);
    assert.match(script, /--broker-list 0,1,2,3,4,5,6 --generate/);
    assert.match(script, /--reassignment-json-file \/tmp\/plan\.json --execute --throttle 50000000/);
    assert.deepEqual(job.spec.template.spec.containers[0].env, [
      { name: "KAFKA_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "kafka-admin", key: "password" } } },
    ]);
    assert.equal(inputsOf(run, types.pdb, "kafka-pdb").spec.maxUnavailable, 1);
    assert.equal(ofType(run, pvcType).filter((r) => r.name.startsWith("kafka-claim-")).length, 7);
  });

  it("drains brokers still running: a rebalance Job named after them spreads every partition over the others", async () => {
    const run = await synthesizeFixtureStack({
      kafkaBrokers: "7",
      kafkaDrainedBrokers: "5,6",
      kafkaExternalBrokerAddresses: externalBrokerAddresses(7),
    });
    assert.equal(inputsOf(run, types.statefulSet, "kafka-statefulset").spec.replicas, 7);
    const job: Tree = inputsOf(run, types.job, "kafka-rebalance");
    assert.equal(job.metadata.name, "kafka-rebalance-7-drain-5-6");
    const script: string = job.spec.template.spec.containers[0].command[2];
    assert.match(script, /grep -c '\(id: '\)" -ge 7 \]/);
    assert.match(script, /--broker-list 0,1,2,3,4 --generate/);
    // Once they are gone, the listed ids name no running broker: the Job is the plain one again.
    const after: Tree = inputsOf(
      await synthesizeFixtureStack({ kafkaBrokers: "5", kafkaDrainedBrokers: "5,6" }),
      types.job,
      "kafka-rebalance",
    );
    assert.equal(after.metadata.name, "kafka-rebalance-5");
  });

  it("refuses draining a broker the StatefulSet would not remove, a controller, or below the replication factor", async () => {
    await assert.rejects(
      synthesizeFixtureStack({
        kafkaBrokers: "7",
        kafkaDrainedBrokers: "4",
        kafkaExternalBrokerAddresses: externalBrokerAddresses(7),
      }),
      /kafkaDrainedBrokers: \(4\) must be the highest broker ids \(6 of 7\)/,
    );
    await assert.rejects(
      synthesizeFixtureStack({ kafkaBrokers: "4", kafkaControllers: "3", kafkaDrainedBrokers: "2,3" }),
      /kafkaDrainedBrokers: \(2, 3\) includes a controller \(ids below kafkaControllers, 3\)/,
    );
    await assert.rejects(
      synthesizeFixtureStack({ kafkaBrokers: "3", kafkaControllers: "1", kafkaDrainedBrokers: "1,2" }),
      /kafkaDrainedBrokers: draining 1, 2 leaves 1 broker\(s\), fewer than kafkaReplicationFactor \(3\)/,
    );
  });

  it("keeps the claims of drained brokers, unprotected, until a later change removes them", async () => {
    const run = await synthesizeFixtureStack({ kafkaBrokers: "5", kafkaDrainedBrokers: "5,6" });
    const claims = ofType(run, pvcType).filter((r) => r.name.startsWith("kafka-claim-"));
    assert.deepEqual(
      claims.map((c) => [c.name, c.protect]),
      [
        ["kafka-claim-0", true],
        ["kafka-claim-1", true],
        ["kafka-claim-2", true],
        ["kafka-claim-3", true],
        ["kafka-claim-4", true],
        ["kafka-claim-5", false],
        ["kafka-claim-6", false],
      ],
    );
  });

  it("refuses a malformed drained-broker list", async () => {
    await assert.rejects(
      synthesizeFixtureStack({ kafkaDrainedBrokers: "five" }),
      /kafkaDrainedBrokers: must be a comma-separated list of broker ids/,
    );
  });
});
