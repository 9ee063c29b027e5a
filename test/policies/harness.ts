/**
 * Runs CrossGuard policies offline on what the program declares under the
 * mock engine: the compliant fixture is the real prod synth, and each test
 * changes one field of it.
 */
import {
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

import { DeclaredResource, MockRun } from "../../tools/mockEngine";

export type PolicyConfig = Record<string, unknown>;

function urnOf(r: Pick<DeclaredResource, "type" | "name">): string {
  return `urn:pulumi:prod::kg-rca-server::${r.type}::${r.name}`;
}

/**
 * The declared resources as the policy engine presents them to a stack policy: with their
 * outputs, which are a custom resource's inputs once created and what a component registered.
 */
export function policyResources(resources: readonly DeclaredResource[]): PolicyResource[] {
  const byName = new Map<string, PolicyResource>();
  const converted = resources.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: urnOf(r),
      props: r.custom ? r.inputs : (r.registeredOutputs ?? {}),
      opts: {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
      },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    } as unknown as PolicyResource;
    byName.set(r.name, resource);
    return { resource, parent: r.parent };
  });
  for (const { resource, parent } of converted) {
    (resource as { parent?: PolicyResource }).parent = parent === null ? undefined : byName.get(parent);
  }
  return converted.map((c) => c.resource);
}

/** A config accessor returning the test's settings, typed as CrossGuard's. */
function configAccessor(config: PolicyConfig) {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- CrossGuard's signature
  return <T extends object>(): T => config as T;
}

function argsFor(resource: PolicyResource, config: PolicyConfig) {
  return {
    ...resource,
    stackTags: new Map<string, string>(),
    getConfig: configAccessor(config),
    notApplicable: (): never => {
      throw new Error("not applicable");
    },
  };
}

/** Violations a resource policy reports over every declared resource. */
export async function resourceViolations(
  policy: ResourceValidationPolicy,
  resources: readonly DeclaredResource[],
  config: PolicyConfig = {},
): Promise<string[]> {
  const violations: string[] = [];
  const declared = policy.validateResource;
  const validators: ResourceValidation[] =
    declared === undefined ? [] : Array.isArray(declared) ? declared : [declared];
  for (const resource of policyResources(resources)) {
    for (const validate of validators) {
      await validate(argsFor(resource, config) as unknown as ResourceValidationArgs, (message: string) =>
        violations.push(message),
      );
    }
  }
  return violations;
}

export async function stackViolations(
  policy: StackValidationPolicy,
  resources: readonly DeclaredResource[],
  config: PolicyConfig = {},
): Promise<string[]> {
  const violations: string[] = [];
  await policy.validateStack(
    {
      resources: policyResources(resources),
      stackTags: new Map(),
      getConfig: configAccessor(config),
      notApplicable: (): never => {
        throw new Error("not applicable");
      },
    },
    (message: string) => violations.push(message),
  );
  return violations;
}

/** What a test may change of a declared resource. */
interface Changeable {
  name: string;
  inputs: Record<string, unknown>;
  registeredOutputs: Record<string, unknown>;
  protect: boolean;
}

/** A deep copy of the run's resources (or of a changed copy) with one resource's name, inputs or options changed. */
export function withChange(
  source: MockRun | readonly DeclaredResource[],
  type: string,
  name: string,
  change: (resource: Changeable) => void,
): DeclaredResource[] {
  const resources = "resources" in source ? source.resources : source;
  const copy = JSON.parse(JSON.stringify(resources)) as DeclaredResource[];
  const target = copy.find((r) => r.type === type && r.name === name);
  if (target === undefined) {
    throw new Error(`fixture has no ${type} named ${name}`);
  }
  change(target as Changeable);
  return copy;
}

export function without(run: MockRun, type: string, name: string): DeclaredResource[] {
  return run.resources.filter((r) => !(r.type === type && r.name === name));
}
