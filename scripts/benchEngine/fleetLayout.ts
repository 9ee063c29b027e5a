/**
 * A one-client change in an environment of one platform stack and tenants stacks (programs/),
 * through the fleet itself: grow the registry (every stack updated, not measured), then change
 * one client's entry and time the preview and the update of the one shard that holds it, as
 * `npm run fleet -- preview|up --changed` runs them (policy pack and plan guard included).
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

import { ClientEntry } from "../../clients";
import { clientsByShard, shardOf } from "../../clients/shards";
import { environmentStacks } from "../../fleet/environment";
import { Operation, runFleet, StackOutcome } from "../../fleet/run";
import { FleetWorkspace, openFleetWorkspace } from "../../fleet/workspace";
import { LocalStack, projectDir } from "../../tools/localStack";
import { progress } from "./timing";

const env = "bench";

export interface ShardRow {
  /** Which shard: the fullest one (the worst case) or one of median occupancy (the usual case). */
  readonly shardKind: ShardKind;
  readonly clients: number;
  readonly shards: number;
  readonly shardClients: number;
  readonly shardResources: number;
  /** Medians of the rounds. */
  readonly previewSeconds: number;
  readonly upSeconds: number;
  readonly previewRuns: readonly number[];
  readonly upRuns: readonly number[];
}

export type ShardKind = "fullest" | "median";

/**
 * A client of the fullest shard, or of a shard of median occupancy: ids hash to shards, so at
 * 200 clients in 40 shards one shard holds 2 and another 11, and "a one-client change" costs
 * what its shard holds. Its last client, so a smaller size's target is never the same entry.
 */
export function targetClient(clients: readonly ClientEntry[], shards: number, kind: ShardKind): ClientEntry {
  const occupied = clientsByShard(clients, shards)
    .filter((members) => members.length > 0)
    .sort((a, b) => a.length - b.length);
  const members = kind === "fullest" ? occupied[occupied.length - 1] : occupied[Math.floor(occupied.length / 2)];
  const target = members?.[members.length - 1];
  if (target === undefined) {
    throw new Error("no client to change");
  }
  return target;
}

export class BenchEnvironment {
  private readonly workDir: string;
  private readonly registryFile: string;
  private opened: Promise<FleetWorkspace> | undefined;

  constructor(
    private readonly stack: LocalStack,
    private readonly shardSize: number,
    private readonly maxClients: number,
  ) {
    this.workDir = path.join(stack.dir, env);
    this.registryFile = path.join(this.workDir, "registry.json");
  }

  /**
   * The platform stack's file: the local stack's (its encrypted admin password, the bare broker),
   * in a namespace of its own, with volumes that hold every basic client the capacity allows
   * (the storage-bound policy would refuse the registry otherwise) and NodePorts of its own.
   */
  writeStackFile(): void {
    fs.mkdirSync(this.workDir, { recursive: true });
    const local = yaml.load(fs.readFileSync(this.stack.configFile, "utf8")) as { config: Record<string, unknown> };
    local.config = {
      ...local.config,
      "kg-rca-server:stackRole": "platform",
      "kg-rca-server:namespace": "kg-rca-bench",
      "kg-rca-server:storageClassProvisioner": "",
      "kg-rca-server:kafkaVolumeSize": "256Gi",
      "kg-rca-server:kafkaExternalBootstrapAddress": "172.31.254.2:31290",
      "kg-rca-server:kafkaExternalBrokerAddresses": "172.31.254.2:31291",
      "kg-rca-server:clientRegistry": `file:${this.registryFile}`,
      "kg-rca-server:capacityMaxClients": this.maxClients,
      "kg-rca-server:tenantShardSize": this.shardSize,
    };
    fs.writeFileSync(path.join(this.workDir, `Pulumi.${env}.yaml`), yaml.dump(local));
  }

  /** Opened once, after the stack file is written: as `npm run fleet` opens it once per command. */
  private workspace(): Promise<FleetWorkspace> {
    this.opened ??= openFleetWorkspace(projectDir, this.workDir);
    return this.opened;
  }

