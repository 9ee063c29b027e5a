import * as kafkaProvider from "@pulumi/kafka";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { loadRegistry } from "../clients";
import { isLive } from "../clients/lifecycle";
import { clientsByShard } from "../clients/shards";
import { PlatformGuard } from "../components/platform/platformGuard";
import { StackLayout } from "../config";
import { partitionLoad, planClientStorageBound } from "../ops/capacity";
import { declareClientTenants } from "./clientTenants";
import { kafkaAdminPasswordOutput, parseTenantPlatform, tenantPlatformOutput } from "./tenantPlatform";

/**
 * The provider a client's resources were created through in a whole stack, as `pulumi state move`
 * (fleet migrate) brings it along: adopted under this alias, the moved resources keep their
 * provider instead of being replaced for a new one. Both spellings of its URN: with the parent
 * component it had, and at the stack's root.
 */
function movedProvider(parentType: string, pkg: string, name: string): string[] {
  const prefix = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::`;
  return [`${prefix}${parentType}$pulumi:providers:${pkg}::${name}`, `${prefix}pulumi:providers:${pkg}::${name}`];
}

/**
 * One tenant shard of an environment: the clients of its registry whose shard (clients/shards.ts)
 * is this stack's, written into the servers of the platform stack it references. It reads the
 * platform stack's outputs before declaring anything, so a missing platform, a missing output or a
 * shard beyond the platform's count is refused with nothing changed.
 */
export async function tenantStack(layout: StackLayout): Promise<Record<string, unknown>> {
  const reference = new pulumi.StackReference("platform", { name: layout.platformStack });
  const details = await reference.getOutputDetails(tenantPlatformOutput);
  const platform = parseTenantPlatform(details.value ?? details.secretValue, layout.platformStack);
  if (layout.tenantShard >= platform.tenantShards) {
    throw new Error(
      `kg-rca-server:tenantShard: ${String(layout.tenantShard)} is not a shard of stack "${layout.platformStack}", which has ${String(platform.tenantShards)} (0 to ${String(platform.tenantShards - 1)}).`,
    );
  }
  const registry = loadRegistry(platform.clientRegistry);
  const byShard = clientsByShard(registry, platform.tenantShards);
  const clients = byShard[layout.tenantShard] ?? [];
  const others = byShard.flatMap((shard, index) => (index === layout.tenantShard ? [] : shard));
  const { replicationFactor } = platform.kafka;

  const guard = new PlatformGuard("tenants-guard", {
    clients: Object.fromEntries(clients.map((client) => [client.id, client.status])),
    clientRegistry: `${platform.clientRegistry} (shard ${String(layout.tenantShard)})`,
    tenantShards: platform.tenantShards,
    kafkaDiskUsageRatio: platform.kafka.diskUsageRatio,
    // For the policy pack: this shard's topics are checked against what is left of the brokers.
    platformKafka: {
      brokers: platform.kafka.brokers,
      volumeBytes: platform.kafka.brokerVolumeBytes,
      otherShardsBoundBytes: others
        .filter((client) => isLive(client.status))
        .reduce((sum, client) => sum + planClientStorageBound(client.plan, replicationFactor), 0),
      otherShardsPartitionReplicas: partitionLoad(others, replicationFactor, 1, 0).partitionReplicas,
    },
  });
  const kubernetes = new k8s.Provider(
    "tenants-kubernetes",
    { namespace: platform.namespace, enableServerSideApply: true },
    {
      dependsOn: [guard],
      aliases: movedProvider("kg-rca:platform:PlatformFoundation", "kubernetes", "platform-kubernetes"),
    },
  );
  const kafka = new kafkaProvider.Provider(
    "tenants-kafka",
    {
      bootstrapServers: platform.kafka.adminBootstrapServers.split(","),
      saslMechanism: "scram-sha512",
      saslUsername: platform.kafka.adminUser,
      saslPassword: reference.requireOutput(kafkaAdminPasswordOutput) as pulumi.Output<string>,
      tlsEnabled: platform.kafka.tlsEnabled,
      ...(platform.kafka.tlsEnabled ? { caCert: platform.kafka.caCertificate } : {}),
    },
    { dependsOn: [guard], aliases: movedProvider("kg-rca:kafka:KafkaCluster", "kafka", "kafka-admin-provider") },
  );
  declareClientTenants(clients, platform, { providers: { kubernetes, kafka }, dependsOn: [guard] });
  return {
    platformStack: layout.platformStack,
    tenantShard: layout.tenantShard,
    clientIds: clients.map((client) => client.id),
  };
}
