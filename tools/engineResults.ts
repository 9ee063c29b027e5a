/**
 * Reading what the engine reports through the Automation API: an operation's
 * summary, the steps it announces, the state it leaves and the error it fails
 * with. Shared by the end-to-end tests and the engine benchmark.
 */
import { CommandError, Deployment, EngineEvent, OpMap, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

/** Ops that leave a resource as it is: reading one declared with `get` changes nothing either. */
const unchangingOps: ReadonlySet<OpType> = new Set<OpType>(["same", "read"]);

/** The counts of a summary's ops that change something (created, updated, replaced, deleted, ...). */
export function changesOf(ops: OpMap | undefined): OpMap {
  return Object.fromEntries(
    Object.entries(ops ?? {}).filter(([op, count]) => !unchangingOps.has(op as OpType) && count !== 0),
  ) as OpMap;
}

/** A step that replaces a resource: `replace` and the steps it is made of (`create-replacement`, `delete-replaced`, ...). */
export function isReplacement(step: StepEventMetadata): boolean {
  return step.op.includes("replace");
}

/** Records the steps an operation announces, one per resource it touches: pass `onEvent` to the operation. */
export class StepLog {
  readonly steps: StepEventMetadata[] = [];

  readonly onEvent = (event: EngineEvent): void => {
    const step = event.resourcePreEvent?.metadata;
    if (step !== undefined) {
      this.steps.push(step);
    }
  };

  /** The steps that do something to their resource. */
  get changes(): StepEventMetadata[] {
    return this.steps.filter((step) => step.op !== "same");
  }
}

/**
 * The message of the error an engine operation failed with, or undefined if it succeeded. A
 * CommandError's message carries the CLI's stdout and stderr, where the program's refusals are;
 * any other error is not the engine's answer and is thrown on.
 */
export async function failureOf(operation: Promise<unknown>): Promise<string | undefined> {
  try {
    await operation;
    return undefined;
  } catch (err) {
    if (err instanceof CommandError) {
      return err.message;
    }
    throw err;
  }
}

/** The message of the error an engine operation failed with; it throws if the operation succeeded. */
export async function refusal(operation: Promise<unknown>): Promise<string> {
  const failure = await failureOf(operation);
  if (failure === undefined) {
    throw new Error("the operation succeeded; it was expected to fail");
  }
  return failure;
}

interface StateResource {
  readonly type: string;
  readonly urn: string;
}

/** The resources of an exported state, as the engine keeps them. */
export function resourcesOf(exported: Deployment): readonly StateResource[] {
  return (exported.deployment as { resources?: StateResource[] }).resources ?? [];
}

/**
 * The resources of an exported state, secrets masked: a failed update rewrites the checkpoint's time
 * and re-encrypts its secrets with fresh nonces, which is not a change.
 */
export function platformResourcesOf(exported: Deployment): unknown {
  // The root Stack resource and the dynamic-provider host record the config the engine last ran
  // with, even for an update that failed: the engine's bookkeeping, not resources of the platform.
  // The engine may also write the same resources in another order after an attempt: compare by URN.
  const bookkeeping = new Set(["pulumi:pulumi:Stack", "pulumi:providers:pulumi-nodejs"]);
  const resources = resourcesOf(exported)
    .filter((r) => !bookkeeping.has(r.type))
    .sort((x, y) => x.urn.localeCompare(y.urn));
  return JSON.parse(JSON.stringify(resources), (_key, value: unknown) =>
    typeof value === "object" && value !== null && "ciphertext" in value ? "[secret]" : value,
  ) as unknown;
}
