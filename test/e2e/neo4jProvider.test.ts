import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { Neo4jDatabaseProvider, neo4jConnectionVariables } from "../../components/tenants/neo4jDatabase";
import { freePort } from "../support/freePort";
import { projectDir } from "./localStack";

describe("Neo4j database provider against a real Neo4j 5 (Community) server", function () {
  this.timeout(10 * 60 * 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-neo4j-"));
  const password = "provider-test-password";
  const provider = new Neo4jDatabaseProvider();
  const saved = { ...process.env };
  let port = 0;

  const neo4j = (command: string) =>
    spawnSync("bash", ["scripts/services/neo4j.sh", command, dir], {
      cwd: projectDir,
      encoding: "utf8",
      env: { ...process.env, NEO4J_PORT: String(port), NEO4J_PASSWORD: password },
      timeout: 600000,
    });

  before(async () => {
    port = await freePort();
    const started = neo4j("start");
    assert.equal(started.status, 0, `${started.stdout}${started.stderr}`);
    process.env[neo4jConnectionVariables.uri] = `bolt://127.0.0.1:${port}`;
    process.env[neo4jConnectionVariables.user] = "neo4j";
    process.env[neo4jConnectionVariables.password] = password;
  });

  after(() => {
    neo4j("stop");
    for (const variable of Object.values(neo4jConnectionVariables)) {
      if (saved[variable] === undefined) {
        delete process.env[variable];
      } else {
        process.env[variable] = saved[variable];
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("connects and checks existence with SHOW DATABASES", async () => {
    const existing = await provider.read("neo4j", { databaseName: "neo4j" });
    assert.equal(existing.id, "neo4j");
    const missing = await provider.read("tenant-a", { databaseName: "tenant-a" });
    assert.equal(missing.id, "", "a database that does not exist reads as gone");
  });

  it("refuses to create a database on Community Edition, saying Enterprise is required", async () => {
    await assert.rejects(provider.create({ databaseName: "tenant-a" }), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`create database tenant-a: Neo4j at bolt://127\\.0\\.0\\.1:${port} is community edition`),
      );
      assert.match(
        err.message,
        /per-client databases need Enterprise Edition \(or set kg-rca-server:tenantDatabases to false\)/,
      );
      return true;
    });
    assert.equal((await provider.read("tenant-a", { databaseName: "tenant-a" })).id, "");
  });

  it("refuses a drop on Community Edition the same way, and leaves the default database alone", async () => {
    await assert.rejects(provider.delete("neo4j", { databaseName: "neo4j" }), /is community edition/);
    assert.equal((await provider.read("neo4j", { databaseName: "neo4j" })).id, "neo4j");
  });

  it("reports bad credentials clearly, without the password", async () => {
    process.env[neo4jConnectionVariables.password] = "wrong-password-123";
    try {
      await assert.rejects(provider.read("neo4j", { databaseName: "neo4j" }), (err: Error) => {
        assert.match(
          err.message,
          /read database neo4j: Neo4j at bolt:\/\/127\.0\.0\.1:\d+ refused the credentials of user "neo4j" \(check KG_RCA_NEO4J_PASSWORD\)/,
        );
        assert.doesNotMatch(err.message, /wrong-password-123/);
        return true;
      });
    } finally {
      process.env[neo4jConnectionVariables.password] = password;
    }
  });

  it("reports a server that is down, then works again once it is back", async () => {
    assert.equal(neo4j("stop").status, 0);
    try {
      await assert.rejects(
        provider.read("neo4j", { databaseName: "neo4j" }),
        /read database neo4j: cannot reach Neo4j at bolt:\/\/127\.0\.0\.1:\d+/,
      );
    } finally {
      assert.equal(neo4j("start").status, 0);
    }
    assert.equal((await provider.read("neo4j", { databaseName: "neo4j" })).id, "neo4j");
  });
});
