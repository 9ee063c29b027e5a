/**
 * npm run bench:engine [-- --sizes 10,50,200]
 *
 * On a local stack of its own (real engine, API server, Kafka, PostgreSQL;
 * started and stopped here), for each size: grows the registry to that many
 * clients, then times `pulumi preview` with nothing to change and `pulumi up`
 * of one added client. Prints seconds and resources per second for each, in
 * one run, so the figures share the machine's load.
 */
import * as fs from "fs";
import * as path from "path";

import { ClientEntry, loadRegistry } from "../clients";
import { CommandResult, LocalStack } from "../tools/localStack";
import { commandLineOrExit } from "./commandLine";

interface Measurement {
  readonly clients: number;
  readonly resources: number;
  readonly previewSeconds: number;
  readonly upSeconds: number;
  readonly created: number;
}

/** Basic-plan clients only: a single local broker holds every partition, and basic has the fewest. */
function generatedClient(index: number): ClientEntry {
  const number = String(index).padStart(4, "0");
  return {
    id: `bench-${number}`,
    name: `Bench Client ${number}`,
    email: `ops@bench-${number}.example.com`,
    plan: "basic",
    status: "active",
  };
}

function progress(message: string): void {
  process.stderr.write(`bench:engine: ${message}\n`);
}

function timed(work: () => CommandResult, what: string): [CommandResult, number] {
  const start = process.hrtime.bigint();
  const result = work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${what} failed:\n${result.output.slice(-3000)}`);
  }
  return [result, seconds];
}

function resourceCount(stack: LocalStack): number {
  const state = JSON.parse(stack.exportState()) as { deployment: { resources?: unknown[] } };
  return state.deployment.resources?.length ?? 0;
}

/** The engine's own count of creates, from the summary `pulumi up` prints ("+ 12 created"). */
function createdIn(output: string): number {
  const match = /\+ (\d+) created/.exec(output);
  return match === null ? 0 : Number(match[1]);
}

function measure(stack: LocalStack, registryFile: string, base: ClientEntry[], size: number): Measurement {
  const apply = (clients: ClientEntry[], what: string): [CommandResult, number] => {
    fs.writeFileSync(registryFile, JSON.stringify(clients, null, 2));
    return timed(() => stack.pulumi("up", "--yes", "--skip-preview"), what);
  };
  // Generated ids are numbered in order, so a larger size keeps every client a smaller one added
  // (entries are never removed, and the guard would refuse it).
  const clients = [...base, ...Array.from({ length: size - base.length }, (_, i) => generatedClient(i))];
  progress(`growing the registry to ${size} clients (not measured)`);
  const [, setupSeconds] = apply(clients, `pulumi up to ${size} clients`);
  progress(`  set up in ${setupSeconds.toFixed(1)} s; timing a preview with no changes`);
  const resources = resourceCount(stack);
  const [, previewSeconds] = timed(() => stack.pulumi("preview", "--expect-no-changes"), `preview at ${size} clients`);
  progress(`  timing pulumi up of one added client`);
  const [up, upSeconds] = apply([...clients, generatedClient(size - base.length)], `up of client ${size + 1}`);
  return { clients: size, resources, previewSeconds, upSeconds, created: createdIn(up.output) };
}

function table(rows: Measurement[]): string {
  const lines = [
    "| clients | resources | preview s | preview res/s | up +1 client s | up res/s | created |",
    "|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.clients} | ${row.resources} | ${row.previewSeconds.toFixed(1)} | ${(row.resources / row.previewSeconds).toFixed(0)} | ${row.upSeconds.toFixed(1)} | ${(row.resources / row.upSeconds).toFixed(0)} | ${row.created} |`,
    );
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first !== undefined && last !== undefined && last !== first) {
    lines.push(
      "",
      `One-client up at ${last.clients} clients vs ${first.clients}: ${(last.upSeconds / first.upSeconds).toFixed(2)}× ` +
        `(+${(last.upSeconds - first.upSeconds).toFixed(1)} s for ${last.resources - first.resources} more resources in the stack; ` +
        `a no-change preview grew by ${(last.previewSeconds - first.previewSeconds).toFixed(1)} s over the same range).`,
    );
  }
  return lines.join("\n");
}

function main(): void {
  const { values: args } = commandLineOrExit("usage: npm run bench:engine -- [--sizes N,N,...]", {
    options: { sizes: { type: "string" } },
  });
  const sizes = (args.sizes ?? "10,50,200").split(",").map(Number);
  if (sizes.some((size, i) => !Number.isInteger(size) || size < 3 || size <= (sizes[i - 1] ?? 0))) {
    throw new Error(`--sizes: must be increasing whole numbers of at least 3, e.g. 10,50,200; got ${args.sizes}`);
  }
  const stack = new LocalStack();
  // Growing a stack by 150 clients is one update of a few thousand creates: well over the default.
  stack.commandTimeoutMs = 90 * 60 * 1000;
  const registryFile = path.join(stack.dir, "bench-clients.json");
  progress(`starting a local stack in ${stack.dir} (npm run local:up)`);
  const started = stack.up();
  try {
    if (started.status !== 0) {
      throw new Error(`local:up failed:\n${started.output.slice(-3000)}`);
    }
    // The stack was brought up with the local registry: its entries stay (entries are never removed).
    const base = [...loadRegistry("local")];
    stack.setConfig({ clientRegistry: `file:${registryFile}` });
    console.log(table(sizes.map((size) => measure(stack, registryFile, base, size))));
  } finally {
    // Destroying thousands of resources takes longer than the benchmark: throw the servers away instead.
    progress("stopping the local stack and discarding it");
    stack.discard();
  }
}

try {
  main();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
