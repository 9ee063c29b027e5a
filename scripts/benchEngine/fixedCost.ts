/**
 * Where a no-change preview's fixed cost goes, on the local whole stack: the same preview with
 * the program type-checked by the engine (how every stack ran before), transpiled by ts-node
 * without a check, and started from a build (programs/prebuilt.ts), each run twice, alternating,
 * so the variants share the machine's load.
 */
import { LocalStack } from "../../tools/localStack";
import { progress, timed } from "./timing";

export interface FixedCostRow {
  readonly variant: string;
  /** Seconds of each run. */
  readonly seconds: readonly number[];
  /** Seconds until the program's first resource, each run. */
  readonly startSeconds: readonly number[];
}

const variants = [
  {
    variant: "type-checked by the engine (before)",
    env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false", KG_RCA_PROGRAM_BUILD: "off" },
  },
  {
    variant: "transpiled by ts-node, unchecked",
    env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", KG_RCA_PROGRAM_BUILD: "off" },
  },
  { variant: "started from a build (now)", env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", KG_RCA_PROGRAM_BUILD: "" } },
] as const;

export async function measureFixedCost(stack: LocalStack, runs = 2): Promise<FixedCostRow[]> {
  const rows = variants.map((v) => ({ variant: v.variant, seconds: [] as number[], startSeconds: [] as number[] }));
  const workspace = stack.engine.workspace;
  try {
    for (let run = 0; run < runs; run++) {
      for (const [index, { variant, env }] of variants.entries()) {
        progress(`  no-change preview, ${variant} (run ${String(run + 1)})`);
        for (const [name, value] of Object.entries(env)) {
          // Every later command of the workspace runs with these.
          workspace.envVars[name] = value;
        }
        const { seconds, startSeconds } = await timed(`preview (${variant})`, (onEvent) =>
          stack.preview({ expectNoChanges: true, onEvent }),
        );
        rows[index]?.seconds.push(seconds);
        rows[index]?.startSeconds.push(startSeconds);
      }
    }
  } finally {
    workspace.envVars.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    workspace.envVars.KG_RCA_PROGRAM_BUILD = "";
  }
  return rows;
}

export function fixedCostTable(rows: readonly FixedCostRow[], resources: number, clients: number): string {
  const best = (values: readonly number[]): number => Math.min(...values);
  const before = best(rows[0]?.seconds ?? [0]);
  const lines = [
    `No-change preview of the local whole stack at ${String(clients)} clients (${String(resources)} resources), best of ${String(rows[0]?.seconds.length ?? 0)}:`,
    "",
    "| program | preview s | until first resource s | declaring and diffing s | share of before |",
    "|---|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const total = best(row.seconds);
    const start = best(row.startSeconds);
    lines.push(
      `| ${row.variant} | ${total.toFixed(1)} | ${start.toFixed(1)} | ${(total - start).toFixed(1)} | ${((100 * total) / before).toFixed(0)}% |`,
    );
  }
  return lines.join("\n");
}
