/** What every day-2 command reports: one line per check or figure, each ok, warning or error. */

export const statuses = ["ok", "warning", "error"] as const;
export type Status = (typeof statuses)[number];

export interface Finding {
  readonly status: Status;
  /** The measured figure as an operator reads it, e.g. "4/5 brokers". */
  readonly figure: string;
  /** Why the status is what it is: the threshold compared with, or what failed. */
  readonly reason: string;
}

export interface NamedFinding extends Finding {
  readonly name: string;
}

export function ok(figure: string, reason: string): Finding {
  return { status: "ok", figure, reason };
}

export function warning(figure: string, reason: string): Finding {
  return { status: "warning", figure, reason };
}

export function error(figure: string, reason: string): Finding {
  return { status: "error", figure, reason };
}

/** The worst of several statuses; ok when there are none. */
export function worstStatus(found: readonly Status[]): Status {
  return found.reduce<Status>((worst, s) => (statuses.indexOf(s) > statuses.indexOf(worst) ? s : worst), "ok");
}

/** 0 when everything is ok, 1 with a warning, 2 with an error: scripts and cron can branch on it. */
export function exitCodeOf(status: Status): 0 | 1 | 2 {
  return statuses.indexOf(status) as 0 | 1 | 2;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
