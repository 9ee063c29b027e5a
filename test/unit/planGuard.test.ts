import { strict as assert } from "assert";

import { resourceTypes } from "../../components/resourceKinds";
import { guardPlan, PreviewStep, typeOfUrn } from "../../scripts/planGuard/guardPlan";
import { client } from "./helpers/registryFile";

const urn = (type: string, name: string) =>
  `urn:pulumi:prod::kg-rca-server::kg-rca:tenants:ClientTenant$${type}::${name}`;
const topicType = resourceTypes.kafkaTopic;

function topicStep(op: string, clientId: string): PreviewStep {
  return {
    op,
    urn: urn(topicType, `${clientId}-events-topic`),
    oldState: { type: topicType, inputs: { name: `${clientId}.events.normalized` } },
  };
}

describe("plan:guard", () => {
  const clients = [client("acme-1"), client("gone-1", { status: "offboarded" })];

  it("reads a resource's type from its URN", () => {
    assert.equal(typeOfUrn(urn(topicType, "x")), topicType);
  });

  it("passes creates, updates and deletes of stateless resources", () => {
    const steps: PreviewStep[] = [
      { op: "create", urn: urn(topicType, "new-topic") },
      { op: "update", urn: urn(resourceTypes.statefulSet, "neo4j-statefulset") },
      { op: "delete", urn: urn(resourceTypes.kafkaAcl, "acme-1-acl-topic-write") },
      { op: "same", urn: urn(resourceTypes.pvc, "neo4j-claim-0") },
    ];
    assert.deepEqual(guardPlan({ steps }, clients).refused, []);
  });

  it("explains deleting an offboarded client's topics", () => {
    const result = guardPlan({ steps: [topicStep("delete", "gone-1")] }, clients);
    assert.deepEqual(result.refused, []);
    assert.match(result.explained[0] ?? "", /client gone-1 is offboarded/);
  });

  it("refuses a preview that failed, quoting the engine's errors and not its summary line", () => {
    const diagnostics = [
      { message: "warning: using pulumi-resource-kafka from $PATH\n", severity: "warning" },
      {
        message: 'error: unable to replace resource "x"\nas it is currently marked for protection.\n',
        severity: "error",
      },
      { message: "error: preview failed\n", severity: "error" },
    ];
    assert.deepEqual(guardPlan({ steps: [], diagnostics }, clients).refused, [
      'the preview failed: error: unable to replace resource "x"\nas it is currently marked for protection.',
    ]);
  });

  it("refuses deleting an active client's topic, naming it and why", () => {
    const result = guardPlan({ steps: [topicStep("delete", "acme-1")] }, clients);
    assert.deepEqual(result.refused, [
      `delete ${urn(topicType, "acme-1-events-topic")}: client acme-1 is active, not offboarded`,
    ]);
  });

  it("refuses any replacement of stateful data, once per URN", () => {
    const pvc = resourceTypes.pvc;
    const steps: PreviewStep[] = ["create-replacement", "replace", "delete-replaced"].map((op) => ({
      op,
      urn: urn(pvc, "neo4j-claim-0"),
      oldState: { type: pvc },
    }));
    assert.deepEqual(guardPlan({ steps }, clients).refused, [
      `replace ${urn(pvc, "neo4j-claim-0")}: a replacement deletes the old resource and its data`,
    ]);
  });

  it("never explains deleting a billing row, even of an offboarded client", () => {
    const type = resourceTypes.billingRow;
    const result = guardPlan(
      {
        steps: [{ op: "delete", urn: urn(type, "gone-1-billing"), oldState: { type, inputs: { clientId: "gone-1" } } }],
      },
      clients,
    );
    assert.equal(result.refused.length, 1);
  });

  it("lets a reviewer allow a named URN", () => {
    const step = topicStep("delete", "acme-1");
    assert.deepEqual(guardPlan({ steps: [step] }, clients, [step.urn]).refused, []);
  });
});
