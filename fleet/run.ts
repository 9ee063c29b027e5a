/**
 * Runs preview or up over an environment's stacks through the Automation API: the platform stack
 * first when it is touched, then the touched tenants stacks with bounded parallelism. Each
 * preview runs the policy pack and the plan guard; a failing stack does not stop the others
 * (except that no tenants stack is updated after its platform stack failed to update).
 */
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, OpMap, StepEventMetadata, StepEventStateMetadata } from "@pulumi/pulumi/automation";

import { ClientEntry } from "../clients/types";
import { guardPlan, PreviewStep } from "../scripts/planGuard/guardPlan";
import { changesOf } from "../tools/engineResults";
import { EnvironmentStacks, tenantsStackConfig } from "./environment";
import { errorText } from "./errorText";
import { TouchedStacks } from "./touchedStacks";
import { FleetWorkspace } from "./workspace";

export type Operation = "preview" | "up";

export interface FleetOptions {
  readonly operation: Operation;
  /** Opened once per command (fleet/workspace.ts). */
  readonly workspace: FleetWorkspace;
  readonly environment: EnvironmentStacks;
  readonly touched: TouchedStacks;
  /** Tenants stacks run at once. */
  readonly parallel: number;
  /** The registry's entries, for the plan guard. */
  readonly clients: readonly ClientEntry[];
  /** Refresh each stack first (the drift check). */
  readonly refresh: boolean;
  /** Fail a stack whose preview shows any change (the drift check). */
  readonly expectNoChanges: boolean;
  readonly log: (line: string) => void;
}

export interface StackOutcome {
  readonly stack: string;
  readonly status: "ok" | "failed" | "skipped";
  /** Creates, updates, deletes, replaces... (unchanged resources not counted). */
  readonly changes: OpMap;
  readonly seconds: number;
  readonly problems: readonly string[];
  /** What would change or changed, one line per resource: "op type name". */
  readonly steps: readonly string[];
}

/** The plan guard's view of a step the engine announced. */
export function previewStep(step: StepEventMetadata): PreviewStep {
  // The engine sends null, not an absent field, for the side a step does not have (a create's old).
  const state = (side: StepEventStateMetadata | null | undefined): PreviewStep["oldState"] =>
    side === null || side === undefined ? undefined : { type: side.type, inputs: side.inputs };
  const oldState = state(step.old);
  const newState = state(step.new);
  return {
    op: step.op,
    urn: step.urn,
    ...(oldState === undefined ? {} : { oldState }),
    ...(newState === undefined ? {} : { newState }),
  };
}

/** The steps that change something, as reviewers read them: op, type, name. */
function describeSteps(steps: readonly StepEventMetadata[]): string[] {
  return steps
    .filter((step) => step.op !== "same" && step.op !== "read")
    .map((step) => `${step.op} ${step.type} ${step.urn.split("::").pop() ?? step.urn}`);
}

async function runStack(options: FleetOptions, name: string, config?: Record<string, string>): Promise<StackOutcome> {
  const started = Date.now();
  const steps: StepEventMetadata[] = [];
  const problems: string[] = [];
  const onEvent = (event: EngineEvent): void => {
    const step = event.resourcePreEvent?.metadata;
    if (step !== undefined) {
      steps.push(step);
    }
    const policy = event.policyEvent;
    if (policy !== undefined && policy.enforcementLevel === "mandatory") {
      problems.push(`policy ${policy.policyName}: ${policy.message.trim()}`);
    }
  };
  const { projectDir } = options.workspace;
  const policies = {
    policyPacks: [path.join(projectDir, "policies")],
    // Per kind of environment (prod, staging, local), as the workflows pick it.
    policyPackConfigs: [
      path.join(projectDir, "policies", `config.${options.environment.config.environment}.json`),
    ].filter((file) => fs.existsSync(file)),
  };
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10;
  try {
    const stack = await options.workspace.stack(name, config);
    let changes: OpMap;
    if (options.operation === "preview") {
      const result = await stack.preview({
        ...policies,
        onEvent,
        refresh: options.refresh,
        expectNoChanges: options.expectNoChanges,
      });
      changes = changesOf(result.changeSummary);
      const guard = guardPlan({ steps: steps.map(previewStep) }, options.clients);
      problems.push(...guard.refused.map((line) => `plan guard: ${line}`));
    } else {
      const result = await stack.up({ ...policies, onEvent, refresh: options.refresh });
      changes = changesOf(result.summary.resourceChanges);
    }
    const status = problems.length === 0 ? "ok" : "failed";
    return { stack: name, status, changes, seconds: seconds(), problems, steps: describeSteps(steps) };
  } catch (error) {
    return {
      stack: name,
      status: "failed",
      changes: {},
      seconds: seconds(),
      problems: [...problems, errorText(error)],
      steps: describeSteps(steps),
    };
  }
}

