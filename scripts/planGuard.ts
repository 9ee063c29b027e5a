/**
 * npm run plan:guard -- PREVIEW_JSON [--registry NAME] [--allow URN,URN]
 *
 * Reads the output of `pulumi preview --json` and fails, listing them, on any
 * delete or replace of a stateful resource that the client registry does not
 * explain by an offboarding. `--allow` names URNs a reviewer accepted.
 */
import * as fs from "fs";

import { loadRegistry } from "../clients";
import { guardPlan, PreviewDocument } from "./planGuard/guardPlan";
import { commandLineOrExit } from "./commandLine";

const usage = "usage: npm run plan:guard -- PREVIEW_JSON [--registry NAME] [--allow URN,URN]";

function main(): number {
  const { values: args, positionals } = commandLineOrExit(usage, {
    options: { registry: { type: "string" }, allow: { type: "string" } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (file === undefined) {
    console.error(usage);
    return 2;
  }
  let preview: PreviewDocument;
  try {
    preview = JSON.parse(fs.readFileSync(file, "utf8")) as PreviewDocument;
  } catch (err) {
    console.error(
      `${file}: not the JSON output of pulumi preview --json: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 2;
  }
  const clients = loadRegistry(args.registry ?? "prod");
  const allowed = (args.allow ?? "").split(",").filter((u) => u !== "");
  const result = guardPlan(preview, clients, allowed);
  for (const line of result.explained) {
    console.log(`ok: ${line}`);
  }
  if (result.refused.length > 0) {
    console.log(
      `plan:guard: ${result.refused.length} refusal(s): a failed preview, or destructive changes to stateful resources not explained by an offboarding:`,
    );
    for (const line of result.refused) {
      console.log(`  - ${line}`);
    }
    return 1;
  }
  console.log(`plan:guard: ${result.checked} step(s) checked, no unexplained delete or replace of stateful data`);
  return 0;
}

process.exitCode = main();
