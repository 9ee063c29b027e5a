/**
 * npm run clients:check -- [--registry NAME] [--json FILE]
 *
 * Validates a client registry (by default every registry in code) or a JSON
 * array of client entries, prints every problem, exits 1 if there is any
 * (2 on an unknown option or one without its value).
 */
import * as fs from "fs";

import { registries, registryProblems, registrySource } from "../clients";
import { commandLineOrExit } from "./commandLine";

const usage = "usage: npm run clients:check -- [--registry NAME] [--json FILE]";

function main(): number {
  const { values: args } = commandLineOrExit(usage, {
    options: { json: { type: "string" }, registry: { type: "string" } },
  });
  const checks: { source: string; entries: unknown }[] = [];
  if (args.json !== undefined) {
    let entries: unknown;
    try {
      entries = JSON.parse(fs.readFileSync(args.json, "utf8"));
    } catch (err) {
      console.error(`${args.json}: not a readable JSON file: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
    checks.push({ source: args.json, entries });
  } else {
    const names = args.registry === undefined ? Object.keys(registries) : [args.registry];
    for (const name of names) {
      if (!(name in registries)) {
        console.error(`registry "${name}" is unknown; known: ${Object.keys(registries).join(", ")}`);
        return 1;
      }
      checks.push({ source: registrySource(name), entries: registries[name] });
    }
  }
  let problems = 0;
  for (const check of checks) {
    const found = registryProblems(check.entries, check.source);
    problems += found.length;
    const count = Array.isArray(check.entries) ? check.entries.length : 0;
    console.log(found.length === 0 ? `ok: ${check.source}: ${count} client(s)` : found.join("\n"));
  }
  if (problems > 0) {
    console.log(`${problems} problem(s)`);
  }
  return problems > 0 ? 1 : 0;
}

process.exitCode = main();
