/**
 * Child process of clientsDiff: `node -r ts-node/register/transpile-only snapshot.ts TREE OUT.json`.
 *
 * Loads the client registries of one tree (the working tree, or a git ref
 * extracted to a directory) with that tree's own code, validates them, derives
 * every client's tenant plan with the tree's `tenantPlan` and `plans`, and
 * writes the result as JSON. A child per tree, so that two versions of the same
 * modules never share a process.
 */
import * as fs from "fs";
import * as path from "path";

import type * as ClientsModule from "../../clients";
import type * as TenantPlanModule from "../../components/tenants/tenantPlan";
import type * as GraphBuilderModule from "../../components/workloads/graphBuilder";
import type * as ConfigFilesModule from "../../config/configFiles";
import type * as StackConfigModule from "../../config/stackConfig";
import type { StackConfig } from "../../config/types";
import type { RegistrySnapshot, TenantSnapshot, TreeSnapshot } from "./snapshotTypes";

/** Requires a module of the tree and checks that it has the exports this script reads. */
function load<T extends object>(tree: string, module: string, exports: readonly (keyof T & string)[]): T {
  const file = path.join(tree, module);
  if (!fs.existsSync(`${file}.ts`) && !fs.existsSync(path.join(file, "index.ts"))) {
    throw new Error(`${module} is missing: this tree predates the client registry`);
  }
  let loaded: T;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as T;
  } catch (err) {
    throw new Error(`cannot load ${module}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const missing = exports.filter((name) => !(name in loaded));
  if (missing.length > 0) {
    throw new Error(`${module} has no export ${missing.join(", ")}: this tree predates what clients:diff reads`);
  }
  return loaded;
}

interface StackSettings {
  readonly stack: string;
  readonly config: StackConfig;
}

function configString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Each stack's parsed config, and Pulumi.yaml's defaults for registries no stack serves. */
function stackSettings(
  tree: string,
  warnings: string[],
): { stacks: StackSettings[]; defaults: () => StackConfig | undefined } {
  const files = load<typeof ConfigFilesModule>(tree, "config/configFiles", [
    "declaredConfigKeys",
    "rawConfigOf",
    "stackConfigFromFiles",
  ]);
  const { parseStackConfig } = load<typeof StackConfigModule>(tree, "config/stackConfig", ["parseStackConfig"]);
  const defaults: Record<string, string> = {};
  for (const [key, decl] of files.declaredConfigKeys(tree)) {
    if (decl.default !== undefined) {
      defaults[key] = configString(decl.default);
    }
  }
  const stacks: StackSettings[] = [];
  const stackFiles = fs
    .readdirSync(tree)
    .map((file) => ({ file, stack: /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1] }))
    .filter((found): found is { file: string; stack: string } => found.stack !== undefined)
    .sort((a, b) => a.stack.localeCompare(b.stack));
  // A deployed stack's file holds encrypted values (its secrets): nothing read here needs them,
  // and refusing the file would leave its registry without tenants, so no plan change would show.
  // Trees older than stackConfigFromFile read the file whole.
  const skippingEncrypted = (files as Partial<typeof ConfigFilesModule>).stackConfigFromFile;
  const readStackConfig = (file: string, stack: string): Record<string, string> =>
    skippingEncrypted === undefined
      ? files.stackConfigFromFiles(tree, stack)
      : skippingEncrypted(tree, path.join(tree, file), "skip");
  for (const { file, stack } of stackFiles) {
    try {
      const raw = files.rawConfigOf(readStackConfig(file, stack));
      stacks.push({ stack, config: parseStackConfig(raw, `stack ${stack}`).config });
    } catch (err) {
      warnings.push(`Pulumi.${stack}.yaml: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  // Pulumi.yaml's defaults alone need not be a deployable stack (prod requires an issuer, addresses…).
  const fromDefaults = (): StackConfig | undefined => {
    try {
      return parseStackConfig(files.rawConfigOf(defaults), "Pulumi.yaml defaults").config;
    } catch (err) {
      warnings.push(`Pulumi.yaml defaults: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  return { stacks, defaults: fromDefaults };
}

function snapshot(tree: string): TreeSnapshot {
  const clients = load<typeof ClientsModule>(tree, "clients", [
    "registries",
    "registryProblems",
    "registrySource",
    "planOf",
  ]);
  const { tenantPlan } = load<typeof TenantPlanModule>(tree, "components/tenants/tenantPlan", ["tenantPlan"]);
  const { graphBuilderPrincipal } = load<typeof GraphBuilderModule>(tree, "components/workloads/graphBuilder", [
    "graphBuilderPrincipal",
  ]);
  const warnings: string[] = [];
  const { stacks, defaults } = stackSettings(tree, warnings);
  const registries: Record<string, RegistrySnapshot> = {};
  for (const [name, entries] of Object.entries(clients.registries)) {
    const source = clients.registrySource(name);
    const serving = stacks.filter((s) => s.config.tenants.registry === name);
    const config = serving[0]?.config ?? defaults();
    const problems = clients.registryProblems(entries, source);
    const tenants: Record<string, TenantSnapshot> = {};
    if (problems.length === 0 && config !== undefined) {
      const kafka = {
        replicationFactor: config.kafka.settings.defaultReplicationFactor,
        minInsyncReplicas: config.kafka.settings.minInsyncReplicas,
        graphBuilderPrincipal,
      };
      for (const entry of entries) {
        tenants[entry.id] = {
          plan: tenantPlan(entry, kafka),
          apiRateLimitPerMinute: clients.planOf(entry.plan).apiRateLimitPerMinute,
        };
      }
    }
    registries[name] = {
      source,
      problems,
      entries: Array.isArray(entries) ? entries : [],
      stacks: serving.map((s) => s.stack),
      tenantDatabases: config?.tenants.databases ?? false,
      tenants,
    };
  }
  return { registries, warnings };
}

function main(): number {
  const [tree, out] = process.argv.slice(2);
  if (tree === undefined || out === undefined) {
    console.error("usage: snapshot.ts TREE OUT.json");
    return 2;
  }
  try {
    fs.writeFileSync(out, JSON.stringify(snapshot(path.resolve(tree))));
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

process.exitCode = main();
