import { parseQuantity } from "../config/quantity";
import { isLive } from "../clients/lifecycle";
import {
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

export interface CapacityReport {
  readonly stack: string;
  readonly status: Status;
  readonly clientsByPlan: readonly PlanCount[];
  readonly partitions: PartitionLoad & { readonly ceilingSource: string };
  readonly storage: StorageEstimate;
  readonly projection: Projection & { readonly leadMonths: number };
  readonly checks: readonly NamedFinding[];
}

const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))} ${units[unit] ?? "B"}`;
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

function storageFinding(storage: StorageEstimate): NamedFinding {
  const figure = `${formatBytes(storage.totalBytes)} of ${formatBytes(storage.capacityBytes)}`;
  if (storage.totalBytes > storage.capacityBytes) {
    return {
      name: "storage",
      ...warning(
        figure,
        "upper bound (every producer at its quota for its longest retention, on every replica) exceeds the brokers' volumes",
      ),
    };
  }
  return {
    name: "storage",
    ...ok(figure, "upper bound of the plans' quotas × retention × replicas fits the brokers' volumes"),
  };
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

export function capacityReport(context: OpsContext, ceiling: Ceiling, growthPerMonth: number): CapacityReport {
  const { config, clients } = context;
  const replication = config.kafka.settings.defaultReplicationFactor;
  const load = partitionLoad(clients, replication, config.kafka.brokers, ceiling.value);
  const storage = impliedStorage(
    clients,
    replication,
    config.kafka.brokers,
    parseQuantity(config.kafka.volumeSize) ?? 0,
  );
  const leadMonths = config.ops.capacity.scaleLeadMonths;
  const projection = growthProjection(
    clients.filter((c) => isLive(c.status)).length,
    config.ops.capacity.maxClients,
    growthPerMonth,
    leadMonths,
  );
  const checks = [partitionFinding(load), storageFinding(storage), projectionFinding(projection, leadMonths)];
  return {
    stack: context.stack,
    status: worstStatus(checks.map((c) => c.status)),
    clientsByPlan: clientsByPlan(clients),
    partitions: { ...load, ceilingSource: ceiling.source },
    storage,
    projection: { ...projection, leadMonths },
    checks,
  };
}

export function renderCapacity(report: CapacityReport): string {
  const plans = renderTable(
    ["PLAN", "ACTIVE", "SUSPENDED", "OFFBOARDING", "STORAGE UPPER BOUND"],
    report.clientsByPlan.map((p) => [
      p.plan,
      String(p.active),
      String(p.suspended),
      String(p.offboarding),
      formatBytes(report.storage.perPlan.find((s) => s.plan === p.plan)?.bytes ?? 0),
    ]),
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
    checks,
    "",
    `partition ceiling from ${report.partitions.ceilingSource}`,
    `overall: ${report.status}`,
    "",
  ].join("\n");
}
