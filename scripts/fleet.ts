/**
 * npm run fleet -- preview|up|migrate --env NAME [--changed BASE_REF | --shard N] [--work-dir DIR] [--parallel N]
 *                  [--refresh] [--expect-no-changes] [--out FILE]
 *
 * Drives an environment's stacks (fleet/environment.ts): its platform stack and its tenants
 * stacks, one per shard of the registry. Without --changed every stack; with it, the stacks the
 * change since BASE_REF touches (fleet/changes.ts, fleet/touchedStacks.ts). A shard that no registry
 * entry hashes to has no stack until its first client (shardsWithStacks). The platform stack runs
 * first, then the tenants stacks, --parallel at a time (default 2); --shard N runs that tenants
 * stack alone (a rerun after a failure, or while the platform stack is busy); previews run the policy pack
 * and the plan guard. Prints one summary and exits 1 when any stack failed; 2 on a bad command
 * line. --work-dir holds the stack files when they are not the project's (the local stack's copy).
 * --refresh and --expect-no-changes make the drift check; --out writes the summary and every
 * stack's steps as Markdown (the pull request comment). `migrate` moves a whole stack's clients
 * into their tenants stacks by moving state (fleet/migrate.ts), then updates the platform stack,
 * which no longer holds them; a preview follows it.
 */
import * as fs from "fs";
import * as path from "path";

import { loadRegistry } from "../clients";
import { shardOf } from "../clients/shards";
import { ClientEntry } from "../clients/types";
import { changesSince } from "../fleet/changes";
import { environmentStacks, EnvironmentStacks } from "../fleet/environment";
import { clientTenantsIn, migrateToTenantsStacks } from "../fleet/migrate";
import { Operation, renderReport, renderSummary, runFleet } from "../fleet/run";
import { shardsWithStacks, touchedStacks, TouchedStacks } from "../fleet/touchedStacks";
import { FleetWorkspace, openFleetWorkspace } from "../fleet/workspace";
import { commandLineOrExit, UsageError } from "./commandLine";

const projectDir = path.resolve(__dirname, "..");
const usage = "usage: npm run fleet -- preview|up --env NAME [--changed BASE_REF] [--work-dir DIR] [--parallel N]";

/**
 * What the platform stack's last update left: undefined when it does not exist yet; else the
 * shard count it applied (its tenantPlatform output), undefined while it has not been updated as
 * a platform stack (a whole stack's output carries a count it never fixed). A different count in
 * the config would move clients between stacks, and is refused here before any stack is created or
 * run (the guards refuse it too).
 */
async function platformStackState(
  { workspace }: FleetWorkspace,
  stack: string,
  stackNames: ReadonlySet<string>,
): Promise<{ readonly appliedShards: number | undefined } | undefined> {
  if (!stackNames.has(stack)) {
    return undefined;
  }
  const outputs = await workspace.stackOutputs(stack);
  // A whole stack exports its clients' ids and a shard count nothing has fixed yet.
  const wasWhole = outputs.clientIds !== undefined;
  const value = outputs.tenantPlatform?.value as { tenantShards?: unknown } | undefined;
  return { appliedShards: !wasWhole && typeof value?.tenantShards === "number" ? value.tenantShards : undefined };
}

/**
 * Refuses to run a platform stack that was whole until now and still holds clients: the platform
 * program declares none, so its update would delete every client's resources.
 */
async function refuseUnmovedClients(fleet: FleetWorkspace, environment: EnvironmentStacks): Promise<void> {
  const held = await clientTenantsIn(fleet.workspace, environment.platform);
  if (held.length > 0) {
    throw new Error(
      `kg-rca-server:stackRole (Pulumi.${environment.env}.yaml) is "platform", and stack ${environment.platform} still holds ${String(held.length)} client(s) from when it was whole: run it as a platform stack and it would delete them. Move them first: npm run fleet -- migrate --env ${environment.env} (the deploy workflow does, before its update). Nothing was run.`,
    );
  }
}

/** The shards of the environment whose tenants stack exists. */
function existingShards(environment: EnvironmentStacks, stackNames: ReadonlySet<string>): Set<number> {
  return new Set(environment.tenants.flatMap((name, shard) => (stackNames.has(name) ? [shard] : [])));
}

function everyStack(environment: EnvironmentStacks): TouchedStacks {
  return { platform: true, shards: environment.tenants.map((_, shard) => shard) };
}

