/**
 * npm run synth -- --stack NAME --out FILE [--set KEY=VALUE,KEY=VALUE]
 *
 * Runs the program under the SDK's mock engine with the stack's config files
 * and writes what it declares as JSON, secrets masked. Needs no Pulumi CLI,
 * cluster or credentials; exits 1 with the validation message on bad config,
 * 2 on an unknown option or one without its value.
 */
import * as fs from "fs";
import * as path from "path";

import { stackConfigFromFiles } from "../config/configFiles";
import { freshProgram, runUnderMocks } from "../tools/mockEngine";
import { commandLineOrExit, parseSetOverrides } from "./commandLine";

const projectDir = path.resolve(__dirname, "..");
const usage = "usage: npm run synth -- [--stack NAME] [--out FILE] [--set KEY=VALUE,KEY=VALUE]";

async function main(): Promise<void> {
  const { values: args } = commandLineOrExit(usage, {
    options: { stack: { type: "string" }, out: { type: "string" }, set: { type: "string" } },
  });
  const stack = args.stack ?? "prod";
  // --set shows what a config change would declare without editing the stack file.
  const config = { ...stackConfigFromFiles(projectDir, stack), ...parseSetOverrides(args.set ?? "") };
  const run = await runUnderMocks(freshProgram(path.join(projectDir, "index.ts")), config, stack);
  const document = {
    stack,
    resources: run.resources.map(({ type, name, parent, inputs }) => ({ type, name, parent, inputs })),
  };
  const json = `${JSON.stringify(document, null, 2)}\n`;
  if (args.out === undefined) {
    process.stdout.write(json);
  } else {
    fs.writeFileSync(args.out, json);
    console.error(`synth: ${document.resources.length} resources of stack ${stack} written to ${args.out}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
