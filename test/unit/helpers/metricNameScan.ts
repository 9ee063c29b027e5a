import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** A string the scan found where only the metrics module may spell it. */
export interface Spelling {
  readonly file: string;
  readonly line: number;
  readonly why: string;
  readonly text: string;
}

/** What in a string literal gives a metric or label name away. */
export interface NamePatterns {
  /** Metric names, by the prefixes of the metrics the module names (kg_, kube_, …). */
  readonly metric: RegExp;
  /** PromQL and Grafana shapes that hold a label name. */
  readonly shapes: readonly { readonly why: string; readonly pattern: RegExp }[];
}

export function namePatterns(metricNames: readonly string[]): NamePatterns {
  const prefixes = [...new Set(metricNames.map((name) => name.split("_")[0]))].sort();
  return {
    metric: new RegExp(`\\b(?:${prefixes.join("|")})_[a-z0-9_]*[a-z0-9]`),
    shapes: [
      { why: "label matcher", pattern: /[{,]\s*[a-zA-Z_]\w*\s*(?:=~|!~|!=|=)\s*"/ },
      { why: "grouping label", pattern: /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(\s*[a-zA-Z_]/ },
      { why: "annotation label", pattern: /\$labels\.[a-zA-Z_]/ },
      { why: "legend label", pattern: /\{\{\s*[a-zA-Z_]\w*\s*\}\}/ },
      { why: "label_values name", pattern: /label_values\(\s*[a-zA-Z_]/ },
    ],
  };
}

/** The PromQL builders, and which of their arguments take a metric or label name. */
const nameArguments: ReadonlyMap<string, readonly number[]> = new Map([
  ["selector", [0]],
  ["labelIs", [0]],
  ["matcher", [0]],
  ["legendBy", [0]],
  ["histogramBuckets", [0]],
  ["histogramCount", [0]],
  ["labelValuesVariable", [2, 3]],
]);

function calleeName(call: ts.CallExpression): string {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) {
    return callee.text;
  }
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
}

/** Literal text spelled into a source: string and template literals (not comments, not identifiers). */
export function scanSource(file: string, source: string, patterns: NamePatterns): Spelling[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const found: Spelling[] = [];
  const report = (node: ts.Node, why: string, text: string) => {
    const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
    found.push({ file, line, why, text });
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteralLike(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      const metric = patterns.metric.exec(node.text);
      if (metric !== null) {
        report(node, "metric name", metric[0]);
      }
      for (const shape of patterns.shapes) {
        const match = shape.pattern.exec(node.text);
        if (match !== null) {
          report(node, shape.why, match[0]);
        }
      }
    }
    // A sample's label read by name, `sample.labels.persistentvolumeclaim` (a Kubernetes object's metadata.labels is not one).
    if (
      ts.isPropertyAccessExpression(node) &&
      /(^|\.)(?<!metadata\.)labels$/.test(node.expression.getText(sourceFile))
    ) {
      report(node, "label read by name", node.getText(sourceFile));
    }
    if (ts.isCallExpression(node)) {
      for (const index of nameArguments.get(calleeName(node)) ?? []) {
        const argument = node.arguments[index];
        if (argument !== undefined && (ts.isStringLiteralLike(argument) || ts.isTemplateExpression(argument))) {
          report(argument, `name passed to ${calleeName(node)}()`, argument.getText(sourceFile));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** The program's TypeScript sources below root, as paths relative to it, leaving out the folders named. */
export function programSources(root: string, leftOut: readonly string[]): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        return entry.name.startsWith(".") || leftOut.includes(relative) ? [] : walk(relative);
      }
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [relative] : [];
    });
  return walk("").sort();
}
