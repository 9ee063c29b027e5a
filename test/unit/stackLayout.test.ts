import { strict as assert } from "assert";
import * as path from "path";

import { prodClients } from "../../clients/registries/prod";
import { clientsByShard } from "../../clients/shards";
import { parseTenantPlatform, TenantPlatform } from "../../programs/tenantPlatform";
import {
  freshProgram,
  MockRun,
  MockRunError,
  runUnderMocks,
  secretPlaceholder,
  StackOutputs,
} from "../../tools/mockEngine";
import { find, ofType, projectDir, stackConfig, Tree, types } from "./helpers/synthesize";

const program = (): (() => unknown) => freshProgram(path.join(projectDir, "index.ts"));
const clientTenantType = "kg-rca:tenants:ClientTenant";
const platformStackName = "organization/kg-rca-server/prod";

function tenantsConfig(shard: number, extra: Record<string, string> = {}): Record<string, string> {
  return { stackRole: "tenants", platformStack: platformStackName, tenantShard: String(shard), ...extra };
}

async function refused(run: Promise<MockRun>): Promise<{ message: string; declared: number }> {
  try {
    await run;
  } catch (error) {
    assert.ok(error instanceof MockRunError, String(error));
    return { message: error.message, declared: error.declared };
  }
  assert.fail("the program ran");
}

