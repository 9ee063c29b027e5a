/**
 * Which of an environment's stacks a change touches: its platform stack and its tenant shards
 * (clients/shards.ts). The fleet runs the platform stack first when it is touched, then only the
 * touched shards, so a one-client pull request previews one shard whatever the client count.
 */
import { PlanName } from "../clients/plans";
import { shardOf } from "../clients/shards";
import { ClientEntry } from "../clients/types";

/** One thing a change did, as the fleet reads it from the diff against the base. */
export type Change =
  /** A registry entry added or edited (plan, status, overrides, name, email). */
  | { readonly kind: "registry"; readonly clientId: string }
  /** A plan's definition edited (topics, partitions, retention, quotas). */
  | { readonly kind: "plan"; readonly plan: PlanName }
  /** Code every tenant stack runs: the tenant components, naming, the registry's rules. */
  | { readonly kind: "tenantCode" }
  /** Code only the platform stack runs: the platform's components. */
  | { readonly kind: "platformCode" }
  /** Code every stack runs: config parsing, shared components, the entry point, the dependencies, the policies. */
  | { readonly kind: "sharedCode" }
  /** A stack config key changed (its scope: configScope). */
  | { readonly kind: "config"; readonly key: string };

/** Who reads a config key: the platform stack, every tenant stack, or both. */
export type ConfigScope = "platform" | "tenants" | "platformAndTenants";

/**
 * Keys the tenant stacks read, directly or through what the platform stack exports for them.
 * Every other key is the platform's alone. tenantShardSize and capacityMaxClients fix the shard
 * count, which the platform guard keeps from changing; listed so a refused change is previewed
 * everywhere it would matter.
 */
const tenantScopes: Readonly<Record<string, ConfigScope>> = {
  clientRegistry: "tenants",
  tenantDatabases: "tenants",
  // The platform declares the namespace and servers; the tenants write into them.
  namespace: "platformAndTenants",
  environment: "platformAndTenants",
  // Topics take their replication and min.insync.replicas from the platform's brokers.
  kafkaReplicationFactor: "platformAndTenants",
  kafkaMinInsyncReplicas: "platformAndTenants",
  tenantShardSize: "platformAndTenants",
  stackRole: "platformAndTenants",
  capacityMaxClients: "platformAndTenants",
};

export function configScope(key: string): ConfigScope {
  return tenantScopes[key] ?? "platform";
}

export interface EnvironmentLayout {
  /** The environment's tenant shard count. */
  readonly shards: number;
  /** The registry at the base of the change. */
  readonly baseClients: readonly ClientEntry[];
  /** The registry the change proposes. */
  readonly headClients: readonly ClientEntry[];
}

export interface TouchedStacks {
  readonly platform: boolean;
  /** Shard numbers, ascending. */
  readonly shards: readonly number[];
}

/**
 * The stacks a set of changes touches: a registry entry its own shard; a plan edit the shards
 * holding a client on that plan before or after the change; tenant code every shard; platform
 * code the platform stack; a config key by its scope.
 */
export function touchedStacks(changes: readonly Change[], layout: EnvironmentLayout): TouchedStacks {
  const all = Array.from({ length: layout.shards }, (_, shard) => shard);
  const shards = new Set<number>();
  let platform = false;
  for (const change of changes) {
    switch (change.kind) {
      case "registry":
        shards.add(shardOf(change.clientId, layout.shards));
        break;
      case "plan":
        for (const client of [...layout.baseClients, ...layout.headClients]) {
          if (client.plan === change.plan) {
            shards.add(shardOf(client.id, layout.shards));
          }
        }
        break;
      case "tenantCode":
        all.forEach((shard) => shards.add(shard));
        break;
      case "platformCode":
        platform = true;
        break;
      case "sharedCode":
        platform = true;
        all.forEach((shard) => shards.add(shard));
        break;
      case "config": {
        const scope = configScope(change.key);
        platform ||= scope !== "tenants";
        if (scope !== "platform") {
          all.forEach((shard) => shards.add(shard));
        }
        break;
      }
    }
  }
  return { platform, shards: [...shards].sort((a, b) => a - b) };
}

/**
 * The registry changes between two versions of the registry: every id added, edited or removed.
 * A removal is refused by the platform guard; its shard is still touched so the preview shows it.
 */
export function registryChanges(base: readonly ClientEntry[], head: readonly ClientEntry[]): Change[] {
  const before = new Map(base.map((client) => [client.id, JSON.stringify(client)]));
  const after = new Set(head.map((client) => client.id));
  const changed = head.filter((client) => before.get(client.id) !== JSON.stringify(client)).map((c) => c.id);
  const removed = base.filter((client) => !after.has(client.id)).map((c) => c.id);
  return [...changed, ...removed].map((clientId) => ({ kind: "registry" as const, clientId }));
}

/**
 * Of the touched shards, those that have a stack to run: a shard some registry entry hashes to
 * (`populated`), or one whose stack exists already (`existing`). Entries are never removed, so a
 * shard no entry hashes to would only ever hold its guard and providers: its stack is created with
 * its first client, by the change that onboards it (that entry touches its shard). Until an
 * environment fills up, most of its shards are such: at 10 clients, 32 or more of 40.
 */
export function shardsWithStacks(
  touched: TouchedStacks,
  populated: ReadonlySet<number>,
  existing: ReadonlySet<number>,
): TouchedStacks {
  return { platform: touched.platform, shards: touched.shards.filter((s) => populated.has(s) || existing.has(s)) };
}
