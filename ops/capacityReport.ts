import { formatBytes } from "../config/byteUnits";
import { parseQuantity } from "../config/quantity";
import { isLive } from "../clients/lifecycle";
import { clientsByShard } from "../clients/shards";
import { indexHeadroomRatio, fileDeleteDelayMs, retentionCheckIntervalMs } from "../clients/storageBound";
import {
  ClientSet,
  clientsByPlan,
  growthProjection,
  impliedStorage,
  partitionLoad,
  PartitionLoad,
  PlanCount,
  Projection,
  StorageEstimate,
} from "./capacity";
import { OpsContext } from "./context";
import { error, NamedFinding, ok, warning, worstStatus, Status } from "./findings";
import { Ceiling } from "./partitionCeiling";
import { renderTable } from "./report";

/** Re-exported: the report's figures are written with it. */
export { formatBytes };

export interface CapacityReport {
  readonly stack: string;
  readonly status: Status;
  readonly clientsByPlan: readonly PlanCount[];
  readonly partitions: PartitionLoad & { readonly ceilingSource: string };
  /** One estimate per client set (today the stack's registry; a shard each once sharded). */
  readonly storage: readonly StorageEstimate[];
  readonly projection: Projection & { readonly leadMonths: number };
  /** Each tenant shard's share: its live clients against the shard size, and their storage bound. */
  readonly shards: readonly ShardLoad[];
  readonly checks: readonly NamedFinding[];
}

export interface ShardLoad {
  readonly shard: number;
  readonly live: number;
  readonly size: number;
  readonly boundBytes: number;
}

/** A shard holding more live clients than it is sized for: the ids' hash is uneven at this count. */
function shardFinding(shards: readonly ShardLoad[]): NamedFinding {
  const fullest = shards.reduce((a, b) => (b.live > a.live ? b : a));
  const figure = `${fullest.live}/${fullest.size} in shard ${fullest.shard}`;
  const over = shards.filter((s) => s.live > s.size);
  if (over.length > 0) {
    return {
      name: "shards",
      ...warning(
        figure,
        `shard(s) ${over.map((s) => s.shard).join(", ")} hold more live clients than kg-rca-server:tenantShardSize: their one-client changes cost more than the others'`,
      ),
    };
  }
  return { name: "shards", ...ok(figure, `${shards.length} shard(s), each within kg-rca-server:tenantShardSize`) };
}

const writeWindowSeconds = (retentionCheckIntervalMs + fileDeleteDelayMs) / 1000;

/** Partition replicas per broker at capacityMaxClients, at the live mix, against the same ceiling. */
function partitionCeilingFinding(
  storage: readonly StorageEstimate[],
  replication: number,
  brokers: number,
  ceiling: number,
): NamedFinding {
  const partitions = storage.reduce((sum, s) => sum + s.partitionsAtCeiling, 0);
  const perBroker = Math.ceil((partitions * replication) / brokers);
  const figure = `${perBroker}/${ceiling} per broker`;
  const reason = `${partitions} partitions × ${replication} replicas over ${brokers} brokers at capacityMaxClients`;
  return perBroker > ceiling
    ? { name: "partitions at ceiling", ...warning(figure, `${reason}: above the ceiling`) }
    : { name: "partitions at ceiling", ...ok(figure, `${reason}: within the ceiling`) };
}

function partitionFinding(load: PartitionLoad): NamedFinding {
  const figure = `${load.perBroker}/${load.ceiling} per broker`;
  const spread = `${load.partitionReplicas} partition replicas over ${load.brokers} brokers`;
  if (load.perBroker > load.ceiling) {
    const needed = Math.ceil(load.partitionReplicas / load.ceiling);
    return {
      name: "partitions",
      ...error(
        figure,
        `${spread}: above the ceiling; the policy pack refuses it until kg-rca-server:kafkaBrokers is at least ${needed}`,
      ),
    };
  }
  return { name: "partitions", ...ok(figure, `${spread}: within the ceiling the policy pack enforces`) };
}

/** One set's storage against its brokers: over the limit now is an error (the policy pack refuses it). */
function storageFinding(storage: StorageEstimate, name: string, refused: boolean): NamedFinding {
  const figure = `${formatBytes(storage.totalBytes)} of ${formatBytes(storage.capacityBytes)}`;
  const of = `bound of ${storage.set}'s live clients (retention.bytes + one segment per partition, quota × ${writeWindowSeconds} s, × replicas, + ${indexHeadroomRatio * 100}% index files) against ${formatBytes(storage.volumesBytes)} of volumes up to the disk alert's ratio`;
  if (storage.totalBytes > storage.capacityBytes) {
    return refused
      ? { name, ...error(figure, `${of}: above it; the policy pack (kafka-storage-bound) refuses it`) }
      : { name, ...warning(figure, `${of}: above it; kafka-storage-bound is advisory for this stack`) };
  }
  return { name, ...ok(figure, `${of}: fits`) };
}

/** The same at capacityMaxClients: a warning says the brokers are not sized for the client ceiling at this mix. */
function ceilingStorageFinding(storage: StorageEstimate, maxClients: number, name: string): NamedFinding {
  const figure = `${formatBytes(storage.totalBytesAtCeiling)} of ${formatBytes(storage.capacityBytes)}`;
  const mix = storage.perPlan.map((p) => `${p.clientsAtCeiling} ${p.plan}`).join(", ");
  const at = `bound at ${maxClients} clients (kg-rca-server:capacityMaxClients) at the live mix: ${mix}`;
  if (storage.totalBytesAtCeiling > storage.capacityBytes) {
    return {
      name,
      ...warning(
        figure,
        `${at}: above the brokers' volumes; grow kg-rca-server:kafkaVolumeSize or kafkaBrokers before that many clients, or lower the plans' retention.bytes`,
      ),
    };
  }
  return { name, ...ok(figure, `${at}: fits`) };
}

