import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

import { metricNames } from "../../components/monitoring";
import { namePatterns, programSources, scanSource, Spelling } from "./helpers/metricNameScan";
import { projectDir } from "./helpers/synthesize";

/** The one file that may spell metric and label names. */
const metricsModule = path.join("components", "monitoring", "metricNames.ts");
/** Tests spell expected queries and fixture series on purpose; node_modules is not the program. */
const leftOut = ["node_modules", "test", "bin"];
const patterns = namePatterns(Object.values(metricNames));

function listing(found: readonly Spelling[]): string {
  return found.map((s) => `${s.file}:${s.line}: ${s.why} ${JSON.stringify(s.text)}`).join("\n");
}

describe("metric names: one source of truth", () => {
  const sources = programSources(projectDir, leftOut);

  it("scans the program's sources: components, ops, config, clients, policies, scripts, tools, index.ts", () => {
    for (const expected of [
      metricsModule,
      path.join("components", "monitoring", "alertRules.ts"),
      path.join("components", "monitoring", "dashboards.ts"),
      path.join("ops", "checks", "consumerLag.ts"),
      path.join("ops", "clientsReport.ts"),
      "index.ts",
    ]) {
      assert.ok(sources.includes(expected), `${expected} is not scanned`);
    }
    assert.ok(!sources.some((s) => s.startsWith(`test${path.sep}`) || s.startsWith(`node_modules${path.sep}`)));
  });

  it("spells metric and label names nowhere but components/monitoring/metricNames.ts", () => {
    const found = sources
      .filter((file) => file !== metricsModule)
      .flatMap((file) => scanSource(file, fs.readFileSync(path.join(projectDir, file), "utf8"), patterns));
    assert.equal(
      found.length,
      0,
      `move these names into ${metricsModule} and build the query from it:\n${listing(found)}`,
    );
  });

  it("would find every name of the module if it were spelled elsewhere", () => {
    const found = scanSource(
      metricsModule,
      fs.readFileSync(path.join(projectDir, metricsModule), "utf8"),
      patterns,
    ).filter((s) => s.why === "metric name");
    assert.deepEqual(found.map((s) => s.text).sort(), Object.values(metricNames).sort());
  });

  it("finds each kind of spelling, with its file and line, in literals but not in comments", () => {
    const source = [
      "// kg_messages_processed_total in a comment is prose",
      'const a = "kg_messages_processed_total";',
      'const b = `sum(rate(${x}{client_id="acme"}[5m]))`;',
      "const c = `sum by (topic) (${lag})`;",
      'const d = { summary: "Pod {{ $labels.pod }} restarting" };',
      'const e = query(expr, "{{status}}");',
      'const f = labelIs("namespace", ns);',
      "const g = selector(`${prefix}_bucket`);",
      'const h = labelValuesVariable("client_id", "Client", metric, "client_id");',
      'const i = labelIs(metricLabels.namespace, "kg-rca-server");',
      "const j = samples.map((s) => s.labels.persistentvolumeclaim);",
      "const k = samples.map((s) => s.labels[metricLabels.volumeClaim]);",
      "const l = pod.metadata.labels.app;",
    ].join("\n");
    assert.deepEqual(
      scanSource("fixture.ts", source, patterns).map((s) => [s.line, s.why, s.text]),
      [
        [2, "metric name", "kg_messages_processed_total"],
        [3, "label matcher", '{client_id="'],
        [4, "grouping label", "by (t"],
        [5, "annotation label", "$labels.p"],
        [6, "legend label", "{{status}}"],
        [7, "name passed to labelIs()", '"namespace"'],
        [8, "name passed to selector()", "`${prefix}_bucket`"],
        [9, "name passed to labelValuesVariable()", '"client_id"'],
        [11, "label read by name", "s.labels.persistentvolumeclaim"],
      ],
    );
  });
});
