import { ClientEntry } from "../clients/types";
import { StackConfig } from "../config/types";
import { Environment } from "./connections/variables";
import { Finding } from "./findings";
import { Scope } from "./withTimeout";

/** What every day-2 command works from: the stack's validated config, its registry and the environment. */
export interface OpsContext {
  readonly stack: string;
  readonly config: StackConfig;
  readonly clients: readonly ClientEntry[];
  readonly env: Environment;
  /** Deadline of each check or source, in milliseconds. */
  readonly timeoutMs: number;
}

/** One check of the morning health check: it measures, compares with the stack's thresholds and says why. */
export interface HealthCheck {
  readonly name: string;
  /** What the check measures, for progress lines and the README. */
  readonly measures: string;
  run(context: OpsContext, scope: Scope): Promise<Finding>;
}
