/**
 * npm run bench:synth
 *
 * Synthesizes the prod stack under the mock engine with 10, 100 and 1000
 * generated clients and, in the same run, a baseline: the same number of
 * plain resources declared without any component. Prints resources, seconds
 * and ms per resource for both, and their ratio.
 */
import * as k8s from "@pulumi/kubernetes";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ClientEntry, planNames } from "../clients";
import { stackConfigFromFiles } from "../config/configFiles";
import { freshProgram, runUnderMocks } from "../tools/mockEngine";
import { commandLineOrExit } from "./commandLine";

const projectDir = path.resolve(__dirname, "..");

function generatedClients(count: number): ClientEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `bench-client-${String(i).padStart(4, "0")}`,
    name: `Bench Client ${i}`,
    email: `ops@bench-${i}.example.com`,
    plan: planNames[i % planNames.length] ?? "basic",
    status: "active",
  }));
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

async function main(): Promise<void> {
  const { values: args } = commandLineOrExit("usage: npm run bench:synth -- [--sizes N,N,...]", {
    options: { sizes: { type: "string" } },
  });
  const sizes = (args.sizes ?? "10,100,1000").split(",").map(Number);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  const baseConfig = stackConfigFromFiles(projectDir, "prod");
  const rows: string[][] = [
    ["clients", "resources", "program s", "ms/resource", "baseline s", "baseline ms/res", "ratio"],
  ];
  for (const size of sizes) {
    const file = path.join(dir, `clients-${size}.json`);
    fs.writeFileSync(file, JSON.stringify(generatedClients(size)));
    const config = { ...baseConfig, clientRegistry: `file:${file}` };
    const [run, seconds] = await timed(() =>
      runUnderMocks(freshProgram(path.join(projectDir, "index.ts")), config, "prod"),
    );
    const count = run.resources.length;
    const [, baselineSeconds] = await timed(() =>
      runUnderMocks(
        () => {
          for (let i = 0; i < count; i++) {
            new k8s.core.v1.ConfigMap(`baseline-${i}`, { metadata: { name: `baseline-${i}` }, data: { key: "value" } });
          }
        },
        baseConfig,
        "prod",
      ),
    );
    rows.push([
      String(size),
      String(count),
      seconds.toFixed(2),
      ((seconds * 1000) / count).toFixed(2),
      baselineSeconds.toFixed(2),
      ((baselineSeconds * 1000) / count).toFixed(2),
      (seconds / baselineSeconds).toFixed(2),
    ]);
    console.error(`bench:synth: ${size} clients done (${count} resources, ${seconds.toFixed(1)} s)`);
  }
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  for (const row of rows) {
    console.log(row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join("  "));
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
