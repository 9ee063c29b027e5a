/**
 * What a change did, read from git: the files it touched, and for the registry, the plans and the
 * stack config, what each tree's own code makes of them. A client is touched when its entry or
 * what its plan implies differs (clients:diff's snapshots, each tree evaluated with its own code),
 * so a plan definition change touches exactly the clients on that plan.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ClientEntry } from "../clients/types";
import { stackConfigFromFile } from "../config/configFiles";
import { extractCommit, resolveCommit, snapshotTree } from "../scripts/clientsDiff/trees";
import { RegistrySnapshot } from "../scripts/clientsDiff/snapshotTypes";
import { programModules } from "../tools/programBuild";
import { Change } from "./touchedStacks";

/**
 * What a changed file means for the stacks; undefined for files no stack runs (tests, docs,
 * scripts). `programFiles` (what the program reaches, tools/programBuild.ts) catches a module
 * outside the folders named here that the program imports all the same (ops/capacity.ts).
 */
export function classifyFile(
  file: string,
  programFiles: ReadonlySet<string> = new Set(),
): Change | "registry" | "config" | undefined {
  if (/^Pulumi(\.[^/]+)?\.yaml$/.test(file)) {
    return "config";
  }
  if (file.startsWith("clients/registries/") || file === "clients/plans.ts") {
    return "registry";
  }
  if (
    file.startsWith("components/tenants/") ||
    file.startsWith("clients/") ||
    ["programs/clientTenants.ts", "programs/tenantStack.ts", "programs/tenantPlatform.ts"].includes(file)
  ) {
    return { kind: "tenantCode" };
  }
  if (
    file.startsWith("config/") ||
    file.startsWith("components/shared/") ||
    file.startsWith("policies/") ||
    ["index.ts", "programs/index.ts", "programs/prebuilt.ts", "tools/programBuild.ts"].includes(file) ||
    ["components/index.ts", "components/resourceKinds.ts"].includes(file) ||
    ["package.json", "package-lock.json", "tsconfig.json"].includes(file)
  ) {
    return { kind: "sharedCode" };
  }
  if (file.startsWith("components/") || file.startsWith("programs/")) {
    return { kind: "platformCode" };
  }
  return programFiles.has(file) ? { kind: "sharedCode" } : undefined;
}

/** Files that differ between `baseCommit` and the working tree, untracked ones included. */
export function changedFiles(repo: string, baseCommit: string): string[] {
  const git = (args: string[]): string[] => {
    const result = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`git ${args.join(" ")} failed: ${result.stderr.trim()}`);
    }
    return result.stdout.split("\n").filter((line) => line !== "");
  };
  return [
    ...new Set([...git(["diff", "--name-only", baseCommit]), ...git(["ls-files", "--others", "--exclude-standard"])]),
  ].sort();
}

/** Config keys (without the project prefix) whose value differs between two resolved stack configs. */
export function changedConfigKeys(
  base: Readonly<Record<string, string>>,
  head: Readonly<Record<string, string>>,
): string[] {
  const keys = new Set([...Object.keys(base), ...Object.keys(head)]);
  return [...keys].filter((key) => base[key] !== head[key]).sort();
}

/** Clients whose entry or derived tenant differs between two snapshots of one registry (added and removed too). */
export function changedClients(base: RegistrySnapshot | undefined, head: RegistrySnapshot | undefined): string[] {
  const ids = new Set([...(base?.entries ?? []).map((c) => c.id), ...(head?.entries ?? []).map((c) => c.id)]);
  const entry = (snapshot: RegistrySnapshot | undefined, id: string): string =>
    JSON.stringify({
      entry: snapshot?.entries.find((c) => c.id === id),
      tenant: snapshot?.tenants[id],
    });
  return [...ids].filter((id) => entry(base, id) !== entry(head, id)).sort();
}

/** Whether a snapshot derived every entry's tenant (it derives none when it cannot read the config). */
function derivesEveryTenant(snapshot: RegistrySnapshot | undefined): boolean {
  return snapshot !== undefined && snapshot.entries.every((entry) => entry.id in snapshot.tenants);
}

export interface ChangeSet {
  readonly baseCommit: string;
  readonly files: readonly string[];
  readonly changes: readonly Change[];
  readonly baseClients: readonly ClientEntry[];
  readonly headClients: readonly ClientEntry[];
}

/**
 * The changes between `baseRef` and the working tree for one environment: its registry's
 * touched clients, its resolved config keys that differ (stack file and Pulumi.yaml defaults),
 * and the code kinds its changed files fall in. `stackFile` is the environment's file in the
 * working tree (its copy elsewhere for the local stack); the base's is read from the ref.
 */
export async function changesSince(
  repo: string,
  baseRef: string,
  env: string,
  registry: string,
  stackFile: string,
): Promise<ChangeSet> {
  const baseCommit = resolveCommit(repo, baseRef);
  const files = changedFiles(repo, baseCommit);
  const changes: Change[] = [];
  const program = new Set(programModules(repo));
  const kinds = files.map((file) => classifyFile(file, program));
  for (const kind of kinds) {
    if (typeof kind === "object") {
      changes.push(kind);
    }
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-fleet-"));
  try {
    const baseTree = path.join(work, "base");
    extractCommit(repo, baseCommit, baseTree, fs.realpathSync(path.join(repo, "node_modules")));
    const baseStackFile = path.join(baseTree, `Pulumi.${env}.yaml`);
    const baseConfig = fs.existsSync(baseStackFile) ? stackConfigFromFile(baseTree, baseStackFile, "skip") : {};
    const headConfig = stackConfigFromFile(repo, stackFile, "skip");
    for (const key of changedConfigKeys(baseConfig, headConfig)) {
      changes.push({ kind: "config", key: key.replace(/^kg-rca-server:/, "") });
    }
    const [base, head] = await Promise.all([
      snapshotTree(baseTree, path.join(work, "base.json"), `${baseRef} (${baseCommit.slice(0, 12)})`),
      snapshotTree(repo, path.join(work, "head.json"), "the working tree"),
    ]);
    for (const clientId of changedClients(base.registries[registry], head.registries[registry])) {
      changes.push({ kind: "registry", clientId });
    }
    if (
      kinds.includes("registry") &&
      !(derivesEveryTenant(base.registries[registry]) && derivesEveryTenant(head.registries[registry]))
    ) {
      // What the plans imply for the clients could not be worked out on one side (an invalid
      // registry, a stack file that does not parse): a plan change would touch nobody, so every shard.
      changes.push({ kind: "tenantCode" });
    }
    return {
      baseCommit,
      files,
      changes,
      baseClients: base.registries[registry]?.entries ?? [],
      headClients: head.registries[registry]?.entries ?? [],
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
