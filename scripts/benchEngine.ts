/**
 * npm run bench:engine [-- --layout fleet|whole] [--sizes 10,50,200] [--shard-size N] [--fixed-cost]
 * (--shard-size: by default Pulumi.yaml's tenantShardSize)
 *
 * On a local stack of its own (real engine, API server, Kafka, PostgreSQL; started and discarded
 * here), in one run so the figures share the machine's load:
 * - fleet (default): an environment of a platform stack and tenants stacks of `--shard-size`
 *   clients (capacity 200, the guide's one environment) grown to each size; a one-client change's
 *   preview and update of its shard (median of 3 rounds), and their ratio to the first size's;
 * - whole: the single stack grown to each size; a no-change preview and a one-client onboarding;
 * - --fixed-cost: first, the no-change preview of the whole stack at the first size, with the
 *   program type-checked, transpiled, and started from a build (benchEngine/fixedCost.ts).
 */
import * as path from "path";

import { ClientEntry, loadRegistry } from "../clients";
import { projectDefaults } from "../config/configFiles";
import { projectRoot } from "../config/projectRoot";
import { LocalStack } from "../tools/localStack";
import { BenchEnvironment, ShardRow, shardTable } from "./benchEngine/fleetLayout";
import { fixedCostTable, measureFixedCost } from "./benchEngine/fixedCost";
import { generatedClient, progress } from "./benchEngine/timing";
import { growWholeStack, measureWholeStack, WholeRow, wholeTable } from "./benchEngine/wholeStack";
import { commandLineOrExit, UsageError } from "./commandLine";

const capacity = 200;
/** Rounds of the one-client change at each size: the machine is shared, single runs vary. */
const rounds = 3;
const usage = "usage: npm run bench:engine -- [--layout fleet|whole] [--sizes N,N,...] [--shard-size N] [--fixed-cost]";

interface BenchArgs {
  readonly layout: "fleet" | "whole";
  readonly sizes: number[];
  readonly shardSize: number;
  readonly fixedCost: boolean;
}

function parseArgs(): BenchArgs {
  const { values: args } = commandLineOrExit(usage, {
    options: {
      layout: { type: "string", default: "fleet" },
      sizes: { type: "string", default: "10,50,200" },
      "shard-size": { type: "string" },
      "fixed-cost": { type: "boolean", default: false },
    },
  });
  const sizes = args.sizes.split(",").map(Number);
  if (sizes.some((size, i) => !Number.isInteger(size) || size < 3 || size <= (sizes[i - 1] ?? 0))) {
    throw new UsageError(`--sizes: must be increasing whole numbers of at least 3, e.g. 10,50,200; got ${args.sizes}`);
  }
  if (args.layout !== "fleet" && args.layout !== "whole") {
    throw new UsageError(`--layout: fleet or whole; got ${args.layout}`);
  }
  // By default the environment's own shard size, so the bench measures the layout that deploys.
  const shardSizeText = args["shard-size"] ?? projectDefaults(projectRoot(__dirname)).tenantShardSize ?? "";
  const shardSize = Number(shardSizeText);
  if (!Number.isInteger(shardSize) || shardSize < 1 || shardSize > capacity) {
    throw new UsageError(`--shard-size: a whole number from 1 to ${String(capacity)}; got ${shardSizeText}`);
  }
  if (args.layout === "fleet" && (sizes[sizes.length - 1] ?? 0) > capacity) {
    throw new UsageError(`--sizes: an environment holds at most ${String(capacity)} clients; got ${args.sizes}`);
  }
  return { layout: args.layout, sizes, shardSize, fixedCost: args["fixed-cost"] };
}

/** Generated ids are numbered in order, so a larger size keeps every client a smaller one added. */
const generated = (count: number, prefix?: string): ClientEntry[] =>
  Array.from({ length: count }, (_, i) => generatedClient(i, prefix));

async function main(): Promise<void> {
  const args = parseArgs();
  const stack = new LocalStack();
  // Growing a stack by 150 clients is one update of a few thousand creates: well over the default.
  stack.commandTimeoutMs = 90 * 60 * 1000;
  const registryFile = path.join(stack.dir, "bench-clients.json");
  progress(`starting a local stack in ${stack.dir} (npm run local:up)`);
  const started = await stack.up();
  try {
    if (started.status !== 0) {
      throw new Error(`local:up failed:\n${started.output.slice(-3000)}`);
    }
    // The fleet runs in this process, with the stack's CLI, backend and servers.
    Object.assign(process.env, stack.environment);
    // The stack was brought up with the local registry: its entries stay (entries are never removed).
    const base = [...loadRegistry("local")];
    await stack.setConfig({ clientRegistry: `file:${registryFile}` });
    if (args.fixedCost) {
      const first = args.sizes[0] ?? 10;
      const resources = await growWholeStack(stack, registryFile, [...base, ...generated(first - base.length)]);
      console.log(`${fixedCostTable(await measureFixedCost(stack), resources, first)}\n`);
    }
    if (args.layout === "whole") {
      const rows: WholeRow[] = [];
      for (const size of args.sizes) {
        rows.push(await measureWholeStack(stack, registryFile, [...base, ...generated(size - base.length)], size));
      }
      console.log(wholeTable(rows));
    } else {
      const environment = new BenchEnvironment(stack, args.shardSize, capacity);
      environment.writeStackFile();
      const rows: ShardRow[] = [];
      for (const size of args.sizes) {
        const clients = generated(size, "fleet");
        progress(`growing environment bench to ${String(size)} clients (not measured)`);
        await environment.grow(clients);
        for (const kind of ["fullest", "median"] as const) {
          progress(`  timing ${String(rounds)} rounds of a change to one client of the ${kind} shard`);
          const row = await environment.oneClientChange(clients, kind, rounds);
          progress(`  ${JSON.stringify(row)}`);
          rows.push(row);
        }
      }
      console.log(
        `Environment of capacity ${String(capacity)} in tenants stacks of ${String(args.shardSize)} clients; one client's retention override changed, through the fleet (median of ${String(rounds)} rounds):\n`,
      );
      console.log(shardTable(rows));
    }
  } finally {
    // Destroying thousands of resources takes longer than the benchmark: throw the servers away instead.
    progress("stopping the local stack and discarding it");
    stack.discard();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
