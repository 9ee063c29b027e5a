/**
 * Moves an environment's clients out of its whole stack into their tenants stacks by moving
 * state (`pulumi state move`), never by deleting and re-creating: each client's ClientTenant and
 * everything under it goes, as it is recorded, to the stack of its shard, with the providers it
 * was created through (which the tenants program then adopts under aliases). Run after the
 * reviewed change that sets the environment's stackRole to "platform", before its first update.
 */
import { spawnSync } from "child_process";
import { LocalWorkspace } from "@pulumi/pulumi/automation";

import { clientsByShard } from "../clients/shards";
import { EnvironmentStacks, tenantsStackConfig } from "./environment";
import { FleetWorkspace } from "./workspace";

const clientTenantType = "kg-rca:tenants:ClientTenant";

export interface MovePlan {
  /** Client ids by shard, only the shards that receive some. */
  readonly byShard: ReadonlyMap<number, readonly { readonly id: string; readonly urn: string }[]>;
}

/** Which ClientTenant of the whole stack's state goes to which shard. */
export function planMove(urns: readonly string[], shards: number): MovePlan {
  const clients = urns.map((urn) => ({ id: urn.split("::").pop() ?? urn, urn }));
  const byShard = new Map(
    clientsByShard(clients, shards)
      .map((members, shard) => [shard, members] as const)
      .filter(([, members]) => members.length > 0),
  );
  return { byShard };
}

/** The URNs of the ClientTenant components a stack's state holds. */
export async function clientTenantsIn(workspace: LocalWorkspace, stack: string): Promise<string[]> {
  const state = await workspace.exportStack(stack);
  const resources = (state.deployment as { resources?: { type: string; urn: string }[] }).resources ?? [];
  return resources.filter((r) => r.type === clientTenantType).map((r) => r.urn);
}

export async function migrateToTenantsStacks(
  fleet: FleetWorkspace,
  environment: EnvironmentStacks,
  log: (line: string) => void,
): Promise<MovePlan> {
  if (environment.role !== "platform") {
    throw new Error(
      `--env ${environment.env}: its stack file says stackRole "whole". Set kg-rca-server:stackRole to "platform" in a reviewed change first; the migration then moves its clients out before the platform stack's next update.`,
    );
  }
  const { pulumiCommand, workspace, stack, workDir } = fleet;
  const plan = planMove(await clientTenantsIn(workspace, environment.platform), environment.config.tenants.shards);
  if (plan.byShard.size === 0) {
    log(`${environment.platform}: no client in its state, nothing to move`);
    return plan;
  }
  for (const [shard, clients] of [...plan.byShard.entries()].sort((a, b) => a[0] - b[0])) {
    const name = environment.tenants[shard] as string;
    // Created with its place written, so the move has a destination and the program reads it.
    await stack(name, tenantsStackConfig(environment.env, shard));
    log(`move ${clients.map((c) => c.id).join(", ")} from ${environment.platform} to ${name}`);
    const moved = spawnSync(
      pulumiCommand.command,
      [
        "state",
        "move",
        "--source",
        environment.platform,
        "--dest",
        name,
        "--yes",
        "--non-interactive",
        ...clients.map((c) => c.urn),
      ],
      { cwd: workDir, encoding: "utf8" },
    );
    if (moved.status !== 0) {
      throw new Error(
        `pulumi state move to ${name} failed (the stacks before it were moved):\n${moved.stdout}${moved.stderr}`,
      );
    }
  }
  return plan;
}
