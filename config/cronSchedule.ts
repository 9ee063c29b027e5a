/**
 * CronJob schedules as Kubernetes accepts them: five fields in the grammar of
 * robfig/cron's standard parser (which both the API server's validation and
 * the CronJob controller use), or one of the macros the Kubernetes CronJob
 * documentation lists. `TZ=`/`CRON_TZ=` prefixes are refused by the API
 * server; the time zone is its own setting (`backupTimeZone`).
 *
 * Pure: the config module refuses a bad schedule before anything is declared,
 * naming the field, the bad value and what the field takes.
 */

export interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names the field also takes (any case), in value order from `min`. */
  readonly names: readonly string[];
  /** What the field takes, for messages. */
  readonly takes: string;
}

const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** The five fields, in order. */
export const cronFields: readonly CronField[] = [
  { name: "minute", min: 0, max: 59, names: [], takes: "0-59" },
  { name: "hour", min: 0, max: 23, names: [], takes: "0-23" },
  { name: "day-of-month", min: 1, max: 31, names: [], takes: "1-31" },
  { name: "month", min: 1, max: 12, names: months, takes: "1-12 or JAN-DEC" },
  // Kubernetes' parser stops at 6: the "7 is Sunday" of some crons is refused by the API server.
  { name: "day-of-week", min: 0, max: 6, names: weekdays, takes: "0-6 or SUN-SAT (Sunday is 0)" },
];

/** The macros the Kubernetes CronJob documentation lists (`@every` is not among them). */
export const cronMacros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] as const;

const fieldSyntax = "a value, * or ?, a range a-b, a step */n or a-b/n, or a comma-separated list of these";

/**
 * Every problem of a schedule, one sentence each (empty when Kubernetes would
 * accept it). Each names the field, its bad value and what the field takes.
 */
export function cronScheduleProblems(schedule: string): string[] {
  const trimmed = schedule.trim();
  if ((cronMacros as readonly string[]).includes(trimmed)) {
    return [];
  }
  const words = trimmed.split(/\s+/);
  if (trimmed.startsWith("@") || words.length !== cronFields.length) {
    return [
      `must be a five-field cron schedule such as "0 2 * * *" (minute hour day-of-month month day-of-week) or one of ${cronMacros.join(", ")}; got "${schedule}"`,
    ];
  }
  return cronFields.flatMap((field, index) => {
    const value = words[index] ?? "";
    const problem = fieldProblem(value, field);
    return problem === undefined
      ? []
      : [
          `the ${field.name} field is "${value}": ${problem}. The ${field.name} takes ${field.takes}, as ${fieldSyntax}; got "${schedule}"`,
        ];
  });
}

function fieldProblem(value: string, field: CronField): string | undefined {
  for (const item of value.split(",")) {
    const problem = itemProblem(item, field);
    if (problem !== undefined) {
      return problem;
    }
  }
  return undefined;
}

/** One list item: `*`, `?`, a value or a range, each with an optional step. */
function itemProblem(item: string, field: CronField): string | undefined {
  if (item === "") {
    return "a list item is empty";
  }
  const [base = "", step, ...extra] = item.split("/");
  if (extra.length > 0) {
    return `"${item}" has more than one step`;
  }
  if (step !== undefined && !/^[0-9]*[1-9][0-9]*$/.test(step)) {
    return `"${item}" has the step "${step}", and a step is a whole number from 1`;
  }
  if (base === "*" || base === "?") {
    return undefined;
  }
  const ends = base.split("-");
  if (ends.length > 2) {
    return `"${base}" is not a range a-b`;
  }
  const values: number[] = [];
  for (const end of ends) {
    const parsed = fieldValue(end, field);
    if (parsed === undefined) {
      return `"${end}" is not a ${field.names.length > 0 ? "number or name" : "number"}`;
    }
    if (parsed < field.min || parsed > field.max) {
      return `${end} is outside ${field.min}-${field.max}`;
    }
    values.push(parsed);
  }
  const [start = 0, last = start] = values;
  if (start > last) {
    return `the range "${base}" runs backwards (${start} is after ${last})`;
  }
  return undefined;
}

function fieldValue(text: string, field: CronField): number | undefined {
  const named = field.names.indexOf(text.toLowerCase());
  if (named >= 0) {
    return field.min + named;
  }
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
