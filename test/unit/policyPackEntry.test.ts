import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const projectDir = path.resolve(__dirname, "..", "..");

/**
 * Starts the pack's entry as the SDK's policy-pack runner does (ts-node registered with
 * typeCheck forced on, then a require of the pack's folder) and reports which ts-node
 * registration is in force once the pack has loaded. The pack serves its policies on a port of its
 * own; the child exits as soon as it has answered.
 */
function registrationAfterLoading(): { transpileOnly: boolean; runnerStillChecks: boolean } {
  const script = `
    const tsNode = require("ts-node");
    const runner = tsNode.register({ typeCheck: true, skipProject: true });
    require(${JSON.stringify(path.join(projectDir, "policies"))});
    const inForce = process[tsNode.REGISTER_INSTANCE];
    process.stdout.write(JSON.stringify({
      transpileOnly: inForce.options.transpileOnly === true,
      runnerStillChecks: runner.enabled(),
    }) + "\\n");
    process.exit(0);
  `;
  const output = execFileSync(process.execPath, ["-e", script], {
    cwd: path.join(projectDir, "policies"),
    encoding: "utf8",
    // A stale or missing build makes the pack compile its sources here: still transpile-only.
    env: { ...process.env, KG_RCA_PROGRAM_BUILD: "off" },
  });
  const report = output.trim().split("\n").pop() ?? "";
  return JSON.parse(report) as { transpileOnly: boolean; runnerStillChecks: boolean };
}

describe("the policy pack's entry point", () => {
  it("loads the pack transpile-only although the SDK's runner registers ts-node type-checking", () => {
    assert.deepEqual(registrationAfterLoading(), { transpileOnly: true, runnerStillChecks: false });
  });
});
