import { strict as assert } from "assert";

import { ClientEntry, ClientStatus, PlanName, plans } from "../../clients";
import { resourceTypes } from "../../components/resourceKinds";
import { DeclaredResource, MockRun, MockRunError } from "../../tools/mockEngine";
import { client, registryFile } from "./helpers/registryFile";
import { synthesizeFixtureStack } from "./fixtures/stack";
import { Tree } from "./helpers/synthesize";

const kafkaTypes = {
  topic: resourceTypes.kafkaTopic,
  acl: resourceTypes.kafkaAcl,
  quota: resourceTypes.kafkaQuota,
  user: resourceTypes.kafkaScramUser,
};
const billingRowType = resourceTypes.billingRow;
const databaseType = resourceTypes.neo4jDatabase;

function synthClients(clients: readonly ClientEntry[], overrides: Record<string, string> = {}): Promise<MockRun> {
  return synthesizeFixtureStack({ clientRegistry: registryFile(clients), ...overrides });
}

function ownedBy(run: MockRun, clientId: string, type?: string): DeclaredResource[] {
  return run.resources.filter((r) => r.parent === clientId && (type === undefined || r.type === type));
}

function aclTuples(run: MockRun, clientId: string): string[] {
  return ownedBy(run, clientId, kafkaTypes.acl)
    .map((r) => {
      const a: Tree = r.inputs;
      return [
        a.aclPrincipal,
        a.aclResourceType,
        a.resourcePatternTypeFilter,
        a.aclResourceName,
        a.aclOperation,
        a.aclPermissionType,
      ].join(" ");
    })
    .sort();
}

