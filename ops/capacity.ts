/**
 * Capacity arithmetic of the guide's "Capacity Planning", from the registry
 * and the stack config alone: pure functions, no servers.
 */
import { planNames, planOf, PlanName } from "../clients/plans";
import { ClientEntry } from "../clients/types";
import { isLive } from "../clients/lifecycle";

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

/** The longest retention of a client's topics, in hours, with its overrides applied. */
export function longestRetentionHours(client: ClientEntry): number {
  const overrides = client.overrides?.retentionHours ?? {};
  return Math.max(
    ...Object.entries(planOf(client.plan).topics).map(([kind, spec]) => overrides[kind] ?? spec.retentionHours),
  );
}

/**
 * Upper bound of what one client can make the brokers hold: its producer
 * quota, sustained for its longest retention, on every replica.
 */
export function clientStorageUpperBound(client: ClientEntry, replicationFactor: number): number {
  return planOf(client.plan).quotas.producerByteRate * 3600 * longestRetentionHours(client) * replicationFactor;
}

export interface PlanStorage {
  readonly plan: PlanName;
  readonly clients: number;
  readonly bytes: number;
}

export interface StorageEstimate {
  readonly perPlan: readonly PlanStorage[];
  readonly totalBytes: number;
  /** brokers × Kafka volume size. */
  readonly capacityBytes: number;
}

export function impliedStorage(
  clients: readonly ClientEntry[],
  replicationFactor: number,
  brokers: number,
  volumeBytes: number,
): StorageEstimate {
  const live = clients.filter((c) => isLive(c.status));
  const perPlan = planNames.map((plan) => {
    const ofPlan = live.filter((c) => c.plan === plan);
    return {
      plan,
      clients: ofPlan.length,
      bytes: ofPlan.reduce((sum, c) => sum + clientStorageUpperBound(c, replicationFactor), 0),
    };
  });
  return {
    perPlan,
    totalBytes: perPlan.reduce((sum, p) => sum + p.bytes, 0),
    capacityBytes: brokers * volumeBytes,
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
