import { strict as assert } from "assert";

import { BillingRow } from "../../components/tenants/billingRow";
import { Neo4jDatabase } from "../../components/tenants/neo4jDatabase";
import { PlatformGuard } from "../../components/platform/platformGuard";
import { RandomValue } from "../../components/shared/randomValue";
import { clientDataTypes, clientOf, resourceTypes } from "../../components/resourceKinds";
import { runUnderMocks } from "../../tools/mockEngine";

describe("resource kinds", () => {
  const ids = ["acme", "acme2", "globex-1"];

  it("finds the client that owns a topic or a database by the name it carries", () => {
    assert.equal(clientOf(resourceTypes.kafkaTopic, { name: "acme.events.normalized" }, ids), "acme");
    assert.equal(clientOf(resourceTypes.kafkaTopic, { name: "acme2.logs.normalized" }, ids), "acme2");
    assert.equal(clientOf(resourceTypes.neo4jDatabase, { databaseName: "globex-1" }, ids), "globex-1");
    assert.equal(clientOf(resourceTypes.kafkaTopic, { name: "initech.events.normalized" }, ids), undefined);
    assert.equal(clientOf(resourceTypes.neo4jDatabase, { databaseName: "acme-old" }, ids), undefined);
  });

  it("names no owner for kinds that are not a client's data, such as its billing row", () => {
    assert.equal(clientOf(resourceTypes.billingRow, { clientId: "acme", databaseName: "acme" }, ids), undefined);
    assert.equal(clientOf(resourceTypes.pvc, { name: "acme" }, ids), undefined);
    assert.deepEqual([...clientDataTypes].sort(), [resourceTypes.kafkaTopic, resourceTypes.neo4jDatabase].sort());
  });

  it("spells the dynamic resources' tokens as their classes register them", async () => {
    const run = await runUnderMocks(
      () => {
        new BillingRow("row", {
          clientId: "acme",
          name: "Acme",
          email: "ops@acme.example",
          plan: "basic",
          status: "active",
          apiKeyHash: "0",
        });
        new Neo4jDatabase("database", { databaseName: "acme" });
        new PlatformGuard("guard", {
          volumeSizes: {},
          kafkaBrokers: 1,
          kafkaDrainedBrokers: [],
          clients: {},
          clientRegistry: "test",
        });
        new RandomValue("value", { kind: "password", length: 8 });
      },
      {},
      "test",
    );
    const registered = Object.fromEntries(run.resources.map((r) => [r.name, r.type]));
    assert.deepEqual(registered, {
      row: "pulumi-nodejs:dynamic/kg-rca:BillingRow",
      database: "pulumi-nodejs:dynamic/kg-rca:Neo4jDatabase",
      guard: "pulumi-nodejs:dynamic/kg-rca:PlatformGuard",
      "guard-record": "kg-rca:platform:GuardRecord",
      value: "pulumi-nodejs:dynamic/kg-rca:RandomValue",
    });
    const { billingRow, neo4jDatabase, platformGuard, guardRecord, randomValue } = resourceTypes;
    assert.deepEqual(
      {
        row: billingRow,
        database: neo4jDatabase,
        guard: platformGuard,
        "guard-record": guardRecord,
        value: randomValue,
      },
      registered,
    );
  });
});
