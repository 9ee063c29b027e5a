import * as fs from "fs";
import * as path from "path";

/**
 * The enforcement level policies/config.<stack>.json gives a policy (its own
 * entry, else "all", else the pack's default, mandatory): the capacity
 * command reports what CI would refuse as an error and what it would only
 * advise as a warning.
 */
export function policyLevel(projectDir: string, stack: string, policy: string): string {
  const full = path.join(projectDir, "policies", `config.${stack}.json`);
  if (!fs.existsSync(full)) {
    return "mandatory";
  }
  const parsed = JSON.parse(fs.readFileSync(full, "utf8")) as Record<string, unknown>;
  const levelOf = (entry: unknown): string | undefined =>
    typeof entry === "string"
      ? entry
      : typeof entry === "object" && entry !== null
        ? ((entry as { enforcementLevel?: unknown }).enforcementLevel as string | undefined)
        : undefined;
  return levelOf(parsed[policy]) ?? levelOf(parsed.all) ?? "mandatory";
}