describe("stack layout: whole, platform and tenants stacks of one environment", () => {
  let whole: MockRun;
  let platform: MockRun;
  let outputs: StackOutputs;
  before(async () => {
    whole = await runUnderMocks(program(), stackConfig("prod"), "prod");
    // Shards of 50 (four at prod's capacity) keep the tenants programs' runs few; the default
    // count is checked with the config (config.test.ts).
    platform = await runUnderMocks(
      program(),
      stackConfig("prod", { stackRole: "platform", tenantShardSize: "50" }),
      "prod",
    );
    outputs = { [platformStackName]: platform.outputs };
  });

  it("a platform stack declares the whole stack's resources but its clients', and its guard holds no registry", () => {
    const names = (run: MockRun): string[] => run.resources.map((r) => `${r.type}::${r.name}`);
    const clientIds = new Set(prodClients.map((c) => c.id));
    const ownedByClients = (r: { name: string; parent: string | null }): boolean =>
      clientIds.has(r.name) || (r.parent !== null && [...clientIds].some((id) => r.name.startsWith(`${id}-`)));
    assert.deepEqual(
      names(platform),
      names({ ...whole, resources: whole.resources.filter((r) => !ownedByClients(r)) }),
    );
    const guard = find(platform, types.platformGuard, "platform-guard").inputs;
    assert.equal(guard.clients, undefined);
    assert.equal(guard.clientRegistry, undefined);
    assert.equal(guard.tenantShards, 4);
  });

  it("exports exactly what a tenants stack reads, the admin password as a secret only", () => {
    const exported = parseTenantPlatform(platform.outputs.tenantPlatform, "prod");
    assert.deepEqual(
      {
        namespace: exported.namespace,
        registry: exported.clientRegistry,
        shards: exported.tenantShards,
        rf: exported.kafka.replicationFactor,
        brokers: exported.kafka.brokers,
        bytes: exported.kafka.brokerVolumeBytes,
        billing: exported.billingConnection.secretName,
        neo4j: exported.neo4jConnection.secretName,
      },
      {
        namespace: "kg-rca-server",
        registry: "prod",
        shards: 4,
        rf: 3,
        brokers: 5,
        bytes: 5 * 2 ** 40,
        billing: "postgresql-auth",
        neo4j: "neo4j-auth",
      },
    );
    assert.equal(platform.outputs.kafkaAdminPassword, secretPlaceholder);
    assert.ok(
      !JSON.stringify(platform.outputs.tenantPlatform).includes('password":"'),
      "no password in the plain output",
    );
  });

  it("each tenants stack declares its shard's clients only, under the names the whole stack gives them", async () => {
    const shards = clientsByShard(prodClients, 4);
    const wholeTenants = ofType(whole, clientTenantType).map((r) => r.name);
    const seen: string[] = [];
    for (let shard = 0; shard < 4; shard++) {
      const run = await runUnderMocks(program(), tenantsConfig(shard), `prod-tenants-${String(shard)}`, outputs);
      const declared = ofType(run, clientTenantType).map((r) => r.name);
      assert.deepEqual(declared, (shards[shard] ?? []).map((c) => c.id).sort(), `shard ${String(shard)}`);
      seen.push(...declared);
      // Each client's resources carry the same names as in the whole stack (a state move keeps them).
      for (const id of declared) {
        const mine = (r: { name: string }): boolean => r.name === id || r.name.startsWith(`${id}-`);
        assert.deepEqual(
          run.resources.filter(mine).map((r) => `${r.type}::${r.name}`),
          whole.resources.filter(mine).map((r) => `${r.type}::${r.name}`),
        );
      }
      const guard = find(run, types.platformGuard, "tenants-guard").inputs;
      assert.deepEqual(Object.keys(guard.clients as object).sort(), declared);
      assert.equal(run.outputs.tenantShard, shard);
    }
    assert.deepEqual(seen.sort(), [...wholeTenants].sort(), "the shards together hold every client once");
  });

  it("a tenants stack's providers come from the platform's outputs: namespace, admin listener, CA, secret password", async () => {
    const shard = clientsByShard(prodClients, 4).findIndex((s) => s.length > 0);
    const run = await runUnderMocks(program(), tenantsConfig(shard), "prod-tenants", outputs);
    const exported = platform.outputs.tenantPlatform as TenantPlatform;
    const kafka: Tree = find(run, "pulumi:providers:kafka", "tenants-kafka").inputs;
    assert.deepEqual(JSON.parse(String(kafka.bootstrapServers)), exported.kafka.adminBootstrapServers.split(","));
    assert.equal(kafka.saslPassword, secretPlaceholder);
    assert.equal(kafka.caCert, exported.kafka.caCertificate);
    const kubernetes: Tree = find(run, "pulumi:providers:kubernetes", "tenants-kubernetes").inputs;
    assert.equal(kubernetes.namespace, "kg-rca-server");
    const guard = find(run, types.platformGuard, "tenants-guard").inputs as Tree;
    assert.equal(guard.platformKafka.brokers, 5);
    assert.ok(guard.platformKafka.otherShardsBoundBytes > 0, "the other shards' clients count against the brokers");
  });

  describe("refuses, before declaring anything", () => {
    it("a tenants stack without its platform stack", async () => {
      const { message, declared } = await refused(
        runUnderMocks(program(), { stackRole: "tenants" }, "prod-tenants-0", outputs),
      );
      assert.match(message, /kg-rca-server:platformStack: is required with stackRole "tenants"/);
      assert.equal(declared, 0);
    });

    it("a tenants stack that sets one of its platform's keys", async () => {
      const { message, declared } = await refused(
        runUnderMocks(program(), tenantsConfig(0, { kafkaBrokers: "7" }), "prod-tenants-0", outputs),
      );
      assert.match(
        message,
        /kg-rca-server:kafkaBrokers: a tenants stack takes its environment's settings from its platform stack/,
      );
      assert.equal(declared, 0);
    });

    it("a platform or whole stack that names a platform stack or a shard", async () => {
      const { message } = await refused(
        runUnderMocks(program(), stackConfig("prod", { stackRole: "platform", tenantShard: "2" }), "prod"),
      );
      assert.match(
        message,
        /kg-rca-server:tenantShard: is read by tenants stacks only; this stack's stackRole is "platform"/,
      );
      const other = await refused(runUnderMocks(program(), stackConfig("prod", { platformStack: "prod" }), "prod"));
      assert.match(
        other.message,
        /kg-rca-server:platformStack: is read by tenants stacks only; this stack's stackRole is "whole"/,
      );
    });

    it("an unknown role", async () => {
      const { message } = await refused(runUnderMocks(program(), stackConfig("prod", { stackRole: "shard" }), "prod"));
      assert.match(message, /kg-rca-server:stackRole: must be one of "whole", "platform", "tenants"; got "shard"/);
    });

    it("a platform stack that does not exist or has no tenantPlatform output", async () => {
      const { message, declared } = await refused(runUnderMocks(program(), tenantsConfig(0), "prod-tenants-0", {}));
      assert.match(
        message,
        /kg-rca-server:platformStack: stack "organization\/kg-rca-server\/prod" has no output "tenantPlatform"\. Update the platform stack first/,
      );
      // The stack reference itself is a read, not a change.
      assert.equal(declared, 1);
    });

    it("a platform output missing a field, naming it", async () => {
      const broken = JSON.parse(JSON.stringify(platform.outputs.tenantPlatform)) as { kafka: Record<string, unknown> };
      delete broken.kafka.adminBootstrapServers;
      const { message } = await refused(
        runUnderMocks(program(), tenantsConfig(0), "prod-tenants-0", {
          [platformStackName]: { ...platform.outputs, tenantPlatform: broken },
        }),
      );
      assert.match(message, /tenantPlatform\.kafka\.adminBootstrapServers is missing, not a string/);
    });

    it("a shard the platform does not have", async () => {
      const { message } = await refused(runUnderMocks(program(), tenantsConfig(4), "prod-tenants-4", outputs));
      assert.match(
        message,
        /kg-rca-server:tenantShard: 4 is not a shard of stack "organization\/kg-rca-server\/prod", which has 4 \(0 to 3\)/,
      );
    });
  });
});
