/** How the engine benchmarks time an operation, and the clients they add. */
import { EngineEvent } from "@pulumi/pulumi/automation";

import { ClientEntry } from "../../clients";

/**
 * Basic-plan clients only: a single local broker holds every partition, and basic has the fewest.
 * Stacks that share the broker take different prefixes (topic names are the clients' ids).
 */
export function generatedClient(index: number, prefix = "bench"): ClientEntry {
  const number = String(index).padStart(4, "0");
  return {
    id: `${prefix}-${number}`,
    name: `Bench Client ${number}`,
    email: `ops@${prefix}-${number}.example.com`,
    plan: "basic",
    status: "active",
  };
}

export function progress(message: string): void {
  process.stderr.write(`bench:engine: ${message}\n`);
}

export interface Timed<T> {
  readonly result: T;
  /** From the start to the engine's summary event. */
  readonly seconds: number;
  /** From the start to the program's first resource: the CLI, the language host and loading the program. */
  readonly startSeconds: number;
}

/**
 * Seconds from the start of an engine operation to its summary event: the CLI's run as an operator
 * waits for it, without the outputs and history the Automation API reads back after an update.
 * The first resource event marks where the program began declaring resources.
 */
export async function timed<T>(
  what: string,
  work: (onEvent: (event: EngineEvent) => void) => Promise<T>,
): Promise<Timed<T>> {
  const start = process.hrtime.bigint();
  let firstResource: bigint | undefined;
  let end: bigint | undefined;
  const onEvent = (event: EngineEvent): void => {
    // The stack's own resource is registered before the program's modules load.
    const type = event.resourcePreEvent?.metadata.type;
    if (type !== undefined && type !== "pulumi:pulumi:Stack" && firstResource === undefined) {
      firstResource = process.hrtime.bigint();
    }
    if (event.summaryEvent !== undefined) {
      end = process.hrtime.bigint();
    }
  };
  const since = (at: bigint | undefined): number => Number((at ?? process.hrtime.bigint()) - start) / 1e9;
  try {
    const result = await work(onEvent);
    return { result, seconds: since(end), startSeconds: since(firstResource) };
  } catch (err) {
    // A CommandError's message holds the CLI's whole output: its end says what failed.
    throw new Error(`${what} failed:\n${(err instanceof Error ? err.message : String(err)).slice(-3000)}`);
  }
}