function months(n: number): string {
  return `${n} month${n === 1 ? "" : "s"}`;
}

function projectionFinding(p: Projection, leadMonths: number): NamedFinding {
  if (p.monthsUntilCeiling === null || p.startScalingInMonths === null) {
    return {
      name: "projection",
      ...ok("never", `${p.current}/${p.ceiling} clients and no growth: the ceiling is not reached`),
    };
  }
  const figure = `${months(p.monthsUntilCeiling)} to ${p.ceiling} clients`;
  const at = `${p.current} clients + ${p.growthPerMonth}/month`;
  if (p.startScalingInMonths === 0) {
    return {
      name: "projection",
      ...warning(
        figure,
        `${at}: start scaling now (${months(leadMonths)} of lead, kg-rca-server:capacityScaleLeadMonths)`,
      ),
    };
  }
  return {
    name: "projection",
    ...ok(figure, `${at}: start scaling in ${months(p.startScalingInMonths)} (${months(leadMonths)} of lead)`),
  };
}

/**
 * The stack's capacity. Storage is judged per client set, each against its
 * brokers: today one set, the stack's registry; once stacks are sharded, one
 * per shard (each with its own brokers) goes into `clientSets`.
 */
export function capacityReport(
  context: OpsContext,
  ceiling: Ceiling,
  growthPerMonth: number,
  /** kafka-storage-bound's level in the stack's policy config: "mandatory" makes an excess an error. */
  storageBoundLevel = "mandatory",
): CapacityReport {
  const { config, clients } = context;
  const replication = config.kafka.settings.defaultReplicationFactor;
  const load = partitionLoad(clients, replication, config.kafka.brokers, ceiling.value);
  const clientSets: readonly ClientSet[] = [{ name: `stack ${context.stack}`, clients }];
  const brokers = {
    count: config.kafka.brokers,
    volumeBytes: parseQuantity(config.kafka.volumeSize) ?? 0,
    usageRatio: config.monitoring.alerts.diskUsageRatio,
  };
  const maxClients = config.ops.capacity.maxClients;
  const storage = clientSets.map((set) => impliedStorage(set, replication, brokers, maxClients));
  const suffix = (s: StorageEstimate) => (storage.length === 1 ? "" : ` ${s.set}`);
  const leadMonths = config.ops.capacity.scaleLeadMonths;
  const shards = clientsByShard(clients, config.tenants.shards).map((members, shard) => ({
    shard,
    live: members.filter((c) => isLive(c.status)).length,
    size: config.tenants.shardSize,
    boundBytes: impliedStorage({ name: `shard ${shard}`, clients: members }, replication, brokers, maxClients)
      .totalBytes,
  }));
  const projection = growthProjection(
    clients.filter((c) => isLive(c.status)).length,
    config.ops.capacity.maxClients,
    growthPerMonth,
    leadMonths,
  );
  const checks = [
    partitionFinding(load),
    ...storage.flatMap((s) => [
      storageFinding(s, `storage${suffix(s)}`, storageBoundLevel === "mandatory"),
      ceilingStorageFinding(s, maxClients, `storage at ceiling${suffix(s)}`),
    ]),
    partitionCeilingFinding(storage, replication, brokers.count, ceiling.value),
    projectionFinding(projection, leadMonths),
    shardFinding(shards),
  ];
  return {
    stack: context.stack,
    status: worstStatus(checks.map((c) => c.status)),
    clientsByPlan: clientsByPlan(clients),
    partitions: { ...load, ceilingSource: ceiling.source },
    storage,
    projection: { ...projection, leadMonths },
    shards,
    checks,
  };
}

export function renderCapacity(report: CapacityReport): string {
  const plans = renderTable(
    ["PLAN", "ACTIVE", "SUSPENDED", "OFFBOARDING"],
    report.clientsByPlan.map((p) => [p.plan, String(p.active), String(p.suspended), String(p.offboarding)]),
  );
  const storage = renderTable(
    ["CLIENT SET", "PLAN", "LIVE", "BOUND", "AT CEILING", "BOUND AT CEILING"],
    report.storage.flatMap((s) => [
      ...s.perPlan.map((p) => [
        s.set,
        p.plan,
        String(p.clients),
        formatBytes(p.bytes),
        String(p.clientsAtCeiling),
        formatBytes(p.bytesAtCeiling),
      ]),
      [s.set, "total", "", formatBytes(s.totalBytes), "", formatBytes(s.totalBytesAtCeiling)],
    ]),
  );
  const shards = renderTable(
    ["SHARD", "LIVE", "SIZE", "BOUND"],
    report.shards.map((s) => [String(s.shard), String(s.live), String(s.size), formatBytes(s.boundBytes)]),
  );
  const checks = renderTable(
    ["STATUS", "CHECK", "FIGURE", "REASON"],
    report.checks.map((f) => [f.status.toUpperCase(), f.name, f.figure, f.reason]),
  );
  return [
    `Capacity of stack ${report.stack}`,
    "",
    plans,
    "",
    storage,
    "",
    shards,
    "",
    checks,
    "",
    `partition ceiling from ${report.partitions.ceilingSource}`,
    `overall: ${report.status}`,
    "",
  ].join("\n");
}
