/**
 * Reading the client registries of a git ref without touching the working
 * tree, the index or the repository: `git archive` into a temporary directory
 * (with a link to node_modules), then a child process per tree (snapshot.ts).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import type { TreeSnapshot } from "./snapshotTypes";

function git(repo: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8" });
  if (result.error !== undefined) {
    throw new Error(`cannot run git: ${result.error.message}`);
  }
  return { status: result.status ?? 1, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** The commit a ref names, or an error that says how to make it available. */
export function resolveCommit(repo: string, ref: string): string {
  const top = git(repo, ["rev-parse", "--show-toplevel"]);
  if (top.status !== 0) {
    throw new Error(`${repo} is not a git repository: ${top.stderr}`);
  }
  const resolved = git(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (resolved.status !== 0 || resolved.stdout === "") {
    throw new Error(
      `unknown git ref "${ref}" in ${repo}: give a branch, tag or commit that exists locally (in CI, check out with fetch-depth: 0 so that origin/<base branch> is there)`,
    );
  }
  return resolved.stdout;
}

/** Extracts the files of a commit into dir (created), with node_modules linked to the working tree's. */
export function extractCommit(repo: string, commit: string, dir: string, nodeModules: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const tar = `${dir}.tar`;
  const archived = git(repo, ["archive", "--format=tar", "-o", tar, commit]);
  if (archived.status !== 0) {
    throw new Error(`git archive ${commit} failed: ${archived.stderr}`);
  }
  const extracted = spawnSync("tar", ["-xf", tar, "-C", dir], { encoding: "utf8" });
  fs.rmSync(tar, { force: true });
  if (extracted.status !== 0) {
    throw new Error(`cannot extract ${commit}: ${extracted.error?.message ?? extracted.stderr.trim()}`);
  }
  fs.symlinkSync(nodeModules, path.join(dir, "node_modules"), "dir");
}

/**
 * Runs snapshot.ts on a tree in its own process and returns what it found.
 * `label` names the tree in errors ("the working tree", "origin/main").
 */
export function snapshotTree(tree: string, out: string, label: string): Promise<TreeSnapshot> {
  const tsconfig = fs.existsSync(path.join(tree, "tsconfig.json"))
    ? path.join(tree, "tsconfig.json")
    : path.resolve(__dirname, "../../tsconfig.json");
  const child = spawn(
    process.execPath,
    ["-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "snapshot.ts"), tree, out],
    {
      cwd: tree,
      env: { ...process.env, TS_NODE_PROJECT: tsconfig, TS_NODE_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      if (status !== 0) {
        const detail = stderr.trim().split("\n").slice(-15).join("\n");
        reject(new Error(`cannot read the client registries of ${label}:\n${detail}`));
        return;
      }
      try {
        resolve(JSON.parse(fs.readFileSync(out, "utf8")) as TreeSnapshot);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