  private async fleet(
    operation: Operation,
    clients: readonly ClientEntry[],
    shards?: number[],
  ): Promise<StackOutcome[]> {
    fs.writeFileSync(this.registryFile, JSON.stringify(clients, null, 2));
    const environment = environmentStacks(projectDir, this.workDir, env);
    const outcomes = await runFleet({
      operation,
      workspace: await this.workspace(),
      environment,
      touched: { platform: shards === undefined, shards: shards ?? environment.tenants.map((_, i) => i) },
      parallel: 2,
      clients,
      refresh: false,
      expectNoChanges: false,
      log: (line) => {
        progress(`  fleet: ${line}`);
      },
    });
    const failed = outcomes.filter((o) => o.status !== "ok");
    if (failed.length > 0) {
      throw new Error(
        `fleet ${operation} failed:\n${failed.map((o) => `${o.stack}: ${o.problems.join("\n")}`).join("\n")}`,
      );
    }
    return outcomes;
  }

  /** Every stack brought to `clients` (not measured). */
  async grow(clients: readonly ClientEntry[]): Promise<void> {
    await this.fleet("up", clients);
  }

  /**
   * One client's change, previewed then applied, `repeats` times in its shard: its events topic's
   * retention override (plan basic allows 6 to 72 hours), a different value each time, so every
   * round has the same work (a topic config updated in place) and no round undoes another.
   */
  async oneClientChange(clients: readonly ClientEntry[], shardKind: ShardKind, repeats: number): Promise<ShardRow> {
    const shards = environmentStacks(projectDir, this.workDir, env).tenants.length;
    const target = targetClient(clients, shards, shardKind);
    const shard = shardOf(target.id, shards);
    const previews: number[] = [];
    const ups: number[] = [];
    let current = [...clients];
    for (let round = 0; round < repeats; round++) {
      const hours = 24 + 12 * round;
      current = current.map((c) =>
        c.id === target.id ? { ...c, overrides: { retentionHours: { events: hours } } } : c,
      );
      const [preview] = await this.fleet("preview", current, [shard]);
      const [up] = await this.fleet("up", current, [shard]);
      if (preview === undefined || up === undefined || (up.changes.update ?? 0) === 0) {
        throw new Error(
          `round ${String(round + 1)} of ${target.id}'s change updated nothing in shard ${String(shard)}`,
        );
      }
      previews.push(preview.seconds);
      ups.push(up.seconds);
    }
    const { workspace } = await this.workspace();
    const state = await workspace.exportStack(`${env}-tenants-${String(shard)}`);
    return {
      shardKind,
      clients: clients.length,
      shards,
      shardClients: clients.filter((c) => shardOf(c.id, shards) === shard).length,
      shardResources: (state.deployment as { resources?: unknown[] }).resources?.length ?? 0,
      previewSeconds: median(previews),
      upSeconds: median(ups),
      previewRuns: previews,
      upRuns: ups,
    };
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

export function shardTable(rows: readonly ShardRow[]): string {
  const firstOf = (row: ShardRow): ShardRow | undefined => rows.find((r) => r.shardKind === row.shardKind);
  const ratio = (value: number, base: number | undefined): string =>
    base === undefined ? "" : `${(value / base).toFixed(2)}×`;
  const runs = (values: readonly number[]): string => values.map((v) => v.toFixed(1)).join(", ");
  const lines = [
    "| clients | shards | shard | clients in it | resources in it | preview s (median) | ratio | up s (median) | ratio | previews | ups |",
    "|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
  ];
  for (const row of rows) {
    const first = firstOf(row);
    lines.push(
      `| ${String(row.clients)} | ${String(row.shards)} | ${row.shardKind} | ${String(row.shardClients)} | ${String(row.shardResources)} | ${row.previewSeconds.toFixed(1)} | ${ratio(row.previewSeconds, first?.previewSeconds)} | ${row.upSeconds.toFixed(1)} | ${ratio(row.upSeconds, first?.upSeconds)} | ${runs(row.previewRuns)} | ${runs(row.upRuns)} |`,
    );
  }
  return lines.join("\n");
}
