import { NamedFinding, worstStatus, Status } from "./findings";

/** Columns padded to their widest cell; the last column is left ragged. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** Findings as an operator reads them: status, name, figure and reason per line, then the overall status. */
export function renderFindings(title: string, findings: readonly NamedFinding[]): string {
  const table = renderTable(
    ["STATUS", "CHECK", "FIGURE", "REASON"],
    findings.map((f) => [f.status.toUpperCase(), f.name, f.figure, f.reason]),
  );
  return `${title}\n\n${table}\n\noverall: ${worstStatus(findings.map((f) => f.status))}\n`;
}

export interface FindingsDocument<F extends NamedFinding> {
  readonly stack: string;
  readonly status: Status;
  readonly checks: readonly F[];
}

export function findingsDocument<F extends NamedFinding>(stack: string, findings: readonly F[]): FindingsDocument<F> {
  return { stack, status: worstStatus(findings.map((f) => f.status)), checks: findings };
}

export function renderJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
