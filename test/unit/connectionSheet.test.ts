import { strict as assert } from "assert";

import { connectionSheet, SheetEnvironment } from "../../clients/connectionSheet";
import { ClientEntry } from "../../clients/types";
import { exampleCaCertificate } from "./fixtures/exampleCa";

const environment: SheetEnvironment = {
  stack: "prod",
  namespace: "kg-rca-server",
  bootstrapServers: "kafka.kg-rca.example.com:9094",
  securityProtocol: "SASL_SSL",
  caCertificate: exampleCaCertificate,
};

function client(status: ClientEntry["status"]): ClientEntry {
  return { id: "acme-1", name: "Acme", email: "ops@acme.example.com", plan: "pro", status };
}

describe("clients:connection sheet", () => {
  it("gives the external bootstrap, protocol, topics, group prefix, the CA and how to fetch the password", () => {
    const sheet = connectionSheet(client("active"), environment);
    assert.match(sheet, /^Bootstrap servers: {3}kafka\.kg-rca\.example\.com:9094$/m);
    assert.match(sheet, /^Security protocol: {3}SASL_SSL$/m);
    assert.match(sheet, /^SASL mechanism: {6}SCRAM-SHA-512$/m);
    assert.match(sheet, /^ {2}acme-1\.events\.normalized {3}12 partitions, kept 168 h$/m);
    assert.match(sheet, /any name starting with "acme-1\."/);
    assert.match(
      sheet,
      /kubectl -n kg-rca-server get secret acme-1-kafka-credentials -o jsonpath='\{\.data\.password\}' \| base64 -d/,
    );
    assert.ok(sheet.includes(exampleCaCertificate.trim().split("\n")[1] ?? "missing"), "the CA, inline");
    assert.match(sheet, /librdkafka 2\.0\.2, .* fails SCRAM-SHA-512 authentication against Kafka 4\.1/);
    assert.doesNotMatch(sheet, /WARNING/);
  });

  it("points at the Secret's ca.crt when the stack file holds no CA, and warns for a suspended client", () => {
    const sheet = connectionSheet(client("suspended"), { ...environment, caCertificate: "" });
    assert.match(sheet, /jsonpath='\{\.data\.ca\\\.crt\}'/);
    assert.match(sheet, /WARNING: the client is suspended: its credentials exist but its ACLs are removed/);
  });

  it("refuses an offboarded client: it has no credentials", () => {
    assert.throws(() => connectionSheet(client("offboarded"), environment), /acme-1 is offboarded in stack prod/);
  });
});
