import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

import { RawConfig } from "./configReader";
import { projectName } from "./stackConfig";

/** A key declared in the `config:` block of Pulumi.yaml. */
export interface DeclaredKey {
  readonly type: "string" | "integer" | "boolean" | "array";
  readonly description: string;
  readonly default?: unknown;
  readonly secret?: boolean;
}

function readYaml(file: string): Record<string, unknown> {
  const parsed = yaml.load(fs.readFileSync(file, "utf8"));
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/** Strips this project's namespace from a config key; other namespaces (e.g. `kubernetes:`) are kept whole. */
function localKey(key: string): string {
  return key.startsWith(`${projectName}:`) ? key.slice(projectName.length + 1) : key;
}

/** The keys Pulumi.yaml declares, with their types, descriptions and defaults. */
export function declaredConfigKeys(projectDir: string): Map<string, DeclaredKey> {
  const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
  const block = (project.config ?? {}) as Record<string, DeclaredKey>;
  return new Map(Object.entries(block).map(([key, decl]) => [localKey(key), decl]));
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Pulumi.yaml's defaults, as the engine hands them to a stack that does not set them. */
export function projectDefaults(projectDir: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, decl] of declaredConfigKeys(projectDir)) {
    if (decl.default !== undefined) {
      values[key] = asConfigString(decl.default);
    }
  }
  return values;
}

/**
 * What the engine would hand the program for a stack, read from the files
 * alone: Pulumi.yaml's defaults overlaid with Pulumi.<stack>.yaml. Used where
 * no engine runs (synth, unit tests); encrypted values are not supported here.
 */
export function stackConfigFromFiles(projectDir: string, stack: string): Record<string, string> {
  const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) {
    throw new Error(`no stack file ${stackFile}: stacks are declared as Pulumi.<stack>.yaml next to Pulumi.yaml`);
  }
  return stackConfigFromFile(projectDir, stackFile, "refuse");
}

/**
 * Like stackConfigFromFiles, for a stack file anywhere (scripts/local.sh keeps its stack's copy
 * outside the repository). Encrypted values are refused, or left out where the caller needs none.
 */
export function stackConfigFromFile(
  projectDir: string,
  stackFile: string,
  encrypted: "refuse" | "skip",
): Record<string, string> {
  const values = projectDefaults(projectDir);
  const stackConfig = (readYaml(stackFile).config ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(stackConfig)) {
    if (typeof value === "object" && value !== null && "secure" in value) {
      if (encrypted === "skip") {
        continue;
      }
      throw new Error(`${stackFile}: ${key} is encrypted; offline tools read plain values only`);
    }
    values[localKey(key)] = asConfigString(value);
  }
  return values;
}

/** A RawConfig over a plain map, for tests and offline tools. */
export function rawConfigOf(values: Readonly<Record<string, string | undefined>>): RawConfig {
  return (key) => values[key];
}
