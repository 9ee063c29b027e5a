/**
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: series
 * sampled every `stepSeconds` from `fromSeconds` to `toSeconds` (epoch), one
 * family after the other as the format requires.
 */
export interface SeriesSpec {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Value at a sample, given seconds since the first sample. */
  readonly value: (elapsedSeconds: number) => number;
}

export function openMetricsText(
  series: readonly SeriesSpec[],
  fromSeconds: number,
  toSeconds: number,
  stepSeconds: number,
): string {
  const lines: string[] = [];
  const families = [...new Set(series.map((s) => s.metric))];
  for (const family of families) {
    for (const s of series.filter((x) => x.metric === family)) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",");
      for (let t = fromSeconds; t <= toSeconds; t += stepSeconds) {
        lines.push(`${s.metric}{${labels}} ${s.value(t - fromSeconds)} ${t}`);
      }
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}
