/**
 * Which tenant shard holds a client. An environment's registry is split into a fixed number of
 * shards, each its own tenant stack beside the environment's platform stack, so that a one-client
 * change walks one shard instead of every client. The count follows from the environment's
 * capacity (capacityMaxClients) and the shard size (tenantShardSize), and is fixed when the
 * environment is created: the platform guard refuses a change, because a client whose shard
 * changed would move between stacks (its resources deleted from one and created in another).
 * Beyond one environment's capacity the answer is another environment, not more shards.
 */
import { createHash } from "crypto";

/** Shards an environment needs: its client capacity over the shard size, rounded up. */
export function shardCount(maxClients: number, shardSize: number): number {
  return Math.ceil(maxClients / shardSize);
}

/**
 * A client's shard, 0 to `shards` - 1: the first four bytes of the SHA-256 of its id, modulo the
 * count. A function of the id alone, so the same id lands in the same shard on every machine and
 * in every release, whatever else the registry holds.
 */
export function shardOf(clientId: string, shards: number): number {
  return createHash("sha256").update(clientId).digest().readUInt32BE(0) % shards;
}

/** Ids by shard, every shard present (empty ones too), in registry order within each. */
export function clientsByShard<T extends { readonly id: string }>(clients: readonly T[], shards: number): T[][] {
  const byShard: T[][] = Array.from({ length: shards }, () => []);
  for (const client of clients) {
    byShard[shardOf(client.id, shards)]?.push(client);
  }
  return byShard;
}
