/**
 * npm run ops -- health|clients|capacity --stack NAME [--json] ...
 *
 * The guide's day-2 operations from the program's own knowledge of the stack:
 * the morning health check, the weekly client activity summary and the
 * capacity projection. Exit status 0 ok, 1 warning, 2 error (or bad input).
 * Progress goes to stderr, the report to stdout.
 */
import * as path from "path";

import { hasErrors, clientsReport, renderClients } from "../ops/clientsReport";
import { capacityReport, renderCapacity } from "../ops/capacityReport";
import { healthChecks } from "../ops/checks";
import { exitCodeOf, messageOf, worstStatus } from "../ops/findings";
import { runHealth } from "../ops/health";
import { OpsArgs, parseOpsArgs, usage } from "../ops/opsArgs";
import { partitionCeiling } from "../ops/partitionCeiling";
import { policyLevel } from "../ops/policyLevel";
import { stderrProgress } from "../ops/progress";
import { findingsDocument, renderFindings, renderJson } from "../ops/report";
import { loadOpsContext } from "../ops/stack";

const projectDir = path.resolve(__dirname, "..");

interface Output {
  readonly text: string;
  readonly code: 0 | 1 | 2;
}

async function run(args: OpsArgs): Promise<Output> {
  const context = loadOpsContext({
    projectDir,
    stack: args.stack,
    configFile: args.configFile,
    overrides: args.overrides,
    env: process.env,
    timeoutMs: args.timeoutMs,
  });
  switch (args.command) {
    case "health": {
      const findings = await runHealth(context, healthChecks, stderrProgress);
      const code = exitCodeOf(worstStatus(findings.map((f) => f.status)));
      return {
        text: args.json
          ? renderJson(findingsDocument(context.stack, findings))
          : renderFindings(`Health of stack ${context.stack} (namespace ${context.config.namespace})`, findings),
        code,
      };
    }
    case "clients": {
      const report = await clientsReport(context, stderrProgress);
      return { text: args.json ? renderJson(report) : renderClients(report), code: hasErrors(report) ? 2 : 0 };
    }
    case "capacity": {
      const report = capacityReport(
        context,
        partitionCeiling(projectDir, context.stack),
        args.growthPerMonth,
        policyLevel(projectDir, context.stack, "kafka-storage-bound"),
      );
      return { text: args.json ? renderJson(report) : renderCapacity(report), code: exitCodeOf(report.status) };
    }
  }
}

function finish(text: string, code: number): void {
  // Exit explicitly: a client library's idle sockets or timers must not keep a finished report running.
  process.stdout.write(text, () => process.exit(code));
}

async function main(): Promise<void> {
  let args: OpsArgs;
  try {
    args = parseOpsArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${messageOf(err)}\n${usage}`);
    process.exit(2);
  }
  const output = await run(args);
  finish(output.text, output.code);
}

main().catch((err: unknown) => {
  console.error(messageOf(err));
  process.exit(2);
});
