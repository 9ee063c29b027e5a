import { EnforcementLevel, PolicyPack } from "@pulumi/policy";

import { guardrails } from "./guardrails";

// The pack's default level; each policy's can be set in a --policy-pack-config file.
const level = (process.env.KG_RCA_POLICY_LEVEL ?? "mandatory") as EnforcementLevel;

new PolicyPack("kg-rca-guardrails", { policies: guardrails(level) });