async function main(): Promise<number> {
  const { values: args, positionals } = commandLineOrExit(usage, {
    options: {
      env: { type: "string" },
      changed: { type: "string" },
      shard: { type: "string" },
      "work-dir": { type: "string" },
      parallel: { type: "string", default: "2" },
      refresh: { type: "boolean", default: false },
      "expect-no-changes": { type: "boolean", default: false },
      out: { type: "string" },
    },
    allowPositionals: true,
  });
  const [operation, ...extra] = positionals;
  if (
    (operation !== "preview" && operation !== "up" && operation !== "migrate") ||
    extra.length > 0 ||
    args.env === undefined
  ) {
    throw new UsageError(`expected preview, up or migrate and --env NAME; got ${positionals.join(" ") || "nothing"}`);
  }
  const parallel = Number(args.parallel);
  if (!Number.isSafeInteger(parallel) || parallel < 1) {
    throw new UsageError(`--parallel must be a positive integer; got "${args.parallel}"`);
  }
  if (args["expect-no-changes"] && operation !== "preview") {
    throw new UsageError("--expect-no-changes goes with preview");
  }
  if (args.changed !== undefined && args.shard !== undefined) {
    throw new UsageError("--changed and --shard choose the stacks two ways: give one");
  }
  const workDir = path.resolve(args["work-dir"] ?? projectDir);
  const environment = environmentStacks(projectDir, workDir, args.env);
  const { config } = environment;
  const workspace = await openFleetWorkspace(projectDir, workDir);
  // Listed once, for the platform stack's state and for the tenants stacks that exist: nothing
  // creates a stack before the stacks run (migrate, which does, returns first).
  const stackNames =
    environment.role === "platform"
      ? new Set((await workspace.workspace.listStacks()).map((stack) => stack.name))
      : new Set<string>();
  const platform =
    environment.role === "platform" ? await platformStackState(workspace, environment.platform, stackNames) : undefined;
  if (platform !== undefined) {
    const applied = platform.appliedShards;
    if (applied !== undefined && applied !== config.tenants.shards) {
      throw new Error(
        `kg-rca-server:tenantShardSize, kg-rca-server:capacityMaxClients (${path.join(workDir, `Pulumi.${args.env}.yaml`)}): they make ${String(config.tenants.shards)} tenant shards, and environment ${args.env} was created with ${String(applied)}. The count is fixed; nothing was run.`,
      );
    }
  }
  const log = (line: string): void => {
    console.log(line);
  };
  if (operation === "migrate") {
    await migrateToTenantsStacks(workspace, environment, log);
    if (platform === undefined || platform.appliedShards !== undefined) {
      return 0;
    }
    // The platform stack's first update as one, now that it holds no client: until then its
    // outputs are the whole stack's, whose shard count the tenants stacks' previews would read
    // (a count changed with the split would show them deleting the clients just moved in). Read
    // from its state, not from this run's moves, so a rerun after a failed update completes it.
    const outcomes = await runFleet({
      operation: "up",
      workspace,
      environment,
      touched: { platform: true, shards: [] },
      parallel,
      clients: loadRegistry(config.tenants.registry),
      refresh: false,
      expectNoChanges: false,
      log,
    });
    console.log(renderSummary("up", outcomes));
    if (outcomes.some((o) => o.status !== "ok")) {
      return 1;
    }
    console.log(
      `moved, and ${environment.platform} updated as a platform stack: now run npm run fleet -- preview --env ${args.env}: no client resource may be created, deleted or replaced`,
    );
    return 0;
  }
  if (platform !== undefined && platform.appliedShards === undefined) {
    await refuseUnmovedClients(workspace, environment);
  }
  const clients = loadRegistry(config.tenants.registry);
  let touched = everyStack(environment);
  // Every entry of the registry, and at the base of a change those it may remove (refused, but
  // previewed in their shard).
  let entries: readonly ClientEntry[] = clients;
  if (args.changed !== undefined) {
    const stackFile = path.join(workDir, `Pulumi.${args.env}.yaml`);
    const changeSet = await changesSince(projectDir, args.changed, args.env, config.tenants.registry, stackFile);
    touched = touchedStacks(changeSet.changes, {
      shards: config.tenants.shards,
      baseClients: changeSet.baseClients,
      headClients: changeSet.headClients,
    });
    entries = [...clients, ...changeSet.baseClients];
    console.log(
      `changes since ${args.changed} (${changeSet.baseCommit.slice(0, 12)}): ${changeSet.changes.map((c) => ("clientId" in c ? `${c.kind} ${c.clientId}` : "key" in c ? `${c.kind} ${c.key}` : "plan" in c ? `plan ${c.plan}` : c.kind)).join(", ") || "none"}`,
    );
  }
  if (args.shard !== undefined) {
    const shard = Number(args.shard);
    if (environment.tenants.length === 0) {
      throw new UsageError(`--shard: environment ${args.env} is one stack (stackRole "whole"), it has no shards`);
    }
    if (!/^\d+$/.test(args.shard) || shard >= environment.tenants.length) {
      throw new UsageError(
        `--shard must be one of environment ${args.env}'s shards, 0 to ${String(environment.tenants.length - 1)}; got "${args.shard}"`,
      );
    }
    touched = { platform: false, shards: [shard] };
  }
  if (environment.role === "whole") {
    // One stack holds everything: any touched shard is that stack.
    touched = { platform: touched.platform || touched.shards.length > 0, shards: [] };
  } else if (args.shard === undefined) {
    const withStacks = shardsWithStacks(
      touched,
      new Set(entries.map((client) => shardOf(client.id, config.tenants.shards))),
      existingShards(environment, stackNames),
    );
    const skipped = touched.shards.length - withStacks.shards.length;
    if (skipped > 0) {
      console.log(
        `${String(skipped)} touched shard(s) hold no client and have no stack yet: none to run (each is created with its first client)`,
      );
    }
    touched = withStacks;
  }
  console.log(
    `stacks: ${[...(touched.platform ? [environment.platform] : []), ...touched.shards.map((s) => environment.tenants[s])].join(", ") || "none"}`,
  );
  const outcomes = await runFleet({
    operation: operation as Operation,
    workspace,
    environment,
    touched,
    parallel,
    clients,
    refresh: args.refresh,
    expectNoChanges: args["expect-no-changes"],
    log,
  });
  console.log(renderSummary(operation as Operation, outcomes));
  if (args.out !== undefined) {
    fs.writeFileSync(args.out, renderReport(operation as Operation, args.env, outcomes));
  }
  return outcomes.every((o) => o.status === "ok") ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n${usage}`);
      process.exit(2);
    }
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
