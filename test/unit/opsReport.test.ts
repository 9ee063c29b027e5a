import { strict as assert } from "assert";

import { OpsContext, HealthCheck } from "../../ops/context";
import { exitCodeOf, ok, warning, worstStatus } from "../../ops/findings";
import { runHealth } from "../../ops/health";
import { parseOpsArgs } from "../../ops/opsArgs";
import { findingsDocument, renderFindings, renderTable } from "../../ops/report";
import { loadOpsContext } from "../../ops/stack";
import { withTimeout } from "../../ops/withTimeout";
import { projectDir } from "./helpers/synthesize";

describe("ops reports", () => {
  it("exit status 0, 1 or 2 by the worst status", () => {
    assert.equal(exitCodeOf(worstStatus([])), 0);
    assert.equal(exitCodeOf(worstStatus(["ok", "ok"])), 0);
    assert.equal(exitCodeOf(worstStatus(["ok", "warning", "ok"])), 1);
    assert.equal(exitCodeOf(worstStatus(["warning", "error", "ok"])), 2);
  });

  it("renders findings as aligned columns with the overall status, and as a JSON document", () => {
    const findings = [
      { name: "kafka-brokers", ...warning("4/5 brokers", "fewer") },
      { name: "neo4j", ...ok("3/3 servers", "fine") },
    ];
    assert.equal(
      renderFindings("Health", findings),
      [
        "Health",
        "",
        "STATUS   CHECK          FIGURE       REASON",
        "WARNING  kafka-brokers  4/5 brokers  fewer",
        "OK       neo4j          3/3 servers  fine",
        "",
        "overall: warning",
        "",
      ].join("\n"),
    );
    assert.deepEqual(findingsDocument("prod", findings), { stack: "prod", status: "warning", checks: findings });
    assert.equal(renderTable(["A", "B"], [["long cell", ""]]), "A          B\nlong cell");
  });
});

describe("ops arguments", () => {
  it("reads each command with its defaults", () => {
    assert.deepEqual(parseOpsArgs(["health", "--stack", "prod"]), {
      command: "health",
      stack: "prod",
      configFile: undefined,
      overrides: {},
      json: false,
      timeoutMs: 10000,
      growthPerMonth: 10,
    });
    assert.deepEqual(
      parseOpsArgs(["capacity", "--growth", "0", "--json", "--set", "capacityMaxClients=50,namespace=x"]),
      {
        command: "capacity",
        stack: "prod",
        configFile: undefined,
        overrides: { capacityMaxClients: "50", namespace: "x" },
        json: true,
        timeoutMs: 10000,
        growthPerMonth: 0,
      },
    );
    assert.equal(parseOpsArgs(["clients", "--stack", "local", "--timeout", "2.5"]).timeoutMs, 2500);
    assert.equal(
      parseOpsArgs(["health", "--stack", "local", "--config-file", "/state/local.yaml"]).configFile,
      "/state/local.yaml",
    );
  });

  for (const [argv, message] of [
    [[], /a command is required; commands: health, clients, capacity/],
    [["status"], /unknown command "status"/],
    [["health"], /health needs --stack NAME/],
    [["health", "--stack", "prod", "extra"], /unexpected argument\(s\): extra/],
    [
      ["health", "--stack", "prod", "--verbose"],
      /unknown option --verbose; known: --stack, --config-file, --set, --json, --timeout, --growth$/,
    ],
    [
      ["health", "--stack", "prod", "--timeout", "0"],
      /--timeout must be a number of seconds above 0 and at most 600, e.g. 10; got "0"/,
    ],
    [["health", "--stack", "prod", "--timeout", "soon"], /--timeout must be/],
    [["health", "--stack", "prod", "--growth", "1"], /--growth applies to capacity only/],
    [
      // Strict parsing takes a value that starts with "-" only after "=".
      ["capacity", "--growth=-1"],
      /--growth must be a whole number of new clients per month, 0 or more, e.g. 10; got "-1"/,
    ],
    [
      ["capacity", "--growth", "-1"],
      /option --growth needs a value, and "-1" looks like an option: if it is the value, write --growth=-1$/,
    ],
    [["health", "--stack"], /option --stack needs a value$/],
    [["health", "--stack", "prod", "--json=yes"], /option --json takes no value$/],
    [["capacity", "--growth", "2.5"], /got "2.5"/],
    [["capacity", "--growth", "ten"], /got "ten"/],
    [["capacity", "--timeout", "3"], /--timeout applies to health and clients only/],
    [["capacity", "--set", "novalue"], /--set expects KEY=VALUE pairs/],
  ] as const) {
    it(`refuses ${JSON.stringify(argv)}`, () => {
      assert.throws(() => parseOpsArgs(argv), message);
    });
  }

  it("refuses a stack config override that the program would refuse, naming the key", () => {
    assert.throws(
      () =>
        loadOpsContext({
          projectDir,
          stack: "prod",
          overrides: { opsConsumerLagCritical: "5" },
          env: {},
          timeoutMs: 1,
        }),
      (err: Error & { problems?: string[] }) =>
        (err.problems ?? []).some((p) => p.startsWith("kg-rca-server:opsConsumerLagCritical: (5) must be above")),
    );
  });
});

describe("ops health runner", () => {
  const context: OpsContext = loadOpsContext({ projectDir, stack: "prod", overrides: {}, env: {}, timeoutMs: 200 });
  const check = (name: string, run: HealthCheck["run"]): HealthCheck => ({ name, measures: name, run });

  it("reports a check that throws or hangs as its own error, and still runs the others", async () => {
    const closed: string[] = [];
    const lines: string[] = [];
    const started = Date.now();
    const findings = await runHealth(
      context,
      [
        check("fine", () => Promise.resolve(ok("1", "fine"))),
        check("broken", () => Promise.reject(new Error("cannot reach it"))),
        check("hanging", (_, scope) => {
          scope.onClose(() => closed.push("hanging"));
          return new Promise(() => undefined);
        }),
      ],
      (line) => lines.push(line),
    );
    assert.ok(Date.now() - started < 2000, "a hanging check is cut at its deadline");
    assert.deepEqual(
      findings.map(({ name, status, figure, reason }) => ({ name, status, figure, reason })),
      [
        { name: "fine", status: "ok", figure: "1", reason: "fine" },
        { name: "broken", status: "error", figure: "n/a", reason: "cannot reach it" },
        { name: "hanging", status: "error", figure: "n/a", reason: "hanging: no answer within 0.2s" },
      ],
    );
    assert.deepEqual(closed, ["hanging"], "the hanging check's connections are closed at the deadline");
    assert.equal(lines.length, 4);
    assert.match(lines[0] ?? "", /^health: stack prod, 3 checks, 0.2s deadline each: fine, broken, hanging$/);
  });

  it("closes what a piece of work opened when it succeeds too", async () => {
    const closed: number[] = [];
    const value = await withTimeout("w", 1000, (scope) => {
      scope.onClose(() => closed.push(1));
      scope.onClose(() => closed.push(2));
      return Promise.resolve(42);
    });
    assert.equal(value, 42);
    assert.deepEqual(closed, [2, 1]);
  });
});
