import { strict as assert } from "assert";

import { errorText } from "../../fleet/errorText";

describe("fleet: a failed engine run's error lines", () => {
  const cliOutput = [
    "Previewing update (local):",
    "    pulumi:pulumi:Stack kg-rca-server-local  warning: using pulumi-resource-kafka from $PATH",
    "@ previewing update.....",
    "    pulumi:pulumi:Stack kg-rca-server-local running error: invalid stack config (stack local): 2 problem(s)",
    "Diagnostics:",
    "  pulumi:pulumi:Stack (kg-rca-server-local):",
    "    warning: using pulumi-resource-kafka from $PATH",
    "    error: invalid stack config (stack local): 2 problem(s)",
    '      - kg-rca-server:kgApiCpuTargetPercent: must be an integer from 1 to 100; got "0"',
    '      - kg-rca-server:neo4jServers: must be an integer from 1 to 9; got "x"',
    "",
    "Resources:",
    "    1 errored",
  ].join("\n");

  it("keeps each error with the problems indented under it, once", () => {
    assert.equal(
      errorText(new Error(cliOutput)),
      [
        "error: invalid stack config (stack local): 2 problem(s)",
        '  - kg-rca-server:kgApiCpuTargetPercent: must be an integer from 1 to 100; got "0"',
        '  - kg-rca-server:neo4jServers: must be an integer from 1 to 9; got "x"',
      ].join("\n"),
    );
  });

  it("falls back to the output's last lines when no line says what failed", () => {
    assert.equal(errorText("a\nb\nc"), "a\nb\nc");
  });
});
