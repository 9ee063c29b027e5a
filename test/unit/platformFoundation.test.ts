import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { PlatformFoundation, PlatformFoundationArgs } from "../../components/platform/platformFoundation";
import { GuardInputs, platformGuardProvider } from "../../components/platform/platformGuard";
import { MockRun, runUnderMocks } from "../../tools/mockEngine";
import { exampleCaCertificate } from "./fixtures/exampleCa";

const args: PlatformFoundationArgs = {
  namespace: "kg-rca-test",
  storageClassName: "expandable",
  storageClassProvisioner: "",
  volumeSizes: { neo4jVolumeSize: "10Gi" },
  kafkaBrokers: 3,
  kafkaDrainedBrokers: [],
  clients: { acme: "active" },
  clientRegistry: "test",
  kafkaDiskUsageRatio: 0.9,
  tenantShards: 4,
  caCertificate: exampleCaCertificate,
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
        ["kubernetes:core/v1:ConfigMap", "platform-tls-ca", "platform"],
        // The cluster's StorageClass, read (storageClassProvisioner is empty).
        ["kubernetes:storage.k8s.io/v1:StorageClass", "platform-storage-class", "platform"],
        ["pulumi-nodejs:dynamic/kg-rca:PlatformGuard", "platform-guard", "platform"],
        ["kg-rca:platform:GuardRecord", "platform-guard-record", "platform"],
        ["pulumi:providers:kubernetes", "platform-kubernetes", "platform"],
        ["pulumi:providers:kubernetes", "platform-reader", "platform"],
      ].sort(),
    );
  });

  it("records what the guard is given as its GuardRecord's outputs, which the policy pack reads", () => {
    const guard = run.resources.find((r) => r.name === "platform-guard");
    const record = run.resources.find((r) => r.name === "platform-guard-record");
    assert.equal(record?.custom, false);
    const { clients, kafkaBrokers, kafkaDiskUsageRatio } = guard?.inputs ?? {};
    assert.deepEqual(record.registeredOutputs, { clients, kafkaBrokers, kafkaDiskUsageRatio });
    assert.deepEqual(clients, { acme: "active" });
  });

  it("gives the namespace's clients the servers' CA in ConfigMap tls-ca, and none without a CA", async () => {
    const ca = run.resources.find((r) => r.name === "platform-tls-ca");
    assert.equal((ca?.inputs as { metadata: { name: string } }).metadata.name, "tls-ca");
    assert.equal((ca?.inputs as { data: Record<string, string> }).data["ca.crt"], exampleCaCertificate);
    const without = await runUnderMocks(
      () => new PlatformFoundation("platform", { ...args, caCertificate: "" }),
      {},
      "test",
    );
    assert.equal(
      without.resources.some((r) => r.name === "platform-tls-ca"),
      false,
    );
  });

  it("has a guard whose provider, as serialized into the state, runs on its own", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => platformGuardProvider, { allowSecrets: true });
    assert.doesNotMatch(serialized.text, /require\(/, "nothing to load beside the state");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guard-"));
    const file = path.join(dir, "provider.js");
    fs.writeFileSync(file, serialized.text);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const provider = (require(file) as { handler: () => typeof platformGuardProvider }).handler();
      const saved: GuardInputs = { ...args, volumeSizes: { neo4jVolumeSize: "1Ti" }, storageClassExpandable: true };
      const result = await provider.check(saved, {
        ...saved,
        volumeSizes: { neo4jVolumeSize: "1024Gi" },
        clients: { acme: "offboarded" },
      });
      assert.deepEqual(result.failures, [
        {
          property: "",
          reason:
            'client registry test: client "acme" status active cannot become offboarded in one update; from active it may become active, suspended, offboarding.',
        },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
