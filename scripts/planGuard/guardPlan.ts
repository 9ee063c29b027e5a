import { ClientEntry } from "../../clients";

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

/** Types whose delete or replace loses data. */
export const statefulTypes: ReadonlySet<string> = new Set([
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "kafka:index/topic:Topic",
  "pulumi-nodejs:dynamic/kg-rca:Neo4jDatabase",
  "pulumi-nodejs:dynamic/kg-rca:BillingRow",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
]);

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

/** The client a topic or database belongs to, by its name. */
function clientOf(
  type: string,
  inputs: Record<string, unknown>,
  clients: readonly ClientEntry[],
): ClientEntry | undefined {
  const name = String(type === "kafka:index/topic:Topic" ? inputs.name : inputs.databaseName);
  return clients.find((c) => name === c.id || name.startsWith(`${c.id}.`));
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
    const client = what === "delete" ? clientOf(type, step.oldState?.inputs ?? {}, clients) : undefined;
    const byOffboarding = client?.status === "offboarded" && type !== "pulumi-nodejs:dynamic/kg-rca:BillingRow";
    if (byOffboarding) {
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
