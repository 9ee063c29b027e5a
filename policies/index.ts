import { PolicyPack } from "@pulumi/policy";

import { policyLevelFrom } from "./enforcementLevel";
import { guardrails } from "./guardrails";

// The pack's default level; each policy's can be set in a --policy-pack-config file.
const level = policyLevelFrom(process.env);

new PolicyPack("kg-rca-guardrails", { policies: guardrails(level) });
