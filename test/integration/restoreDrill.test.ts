import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { postgresRestoreDrillScript } from "../../components/backups/backupScripts";
import { billingSchemaSql } from "../../components/postgres/billingSchema";
import { PostgresServer, postgresBinDir } from "../support/postgresServer";

/** A dump's name as the backup CronJob writes it, for a time `hoursAgo` before now (UTC). */
function dumpName(hoursAgo: number): string {
  const stamp = new Date(Date.now() - hoursAgo * 3600000).toISOString();
  return `billing-${stamp.slice(0, 10).replaceAll("-", "")}-${stamp.slice(11, 19).replaceAll(":", "")}.dump`;
}

describe("the PostgreSQL restore drill's script against a real PostgreSQL", function () {
  this.timeout(120000);
  let server: PostgresServer;
  let dir: string;
  const maxAgeHours = 26;

  function environment(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PATH: `${postgresBinDir()}:${process.env.PATH ?? ""}`,
      PGPORT: String(server.port),
      PGPASSWORD: server.password,
    };
  }

  /** Dumps the live billing database as the backup CronJob does, under `name`, and makes it the one to drill. */
  function dump(name: string): void {
    const file = path.join(dir, name);
    const result = spawnSync("pg_dump", ["-h", "127.0.0.1", "-U", "postgres", "-d", "billing", "-F", "c", "-f", file], {
      env: environment(),
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    fs.writeFileSync(path.join(dir, ".drill-dump"), `${name}\n`);
  }

  /** Runs the drill as the CronJob's restore container does; returns its exit code and output. */
  function drill(): { status: number; output: string } {
    const script = postgresRestoreDrillScript({
      host: "127.0.0.1",
      database: "billing",
      user: "postgres",
      maxAgeHours,
      dir,
    });
    const result = spawnSync("bash", ["-c", script], { env: environment(), encoding: "utf8", timeout: 60000 });
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  }

  function scratchDatabases(): string[] {
    return server
      .psql("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'restore_drill_%'")
      .split("\n")
      .filter((line) => line !== "");
  }

  before(async () => {
    server = await PostgresServer.create();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-drill-"));
    server.psql("billing", billingSchemaSql);
    server.psql(
      "billing",
      `INSERT INTO clients (id, name, email, plan, status) VALUES
         ('tenant-a', 'Tenant A', 'a@a.example.com', 'basic', 'active'),
         ('tenant-b', 'Tenant B', 'b@b.example.com', 'pro', 'active');
       INSERT INTO client_history (client_id, plan, status) VALUES
         ('tenant-a', 'basic', 'active'), ('tenant-b', 'pro', 'active'), ('tenant-a', 'basic', 'active')`,
    );
  });

  after(() => {
    server.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    assert.deepEqual(scratchDatabases(), [], "the scratch database is dropped whatever the outcome");
  });

  it("passes on a fresh dump of the live database, and says what it compared", () => {
    dump(dumpName(0));
    const result = drill();
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /clients 2 \(live 2\), history 3 \(live 3\)/);
    assert.match(result.output, /restore drill: passed/);
  });

  it("passes when live has moved on since the dump (a client onboarded)", () => {
    dump(dumpName(2));
    server.psql(
      "billing",
      `INSERT INTO clients (id, name, email, plan, status) VALUES ('tenant-c', 'Tenant C', 'c@c.example.com', 'basic', 'active');
       INSERT INTO client_history (client_id, plan, status) VALUES ('tenant-c', 'basic', 'active')`,
    );
    const result = drill();
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /clients 2 \(live 3\), history 3 \(live 4\)/);
  });

  it("fails on a dump older than the backup interval and its margin", () => {
    dump(dumpName(maxAgeHours + 2));
    const result = drill();
    assert.equal(result.status, 1, result.output);
    assert.match(result.output, /FAILED: the newest dump, billing-\d{8}-\d{6}\.dump, is 28 hours old \(at most 26\)/);
  });

  it("fails on a dump that does not restore", () => {
    const name = dumpName(0);
    fs.writeFileSync(path.join(dir, name), "not a custom-format dump");
    fs.writeFileSync(path.join(dir, ".drill-dump"), `${name}\n`);
    const result = drill();
    assert.equal(result.status, 1, result.output);
    assert.match(result.output, /FAILED: pg_restore of billing-\d{8}-\d{6}\.dump failed/);
  });

  it("fails when the dump holds more history than live: live history was lost", () => {
    dump(dumpName(0));
    server.psql("billing", "DELETE FROM client_history WHERE seq = (SELECT max(seq) FROM client_history)");
    const result = drill();
    assert.equal(result.status, 1, result.output);
    assert.match(
      result.output,
      /FAILED: the dump holds 4 history entries, more than the live 3: live history was lost/,
    );
  });

  it("fails when the dump's newest history entry trails the live one by more than the margin", () => {
    dump(dumpName(0));
    server.psql(
      "billing",
      "INSERT INTO client_history (client_id, plan, status, changed_at) VALUES ('tenant-a', 'pro', 'active', now() + interval '30 hours')",
    );
    const result = drill();
    assert.equal(result.status, 1, result.output);
    assert.match(
      result.output,
      /FAILED: the dump's newest history entry is 30 hours behind the live one \(at most 26\)/,
    );
  });
});
