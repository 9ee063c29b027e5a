/**
 * npm run bench:engine [-- --sizes 10,50,200]
 *
 * On a local stack of its own (real engine, API server, Kafka, PostgreSQL;
 * started and stopped here), for each size: grows the registry to that many
 * clients, then times a preview with nothing to change and an update of one
 * added client, through the Automation API. Prints seconds and resources per
 * second for each, in one run, so the figures share the machine's load.
 */
import * as fs from "fs";
import * as path from "path";
import { EngineEvent } from "@pulumi/pulumi/automation";

import { ClientEntry, loadRegistry } from "../clients";
import { resourcesOf } from "../tools/engineResults";
import { LocalStack } from "../tools/localStack";
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

/**
 * Seconds from the start of an engine operation to its summary event: the CLI's run as an operator
 * waits for it, without the outputs and history the Automation API reads back after an update.
 */
async function timed<T>(
  what: string,
  work: (onEvent: (event: EngineEvent) => void) => Promise<T>,
): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  let end: bigint | undefined;
  const onEvent = (event: EngineEvent): void => {
    if (event.summaryEvent !== undefined) {
      end = process.hrtime.bigint();
    }
  };
  try {
    const result = await work(onEvent);
    return [result, Number((end ?? process.hrtime.bigint()) - start) / 1e9];
  } catch (err) {
    // A CommandError's message holds the CLI's whole output: its end says what failed.
    throw new Error(`${what} failed:\n${(err instanceof Error ? err.message : String(err)).slice(-3000)}`);
  }
}

async function measure(
  stack: LocalStack,
  registryFile: string,
  base: ClientEntry[],
  size: number,
): Promise<Measurement> {
  const apply = (clients: ClientEntry[], what: string) => {
    fs.writeFileSync(registryFile, JSON.stringify(clients, null, 2));
    return timed(what, (onEvent) => stack.update({ onEvent }));
  };
  // Generated ids are numbered in order, so a larger size keeps every client a smaller one added
  // (entries are never removed, and the guard would refuse it).
  const clients = [...base, ...Array.from({ length: size - base.length }, (_, i) => generatedClient(i))];
  progress(`growing the registry to ${size} clients (not measured)`);
  const [, setupSeconds] = await apply(clients, `pulumi up to ${size} clients`);
  progress(`  set up in ${setupSeconds.toFixed(1)} s; timing a preview with no changes`);
  const resources = resourcesOf(await stack.exportState()).length;
  const [, previewSeconds] = await timed(`preview at ${size} clients`, (onEvent) =>
    stack.preview({ expectNoChanges: true, onEvent }),
  );
  progress(`  timing pulumi up of one added client`);
  const [up, upSeconds] = await apply([...clients, generatedClient(size - base.length)], `up of client ${size + 1}`);
  // The engine's own count of creates, from the update's summary.
  return { clients: size, resources, previewSeconds, upSeconds, created: up.summary.resourceChanges?.create ?? 0 };
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

async function main(): Promise<void> {
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
  const started = await stack.up();
  try {
    if (started.status !== 0) {
      throw new Error(`local:up failed:\n${started.output.slice(-3000)}`);
    }
    // The stack was brought up with the local registry: its entries stay (entries are never removed).
    const base = [...loadRegistry("local")];
    await stack.setConfig({ clientRegistry: `file:${registryFile}` });
    const rows: Measurement[] = [];
    // One size after another: each grows the same stack.
    for (const size of sizes) {
      rows.push(await measure(stack, registryFile, base, size));
    }
    console.log(table(rows));
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
