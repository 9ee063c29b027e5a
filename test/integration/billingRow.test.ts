import { strict as assert } from "assert";

import { BillingRowInputs, BillingRowProvider, billingUrlVariable } from "../../components/tenants/billingRow";
import { PostgresServer } from "../support/postgresServer";

const acme: BillingRowInputs = {
  clientId: "acme-abc123",
  name: "Acme Corp",
  email: "ops@acme.example.com",
  plan: "basic",
  status: "active",
  apiKeyHash: "a".repeat(64),
};

describe("billing row provider against a real PostgreSQL", function () {
  this.timeout(60000);
  let server: PostgresServer;
  const provider = new BillingRowProvider();
  const savedUrl = process.env[billingUrlVariable];

  before(async () => {
    server = await PostgresServer.create();
    process.env[billingUrlVariable] = server.url;
  });
  after(() => {
    if (savedUrl === undefined) {
      delete process.env[billingUrlVariable];
    } else {
      process.env[billingUrlVariable] = savedUrl;
    }
    server.destroy();
  });
  beforeEach(() => {
    server.psql("billing", "DROP TABLE IF EXISTS client_history; DROP TABLE IF EXISTS clients;");
  });

  const rows = () =>
    server.psql("billing", "SELECT id, name, plan, status, api_key_hash FROM clients ORDER BY id").trim();
  /** Rows in clients; 0 when even the schema was rolled back. */
  const clientCount = (): number =>
    server.psql("billing", "SELECT to_regclass('public.clients') IS NULL").trim() === "t"
      ? 0
      : Number(server.psql("billing", "SELECT count(*) FROM clients").trim());
  const history = () =>
    server.psql("billing", "SELECT client_id, plan, status FROM client_history ORDER BY seq").trim();

  it("creates the schema and the row, and records it in the history", async () => {
    const result = await provider.create(acme);
    assert.equal(result.id, "acme-abc123");
    assert.equal(rows(), `acme-abc123|Acme Corp|basic|active|${"a".repeat(64)}`);
    assert.equal(history(), "acme-abc123|basic|active");
    assert.match(server.psql("billing", "SELECT created_at <= updated_at FROM clients"), /^t/);
  });

  it("creates rows concurrently on an empty database: the schema is created once, no writer fails", async () => {
    // The engine creates every client's row in parallel; concurrent CREATE TABLE IF NOT EXISTS
    // race on PostgreSQL's catalog unless the writers are serialized.
    for (let round = 0; round < 5; round += 1) {
      server.psql("billing", "DROP TABLE IF EXISTS client_history; DROP TABLE IF EXISTS clients;");
      const ids = Array.from({ length: 8 }, (_, i) => `tenant-${round}-${i}`);
      await Promise.all(ids.map((clientId) => provider.create({ ...acme, clientId })));
      assert.equal(clientCount(), ids.length, `round ${round}`);
    }
  });

  it("updates a plan in place and appends history", async () => {
    await provider.create(acme);
    await provider.update("acme-abc123", acme, { ...acme, plan: "pro", name: "Acme Corporation" });
    assert.equal(rows(), `acme-abc123|Acme Corporation|pro|active|${"a".repeat(64)}`);
    assert.equal(history(), "acme-abc123|basic|active\nacme-abc123|pro|active");
  });

  it("follows the lifecycle: suspended, active again, deleted — and never removes the row", async () => {
    await provider.create(acme);
    await provider.update("acme-abc123", acme, { ...acme, status: "suspended" });
    assert.match(rows(), /\|suspended\|/);
    await provider.update("acme-abc123", acme, { ...acme, status: "active" });
    await provider.delete("acme-abc123", acme);
    assert.match(rows(), /^acme-abc123\|Acme Corp\|basic\|deleted\|/);
    assert.deepEqual(
      history()
        .split("\n")
        .map((l) => l.split("|")[2]),
      ["active", "suspended", "active", "deleted"],
    );
  });

  it("is idempotent: creating an existing row again converges with no duplicate", async () => {
    await provider.create(acme);
    await provider.create(acme);
    assert.equal(clientCount(), 1);
    assert.equal(history(), "acme-abc123|basic|active");
  });

  it("refuses bad input in check, before anything is written", async () => {
    const result = await provider.check(acme, { ...acme, status: "gone" as "deleted", clientId: "" });
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["clientId", "status"],
    );
    assert.match(
      (result.failures ?? []).map((f) => f.reason).join("\n"),
      /status must be one of active, suspended, deleted; got gone/,
    );
  });

  it("rolls back a write the database refuses, leaving no partial row", async () => {
    await assert.rejects(provider.create({ ...acme, status: "gone" as "deleted" }), (err: Error) => {
      assert.match(err.message, /billing row acme-abc123: write to 127\.0\.0\.1:\d+ failed and was rolled back/);
      return true;
    });
    assert.equal(clientCount(), 0);
  });

  it("fails with a clear error when the server is down, and writes nothing", async () => {
    server.stop();
    try {
      await assert.rejects(provider.create(acme), (err: Error) => {
        assert.match(
          err.message,
          /billing row acme-abc123: cannot connect to the billing database at 127\.0\.0\.1:\d+/,
        );
        assert.doesNotMatch(err.message, new RegExp(server.password));
        return true;
      });
    } finally {
      server.start();
    }
    assert.equal(clientCount(), 0);
  });

  it("says which variable to set when no database URL is configured", async () => {
    delete process.env[billingUrlVariable];
    try {
      await assert.rejects(provider.create(acme), /KG_RCA_BILLING_DATABASE_URL is not set/);
    } finally {
      process.env[billingUrlVariable] = server.url;
    }
  });

  it("diffs in place for every field but the client id", async () => {
    const planChange = await provider.diff("acme-abc123", acme, { ...acme, plan: "pro" });
    assert.deepEqual([planChange.changes, planChange.replaces], [true, []]);
    const same = await provider.diff("acme-abc123", acme, { ...acme });
    assert.equal(same.changes, false);
  });
});
