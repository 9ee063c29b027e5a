import { strict as assert } from "assert";

import { BillingConnection, BillingRowInputs, BillingRowProvider } from "../../components/tenants/billingRow";

const connection: BillingConnection = {
  namespace: "kg-rca-server",
  service: "postgresql",
  pod: "postgresql-0",
  port: 5432,
  access: "direct",
  database: "billing",
  secretName: "postgresql-auth",
};
const row: BillingRowInputs = {
  clientId: "acme-1",
  name: "Acme",
  email: "ops@acme.example.com",
  plan: "pro",
  status: "active",
  apiKeyHash: "0".repeat(64),
  connection,
};

describe("BillingRowProvider.diff", () => {
  const provider = new BillingRowProvider();

  it("updates on a change of the row, replaces only on another client id", async () => {
    assert.equal((await provider.diff("acme-1", row, { ...row })).changes, false);
    assert.deepEqual(await provider.diff("acme-1", row, { ...row, plan: "enterprise" }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual((await provider.diff("acme-1", row, { ...row, clientId: "acme-2" })).replaces, ["clientId"]);
  });

  it("records a new way in to the database by an update (a delete reads the recorded one), whatever the key order", async () => {
    const { secretName, ...rest } = connection;
    const reordered = { secretName, ...rest };
    assert.equal((await provider.diff("acme-1", row, { ...row, connection: reordered })).changes, false);
    const forwarded: BillingConnection = { ...connection, access: "port-forward", caConfigMap: "tls-ca" };
    assert.deepEqual(await provider.diff("acme-1", row, { ...row, connection: forwarded }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});
