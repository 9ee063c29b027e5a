/**
 * Runs the program (or any Pulumi code) under the SDK's mock engine and
 * records every resource it declares: type token, logical name, parent and
 * resolved inputs, with secrets masked. Unit tests, `npm run synth` and the
 * synth benchmark all go through here, so they see exactly what `pulumi up`
 * would be asked to create.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

import { resourceTypes } from "../components/resourceKinds";
import { typeOfUrn } from "../scripts/planGuard/guardPlan";
import { projectName } from "../config";

export interface DeclaredResource {
  readonly type: string;
  readonly name: string;
  /** Logical name of the parent resource; null at the top of the stack. */
  readonly parent: string | null;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /** Earlier identities the resource keeps (`aliases`): a renamed type or moved parent keeps its URN through them. */
  readonly aliases: readonly unknown[];
  /**
   * A component's registered outputs (`registerOutputs`), with secrets masked: what the engine
   * records as its outputs, and a stack policy sees. Absent for custom resources.
   */
  readonly registeredOutputs?: Record<string, unknown>;
}

export interface MockRun {
  readonly resources: DeclaredResource[];
  readonly outputs: Record<string, unknown>;
}

/** The program failed; `declared` counts the resources it had declared before failing. */
export class MockRunError extends Error {
  constructor(
    public readonly cause: unknown,
    public readonly declared: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "MockRunError";
  }
}

export const secretPlaceholder = "[secret]";
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces secret values with a placeholder and provider code with its digest. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(maskSecrets);
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[sigKey] === secretSig) {
      return secretPlaceholder;
    }
    return Object.fromEntries(
      Object.entries(record).map(([key, inner]) => [
        key,
        key === "__provider" && typeof inner === "string"
          ? `[dynamic provider code sha256:${crypto.createHash("sha256").update(inner).digest("hex").slice(0, 16)}]`
          : maskSecrets(inner),
      ]),
    );
  }
  return value;
}

/** Outputs of other stacks a program's stack references read, by stack name. */
export type StackOutputs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Outputs the real providers compute that the program reads back (generated values). */
function computedState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  stackOutputs: StackOutputs,
): Record<string, unknown> {
  switch (type) {
    case "pulumi:pulumi:StackReference": {
      // What the engine reads from the referenced stack's state; nothing for a stack that does not exist.
      // A run's secret outputs read back as the placeholder: the reference reports them as secret.
      const outputs = stackOutputs[String(inputs.name)] ?? {};
      const secretOutputNames = Object.keys(outputs).filter((name) => outputs[name] === secretPlaceholder);
      return { ...inputs, outputs, secretOutputNames };
    }
    case resourceTypes.randomValue:
      return {
        ...inputs,
        result: inputs.kind === "cluster-id" ? "bW9jay1jbHVzdGVyLWlkAA" : `mock-password-of-${name}`,
      };
    case resourceTypes.storageClass:
      // What a `.get` of the cluster's class reads back: an expandable class.
      return { allowVolumeExpansion: true, ...inputs };
    default:
      // AWS resources report an ARN the program may reference (the backup role's, for its ServiceAccount).
      return type.startsWith("aws:") ? { arn: `arn:aws:mock::000000000000:${name}`, ...inputs } : inputs;
  }
}

interface Recorder {
  readonly names: WeakMap<pulumi.Resource, string>;
  readonly declared: Map<string, Omit<DeclaredResource, "inputs">>;
  readonly inputs: Map<string, Record<string, unknown>>;
}

let current: Recorder | undefined;

const key = (type: string, name: string): string => `${type}::${name}`;

/**
 * Runs `program` under mocks with the given config (keys without the project
 * prefix) and returns what it declared. `program` typically requires the
 * program's entry module; it must be freshly loaded for each run.
 */
