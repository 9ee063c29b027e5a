import { PolicyPack } from "@pulumi/policy";

import { projectRoot } from "../config/projectRoot";
import { loadPrebuiltOr } from "../programs/prebuilt";
import type * as pack from "./pack";

// A build of exactly these sources (npm run build) spares the analyzer compiling every policy on
// each preview and update (about 2 s); without one, ts-node compiles them here.
const { packPolicies } = loadPrebuiltOr(
  projectRoot(__dirname),
  "policies/pack",
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  () => require("./pack") as typeof pack,
);

new PolicyPack("kg-rca-guardrails", { policies: packPolicies(process.env) });
