import { ClientEntry, isLive } from "../../clients";
import { clientOf, statefulTypes } from "../../components/resourceKinds";

/** The parts of `pulumi preview --json` the guard reads. */
export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: { readonly type?: string; readonly inputs?: Record<string, unknown> };
  readonly newState?: { readonly type?: string; readonly inputs?: Record<string, unknown> };
}

export interface PreviewDocument {
  readonly steps?: readonly PreviewStep[];
  readonly diagnostics?: readonly { readonly message?: string; readonly severity?: string }[];
}

export interface GuardResult {
  readonly checked: number;
  readonly explained: string[];
  readonly refused: string[];
}

const deletingOps = new Set([
  "delete",
  "replace",
  "create-replacement",
  "delete-replaced",
  "discard",
  "discard-replaced",
]);
const replacingOps = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);

/** The type of a URN's resource: the last `$`-separated segment of its type part. */
export function typeOfUrn(urn: string): string {
  const typePart = urn.split("::")[2] ?? "";
  return typePart.split("$").pop() ?? typePart;
}

export function guardPlan(
  preview: PreviewDocument,
  clients: readonly ClientEntry[],
  allowedUrns: readonly string[] = [],
): GuardResult {
  const explained: string[] = [];
  const refused: string[] = [];
  const steps = preview.steps ?? [];
  // A replacement shows up as several steps of one URN: judge each URN once.
  const seen = new Set<string>();
  const ids = clients.map((c) => c.id);
  for (const step of steps) {
    const type = step.oldState?.type ?? step.newState?.type ?? typeOfUrn(step.urn);
    if (!deletingOps.has(step.op) || !statefulTypes.has(type) || seen.has(step.urn)) {
      continue;
    }
    seen.add(step.urn);
    const what = replacingOps.has(step.op) ? "replace" : "delete";
    const label = `${what} ${step.urn}`;
    if (allowedUrns.includes(step.urn)) {
      explained.push(`${label} (allowed by the reviewer)`);
      continue;
    }
    // Only a topic or database has an owner here: a billing row outlives its client and is never explained.
    const owner = what === "delete" ? clientOf(type, step.oldState?.inputs ?? {}, ids) : undefined;
    const client = clients.find((c) => c.id === owner);
    if (client !== undefined && !isLive(client.status)) {
      explained.push(`${label} (client ${client.id} is offboarded)`);
    } else {
      const why =
        what === "replace"
          ? "a replacement deletes the old resource and its data"
          : client === undefined
            ? "no offboarded client explains it"
            : `client ${client.id} is ${client.status}, not offboarded`;
      refused.push(`${label}: ${why}`);
    }
  }
  // A failed preview plans nothing: it must never read as "nothing destructive". The engine's
  // own refusals (the platform guard, protected resources) arrive here as error diagnostics.
  for (const diagnostic of preview.diagnostics ?? []) {
    const message = (diagnostic.message ?? "").trim();
    if (diagnostic.severity === "error" && message !== "" && message !== "error: preview failed") {
      refused.push(`the preview failed: ${message}`);
    }
  }
  return { checked: steps.length, explained, refused };
}
