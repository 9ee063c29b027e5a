import { OpsContext, HealthCheck } from "./context";
import { error, messageOf, NamedFinding } from "./findings";
import { Progress } from "./progress";
import { formatSeconds, withTimeout } from "./withTimeout";

export interface TimedFinding extends NamedFinding {
  readonly durationMs: number;
}

/** Runs one check under its own deadline; whatever goes wrong is that check's error, never the command's. */
async function runCheck(check: HealthCheck, context: OpsContext, progress: Progress): Promise<TimedFinding> {
  const started = Date.now();
  let finding;
  try {
    finding = await withTimeout(check.name, context.timeoutMs, (scope) => check.run(context, scope));
  } catch (err) {
    finding = error("n/a", messageOf(err));
  }
  const durationMs = Date.now() - started;
  progress(`health: ${check.name}: ${finding.status} (${formatSeconds(durationMs)})`);
  return { name: check.name, ...finding, durationMs };
}

/** Every check at once, each with its own deadline, reported in the guide's order. */
export async function runHealth(
  context: OpsContext,
  checks: readonly HealthCheck[],
  progress: Progress,
): Promise<TimedFinding[]> {
  progress(
    `health: stack ${context.stack}, ${checks.length} checks, ${formatSeconds(context.timeoutMs)} deadline each: ${checks.map((c) => c.name).join(", ")}`,
  );
  return Promise.all(checks.map((check) => runCheck(check, context, progress)));
}
