/**
 * Capacity arithmetic of the guide's "Capacity Planning", from the registry
 * and the stack config alone: pure functions, no servers.
 */
import { planNames, planOf, PlanName } from "../clients/plans";
import { ClientEntry } from "../clients/types";
import { isLive } from "../clients/lifecycle";
import { brokerStorageCapacityBytes, clientStorageBoundBytes, ProducerLimits } from "../clients/storageBound";

export interface PlanCount {
  readonly plan: PlanName;
  readonly active: number;
  readonly suspended: number;
  readonly offboarding: number;
}

/** Clients on the platform (every status but offboarded) per plan, every plan listed. */
export function clientsByPlan(clients: readonly ClientEntry[]): PlanCount[] {
  const count = (plan: PlanName, status: ClientEntry["status"]) =>
    clients.filter((c) => c.plan === plan && c.status === status).length;
  return planNames.map((plan) => ({
    plan,
    active: count(plan, "active"),
    suspended: count(plan, "suspended"),
    offboarding: count(plan, "offboarding"),
  }));
}

export interface PartitionLoad {
  readonly partitionReplicas: number;
  readonly brokers: number;
  /** Rounded up: the busiest broker of an even spread. */
  readonly perBroker: number;
  readonly ceiling: number;
}

/**
 * Partition replicas per broker: every topic of every client whose topics
 * exist (offboarding clients' topics stay until the second step), times the
 * replication factor, spread evenly; the same count the policy pack checks.
 */
export function partitionLoad(
  clients: readonly ClientEntry[],
  replicationFactor: number,
  brokers: number,
  ceiling: number,
): PartitionLoad {
  const partitions = clients
    .filter((c) => isLive(c.status))
    .reduce((sum, c) => sum + Object.values(planOf(c.plan).topics).reduce((n, t) => n + t.partitions, 0), 0);
  const partitionReplicas = partitions * replicationFactor;
  return { partitionReplicas, brokers, perBroker: Math.ceil(partitionReplicas / brokers), ceiling };
}

/** A client's topics' limits and producer quota, as its plan sets them (overrides change time only). */
export function clientLimits(plan: PlanName): ProducerLimits {
  const p = planOf(plan);
  return {
    topics: Object.values(p.topics).map((t) => ({
      partitions: t.partitions,
      retentionBytes: t.retentionBytesPerPartition,
      segmentBytes: t.segmentBytes,
    })),
    producerByteRate: p.quotas.producerByteRate,
  };
}

/** The most one client of a plan can make the brokers hold (clients/storageBound.ts). */
export function planClientStorageBound(plan: PlanName, replicationFactor: number): number {
  return clientStorageBoundBytes(clientLimits(plan), replicationFactor);
}

/**
 * Clients per plan once the platform holds `maxClients`: the live clients'
 * mix (what `clientsByPlan` counts) scaled up, rounded up per plan so the
 * bound errs high; an even mix when no client is live yet.
 */
export function clientsAtCeiling(clients: readonly ClientEntry[], maxClients: number): Record<PlanName, number> {
  const live = clients.filter((c) => isLive(c.status));
  const weight = (plan: PlanName) => (live.length === 0 ? 1 : live.filter((c) => c.plan === plan).length);
  const total = planNames.reduce((sum, plan) => sum + weight(plan), 0);
  return Object.fromEntries(planNames.map((plan) => [plan, Math.ceil((maxClients * weight(plan)) / total)])) as Record<
    PlanName,
    number
  >;
}

/** The clients one set of brokers serves: today the stack's registry; one per shard once stacks are sharded. */
export interface ClientSet {
  readonly name: string;
  readonly clients: readonly ClientEntry[];
}

export interface Brokers {
  readonly count: number;
  readonly volumeBytes: number;
  /** Where the disk alert fires (alertDiskUsageRatio): the bound must stay below it. */
  readonly usageRatio: number;
}

export interface PlanStorage {
  readonly plan: PlanName;
  /** Live clients of the plan and what they can make the brokers hold. */
  readonly clients: number;
  readonly bytes: number;
  /** The same at capacityMaxClients, at the live mix. */
  readonly clientsAtCeiling: number;
  readonly bytesAtCeiling: number;
}

export interface StorageEstimate {
  readonly set: string;
  readonly perPlan: readonly PlanStorage[];
  readonly totalBytes: number;
  readonly totalBytesAtCeiling: number;
  readonly partitionsAtCeiling: number;
  /** brokers × Kafka volume size. */
  readonly volumesBytes: number;
  /** What the bound may reach: brokers × volume size × the disk alert's ratio. */
  readonly capacityBytes: number;
}

export function impliedStorage(
  set: ClientSet,
  replicationFactor: number,
  brokers: Brokers,
  maxClients: number,
): StorageEstimate {
  const live = set.clients.filter((c) => isLive(c.status));
  const atCeiling = clientsAtCeiling(set.clients, maxClients);
  const perPlan = planNames.map((plan) => {
    const perClient = planClientStorageBound(plan, replicationFactor);
    const clients = live.filter((c) => c.plan === plan).length;
    return {
      plan,
      clients,
      bytes: clients * perClient,
      clientsAtCeiling: atCeiling[plan],
      bytesAtCeiling: atCeiling[plan] * perClient,
    };
  });
  const partitions = (plan: PlanName) => Object.values(planOf(plan).topics).reduce((n, t) => n + t.partitions, 0);
  return {
    set: set.name,
    perPlan,
    totalBytes: perPlan.reduce((sum, p) => sum + p.bytes, 0),
    totalBytesAtCeiling: perPlan.reduce((sum, p) => sum + p.bytesAtCeiling, 0),
    partitionsAtCeiling: perPlan.reduce((sum, p) => sum + p.clientsAtCeiling * partitions(p.plan), 0),
    volumesBytes: brokers.count * brokers.volumeBytes,
    capacityBytes: brokerStorageCapacityBytes(brokers.count, brokers.volumeBytes, brokers.usageRatio),
  };
}

export interface Projection {
  readonly current: number;
  readonly ceiling: number;
  readonly growthPerMonth: number;
  /** Whole months until the ceiling is reached; null when nothing grows. */
  readonly monthsUntilCeiling: number | null;
  /** Months until scaling should start (0 = now); null when nothing grows. */
  readonly startScalingInMonths: number | null;
}

/** The guide's projection: (ceiling − current) ÷ growth months left, scaling to start `leadMonths` earlier. */
export function growthProjection(
  current: number,
  ceiling: number,
  growthPerMonth: number,
  leadMonths: number,
): Projection {
  if (!Number.isInteger(growthPerMonth) || growthPerMonth < 0) {
    throw new Error(`growth must be a whole number of clients per month, 0 or more; got ${growthPerMonth}`);
  }
  const base = { current, ceiling, growthPerMonth };
  if (current >= ceiling) {
    return { ...base, monthsUntilCeiling: 0, startScalingInMonths: 0 };
  }
  if (growthPerMonth === 0) {
    return { ...base, monthsUntilCeiling: null, startScalingInMonths: null };
  }
  const months = Math.floor((ceiling - current) / growthPerMonth);
  return { ...base, monthsUntilCeiling: months, startScalingInMonths: Math.max(0, months - leadMonths) };
}
