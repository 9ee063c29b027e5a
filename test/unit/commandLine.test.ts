import { strict as assert } from "assert";

import { parseCommandLine, parseSetOverrides, UsageError } from "../../scripts/commandLine";
import { runScript } from "./helpers/runScript";

const config = {
  options: { stack: { type: "string" }, json: { type: "boolean" } },
  allowPositionals: true,
} as const;

describe("command lines (node:util parseArgs, strict)", () => {
  it("reads flags in both spellings, booleans and positionals", () => {
    const { values, positionals } = parseCommandLine(["health", "--stack", "prod", "--json"], config);
    assert.deepEqual([{ ...values }, positionals], [{ stack: "prod", json: true }, ["health"]]);
    assert.equal(parseCommandLine(["--stack=local"], config).values.stack, "local");
  });

  for (const [argv, message] of [
    [["--verbose"], "unknown option --verbose; known: --stack, --json"],
    [["--stack"], "option --stack needs a value"],
    [
      ["--stack", "--json"],
      'option --stack needs a value, and "--json" looks like an option: if it is the value, write --stack=--json',
    ],
    [["--json=yes"], "option --json takes no value"],
  ] as const) {
    it(`refuses ${JSON.stringify(argv)} with a UsageError naming the flag`, () => {
      assert.throws(
        () => parseCommandLine(argv, config),
        (err: unknown) => err instanceof UsageError && err.message === message,
      );
    });
  }

  it("refuses positional arguments where a command takes none", () => {
    assert.throws(
      () => parseCommandLine(["extra"], { options: { sizes: { type: "string" } } }),
      new UsageError("unexpected argument extra"),
    );
  });

  it("reads --set pairs", () => {
    assert.deepEqual(parseSetOverrides("a=1,b=x=y,"), { a: "1", b: "x=y" });
    assert.throws(
      () => parseSetOverrides("novalue"),
      /--set expects KEY=VALUE pairs separated by commas; got "novalue"/,
    );
  });

  it("every script exits 2 on an unknown option, with the reason and its usage", async function () {
    this.timeout(180000);
    const scripts: Record<string, string> = {
      "scripts/synth.ts": "known: --stack, --out, --set\nusage: npm run synth",
      "scripts/clientsCheck.ts": "known: --json, --registry\nusage: npm run clients:check",
      "scripts/planGuard.ts": "known: --registry, --allow\nusage: npm run plan:guard",
      "scripts/clientsDiff.ts": "known: --registry, --out, --repo\nusage: npm run clients:diff",
      "scripts/benchSynth.ts": "known: --sizes\nusage: npm run bench:synth",
      "scripts/benchEngine.ts": "known: --layout, --sizes, --shard-size, --fixed-cost\nusage: npm run bench:engine",
      "scripts/ops.ts": "known: --stack, --config-file, --set, --json, --timeout, --growth\nusage:\n  npm run ops",
      "scripts/localVolumes.ts": "known: --count, --root\nusage: npx ts-node --transpile-only scripts/localVolumes.ts",
    };
    const results = await Promise.all(Object.keys(scripts).map((script) => runScript(script, ["--bogus"])));
    Object.entries(scripts).forEach(([script, expected], i) => {
      assert.equal(results[i]!.status, 2, `${script}: ${results[i]!.stderr}`);
      assert.ok(
        results[i]!.stderr.startsWith(`unknown option --bogus; ${expected}`),
        `${script}: ${results[i]!.stderr}`,
      );
    });
  });
});
