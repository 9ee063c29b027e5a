import { strict as assert } from "assert";

import { BillingDatabase } from "../../components";
import { MockRun } from "../../tools/mockEngine";
import { billingDatabaseArgs } from "./fixtures/componentArgs";
import { envOf, inputsOf, ofType, synthesizeComponents, Tree, types } from "./helpers/synthesize";

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

  describe("TLS", () => {
    it("starts the server with TLS from Secret postgresql-tls and a pg_hba.conf that refuses plaintext over the network", () => {
      assert.deepEqual(container.args, [
        "-c",
        "ssl=on",
        "-c",
        "ssl_cert_file=/etc/postgresql-tls/tls.crt",
        "-c",
        "ssl_key_file=/etc/postgresql-tls/tls.key",
        "-c",
        "hba_file=/etc/postgresql-hba/pg_hba.conf",
      ]);
      const volumes: Tree[] = statefulSet.spec.template.spec.volumes;
      // PostgreSQL refuses a key file a group other than root's may write or the world may read.
      assert.deepEqual(
        volumes.find((v) => v.name === "tls"),
        { name: "tls", secret: { secretName: "postgresql-tls", defaultMode: 0o440 } },
      );
      assert.deepEqual(
        (container.volumeMounts as Tree[]).filter((m) => ["tls", "hba"].includes(m.name)).map((m) => m.mountPath),
        ["/etc/postgresql-tls", "/etc/postgresql-hba"],
      );
      const hba: string = inputsOf(run, types.configMap, "postgresql-hba").data["pg_hba.conf"];
      const rules = hba.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
      assert.deepEqual(
        rules.map((line) => line.split(/ +/)[0]),
        ["local", "hostssl", "hostssl"],
        "the local socket (init scripts, probes) and TLS over the network; no plain `host` rule",
      );
    });

    it("has cert-manager issue a certificate naming the Service", () => {
      const certificate: Tree = inputsOf(run, types.certificate, "postgresql-certificate");
      assert.equal(certificate.spec.secretName, "postgresql-tls");
      assert.deepEqual(certificate.spec.dnsNames, [
        "postgresql.kg-rca-server.svc.cluster.local",
        "postgresql.kg-rca-server.svc",
      ]);
      assert.equal(certificate.metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
      // Clients verify it with the platform's CA ConfigMap (PlatformFoundation's), which the engine's rows name.
      assert.equal(
        ofType(run, types.configMap).some((c) => c.name.endsWith("-ca")),
        false,
      );
    });

    it("without a CA (a local stack of bare servers), declares no TLS at all", async () => {
      const plain = await synthesizeComponents(() => {
        new BillingDatabase("postgresql", { ...billingDatabaseArgs, tls: undefined });
      });
      const server = inputsOf(plain, types.statefulSet, "postgresql-statefulset").spec.template.spec.containers[0];
      assert.equal(server.args, undefined);
      assert.equal(ofType(plain, types.certificate).length, 0);
      assert.equal(ofType(plain, types.configMap).filter((c) => c.name !== "postgresql-schema").length, 0);
    });
  });
});
