import { strict as assert } from "assert";

import {
  createDatabaseCypher,
  dropDatabaseCypher,
  Neo4jDatabaseProvider,
  neo4jConnectionVariables,
  quotedDatabaseName,
} from "../../components/tenants/neo4jDatabase";
import { databaseName } from "../../clients";
import { freePort } from "../support/freePort";

describe("Neo4j database provider: Cypher and naming", () => {
  it("names a client's database by its id, which is a valid Neo4j 5 name (unlike the guide's client_<id>_kg)", () => {
    assert.equal(databaseName("client-acme-abc123"), "client-acme-abc123");
    assert.throws(() => quotedDatabaseName("client_acme_abc123_kg"), /not a valid Neo4j database name/);
  });

  it("quotes names with dashes in backticks and refuses anything that could inject Cypher", () => {
    assert.equal(quotedDatabaseName("acme-1"), "`acme-1`");
    for (const bad of [
      "acme`; DROP DATABASE system",
      "ab",
      "Acme",
      "acme-",
      "acme.",
      "1acme",
      "a".repeat(64),
      "acme..x",
    ]) {
      assert.throws(() => quotedDatabaseName(bad), /not a valid Neo4j database name/, bad);
    }
  });

  it("creates idempotently and drops with a final dump", () => {
    assert.equal(createDatabaseCypher("acme-1"), "CREATE DATABASE `acme-1` IF NOT EXISTS WAIT 300 SECONDS");
    assert.equal(dropDatabaseCypher("acme-1"), "DROP DATABASE `acme-1` IF EXISTS DUMP DATA WAIT 300 SECONDS");
  });

  it("refuses an invalid name in check, before any connection", async () => {
    const result = await new Neo4jDatabaseProvider().check({ databaseName: "x" }, { databaseName: "acme_1" });
    assert.equal(result.failures?.[0]?.property, "databaseName");
  });

  it("replaces only on a rename", async () => {
    const provider = new Neo4jDatabaseProvider();
    assert.deepEqual(await provider.diff("a", { databaseName: "acme-1" }, { databaseName: "acme-1" }), {
      changes: false,
      replaces: [],
    });
    assert.deepEqual(await provider.diff("a", { databaseName: "acme-1" }, { databaseName: "acme-2" }), {
      changes: true,
      replaces: ["databaseName"],
    });
  });

  it("records a new way in to the servers by an update in place (a delete reads the recorded one)", async () => {
    const provider = new Neo4jDatabaseProvider();
    const connection = {
      namespace: "kg-rca-server",
      service: "neo4j",
      pod: "neo4j-0",
      port: 7687,
      access: "direct" as const,
      secretName: "neo4j-auth",
    };
    const { secretName, ...rest } = connection;
    const reordered = { secretName, ...rest };
    assert.deepEqual(
      await provider.diff(
        "a",
        { databaseName: "acme-1", connection },
        { databaseName: "acme-1", connection: reordered },
      ),
      { changes: false, replaces: [] },
    );
    const forwarded = { ...connection, access: "port-forward" as const, caConfigMap: "tls-ca" };
    const news = { databaseName: "acme-1", connection: forwarded };
    assert.deepEqual(await provider.diff("a", { databaseName: "acme-1", connection }, news), {
      changes: true,
      replaces: [],
    });
    assert.deepEqual(await provider.update("a", { databaseName: "acme-1", connection }, news), { outs: news });
  });

  describe("connection errors", () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const variable of Object.values(neo4jConnectionVariables)) {
        if (saved[variable] === undefined) {
          delete process.env[variable];
        } else {
          process.env[variable] = saved[variable];
        }
      }
    });

    it("says which variables to set when none are", async () => {
      for (const variable of Object.values(neo4jConnectionVariables)) {
        delete process.env[variable];
      }
      await assert.rejects(
        new Neo4jDatabaseProvider().create({ databaseName: "acme-1" }),
        /KG_RCA_NEO4J_URI and KG_RCA_NEO4J_PASSWORD must be set/,
      );
    });

    it("names the server when nothing listens there, without echoing the password", async function () {
      this.timeout(30000);
      const port = await freePort();
      process.env[neo4jConnectionVariables.uri] = `bolt://127.0.0.1:${port}`;
      process.env[neo4jConnectionVariables.password] = "super-secret-value";
      await assert.rejects(new Neo4jDatabaseProvider().create({ databaseName: "acme-1" }), (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`create database acme-1: cannot reach Neo4j at bolt://127\\.0\\.0\\.1:${port}`),
        );
        assert.doesNotMatch(err.message, /super-secret-value/);
        return true;
      });
    });
  });
});