export async function runUnderMocks(
  program: () => unknown,
  config: Readonly<Record<string, string>>,
  stack: string,
  stackOutputs: StackOutputs = {},
): Promise<MockRun> {
  const recorder: Recorder = { names: new WeakMap(), declared: new Map(), inputs: new Map() };
  current = recorder;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        if (current === recorder) {
          recorder.inputs.set(key(args.type, args.name), inputs);
        }
        return { id: `${args.name}-id`, state: computedState(args.type, args.name, inputs, stackOutputs) };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    projectName,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${projectName}:${k}`, v])),
  );
  // What the program returned, before the stack resolves it to plain values (and drops secretness).
  let returnedOutputs: unknown;
  let outputs: Record<string, unknown>;
  try {
    outputs =
      (await pulumi.runtime.runInPulumiStack(() => {
        pulumi.runtime.registerStackTransformation((args) => {
          recorder.names.set(args.resource, args.name);
          const parent = args.opts.parent === undefined ? undefined : recorder.names.get(args.opts.parent);
          recorder.declared.set(key(args.type, args.name), {
            type: args.type,
            name: args.name,
            parent: parent ?? null,
            custom: args.resource instanceof pulumi.CustomResource,
            protect: args.opts.protect === true,
            retainOnDelete: args.opts.retainOnDelete === true,
            deleteBeforeReplace: (args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace === true,
            aliases: [...(args.opts.aliases ?? [])],
          });
          return undefined;
        });
        // As the engine does: an exported function is called and its result awaited.
        const exported = program();
        return Promise.resolve(exported instanceof Function ? (exported as () => unknown)() : exported).then(
          (returned) => {
            returnedOutputs = returned;
            return returned as Record<string, unknown> | undefined;
          },
        );
      })) ?? {};
  } catch (err) {
    current = undefined;
    await ignoreEchoesOf(err);
    throw new MockRunError(err, recorder.declared.size);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  current = undefined;
  const registered = componentOutputs();
  const resources = [...recorder.declared.entries()]
    .map(([k, decl]) => ({
      ...decl,
      inputs: maskSecrets(recorder.inputs.get(k) ?? {}) as Record<string, unknown>,
      ...(decl.custom ? {} : { registeredOutputs: maskSecrets(registered.get(k) ?? {}) as Record<string, unknown> }),
    }))
    .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type)));
  const secret = await secretOutputNames(returnedOutputs);
  const recorded = Object.fromEntries(
    Object.entries(outputs).map(([name, value]) => [name, secret.has(name) ? secretPlaceholder : value]),
  );
  return { resources, outputs: maskSecrets(recorded) as Record<string, unknown> };
}

/** The mock monitor's record of one resource: its state is what the resource registered last. */
interface MonitorRecord {
  readonly urn: string;
  readonly state: unknown;
}

/**
 * What each component registered as its outputs, by type and name, from the SDK's mock monitor
 * (which keeps every registration, and a `registerOutputs` call's Struct as the state).
 */
function componentOutputs(): Map<string, Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor: () => unknown };
  const monitor = settings.getMonitor() as { getRegisteredResources?: () => Map<string, MonitorRecord> };
  const outputs = new Map<string, Record<string, unknown>>();
  for (const { urn, state } of monitor.getRegisteredResources?.().values() ?? []) {
    if (typeof (state as { toJavaScript?: unknown } | null)?.toJavaScript !== "function") {
      continue;
    }
    const name = urn.split("::").pop() ?? urn;
    // As the wire carries them, not deserialized: that would rebuild the resources an output
    // refers to, and each rebuilt resource would go through the recording transformation again.
    outputs.set(key(typeOfUrn(urn), name), (state as { toJavaScript: () => Record<string, unknown> }).toJavaScript());
  }
  return outputs;
}

/**
 * The SDK rejects a second promise with the program's error (the stack's
 * output data), which nobody awaits under mocks: swallow exactly that echo.
 */
async function ignoreEchoesOf(error: unknown): Promise<void> {
  const onUnhandled = (reason: unknown): void => {
    if (reason !== error) {
      throw reason;
    }
  };
  process.on("unhandledRejection", onUnhandled);
  await new Promise((resolve) => setTimeout(resolve, 10));
  process.removeListener("unhandledRejection", onUnhandled);
}

/**
 * The stack outputs the program made secret, which the engine records as secrets and the resolved
 * outputs no longer show. Only a plain object of outputs is read (a test's program may return a
 * component, whose fields are not outputs of a stack).
 */
async function secretOutputNames(returned: unknown): Promise<Set<string>> {
  if (typeof returned !== "object" || returned === null || Object.getPrototypeOf(returned) !== Object.prototype) {
    return new Set();
  }
  const names = await Promise.all(
    Object.entries(returned).map(async ([name, value]) =>
      pulumi.Output.isInstance(value) && (await pulumi.isSecret(value)) ? name : undefined,
    ),
  );
  return new Set(names.filter((name): name is string => name !== undefined));
}

/** Loads the program's entry module afresh, so each run declares everything again. */
export function freshProgram(entry: string): () => unknown {
  return () => {
    for (const cached of Object.keys(require.cache)) {
      if (!cached.includes("node_modules")) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the module cache is keyed by path
        delete require.cache[cached];
      }
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(entry) as unknown;
  };
}
