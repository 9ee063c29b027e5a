import { EnforcementLevel } from "@pulumi/policy";

/** The environment variable that sets the pack's default enforcement level. */
export const policyLevelVariable = "KG_RCA_POLICY_LEVEL";

/** Every level the policy SDK accepts; the type below fails to compile if the SDK adds or drops one. */
export const enforcementLevels = ["advisory", "mandatory", "remediate", "disabled"] as const;

type Listed = (typeof enforcementLevels)[number];
// Both directions: a listed name the SDK lacks, or an SDK level missing from the list, is a type error.
const sameAsSdk: [Exclude<EnforcementLevel, Listed>, Exclude<Listed, EnforcementLevel>] extends [never, never]
  ? true
  : never = true;
void sameAsSdk;

/**
 * The pack's default level from the environment: unset means "mandatory";
 * anything but a level the SDK accepts is refused, naming the variable and
 * the valid values, before a single policy runs.
 */
export function policyLevelFrom(env: Readonly<Record<string, string | undefined>>): EnforcementLevel {
  const value = env[policyLevelVariable];
  if (value === undefined) {
    return "mandatory";
  }
  const level = enforcementLevels.find((l) => l === value);
  if (level === undefined) {
    throw new Error(
      `${policyLevelVariable} must be one of ${enforcementLevels.map((l) => `"${l}"`).join(", ")} (or unset for "mandatory"); got "${value}"`,
    );
  }
  return level;
}
