import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ClientEntry } from "../../clients";
import { client } from "./helpers/registryFile";

const projectDir = path.resolve(__dirname, "../..");
const script = path.join(projectDir, "scripts", "clientsDiff.ts");

/** The registry of the base commit of the scratch repository. */
const baseClients: readonly ClientEntry[] = [
  client("client-alpha-1", { plan: "basic" }),
  client("client-beta-2", { plan: "pro" }),
  client("client-gamma-3", { plan: "enterprise" }),
  client("client-delta-4", { plan: "basic", status: "offboarding" }),
  client("client-eps-5", { plan: "pro", status: "suspended" }),
];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: string[];
}

/**
 * A scratch git repository with the modules the script loads (clients/,
 * config/, components/, the stack files) copied from this project, a link to
 * its node_modules, and one commit whose prod registry is `baseClients`.
 */
class ScratchRepo {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-clients-diff-test-"));

  constructor() {
    for (const entry of ["clients", "config", "components", "Pulumi.yaml", "Pulumi.prod.yaml", "tsconfig.json"]) {
      fs.cpSync(path.join(projectDir, entry), path.join(this.dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(this.dir, ".gitignore"), "node_modules\n");
    this.writeRegistry(baseClients);
    this.git("init", "-q", "-b", "main");
    this.git("add", "-A");
    this.git(
      "-c",
      "user.name=test",
      "-c",
      "user.email=test@example.com",
      "-c",
      "commit.gpgsign=false",
      "commit",
      "-q",
      "-m",
      "base",
    );
  }

  git(...args: string[]): void {
    const result = spawnSync("git", args, { cwd: this.dir, encoding: "utf8" });
    assert.equal(result.status, 0, `git ${args.join(" ")}: ${result.stderr}`);
  }

  /** Writes clients/registries/prod.ts the way an engineer would. */
  writeRegistry(entries: readonly unknown[]): void {
    fs.writeFileSync(
      path.join(this.dir, "clients", "registries", "prod.ts"),
      [
        'import { ClientEntry } from "../types";',
        "",
        `export const prodClients: readonly ClientEntry[] = ${JSON.stringify(entries, null, 2)};`,
        "",
      ].join("\n"),
    );
  }

  diff(...args: string[]): Run {
    const result = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", script, "--repo", this.dir, ...args],
      { cwd: projectDir, encoding: "utf8" },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.split("\n") };
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Asserts that `expected` occurs in `lines` as consecutive lines. */
function assertBlock(lines: readonly string[], expected: readonly string[]): void {
  const start = lines.indexOf(expected[0] ?? "");
  assert.ok(start >= 0, `missing line:\n${expected[0]}\nin:\n${lines.join("\n")}`);
  assert.deepEqual(lines.slice(start, start + expected.length), expected);
}

describe("clients:diff", function () {
  this.timeout(120000);
  let repo: ScratchRepo;

  before(() => {
    repo = new ScratchRepo();
  });
  afterEach(() => {
    repo.writeRegistry(baseClients);
  });
  after(() => {
    repo.remove();
  });

  it('prints "No client changes" when the registries equal the base', () => {
    const run = repo.diff("main");
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.lines[0], "## Client registry changes");
    assert.match(run.lines[2] ?? "", /^Base `main` \(`[0-9a-f]{12}`\) → working tree\.$/);
    assertBlock(run.lines, ["No client changes.", "", "Compared: `prod` (5 clients), `local` (2 clients)."]);
  });

  describe("a change that onboards, changes a plan, suspends and offboards", () => {
    const lifecycle = [
      client("client-alpha-1", { plan: "pro" }),
      client("client-beta-2", { plan: "pro", status: "suspended" }),
      client("client-gamma-3", { plan: "enterprise", status: "offboarding" }),
      client("client-delta-4", { plan: "basic", status: "offboarded" }),
      client("client-eps-5", { plan: "pro", status: "suspended" }),
      client("client-new-6", { plan: "pro" }),
    ];
    let run: Run;
    before(() => {
      repo.writeRegistry(lifecycle);
      run = repo.diff("main");
    });

    it("exits 0 with a summary line per registry and a table of the changes", () => {
      assert.equal(run.status, 0, run.stderr);
      assertBlock(run.lines, [
        "`prod`: 1 added, 1 plan change, 1 suspension, 1 offboarding started, 1 offboarded; `local`: no changes",
        "",
        "### `prod`",
        "",
        "clients/registries/prod.ts · stack `prod` · 6 clients",
        "",
        "1 added, 1 plan change, 1 suspension, 1 offboarding started, 1 offboarded",
        "",
        "| client | change |",
        "| --- | --- |",
        "| `client-alpha-1` | plan `basic` → `pro` |",
        "| `client-beta-2` | suspended (`active` → `suspended`) |",
        "| `client-gamma-3` | offboarding step 1 (`active` → `offboarding`) |",
        "| `client-delta-4` | offboarding step 2 (`offboarding` → `offboarded`) |",
        "| `client-new-6` | added: plan `pro`, status `active` |",
        "",
      ]);
      assert.ok(!run.stdout.includes("[!CAUTION]"), "nothing is refused");
    });

    it("lists what an added client gets: topics, ACLs, quota, database, credentials, billing row", () => {
      assertBlock(run.lines, [
        "#### `client-new-6`: added: plan `pro`, status `active`",
        "",
        "- topic `client-new-6.events.normalized` created: 12 partitions, retention 168h",
        "- topic `client-new-6.logs.normalized` created: 6 partitions, retention 72h",
        "- ACLs added: `User:client-new-6` Topic Write, Topic Read, Topic Describe, Group Read on prefix `client-new-6.`",
        "- ACLs added: `User:graph-builder` Topic Read, Topic Describe on prefix `client-new-6.`",
        "- quota set: producer 5 MiB/s, consumer 10 MiB/s",
        "- Neo4j database `client-new-6` created",
        "- credentials created: Kafka SCRAM user `client-new-6`, Secrets `client-new-6-kafka-credentials` and `client-new-6-api-key` (API rate limit 3000 requests/min)",
        "- billing row created: status `active`, plan `pro`",
        "",
      ]);
    });

    it("gives the retention, partitions, quota and rate limit a plan change implies", () => {
      assertBlock(run.lines, [
        "#### `client-alpha-1`: plan `basic` → `pro`",
        "",
        "- topic `client-alpha-1.events.normalized`: partitions 6 → 12, retention 72h → 168h, retention.bytes 100663296 → 134217728",
        "- topic `client-alpha-1.logs.normalized`: partitions 3 → 6, retention 24h → 72h, retention.bytes 67108864 → 100663296",
        "- quota: producer 1 MiB/s → 5 MiB/s, consumer 2 MiB/s → 10 MiB/s",
        "- API rate limit: 600 → 3000 requests/min (Secret `client-alpha-1-api-key`)",
        "- billing row: plan `basic` → `pro`",
        "",
      ]);
    });

    it("shows a suspension as the client's ACLs removed, the graph-builder's kept", () => {
      assertBlock(run.lines, [
        "#### `client-beta-2`: suspended (`active` → `suspended`)",
        "",
        "- ACLs removed: `User:client-beta-2` Topic Write, Topic Read, Topic Describe, Group Read on prefix `client-beta-2.`",
        "- billing row: status `active` → `suspended`",
        "",
      ]);
    });

    it("shows offboarding step 1 lifting protection and step 2 deleting, billing row kept", () => {
      assertBlock(run.lines, [
        "#### `client-gamma-3`: offboarding step 1 (`active` → `offboarding`)",
        "",
        "- ACLs removed: `User:client-gamma-3` Topic Write, Topic Read, Topic Describe, Group Read on prefix `client-gamma-3.`",
        "- protection lifted from the topics and the Neo4j database: the next step (`offboarded`) deletes them",
        "- billing row: status `active` → `suspended`",
        "",
      ]);
      assertBlock(run.lines, [
        "#### `client-delta-4`: offboarding step 2 (`offboarding` → `offboarded`)",
        "",
        "- topic `client-delta-4.events.normalized` deleted (6 partitions, retention 72h)",
        "- topic `client-delta-4.logs.normalized` deleted (3 partitions, retention 24h)",
        "- ACLs removed: `User:graph-builder` Topic Read, Topic Describe on prefix `client-delta-4.`",
        "- quota removed (was producer 1 MiB/s, consumer 2 MiB/s)",
        "- Neo4j database `client-delta-4` dropped after a final dump (`DROP DATABASE … DUMP DATA`)",
        "- credentials deleted: Kafka SCRAM user `client-delta-4`, Secrets `client-delta-4-kafka-credentials` and `client-delta-4-api-key`",
        "- billing row: status `suspended` → `deleted` (the row is kept: billing history outlives the client)",
        "",
      ]);
    });

    it("writes the same Markdown to --out, limited to one registry with --registry", () => {
      const out = `${repo.dir}-diff.md`;
      repo.writeRegistry(lifecycle);
      try {
        const limited = repo.diff("main", "--registry", "prod", "--out", out);
        assert.equal(limited.status, 0, limited.stderr);
        assert.equal(fs.readFileSync(out, "utf8"), limited.stdout);
        assert.ok(!limited.stdout.includes("`local`"), limited.stdout);
        assertBlock(limited.lines, [
          "`prod`: 1 added, 1 plan change, 1 suspension, 1 offboarding started, 1 offboarded",
        ]);
        const local = repo.diff("main", "--registry", "local");
        assert.equal(local.status, 0, local.stderr);
        assertBlock(local.lines, ["No client changes.", "", "Compared: `local` (2 clients)."]);
      } finally {
        fs.rmSync(out, { force: true });
      }
    });
  });

  it("flags a removed entry, a skipped offboarding step and a partition shrink as refused", () => {
    repo.writeRegistry([
      client("client-beta-2", { plan: "pro", status: "offboarded" }),
      client("client-gamma-3", { plan: "pro" }),
      client("client-delta-4", { plan: "basic", status: "offboarding" }),
      client("client-eps-5", { plan: "pro", status: "suspended" }),
    ]);
    const run = repo.diff("main");
    assert.equal(run.status, 0, run.stderr);
    assertBlock(run.lines, [
      "1 removed, 1 plan change, 1 offboarded — **3 refused**",
      "",
      "> [!CAUTION]",
      "> **Refused**: these changes cannot be applied as they are.",
      '> - `client-beta-2`: `active` → `offboarded` skips step 1. The engine reads `protect` from the saved state, so the protected topics and database cannot be deleted in the update that lifts protection: set `status: "offboarding"` first, and `"offboarded"` in a later change.',
      "> - `client-gamma-3`: topic `client-gamma-3.events.normalized` would go from 24 to 12 partitions: Kafka cannot remove partitions, so the provider replaces the topic and its data is lost, which the topic's protection refuses. Keep the partitions: a plan with fewer partitions needs a new topic and a migration.",
      "> - `client-gamma-3`: topic `client-gamma-3.logs.normalized` would go from 12 to 6 partitions: Kafka cannot remove partitions, so the provider replaces the topic and its data is lost, which the topic's protection refuses. Keep the partitions: a plan with fewer partitions needs a new topic and a migration.",
      "> - `client-gamma-3`: topic `client-gamma-3.traces.normalized` would be deleted (the new plan has no `traces` topic), which the topic's protection refuses. Keep a plan that has the topic.",
      '> - `client-alpha-1`: removed from the registry. Entries are never deleted: put it back, and to offboard set `status: "offboarding"`, then `"offboarded"` in a later change. The entry then stays as a tombstone so the id is never reused; removing it makes `pulumi up` try to delete protected resources, which fails.',
      "",
    ]);
    assertBlock(run.lines, ["| `client-alpha-1` | **removed: refused** |"]);
    assertBlock(run.lines, [
      "#### `client-alpha-1`: **removed: refused**",
      "",
      "- topic `client-alpha-1.events.normalized` deleted (6 partitions, retention 72h)",
      "- topic `client-alpha-1.logs.normalized` deleted (3 partitions, retention 24h)",
      "- ACLs removed: `User:client-alpha-1` Topic Write, Topic Read, Topic Describe, Group Read on prefix `client-alpha-1.`",
      "- ACLs removed: `User:graph-builder` Topic Read, Topic Describe on prefix `client-alpha-1.`",
      "- quota removed (was producer 1 MiB/s, consumer 2 MiB/s)",
      "- Neo4j database `client-alpha-1` dropped after a final dump (`DROP DATABASE … DUMP DATA`)",
      "- credentials deleted: Kafka SCRAM user `client-alpha-1`, Secrets `client-alpha-1-kafka-credentials` and `client-alpha-1-api-key`",
      "- billing row no longer declared: it is protected, so the engine refuses to delete it",
      "",
    ]);
  });

  it("reports reactivations and other edits with the resources they change", () => {
    repo.writeRegistry([
      client("client-alpha-1", { plan: "basic", email: "billing@alpha.example.com" }),
      client("client-beta-2", { plan: "pro" }),
      client("client-gamma-3", { plan: "enterprise" }),
      client("client-delta-4", { plan: "basic", status: "offboarding" }),
      client("client-eps-5", { plan: "pro", status: "active", overrides: { retentionHours: { logs: 24 } } }),
    ]);
    const run = repo.diff("main");
    assert.equal(run.status, 0, run.stderr);
    assertBlock(run.lines, ["`prod`: 1 reactivation, 2 other edits; `local`: no changes"]);
    assertBlock(run.lines, [
      "#### `client-alpha-1`: email `ops@client-alpha-1.example.com` → `billing@alpha.example.com`",
      "",
      "- billing row: email `ops@client-alpha-1.example.com` → `billing@alpha.example.com`",
      "",
      '#### `client-eps-5`: reactivated (`suspended` → `active`); overrides none → `{"retentionHours":{"logs":24}}`',
      "",
      "- topic `client-eps-5.logs.normalized`: retention 72h → 24h",
      "- ACLs added: `User:client-eps-5` Topic Write, Topic Read, Topic Describe, Group Read on prefix `client-eps-5.`",
      "- billing row: status `suspended` → `active`",
      "",
    ]);
  });

  it("reports resources that change with the stack config while the entries stay", () => {
    const stackFile = path.join(repo.dir, "Pulumi.prod.yaml");
    const original = fs.readFileSync(stackFile, "utf8");
    try {
      fs.writeFileSync(
        stackFile,
        original.replace("kg-rca-server:tenantDatabases: true", "kg-rca-server:tenantDatabases: false"),
      );
      const run = repo.diff("main", "--registry", "prod");
      assert.equal(run.status, 0, run.stderr);
      assertBlock(run.lines, ["`prod`: 5 changed by code or config"]);
      assertBlock(run.lines, [
        "#### `client-delta-4`: entry unchanged; its resources change with the code or stack config",
        "",
        "- Neo4j database `client-delta-4` dropped after a final dump (`DROP DATABASE … DUMP DATA`)",
        "",
      ]);
    } finally {
      fs.writeFileSync(stackFile, original);
    }
  });

  it("exits 1 and prints the problems when the working tree's registry is invalid", () => {
    repo.writeRegistry([...baseClients, { ...client("client-new-6"), plan: "gold" }]);
    const run = repo.diff("main");
    assert.equal(run.status, 1);
    assertBlock(run.lines, [
      "`prod`: invalid in the working tree (1 problem); `local`: no changes",
      "",
      "### `prod`",
      "",
      "clients/registries/prod.ts · stack `prod` · 6 clients",
      "",
      "> [!WARNING]",
      "> **Invalid in the working tree** (1 problem): a stack serving it stops before declaring any resource. Not compared.",
      '> - clients/registries/prod.ts: client "client-new-6" (entry 6): plan "gold" is unknown; plans: basic, pro, enterprise',
      "",
    ]);
    assert.match(run.stderr, /clients:diff: the working tree has an invalid client registry/);
  });

  it("notes an invalid base registry and still exits 0", () => {
    repo.git("checkout", "-q", "-b", "broken");
    try {
      repo.writeRegistry([...baseClients, client("client-alpha-1")]);
      repo.git(
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.com",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "-am",
        "duplicate id",
      );
    } finally {
      repo.git("checkout", "-q", "main");
    }
    const run = repo.diff("broken", "--registry", "prod");
    assert.equal(run.status, 0, run.stderr);
    assertBlock(run.lines, [
      "`prod`: invalid at the base (1 problem), not compared",
      "",
      "### `prod`",
      "",
      "clients/registries/prod.ts · stack `prod` · 5 clients",
      "",
      "> [!NOTE]",
      "> **Invalid at the base** (1 problem), so not compared:",
      '> - clients/registries/prod.ts: client "client-alpha-1" (entry 6): id "client-alpha-1" is already used by entry 1; ids are unique and never reused',
      "",
    ]);
  });

  it("exits 1 with a clear message for a ref that does not exist; --out gets the message for the comment", () => {
    const out = `${repo.dir}-failure.md`;
    try {
      const run = repo.diff("origin/no-such-branch", "--out", out);
      const message = `unknown git ref "origin/no-such-branch" in ${repo.dir}: give a branch, tag or commit that exists locally (in CI, check out with fetch-depth: 0 so that origin/<base branch> is there)`;
      assert.equal(run.status, 1);
      assert.equal(run.stdout, "");
      assert.equal(run.stderr.trim(), `clients:diff: ${message}`);
      assert.deepEqual(fs.readFileSync(out, "utf8").split("\n"), [
        "## Client registry changes",
        "",
        "> [!WARNING]",
        "> `clients:diff` against `origin/no-such-branch` failed:",
        ">",
        `>     ${message}`,
        "",
      ]);
    } finally {
      fs.rmSync(out, { force: true });
    }
  });

  it("refuses a missing base ref and an unknown registry", () => {
    const none = repo.diff();
    assert.equal(none.status, 1);
    assert.match(none.stderr, /clients:diff: expected one BASE_REF, got 0; usage: npm run clients:diff -- BASE_REF/);
    const unknown = repo.diff("main", "--registry", "staging");
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr.trim(), 'clients:diff: registry "staging" is unknown; known: prod, local');
  });
});
