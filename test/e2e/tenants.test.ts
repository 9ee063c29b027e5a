import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { Admin } from "kafkajs";
import { UpOptions, UpResult } from "@pulumi/pulumi/automation";

import {
  failureOf,
  isReplacement,
  platformResourcesOf,
  refusal,
  resourcesOf,
  StepLog,
} from "../../tools/engineResults";
import { ErrorSink, namespace, NodeCluster } from "./nodeCluster";
import { registryFile, serveRegistry, sharedNode, stack } from "./sharedNode";
import { produceAs, readEvery } from "./tenantMessages";

const entries = {
  a: { id: "tenant-a", name: "Tenant A", email: "a@tenant-a.example.com", plan: "basic", status: "active" },
  b: { id: "tenant-b", name: "Tenant B", email: "b@tenant-b.example.com", plan: "pro", status: "active" },
  c: { id: "tenant-c", name: "Tenant C", email: "c@tenant-c.example.com", plan: "basic", status: "active" },
};
const upgraded = { ...entries.a, plan: "pro" };

// First on the shared node: these scenarios start from the registry `local:up` serves (tenant-a, tenant-b).
describe("tenants on the node: Kafka isolation and lifecycle through the real engine, on the program's pods", function () {
  this.timeout(30 * 60 * 1000);
  let cluster: NodeCluster;
  let admin: Admin;
  /** Writes the registry the stack serves and runs `pulumi up`. */
  async function apply(clients: object[], opts: UpOptions = {}): Promise<UpResult> {
    await serveRegistry(clients);
    return stack.update(opts);
  }

  /** The engine sees nothing left to do: the stack has converged. */
  async function assertConverged(): Promise<void> {
    await stack.preview({ expectNoChanges: true, diff: true });
  }

  function billing(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return cluster.billing(sql, params);
  }

  async function produce(clientId: string, topic: string, value: string): Promise<void> {
    await produceAs(await cluster.tenantKafka(clientId), topic, value);
  }

  /** Every value on a topic, read as `clientId` in consumer group `group`. */
  async function consumeAll(
    clientId: string,
    topic: string,
    group: string,
    expected: number,
    errors?: ErrorSink,
  ): Promise<string[]> {
    return readEvery(await cluster.tenantKafka(clientId, errors), group, topic, expected, 30000);
  }

  /** The broker's quota settings of a user, as the Kafka CLI in the broker pod describes them. */
  function quotaOf(user: string): string {
    return cluster.kafkaTool("kafka-configs.sh", "--describe", "--entity-type", "users", "--entity-name", user);
  }

  function adminClient(): Admin {
    return cluster.adminKafka().admin();
  }

  /** What the servers hold: topics, ACLs and billing rows, to compare before and after a refused change. */
  async function serverSnapshot(): Promise<string> {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith("__")).sort();
    const acls = await admin.describeAcls({
      resourceType: 1,
      resourcePatternType: 1,
      permissionType: 1,
      operation: 1,
      host: "*",
    } as never);
    const aclLines = acls.resources
      .flatMap((r) =>
        r.acls.map((a) => `${r.resourceType}:${r.resourcePatternType}:${r.resourceName}:${a.principal}:${a.operation}`),
      )
      .sort();
    const rows = await billing(
      "SELECT id, name, email, plan, status, api_key_hash, updated_at::text FROM clients ORDER BY id",
    );
    const history = await billing("SELECT count(*)::int AS n FROM client_history");
    return JSON.stringify({ topics, aclLines, rows, history });
  }

  before(async () => {
    ({ cluster } = await sharedNode());
    admin = adminClient();
    await admin.connect();
  });

  after(async () => {
    // Set only once the node is up.
    await (admin as Admin | undefined)?.disconnect();
  });

  it("1. onboarding: each client's topics, SCRAM user, exact ACLs, billing row and API-key hash", async () => {
    const metadata = await admin.fetchTopicMetadata({
      topics: [
        "tenant-a.events.normalized",
        "tenant-a.logs.normalized",
        "tenant-b.events.normalized",
        "tenant-b.logs.normalized",
      ],
    });
    const partitions = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
    assert.deepEqual(partitions, {
      "tenant-a.events.normalized": 6,
      "tenant-a.logs.normalized": 3,
      "tenant-b.events.normalized": 12,
      "tenant-b.logs.normalized": 6,
    });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: 2,
          name: "tenant-a.events.normalized",
          configNames: ["retention.ms", "min.insync.replicas", "cleanup.policy"],
        },
      ],
    });
    const entriesOf = Object.fromEntries(
      (configs.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
    assert.deepEqual(entriesOf, {
      "retention.ms": String(72 * 3600000),
      "min.insync.replicas": "1",
      "cleanup.policy": "delete",
    });

    const acls = await admin.describeAcls({
      resourceType: 1,
      resourcePatternType: 1,
      permissionType: 1,
      operation: 1,
      principal: "User:tenant-a",
      host: "*",
    } as never);
    const tuples = acls.resources
      .flatMap((r) => r.acls.map((a) => `${r.resourceType}:${r.resourcePatternType}:${r.resourceName}:${a.operation}`))
      .sort();
    // resourceType 2 = Topic, 3 = Group; pattern 4 = PREFIXED; operations 3 Read, 4 Write, 8 Describe.
    assert.deepEqual(tuples, ["2:4:tenant-a.:3", "2:4:tenant-a.:4", "2:4:tenant-a.:8", "3:4:tenant-a.:3"]);

    const rows = await billing("SELECT id, plan, status, api_key_hash FROM clients ORDER BY id");
    assert.deepEqual(
      rows.map((r) => [r.id, r.plan, r.status]),
      [
        ["tenant-a", "basic", "active"],
        ["tenant-b", "pro", "active"],
      ],
    );
    const apiKeySecret = await stack.kube.mustGet("kubernetes:core/v1:Secret", namespace, "tenant-a-api-key");
    const apiKey = Buffer.from(String(apiKeySecret.data.apiKey), "base64").toString("utf8");
    assert.equal(rows[0]?.api_key_hash, crypto.createHash("sha256").update(apiKey).digest("hex"));
  });

  it("2. isolation: a client uses its own topics and is denied by the broker on every topic and group of another", async () => {
    await produce("tenant-a", "tenant-a.events.normalized", "a-1");
    assert.deepEqual(await consumeAll("tenant-a", "tenant-a.events.normalized", "tenant-a.reader", 1), ["a-1"]);
    await assert.rejects(produce("tenant-a", "tenant-b.events.normalized", "sneaky"), /authoriz/i);
    await assert.rejects(consumeAll("tenant-a", "tenant-b.events.normalized", "tenant-a.peek", 1), /authoriz/i);
    const refused: ErrorSink = [];
    await assert.rejects(consumeAll("tenant-a", "tenant-a.events.normalized", "tenant-b.reader", 1, refused));
    assert.ok(refused.includes("GROUP_AUTHORIZATION_FAILED"), `the broker refused the group: ${refused.join(", ")}`);
    const all = await admin.describeAcls({
      resourceType: 1,
      resourcePatternType: 1,
      permissionType: 1,
      operation: 1,
      host: "*",
    } as never);
    for (const resource of all.resources) {
      assert.notEqual(resource.resourceName, "*");
      for (const acl of resource.acls) {
        assert.notEqual(acl.principal, "User:*");
      }
    }
  });

  it("3. blast radius: adding a third client previews as creates of its resources only", async () => {
    await apply([entries.a, entries.b]);
    await serveRegistry([entries.a, entries.b, entries.c]);
    const log = new StepLog();
    // The new client's SCRAM password is generated by the update: the preview shows a placeholder
    // for it (components/shared/previewablePassword.ts) and completes.
    assert.equal(await failureOf(stack.preview({ onEvent: log.onEvent })), undefined, "the preview completes");
    const changed = log.changes;
    assert.ok(changed.length >= 10, `${changed.length} changes`);
    for (const step of changed) {
      assert.equal(step.op, "create", step.urn);
      assert.match(step.urn, /tenant-c/);
    }
  });

  it("4. plan upgrade changes retention, partitions and quotas in place, and loses no message", async () => {
    await produce("tenant-a", "tenant-a.events.normalized", "a-up");
    const log = new StepLog();
    await apply([upgraded, entries.b], { onEvent: log.onEvent });
    // The quota and the API-key Secret (which carries the plan's rate limit) are replaced by design; topics never.
    const topicSteps = log.steps.filter((s) => s.type === "kafka:index/topic:Topic");
    assert.deepEqual(
      topicSteps.filter(isReplacement).map((s) => s.urn),
      [],
      "no topic recreated",
    );
    assert.ok(
      topicSteps.some((s) => s.op === "update" && s.urn.endsWith("tenant-a-events-topic")),
      "the events topic was updated in place",
    );
    const metadata = await admin.fetchTopicMetadata({ topics: ["tenant-a.events.normalized"] });
    assert.equal(metadata.topics[0]?.partitions.length, 12);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: "tenant-a.events.normalized", configNames: ["retention.ms"] }],
    });
    assert.equal(configs.resources[0]?.configEntries[0]?.configValue, String(168 * 3600000));
    assert.match(quotaOf("tenant-a"), /producer_byte_rate=5242880/);
    assert.deepEqual(await consumeAll("tenant-a", "tenant-a.events.normalized", "tenant-a.after-upgrade", 2), [
      "a-1",
      "a-up",
    ]);
    assert.deepEqual(
      (await billing("SELECT plan FROM clients WHERE id = 'tenant-a'")).map((r) => r.plan),
      ["pro"],
    );
  });

  it("5. suspension: denied by the broker, data intact, billing suspended; reactivation restores access to the same data", async () => {
    await apply([{ ...upgraded, status: "suspended" }, entries.b]);
    await assert.rejects(produce("tenant-a", "tenant-a.events.normalized", "while-suspended"), /authoriz/i);
    assert.equal(
      await cluster.messageCount("tenant-a.events.normalized"),
      2,
      "the messages produced before are still there",
    );
    assert.deepEqual(
      (await billing("SELECT status FROM clients WHERE id = 'tenant-a'")).map((r) => r.status),
      ["suspended"],
    );

    await apply([upgraded, entries.b]);
    await produce("tenant-a", "tenant-a.events.normalized", "a-2");
    assert.deepEqual(await consumeAll("tenant-a", "tenant-a.events.normalized", "tenant-a.again", 3), [
      "a-1",
      "a-2",
      "a-up",
    ]);
    assert.deepEqual(
      (await billing("SELECT status FROM clients WHERE id = 'tenant-a'")).map((r) => r.status),
      ["active"],
    );
  });

  it("6. offboarding in two steps: topics, user and secrets gone, billing row kept as deleted", async () => {
    await apply([upgraded, { ...entries.b, status: "offboarding" }]);
    assert.ok((await admin.listTopics()).includes("tenant-b.events.normalized"), "step 1 keeps the data");
    const credentials = await cluster.credentialsOf("tenant-b");
    await apply([upgraded, { ...entries.b, status: "offboarded" }]);
    const topics = await admin.listTopics();
    assert.deepEqual(
      topics.filter((t) => t.startsWith("tenant-b.")),
      [],
    );
    assert.deepEqual(
      (await billing("SELECT status FROM clients WHERE id = 'tenant-b'")).map((r) => r.status),
      ["deleted"],
    );
    for (const secret of ["tenant-b-kafka-credentials", "tenant-b-api-key"]) {
      assert.equal(await stack.kube.get("kubernetes:core/v1:Secret", namespace, secret), undefined, secret);
    }
    const gone = cluster.kafka(credentials.username, credentials.password).admin();
    await assert.rejects(
      gone.connect().then(() => gone.listTopics()),
      /authentication|SASL/i,
    );
    await gone.disconnect();
  });

  it("6. removing a client that was not offboarded, or a tombstone, is refused and changes nothing", async () => {
    const before = await serverSnapshot();
    const stateBefore = await stack.exportState();
    for (const [registry, message] of [
      [
        [{ ...entries.b, status: "offboarded" }],
        /client "tenant-a" \(status active\) was removed\. Entries are never removed/,
      ],
      [[upgraded], /client "tenant-b" \(status offboarded\) was removed/],
      [
        [
          { ...upgraded, status: "offboarded" },
          { ...entries.b, status: "offboarded" },
        ],
        /client "tenant-a" status active cannot become offboarded in one update/,
      ],
    ] as const) {
      assert.match(await refusal(apply([...registry])), message);
      assert.equal(await serverSnapshot(), before);
      assert.deepEqual(
        platformResourcesOf(await stack.exportState()),
        platformResourcesOf(stateBefore),
        "state unchanged",
      );
    }
    await apply([upgraded, { ...entries.b, status: "offboarded" }]);
    await assertConverged();
  });

  it("7. PostgreSQL's pod away during an update: a clear error; back, a re-run converges, no row duplicated or lost", async () => {
    const historyOf = async (id: string) =>
      (await billing("SELECT plan, status FROM client_history WHERE client_id = $1 ORDER BY seq", [id])).map(
        (r) => `${String(r.plan)}/${String(r.status)}`,
      );
    const historyA = await historyOf("tenant-a");
    await cluster.scaleStatefulSet("postgresql", 0);
    let refused: string;
    try {
      // Suspends tenant-a and onboards tenant-c: Kafka steps succeed, billing steps cannot.
      refused = await refusal(
        apply([{ ...upgraded, status: "suspended" }, { ...entries.b, status: "offboarded" }, entries.c]),
      );
    } finally {
      await cluster.scaleStatefulSet("postgresql", 1);
    }
    assert.match(
      refused,
      // The engine runs where CI would: the billing database is reached through a port-forward of the API server.
      /billing row tenant-[ac]: cannot connect to the billing database at pod kg-rca-server\/postgresql-0:5432 through a port-forward of https:\/\/[\d.]+:6443/,
    );
    assert.ok((await admin.listTopics()).includes("tenant-c.events.normalized"), "the Kafka half was applied");
    assert.deepEqual(await billing("SELECT id FROM clients WHERE id = 'tenant-c'"), []);

    await apply([{ ...upgraded, status: "suspended" }, { ...entries.b, status: "offboarded" }, entries.c]);
    await assertConverged();
    const rows = await billing("SELECT id, plan, status, api_key_hash FROM clients ORDER BY id");
    assert.deepEqual(
      rows.map((r) => [r.id, r.plan, r.status]),
      [
        ["tenant-a", "pro", "suspended"],
        ["tenant-b", "pro", "deleted"],
        ["tenant-c", "basic", "active"],
      ],
    );
    assert.deepEqual(await historyOf("tenant-a"), [...historyA, "pro/suspended"]);
    assert.deepEqual(await historyOf("tenant-c"), ["basic/active"]);
    const apiKeySecret = await stack.kube.mustGet("kubernetes:core/v1:Secret", namespace, "tenant-c-api-key");
    const apiKey = Buffer.from(String(apiKeySecret.data.apiKey), "base64").toString("utf8");
    assert.equal(rows[2]?.api_key_hash, crypto.createHash("sha256").update(apiKey).digest("hex"));
  });

  it("7. the broker's pod away during an update: a clear error; back on its volume, a re-run converges with topics and messages intact", async () => {
    await produce("tenant-c", "tenant-c.events.normalized", "c-before-restart");
    const shorterRetention = { ...entries.c, overrides: { retentionHours: { events: 48 } } };
    await admin.disconnect();
    await cluster.scaleStatefulSet("kafka", 0);
    let refused: string;
    try {
      // Reactivates tenant-a (ACLs back) and shortens tenant-c's events retention.
      refused = await refusal(apply([upgraded, { ...entries.b, status: "offboarded" }, shorterRetention]));
    } finally {
      await cluster.scaleStatefulSet("kafka", 1);
      admin = adminClient();
      await admin.connect();
    }
    assert.match(refused, /kafka\.kg-rca-server\.svc\.cluster\.local:9092|brokers|connection refused/i);

    await apply([upgraded, { ...entries.b, status: "offboarded" }, shorterRetention]);
    await assertConverged();
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: "tenant-c.events.normalized", configNames: ["retention.ms"] }],
    });
    assert.equal(configs.resources[0]?.configEntries[0]?.configValue, String(48 * 3600000));
    assert.deepEqual(await consumeAll("tenant-c", "tenant-c.events.normalized", "tenant-c.after-restart", 1), [
      "c-before-restart",
    ]);
    assert.deepEqual(
      (await billing("SELECT status FROM clients WHERE id = 'tenant-a'")).map((r) => r.status),
      ["active"],
    );
    assert.equal(await cluster.messageCount("tenant-a.events.normalized"), 3);
  });

  it("8. an invalid registry entry fails before any change: topics, ACLs and rows are as before", async () => {
    const before = await serverSnapshot();
    const stateBefore = await stack.exportState();
    fs.writeFileSync(
      registryFile,
      JSON.stringify(
        [
          upgraded,
          { ...entries.b, status: "offboarded" },
          { ...entries.c, overrides: { retentionHours: { events: 48 } } },
          { ...entries.c, id: "Bad_Id" },
        ],
        null,
        2,
      ),
    );
    assert.match(await refusal(stack.update()), /client "Bad_Id" \(entry 4\): id "Bad_Id" is invalid/);
    assert.equal(await serverSnapshot(), before);
    assert.equal(resourcesOf(await stack.exportState()).length, resourcesOf(stateBefore).length);
    // The suites after this one build on the registry the stack serves: leave it as it was applied.
    await serveRegistry([
      upgraded,
      { ...entries.b, status: "offboarded" },
      { ...entries.c, overrides: { retentionHours: { events: 48 } } },
    ]);
    await assertConverged();
  });
});
