/**
 * npm run build
 *
 * Transpiles the program once into bin/<digest>/ (tools/programBuild.ts), so the engine starts it
 * without compiling it; index.ts takes that build while it matches the sources, and compiles
 * them itself otherwise. The fleet and the local stacks build before they run the engine.
 */
import * as path from "path";

import { buildProgram } from "../tools/programBuild";

const projectDir = path.resolve(__dirname, "..");
try {
  const { dir, built } = buildProgram(projectDir);
  console.log(`${built ? "built" : "up to date"}: ${path.relative(projectDir, dir)}`);
} catch (error) {
  console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
