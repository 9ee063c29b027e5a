import { strict as assert } from "assert";

import { BillingDatabase } from "../../components";
import { MockRun } from "../../tools/mockEngine";
import { billingDatabaseArgs } from "./fixtures/componentArgs";
import { envOf, inputsOf, synthesizeComponents, Tree, types } from "./helpers/synthesize";

describe("BillingDatabase", () => {
  let run: MockRun;
  let statefulSet: Tree;
  let container: Tree;
  before(async () => {
    run = await synthesizeComponents(() => {
      new BillingDatabase("postgresql", billingDatabaseArgs);
    });
    statefulSet = inputsOf(run, types.statefulSet, "postgresql-statefulset");
    container = statefulSet.spec.template.spec.containers[0];
  });

  it("runs one pinned PostgreSQL with the billing database and user", () => {
    assert.equal(statefulSet.spec.replicas, 1);
    assert.equal(container.image, "postgres:16.4");
    const env = envOf(container);
    assert.equal(env.POSTGRES_USER, "billing");
    assert.equal(env.POSTGRES_DB, "billing");
    assert.deepEqual(env.POSTGRES_PASSWORD, { secretKeyRef: { name: "postgresql-auth", key: "password" } });
    assert.deepEqual(container.resources, {
      requests: { cpu: "1", memory: "2Gi" },
      limits: { cpu: "2", memory: "4Gi" },
    });
  });

  it("keeps its data on a claimed volume", () => {
    assert.equal(statefulSet.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "50Gi");
    assert.deepEqual(container.volumeMounts[0], { name: "data", mountPath: "/var/lib/postgresql/data" });
  });

  it("creates the billing schema idempotently at init", () => {
    const schema: string = inputsOf(run, types.configMap, "postgresql-schema").data["01-billing-schema.sql"];
    assert.match(schema, /CREATE TABLE IF NOT EXISTS clients \(/);
    for (const column of ["id", "name", "email", "plan", "status", "created_at", "updated_at"]) {
      assert.match(schema, new RegExp(`\\n  ${column} +`), `clients.${column}`);
    }
    assert.doesNotMatch(schema, /CREATE TABLE (?!IF NOT EXISTS)/);
  });

  it("is reachable through a Service named postgresql", () => {
    const service = inputsOf(run, types.service, "postgresql-service");
    assert.equal(service.metadata.name, "postgresql");
    assert.deepEqual(service.spec.ports, [{ name: "postgres", port: 5432, targetPort: 5432 }]);
    assert.equal(inputsOf(run, types.secret, "postgresql-auth-secret").stringData, "[secret]");
  });
});
