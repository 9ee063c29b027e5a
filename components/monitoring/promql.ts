/**
 * PromQL syntax: quoting, label matchers and selectors. Names of metrics and
 * labels come from metricNames.ts; nothing here knows one.
 */

/** A PromQL string literal; PromQL string literals take the same escapes as JSON. */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

export type MatchOperator = "=" | "!=" | "=~" | "!~";

/** One label matcher, e.g. `label!="value"`. */
export function matcher(label: string, operator: MatchOperator, value: string): string {
  return `${label}${operator}${promqlString(value)}`;
}

/** `label="value"` */
export function labelIs(label: string, value: string): string {
  return matcher(label, "=", value);
}

/** A metric with its label matchers, e.g. `metric{a="1", b!=""}`; the bare metric without any. */
export function selector(metric: string, ...matchers: readonly string[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(", ")}}`;
}
