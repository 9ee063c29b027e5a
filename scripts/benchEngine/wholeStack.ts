/**
 * The local whole stack grown to a size: a no-change preview and an update of one added client,
 * both walking every resource of the stack (the layout before tenants stacks).
 */
import { ClientEntry } from "../../clients";
import { resourcesOf } from "../../tools/engineResults";
import { LocalStack } from "../../tools/localStack";
import * as fs from "fs";
import { generatedClient, progress, timed } from "./timing";

export interface WholeRow {
  readonly clients: number;
  readonly resources: number;
  readonly previewSeconds: number;
  readonly upSeconds: number;
  readonly created: number;
}

/** The whole stack at `clients` (an update, not measured); returns its resource count. */
export async function growWholeStack(stack: LocalStack, registryFile: string, clients: ClientEntry[]): Promise<number> {
  fs.writeFileSync(registryFile, JSON.stringify(clients, null, 2));
  progress(`growing the local whole stack to ${String(clients.length)} clients (not measured)`);
  const { seconds } = await timed(`pulumi up to ${String(clients.length)} clients`, (onEvent) =>
    stack.update({ onEvent }),
  );
  progress(`  set up in ${seconds.toFixed(1)} s`);
  return resourcesOf(await stack.exportState()).length;
}

export async function measureWholeStack(
  stack: LocalStack,
  registryFile: string,
  clients: ClientEntry[],
  nextIndex: number,
): Promise<WholeRow> {
  const resources = await growWholeStack(stack, registryFile, clients);
  progress("  timing a preview with no changes");
  const preview = await timed(`preview at ${String(clients.length)} clients`, (onEvent) =>
    stack.preview({ expectNoChanges: true, onEvent }),
  );
  progress("  timing pulumi up of one added client");
  fs.writeFileSync(registryFile, JSON.stringify([...clients, generatedClient(nextIndex)], null, 2));
  const up = await timed(`up of client ${String(clients.length + 1)}`, (onEvent) => stack.update({ onEvent }));
  return {
    clients: clients.length,
    resources,
    previewSeconds: preview.seconds,
    upSeconds: up.seconds,
    // The engine's own count of creates, from the update's summary.
    created: up.result.summary.resourceChanges?.create ?? 0,
  };
}

export function wholeTable(rows: readonly WholeRow[]): string {
  const lines = [
    "| clients | resources | preview s | preview res/s | up +1 client s | up res/s | created |",
    "|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${String(row.clients)} | ${String(row.resources)} | ${row.previewSeconds.toFixed(1)} | ${(row.resources / row.previewSeconds).toFixed(0)} | ${row.upSeconds.toFixed(1)} | ${(row.resources / row.upSeconds).toFixed(0)} | ${String(row.created)} |`,
    );
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first !== undefined && last !== undefined && last !== first) {
    lines.push(
      "",
      `One-client up at ${String(last.clients)} clients vs ${String(first.clients)}: ${(last.upSeconds / first.upSeconds).toFixed(2)}× ` +
        `(+${(last.upSeconds - first.upSeconds).toFixed(1)} s for ${String(last.resources - first.resources)} more resources in the stack).`,
    );
  }
  return lines.join("\n");
}
