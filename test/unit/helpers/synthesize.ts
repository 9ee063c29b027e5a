import * as path from "path";

import { stackConfigFromFiles } from "../../../config/configFiles";
import { exampleCaCertificate } from "../fixtures/exampleCa";
import { DeclaredResource, MockRun, freshProgram, runUnderMocks } from "../../../tools/mockEngine";

export const projectDir = path.resolve(__dirname, "../../..");

/**
 * Config of a stack as the engine would see it, with some keys overridden. The local stack gets a
 * CA certificate, as scripts/local.sh writes the machine's own into it before every update.
 */
export function stackConfig(stack: string, overrides: Record<string, string> = {}): Record<string, string> {
  const machineSpecific: Record<string, string> = stack === "local" ? { tlsCaCertificate: exampleCaCertificate } : {};
  return { ...stackConfigFromFiles(projectDir, stack), ...machineSpecific, ...overrides };
}

/** Runs code that declares components (with fixed args) under mocks, without any stack config. */
export function synthesizeComponents(declare: () => void): Promise<MockRun> {
  return runUnderMocks(declare, {}, "unit");
}

/** Runs the whole program under mocks for a stack, with config overrides. */
export function synthesize(stack = "prod", overrides: Record<string, string> = {}): Promise<MockRun> {
  return runUnderMocks(freshProgram(path.join(projectDir, "index.ts")), stackConfig(stack, overrides), stack);
}

export function find(run: MockRun, type: string, name: string): DeclaredResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (found === undefined) {
    const names = run.resources.filter((r) => r.type === type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; declared: ${names.join(", ") || "none"}`);
  }
  return found;
}

export function ofType(run: MockRun, type: string): DeclaredResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** Inputs as a loosely typed tree, for assertions on nested Kubernetes specs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tree = any;

export function inputsOf(run: MockRun, type: string, name: string): Tree {
  return find(run, type, name).inputs;
}

export function envOf(container: Tree): Record<string, unknown> {
  return Object.fromEntries(
    (container.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );
}

/** The program's type tokens, under the name the tests know them by. */
export { resourceTypes as types } from "../../../components/resourceKinds";
