/**
 * A build of the program and the policy pack: their modules transpiled once into `bin/<digest>/`
 * (npm run build; the fleet and the local stacks make one before they run the engine), so neither
 * the engine's start nor the policy analyzer's need compile them again through ts-node. A build
 * lists the sources it holds; its digest covers them and the compiler that made them, so a build
 * is used only while it is exactly what they say. A new import changes the file that makes it,
 * so the list cannot miss a module either.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Besides the sources, what a build is made from: the compiler and its settings. */
const compilerInputs = ["tsconfig.json", "node_modules/typescript/package.json"] as const;

export const buildsFolder = "bin";
export const manifestName = "sources.json";

/** The digest of a build of `sources` (paths relative to the project) as they are now. */
export function buildDigest(projectDir: string, sources: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of [...compilerInputs, ...sources]) {
    // Names and contents, each ended by a NUL, so no two different sets of files hash alike.
    hash.update(`${file}\0`);
    try {
      hash.update(fs.readFileSync(path.join(projectDir, file)));
    } catch {
      hash.update("(missing)");
    }
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The sources a build holds, from its manifest; undefined when it has none (a build under way). */
function manifestOf(dir: string): string[] | undefined {
  try {
    const sources: unknown = JSON.parse(fs.readFileSync(path.join(dir, manifestName), "utf8"));
    return Array.isArray(sources) && sources.every((s) => typeof s === "string") ? sources : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a folder of `bin/` is named like a build (its digest), not a staging folder. */
export function isBuildName(name: string): boolean {
  return /^[0-9a-f]{16}$/.test(name);
}

/**
 * The folder of a build of the sources as they are now that holds every one of `sources`, when
 * there is one. KG_RCA_PROGRAM_BUILD=off ignores builds (bench:engine compares the two ways to
 * start).
 */
export function freshBuild(projectDir: string, sources: readonly string[]): string | undefined {
  if (process.env.KG_RCA_PROGRAM_BUILD === "off") {
    return undefined;
  }
  const builds = path.join(projectDir, buildsFolder);
  const names = fs.existsSync(builds) ? fs.readdirSync(builds).filter(isBuildName) : [];
  for (const name of names) {
    const held = manifestOf(path.join(builds, name));
    if (held !== undefined && sources.every((s) => held.includes(s)) && buildDigest(projectDir, held) === name) {
      return path.join(builds, name);
    }
  }
  return undefined;
}

/**
 * A module of the project (its path without extension, e.g. "programs/index"): from a build of
 * the sources as they are now when there is one, from `compile` (a require of the source, which
 * ts-node compiles) otherwise. A module chosen at run time can only be required.
 */
export function loadPrebuiltOr<T>(projectDir: string, module: string, compile: () => T): T {
  const dir = freshBuild(projectDir, [`${module}.ts`]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return dir === undefined ? compile() : (require(path.join(dir, `${module}.js`)) as T);
}
