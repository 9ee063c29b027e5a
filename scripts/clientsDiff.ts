/**
 * npm run clients:diff -- BASE_REF [--registry NAME] [--out FILE] [--repo DIR]
 *
 * Compares the client registries at a git ref with the working tree and
 * prints a Markdown summary for the pull request: clients added, removed
 * (refused: entries stay as tombstones), plan changes, suspensions,
 * reactivations, offboarding steps and other edits, each with the resources it
 * implies (topics, ACLs, quota, Neo4j database, credentials, billing row), as
 * each tree's own `tenantPlan` and `plans` decide them. Needs no cloud access.
 *
 * The ref is read with `git archive` into a temporary directory: the working
 * tree, the index and the repository are left alone. `--repo` points at
 * another checkout (default: this project).
 *
 * Exit status: 0 when the diff was computed (changes or not, refused ones
 * included); 1 on errors: unknown ref, unreadable tree, a registry of the
 * working tree that fails validation; 2 on an unknown option or one without
 * its value.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { commandLineOrExit } from "./commandLine";
import { compareRegistry } from "./clientsDiff/compare";
import { DiffReport, renderFailure, renderMarkdown } from "./clientsDiff/markdown";
import { extractCommit, resolveCommit, snapshotTree } from "./clientsDiff/trees";

const projectDir = path.resolve(__dirname, "..");
const usage = "usage: npm run clients:diff -- BASE_REF [--registry NAME] [--out FILE] [--repo DIR]";

async function diff(
  repo: string,
  baseRef: string,
  registry: string | undefined,
): Promise<{ report: DiffReport; failed: boolean }> {
  const baseCommit = resolveCommit(repo, baseRef);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-clients-diff-"));
  try {
    const repoModules = path.join(repo, "node_modules");
    extractCommit(
      repo,
      baseCommit,
      path.join(work, "base"),
      fs.existsSync(repoModules) ? fs.realpathSync(repoModules) : path.join(projectDir, "node_modules"),
    );
    const [base, head] = await Promise.all([
      snapshotTree(path.join(work, "base"), path.join(work, "base.json"), `${baseRef} (${baseCommit.slice(0, 12)})`),
      snapshotTree(repo, path.join(work, "head.json"), "the working tree"),
    ]);
    const known = [...new Set([...Object.keys(head.registries), ...Object.keys(base.registries)])];
    if (registry !== undefined && !known.includes(registry)) {
      throw new Error(`registry "${registry}" is unknown; known: ${known.join(", ")}`);
    }
    const names = registry === undefined ? known : [registry];
    const registries = names.map((name) => compareRegistry(name, base.registries[name], head.registries[name]));
    const warnings = [
      ...head.warnings.map((w) => `working tree: ${w}`),
      ...base.warnings.map((w) => `${baseRef}: ${w}`),
    ];
    return {
      report: { baseRef, baseCommit, registries, warnings },
      failed: registries.some((r) => r.headProblems.length > 0),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values: args, positionals } = commandLineOrExit(usage, {
    options: { registry: { type: "string" }, out: { type: "string" }, repo: { type: "string" } },
    allowPositionals: true,
  });
  const [baseRef, ...extra] = positionals;
  if (baseRef === undefined || extra.length > 0) {
    throw new Error(`expected one BASE_REF, got ${positionals.length}; ${usage}`);
  }
  let result: Awaited<ReturnType<typeof diff>>;
  try {
    result = await diff(path.resolve(args.repo ?? projectDir), baseRef, args.registry);
  } catch (err) {
    // The pull request comment then says why there is no diff.
    if (args.out !== undefined) {
      fs.writeFileSync(args.out, renderFailure(baseRef, err instanceof Error ? err.message : String(err)));
    }
    throw err;
  }
  const { report, failed } = result;
  const markdown = renderMarkdown(report);
  process.stdout.write(markdown);
  if (args.out !== undefined) {
    fs.writeFileSync(args.out, markdown);
  }
  if (failed) {
    console.error("clients:diff: the working tree has an invalid client registry (problems above)");
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`clients:diff: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