/** Runs `work` over `items`, at most `limit` at once, keeping the items' order in the results. */
async function bounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function runFleet(options: FleetOptions): Promise<StackOutcome[]> {
  const { environment, touched } = options;
  const outcomes: StackOutcome[] = [];
  if (touched.platform) {
    options.log(`${options.operation} ${environment.platform} (${environment.role} stack)`);
    outcomes.push(await runStack(options, environment.platform));
  }
  const platformFailed = outcomes.some((o) => o.status === "failed");
  const shards = touched.shards.filter((shard) => shard < environment.tenants.length);
  const tenants = await bounded(shards, options.parallel, async (shard) => {
    const name = environment.tenants[shard] as string;
    if (platformFailed && options.operation === "up") {
      const skipped: StackOutcome = {
        stack: name,
        status: "skipped",
        changes: {},
        seconds: 0,
        problems: ["its platform stack failed"],
        steps: [],
      };
      return skipped;
    }
    options.log(`${options.operation} ${name}`);
    return runStack(options, name, tenantsStackConfig(environment.env, shard));
  });
  return [...outcomes, ...tenants];
}

/** One line per stack and a total: what a pull request comment or a deploy log shows. */
export function renderSummary(operation: Operation, outcomes: readonly StackOutcome[]): string {
  const ops = ["create", "update", "delete", "replace"] as const;
  const count = (o: StackOutcome, op: string): number => o.changes[op as keyof OpMap] ?? 0;
  const lines = [
    `| stack | status | ${ops.join(" | ")} | other | seconds |`,
    `| --- | --- | ${ops.map(() => "---:").join(" | ")} | ---: | ---: |`,
  ];
  for (const o of outcomes) {
    const other = Object.entries(o.changes)
      .filter(([op]) => !(ops as readonly string[]).includes(op))
      .reduce((sum, [, n]) => sum + n, 0);
    lines.push(`| ${o.stack} | ${o.status} | ${ops.map((op) => count(o, op)).join(" | ")} | ${other} | ${o.seconds} |`);
  }
  const failed = outcomes.filter((o) => o.status !== "ok");
  lines.push(
    "",
    `${operation}: ${outcomes.length} stack(s), ${failed.length} not ok${failed.length > 0 ? `: ${failed.map((o) => o.stack).join(", ")}` : ""}`,
  );
  for (const o of failed) {
    lines.push("", `${o.stack}:`, ...o.problems.map((p) => `  ${p.split("\n").join("\n  ")}`));
  }
  return lines.join("\n");
}

/** The summary and, per stack, every step: what the pull request comment carries. */
export function renderReport(operation: Operation, env: string, outcomes: readonly StackOutcome[]): string {
  const details = outcomes
    .filter((o) => o.steps.length > 0)
    .map((o) =>
      [
        `<details><summary>${o.stack}: ${String(o.steps.length)} step(s)</summary>`,
        "",
        "```",
        ...o.steps,
        "```",
        "</details>",
      ].join("\n"),
    );
  return [`### fleet ${operation} --env ${env}`, "", renderSummary(operation, outcomes), "", ...details].join("\n");
}
