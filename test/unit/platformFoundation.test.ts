import { strict as assert } from "assert";

import { PlatformFoundation, PlatformFoundationArgs } from "../../components/platform/platformFoundation";
import { MockRun, runUnderMocks } from "../../tools/mockEngine";

const args: PlatformFoundationArgs = {
  namespace: "kg-rca-test",
  storageClassName: "expandable",
  storageClassProvisioner: "",
  volumeSizes: { neo4jVolumeSize: "10Gi" },
  kafkaBrokers: 3,
  kafkaDrainedBrokers: [],
  clients: { acme: "active" },
  clientRegistry: "test",
};

describe("PlatformFoundation", () => {
  let run: MockRun;
  before(async () => {
    run = await runUnderMocks(() => new PlatformFoundation("platform", args), {}, "test");
  });

  it("keeps the URNs it had as PlatformNamespace: the old type token is an alias", () => {
    const component = run.resources.find((r) => r.name === "platform");
    assert.equal(component?.type, "kg-rca:platform:PlatformFoundation");
    assert.deepEqual(component.aliases, [{ type: "kg-rca:shared:PlatformNamespace" }]);
  });

  it("keeps its children's names and parent, so their URNs follow the component's alias", () => {
    assert.deepEqual(
      run.resources
        .filter((r) => r.name !== "platform")
        .map((r) => [r.type, r.name, r.parent])
        .sort(),
      [
        ["kubernetes:core/v1:Namespace", "platform-namespace", "platform"],
        // The cluster's StorageClass, read (storageClassProvisioner is empty).
        ["kubernetes:storage.k8s.io/v1:StorageClass", "platform-storage-class", "platform"],
        ["pulumi-nodejs:dynamic/kg-rca:PlatformGuard", "platform-guard", "platform"],
        ["pulumi:providers:kubernetes", "platform-kubernetes", "platform"],
        ["pulumi:providers:kubernetes", "platform-reader", "platform"],
      ].sort(),
    );
  });
});
