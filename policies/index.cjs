// The policy pack's entry point (package.json "main"), in JavaScript so that no TypeScript loads
// before it has chosen how TypeScript is compiled.
//
// The SDK's policy-pack runner (@pulumi/pulumi cmd/run-policy-pack) registers ts-node with
// type-checking forced on, whatever PULUMI_NODEJS_TRANSPILE_ONLY says. Type-checking the pack
// parses the declarations of every package its policies import: about 8 s of CPU at each start
// of the analyzer, that is on every preview and update, against 1.5 s transpile-only. npm test
// type-checks the same sources, as it does the program, which the engine runs transpile-only.
// So this entry turns the runner's registration off (ts-node's public `enabled`) and registers
// ts-node transpile-only, with the project's tsconfig.json, before it loads the pack.
"use strict";

const tsNode = require("ts-node");

const forcedTypeCheck = process[tsNode.REGISTER_INSTANCE];
if (forcedTypeCheck !== undefined) {
  forcedTypeCheck.enabled(false);
}
tsNode.register({ transpileOnly: true, projectSearchDir: __dirname });

require("./policyPack.ts");
