/** Renders a client registry diff as Markdown for a pull request comment. */
import { ChangeKind, changeKinds, ClientChange, RegistryDiff } from "./compare";

export interface DiffReport {
  /** The ref as given, e.g. origin/main. */
  readonly baseRef: string;
  readonly baseCommit: string;
  readonly registries: readonly RegistryDiff[];
  /** Notes about the trees themselves, e.g. a stack file that could not be read. */
  readonly warnings: readonly string[];
}

const countWords: Record<ChangeKind, (n: number) => string> = {
  added: (n) => `${n} added`,
  removed: (n) => `${n} removed`,
  plan: (n) => `${n} plan change${n === 1 ? "" : "s"}`,
  suspension: (n) => `${n} suspension${n === 1 ? "" : "s"}`,
  reactivation: (n) => `${n} reactivation${n === 1 ? "" : "s"}`,
  offboarding: (n) => `${n} offboarding started`,
  offboarded: (n) => `${n} offboarded`,
  status: (n) => `${n} other status change${n === 1 ? "" : "s"}`,
  edit: (n) => `${n} other edit${n === 1 ? "" : "s"}`,
  code: (n) => `${n} changed by code or config`,
};

function code(value: string): string {
  return `\`${value}\``;
}

function problems(count: number): string {
  return `${count} problem${count === 1 ? "" : "s"}`;
}

/** A table cell: no line breaks, no column separators. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

/** "1 added, 1 plan change — 1 refused", or why the registry was not compared. */
export function registrySummary(diff: RegistryDiff): string {
  if (diff.headProblems.length > 0) {
    return `invalid in the working tree (${problems(diff.headProblems.length)})`;
  }
  if (diff.baseProblems.length > 0) {
    return `invalid at the base (${problems(diff.baseProblems.length)}), not compared`;
  }
  const counts = changeKinds
    .map((kind) => ({ kind, n: diff.changes.filter((c) => c.kinds.includes(kind)).length }))
    .filter(({ n }) => n > 0)
    .map(({ kind, n }) => countWords[kind](n));
  if (counts.length === 0) {
    return "no changes";
  }
  const refused = diff.changes.filter((c) => c.refusals.length > 0).length;
  return counts.join(", ") + (refused > 0 ? ` — **${refused} refused**` : "");
}

function quoted(kind: "CAUTION" | "WARNING" | "NOTE", title: string, items: readonly string[]): string[] {
  return [`> [!${kind}]`, `> ${title}`, ...items.map((item) => `> - ${item}`), ""];
}

function changeSection(change: ClientChange): string[] {
  const items = change.resources.length > 0 ? change.resources : ["no resource changes"];
  return [`#### ${code(change.id)}: ${change.summary}`, "", ...items.map((item) => `- ${item}`), ""];
}

function registrySection(diff: RegistryDiff): string[] {
  const stacks =
    diff.stacks.length > 0
      ? `stack${diff.stacks.length === 1 ? "" : "s"} ${diff.stacks.map(code).join(", ")}`
      : "no stack file serves it";
  const lines = [`### ${code(diff.name)}`, "", `${diff.source} · ${stacks} · ${diff.clients} clients`, ""];
  for (const note of diff.notes) {
    lines.push(note, "");
  }
  if (diff.headProblems.length > 0) {
    lines.push(
      ...quoted(
        "WARNING",
        `**Invalid in the working tree** (${problems(diff.headProblems.length)}): a stack serving it stops before declaring any resource. Not compared.`,
        diff.headProblems,
      ),
    );
  }
  if (diff.baseProblems.length > 0) {
    lines.push(
      ...quoted(
        "NOTE",
        `**Invalid at the base** (${problems(diff.baseProblems.length)}), so not compared:`,
        diff.baseProblems,
      ),
    );
  }
  if (diff.changes.length === 0) {
    return lines;
  }
  lines.push(registrySummary(diff), "");
  const refusals = diff.changes.flatMap((c) => c.refusals);
  if (refusals.length > 0) {
    lines.push(...quoted("CAUTION", "**Refused**: these changes cannot be applied as they are.", refusals));
  }
  lines.push("| client | change |", "| --- | --- |");
  for (const change of diff.changes) {
    lines.push(`| ${code(change.id)} | ${cell(change.summary)} |`);
  }
  lines.push("");
  for (const change of diff.changes) {
    lines.push(...changeSection(change));
  }
  return lines;
}

/** Whether a registry gets a section: changes, problems or notes. */
function hasNews(diff: RegistryDiff): boolean {
  return diff.changes.length + diff.headProblems.length + diff.baseProblems.length + diff.notes.length > 0;
}

export function renderMarkdown(report: DiffReport): string {
  const lines = [
    "## Client registry changes",
    "",
    `Base ${code(report.baseRef)} (${code(report.baseCommit.slice(0, 12))}) → working tree.`,
    "",
  ];
  if (!report.registries.some(hasNews)) {
    lines.push(
      "No client changes.",
      "",
      `Compared: ${report.registries.map((r) => `${code(r.name)} (${r.clients} clients)`).join(", ")}.`,
      "",
    );
  } else {
    lines.push(report.registries.map((r) => `${code(r.name)}: ${registrySummary(r)}`).join("; "), "");
    for (const diff of report.registries.filter(hasNews)) {
      lines.push(...registrySection(diff));
    }
  }
  if (report.warnings.length > 0) {
    lines.push(
      ...quoted("WARNING", "Stack files that could not be read (Pulumi.yaml defaults used):", report.warnings),
    );
  }
  lines.push(
    "<sub>`npm run clients:diff`: derived from each tree's `tenantPlan` and `plans`; `pulumi preview` has the last word.</sub>",
  );
  return `${lines.join("\n")}\n`;
}

/** What the comment says when there is no diff to show. */
export function renderFailure(baseRef: string, message: string): string {
  return [
    "## Client registry changes",
    "",
    "> [!WARNING]",
    `> \`clients:diff\` against ${code(baseRef)} failed:`,
    ">",
    ...message.split("\n").map((line) => `>     ${line}`),
    "",
  ].join("\n");
}
