import { Policies } from "@pulumi/policy";

import { policyLevelFrom } from "./enforcementLevel";
import { guardrails } from "./guardrails";

/** The pack's policies at the default level the environment sets; each policy's can be set in a --policy-pack-config file. */
export function packPolicies(env: Readonly<Record<string, string | undefined>>): Policies {
  return guardrails(policyLevelFrom(env));
}