describe("ClientTenant", () => {
  describe("for each plan, an active client gets", () => {
    for (const planName of Object.keys(plans) as PlanName[]) {
      it(`${planName}: the plan's topics, partitions, retention and quotas`, async () => {
        const run = await synthClients([client("acme-1", { plan: planName })]);
        const plan = plans[planName];
        const topics = ownedBy(run, "acme-1", kafkaTypes.topic).map((r) => r.inputs as Tree);
        assert.deepEqual(
          topics.map((t) => t.name).sort(),
          Object.keys(plan.topics)
            .map((kind) => `acme-1.${kind}.normalized`)
            .sort(),
        );
        for (const [kind, spec] of Object.entries(plan.topics)) {
          const topic = topics.find((t) => t.name === `acme-1.${kind}.normalized`);
          assert.deepEqual(topic, {
            name: `acme-1.${kind}.normalized`,
            partitions: spec.partitions,
            replicationFactor: 3,
            config: {
              "cleanup.policy": "delete",
              "retention.ms": String(spec.retentionHours * 3600000),
              "retention.bytes": String(spec.retentionBytesPerPartition),
              "segment.bytes": String(spec.segmentBytes),
              "min.insync.replicas": "2",
            },
          });
        }
        // Replaced on any change; the same broker entity, so it must be deleted before it is recreated.
        assert.equal(ownedBy(run, "acme-1", kafkaTypes.quota)[0]?.deleteBeforeReplace, true);
        const quota = ownedBy(run, "acme-1", kafkaTypes.quota)[0]?.inputs;
        assert.deepEqual(quota, {
          entityType: "user",
          entityName: "acme-1",
          config: {
            producer_byte_rate: String(plan.quotas.producerByteRate),
            consumer_byte_rate: String(plan.quotas.consumerByteRate),
          },
        });
        const apiSecret: Tree = ownedBy(run, "acme-1").find(
          (r) => r.name === "acme-1-api-key" && r.type.startsWith("kubernetes"),
        )?.inputs;
        assert.equal(apiSecret.metadata.name, "acme-1-api-key");
      });
    }
  });

  it("an active client: PREFIXED ACLs on its own prefix only, plus graph-builder read access", async () => {
    const run = await synthClients([client("acme-1")]);
    assert.deepEqual(aclTuples(run, "acme-1"), [
      "User:acme-1 Group Prefixed acme-1. Read Allow",
      "User:acme-1 Topic Prefixed acme-1. Describe Allow",
      "User:acme-1 Topic Prefixed acme-1. Read Allow",
      "User:acme-1 Topic Prefixed acme-1. Write Allow",
      "User:graph-builder Topic Prefixed acme-1. Describe Allow",
      "User:graph-builder Topic Prefixed acme-1. Read Allow",
    ]);
  });

  it("declares no wildcard ACL anywhere, and no client ACL outside its own prefix", async () => {
    const ids = ["acme-1", "acme-12", "beta-2"];
    const run = await synthClients(ids.map((id) => client(id)));
    const acls = run.resources.filter((r) => r.type === kafkaTypes.acl).map((r) => r.inputs as Tree);
    assert.ok(acls.length > 0);
    for (const acl of acls) {
      assert.ok(!acl.aclResourceName.includes("*") && acl.aclPrincipal !== "User:*", JSON.stringify(acl));
      const owner = ids.find((id) => acl.aclPrincipal === `User:${id}`);
      if (owner !== undefined) {
        assert.equal(acl.aclResourceName, `${owner}.`);
        assert.equal(acl.resourcePatternTypeFilter, "Prefixed");
      }
    }
  });

  it("a SCRAM-SHA-512 user with a generated password, delivered in a Secret and never in plain text", async () => {
    const run = await synthClients([client("acme-1")]);
    const user = ownedBy(run, "acme-1", kafkaTypes.user)[0]?.inputs as Tree;
    assert.deepEqual(user, {
      username: "acme-1",
      scramMechanism: "SCRAM-SHA-512",
      scramIterations: 8192,
      password: "[secret]",
    });
    const secret: Tree = ownedBy(run, "acme-1").find((r) => r.name === "acme-1-kafka-credentials")?.inputs;
    assert.equal(secret.metadata.name, "acme-1-kafka-credentials");
    assert.equal(secret.stringData, "[secret]");
    assert.doesNotMatch(JSON.stringify(run.resources), /mock-password/);
  });

  it("a Neo4j database named by its id, and a protected billing row keeping only the API key's hash", async () => {
    const run = await synthClients([client("acme-1", { plan: "pro" })]);
    const database = ownedBy(run, "acme-1", databaseType)[0];
    assert.equal((database?.inputs as Tree).databaseName, "acme-1");
    assert.equal(database?.protect, true);
    const billing = ownedBy(run, "acme-1", billingRowType)[0];
    const row: Tree = billing?.inputs;
    assert.deepEqual(
      [row.clientId, row.name, row.email, row.plan, row.status],
      ["acme-1", "Client acme-1", "ops@acme-1.example.com", "pro", "active"],
    );
    assert.match(row.apiKeyHash, /^[0-9a-f]{64}$/);
    assert.equal(billing?.protect, true);
    assert.deepEqual(Object.keys(row).sort(), [
      "__provider",
      "apiKeyHash",
      "clientId",
      "connection",
      "email",
      "name",
      "plan",
      "status",
    ]);
    // Where the provider finds the billing database: names only, the password stays in the Secret.
    assert.deepEqual(row.connection, {
      namespace: "kg-rca-server",
      service: "postgresql",
      pod: "postgresql-0",
      port: 5432,
      access: "port-forward",
      database: "billing",
      secretName: "postgresql-auth",
      caConfigMap: "tls-ca",
    });
  });

  it("protects topics and the database while the client is active or suspended", async () => {
    for (const status of ["active", "suspended"] as ClientStatus[]) {
      const run = await synthClients([client("acme-1", { status })]);
      for (const r of [...ownedBy(run, "acme-1", kafkaTypes.topic), ...ownedBy(run, "acme-1", databaseType)]) {
        assert.equal(r.protect, true, `${status}: ${r.name}`);
      }
    }
  });

  it("suspended: the client's ACLs are removed and nothing else", async () => {
    const active = await synthClients([client("acme-1")]);
    const suspended = await synthClients([client("acme-1", { status: "suspended" })]);
    assert.deepEqual(aclTuples(suspended, "acme-1"), [
      "User:graph-builder Topic Prefixed acme-1. Describe Allow",
      "User:graph-builder Topic Prefixed acme-1. Read Allow",
    ]);
    const names = (run: MockRun) =>
      ownedBy(run, "acme-1")
        .filter((r) => r.type !== kafkaTypes.acl || (r.inputs as Tree).aclPrincipal === "User:graph-builder")
        .map((r) => `${r.type} ${r.name}`);
    assert.deepEqual(names(suspended), names(active));
    const row: Tree = ownedBy(suspended, "acme-1", billingRowType)[0]?.inputs;
    assert.equal(row.status, "suspended");
  });

  it("offboarding: access revoked and protection lifted, everything still declared", async () => {
    const run = await synthClients([client("acme-1", { status: "offboarding" })]);
    assert.equal(aclTuples(run, "acme-1").filter((a) => a.startsWith("User:acme-1")).length, 0);
    const topics = ownedBy(run, "acme-1", kafkaTypes.topic);
    assert.equal(topics.length, 2);
    assert.ok(topics.every((t) => !t.protect));
    assert.equal(ownedBy(run, "acme-1", databaseType)[0]?.protect, false);
    assert.equal((ownedBy(run, "acme-1", billingRowType)[0]?.inputs as Tree).status, "suspended");
  });

  it("offboarded: only the billing tombstone remains, status deleted and protected", async () => {
    const run = await synthClients([client("acme-1", { status: "offboarded" })]);
    const owned = ownedBy(run, "acme-1");
    assert.deepEqual(
      owned.map((r) => r.type),
      [billingRowType],
    );
    const row: Tree = owned[0]?.inputs;
    assert.equal(row.status, "deleted");
    assert.equal(row.apiKeyHash, "revoked:acme-1");
    assert.equal(owned[0]?.protect, true);
  });

  it("applies a per-client retention override the plan allows", async () => {
    const run = await synthClients([client("small-1", { plan: "pro", overrides: { retentionHours: { logs: 24 } } })]);
    const logs: Tree = ownedBy(run, "small-1", kafkaTypes.topic).find(
      (r) => (r.inputs as Tree).name === "small-1.logs.normalized",
    )?.inputs;
    assert.equal(logs.config["retention.ms"], String(24 * 3600000));
    // A time override leaves the byte limit the plan's: the storage bound does not move.
    assert.equal(logs.config["retention.bytes"], String(plans.pro.topics.logs.retentionBytesPerPartition));
    const events: Tree = ownedBy(run, "small-1", kafkaTypes.topic).find(
      (r) => (r.inputs as Tree).name === "small-1.events.normalized",
    )?.inputs;
    assert.equal(events.config["retention.ms"], String(168 * 3600000));
  });

  it("declares no database where config switches tenant databases off", async () => {
    const run = await synthClients([client("acme-1")], { tenantDatabases: "false" });
    assert.equal(ownedBy(run, "acme-1", databaseType).length, 0);
    assert.equal(ownedBy(run, "acme-1", billingRowType).length, 1);
  });

  it("gives the graph-builder its SCRAM user and a literal ACL on its own consumer group", async () => {
    const run = await synthClients([client("acme-1")]);
    const platform = run.resources.filter((r) => r.parent === "platform-kafka").map((r) => r.inputs as Tree);
    assert.deepEqual(
      platform.find((i) => i.aclResourceType === "Group"),
      {
        aclResourceType: "Group",
        aclResourceName: "kg-builder",
        resourcePatternTypeFilter: "Literal",
        aclPrincipal: "User:graph-builder",
        aclHost: "*",
        aclOperation: "Read",
        aclPermissionType: "Allow",
      },
    );
    assert.equal(platform.find((i) => i.username === "graph-builder")?.password, "[secret]");
  });

  it("declares the SCRAM anchor user (Kafka's replay bug), with a generated secret password and no ACL", async () => {
    const run = await synthClients([client("acme-1")]);
    const anchor = run.resources.find((r) => r.type === kafkaTypes.user && (r.inputs as Tree).username === "f5a5a608");
    assert.ok(anchor !== undefined, "anchor user declared");
    assert.equal(anchor.parent, "platform-kafka");
    assert.equal((anchor.inputs as Tree).password, "[secret]");
    assert.equal((anchor.inputs as Tree).scramMechanism, "SCRAM-SHA-512");
    assert.ok(!run.resources.some((r) => (r.inputs as Tree).aclPrincipal === "User:f5a5a608"));
    // The anchor exists because this name hashes to 0 in Java: it is always met first.
    const javaHash = Array.from("f5a5a608").reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0);
    assert.equal(javaHash, 0);
  });

  it("refuses an invalid registry before declaring anything, naming the file, client and field", async () => {
    const bad = [client("acme_1"), client("beta-2", { plan: "gold" as PlanName })];
    await assert.rejects(synthClients(bad), (err: unknown) => {
      assert.ok(err instanceof MockRunError);
      assert.equal(err.declared, 0);
      assert.match(err.message, /clients-\d+\.json: client "acme_1" \(entry 1\): id "acme_1" is invalid/);
      assert.match(err.message, /client "beta-2" \(entry 2\): plan "gold" is unknown; plans: basic, pro, enterprise/);
      return true;
    });
  });
});
