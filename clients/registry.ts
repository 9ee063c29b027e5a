import * as fs from "fs";
import * as path from "path";

import { localClients } from "./registries/local";
import { prodClients } from "./registries/prod";
import { ClientEntry } from "./types";
import { plans } from "./plans";
import { validatePlans } from "./planValidation";
import { validateRegistry } from "./validation";
import { projectRoot } from "../config/projectRoot";

/** The registries in code, by the name a stack's `clientRegistry` config gives. */
export const registries: Readonly<Record<string, readonly ClientEntry[]>> = {
  prod: prodClients,
  local: localClients,
};

const projectDir = projectRoot(__dirname);

/** Where a registry reference is read from, for error messages. */
export function registrySource(ref: string): string {
  return ref.startsWith("file:") ? ref.slice("file:".length) : `clients/registries/${ref}.ts`;
}

/**
 * Loads and validates a registry: a name from `registries`, or `file:PATH`
 * for a JSON array of entries with the same fields (relative to the project).
 */
export function loadRegistry(ref: string): readonly ClientEntry[] {
  // A registry means nothing without sound plans: every entry's topics take their limits from them.
  validatePlans(plans, "clients/plans.ts");
  const source = registrySource(ref);
  if (ref.startsWith("file:")) {
    const file = path.resolve(projectDir, source);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(
        `${source}: cannot read a JSON array of clients: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return validateRegistry(parsed, source);
  }
  const entries = registries[ref];
  if (entries === undefined) {
    throw new Error(
      `client registry "${ref}" is unknown; known: ${Object.keys(registries).join(", ")}, or file:PATH.json`,
    );
  }
  return validateRegistry(entries, source);
}
