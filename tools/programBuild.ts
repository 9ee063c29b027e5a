/**
 * Builds the program and the policy pack (programs/prebuilt.ts): every module programs/index.ts
 * and policies/pack.ts reach by relative imports, transpiled with the project's compiler settings
 * into bin/<digest>/. Type-checking is npm test's job, as it is for the engine's own
 * transpile-only runs. Builds that run at once (the suites start several stacks together) never
 * see each other's half-written files: each writes a folder of its own and renames it into place.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

import { buildDigest, buildsFolder, freshBuild, isBuildName, manifestName } from "../programs/prebuilt";

/** What index.ts and policies/policyPack.ts load from a build. */
const entries = ["programs/index.ts", "policies/pack.ts"] as const;
/** Older builds kept: a stack still running one of them keeps its files. */
const keptBuilds = 4;

function compilerOptions(projectDir: string): ts.CompilerOptions {
  const file = path.join(projectDir, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(
    file,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
      },
    },
  );
  if (parsed === undefined) {
    throw new Error(`${file}: cannot be read`);
  }
  // Source maps point a stack trace at the TypeScript line; paths only guide type-checking.
  return { ...parsed.options, sourceMap: false, inlineSourceMap: true, inlineSources: true, noEmit: false };
}

/** The module a relative import names: FILE.ts or FILE/index.ts, relative to the project. */
function resolveImport(projectDir: string, from: string, specifier: string): string {
  const base = path.join(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) {
    if (fs.existsSync(path.join(projectDir, candidate))) {
      return candidate;
    }
  }
  throw new Error(`${from}: imports ${specifier}, which is neither ${base}.ts nor ${base}/index.ts`);
}

/** Every source the entries reach through relative imports (packages come from node_modules). */
export function programModules(projectDir: string): string[] {
  const seen = new Set<string>();
  const pending: string[] = [...entries];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) {
      continue;
    }
    seen.add(file);
    const text = fs.readFileSync(path.join(projectDir, file), "utf8");
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (imported.fileName.startsWith(".")) {
        pending.push(resolveImport(projectDir, file, imported.fileName));
      }
    }
  }
  return [...seen].sort();
}

export interface ProgramBuild {
  readonly dir: string;
  /** False when a build of these sources was already there. */
  readonly built: boolean;
}

function prune(builds: string, current: string): void {
  const others = fs
    .readdirSync(builds)
    .filter((name) => name !== path.basename(current) && isBuildName(name))
    .map((name) => ({ name, time: fs.statSync(path.join(builds, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const old of others.slice(keptBuilds)) {
    fs.rmSync(path.join(builds, old.name), { recursive: true, force: true });
  }
}

/** Makes a build of the sources as they are, unless one exists; returns where it is. */
export function buildProgram(projectDir: string): ProgramBuild {
  const existing = freshBuild(projectDir, entries);
  if (existing !== undefined) {
    return { dir: existing, built: false };
  }
  const sources = programModules(projectDir);
  const builds = path.join(projectDir, buildsFolder);
  const dir = path.join(builds, buildDigest(projectDir, sources));
  const options = compilerOptions(projectDir);
  fs.mkdirSync(builds, { recursive: true });
  const staging = fs.mkdtempSync(path.join(builds, "staging-"));
  try {
    for (const source of sources) {
      const fileName = path.join(projectDir, source);
      const output = ts.transpileModule(fs.readFileSync(fileName, "utf8"), {
        compilerOptions: options,
        fileName,
        reportDiagnostics: true,
      });
      const problems = output.diagnostics ?? [];
      if (problems.length > 0) {
        const messages = problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        throw new Error(`${source}: cannot be transpiled: ${messages.join("; ")}`);
      }
      const target = path.join(staging, source.replace(/\.ts$/, ".js"));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, output.outputText);
    }
    // The manifest last: a folder without one is never taken for a build.
    fs.writeFileSync(path.join(staging, manifestName), JSON.stringify(sources, null, 2));
    try {
      fs.renameSync(staging, dir);
    } catch (error) {
      // Another build of the same sources got there first: theirs is as good.
      if (!fs.existsSync(path.join(dir, manifestName))) {
        throw error;
      }
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  prune(builds, dir);
  return { dir, built: true };
}
