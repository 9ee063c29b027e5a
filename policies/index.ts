import { PolicyPack } from "@pulumi/policy";

import { projectRoot } from "../config/projectRoot";
import { prebuiltModule } from "../programs/prebuilt";
import type * as pack from "./pack";

// A build of exactly these sources (npm run build) spares the analyzer compiling every policy on
// each preview and update (about 2 s); without one, ts-node compiles them here.
const prebuilt = prebuiltModule(projectRoot(__dirname), "policies/pack");
// A module chosen at run time can only be required; both have the type of ./pack.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { packPolicies } = (prebuilt === undefined ? require("./pack") : require(prebuilt)) as typeof pack;

new PolicyPack("kg-rca-guardrails", { policies: packPolicies(process.env) });
