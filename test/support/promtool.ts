/**
 * The real `promtool` from Debian's prometheus package, for tests that check
 * generated alert rules the way Prometheus itself would load and evaluate them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface PromtoolResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Path of promtool on PATH; a missing binary is an unprepared machine, not a reason to skip. */
export function promtoolPath(): string {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
  const found = dirs.map((d) => path.join(d, "promtool")).find((file) => isExecutable(file));
  if (found === undefined) {
    throw new Error("promtool not found on PATH: run scripts/setup.sh (Debian package prometheus)");
  }
  return found;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function promtool(args: readonly string[], cwd: string): PromtoolResult {
  const result = spawnSync(promtoolPath(), args, { cwd, encoding: "utf8", timeout: 60000 });
  if (result.error !== undefined) {
    throw new Error(`promtool ${args.join(" ")} could not run: ${result.error.message}`);
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
