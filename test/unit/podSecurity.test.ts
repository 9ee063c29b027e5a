import { strict as assert } from "assert";

import { podSecurityLabels } from "../../components/shared/podSecurity";
import { podSpecOf } from "../../policies/kubernetesPods";
import { restrictedViolations } from "../../policies/podSecurityRestricted";
import { Props } from "../../policies/policyTypes";
import { MockRun } from "../../tools/mockEngine";
import { inputsOf, synthesize, Tree, types } from "./helpers/synthesize";

/** Every declared pod spec, by resource name. */
function podSpecs(run: MockRun): [string, Tree][] {
  return run.resources.flatMap((r) => {
    const pod = podSpecOf(r.type, r.inputs as Props);
    return pod === undefined ? [] : [[r.name, pod] as [string, Tree]];
  });
}

describe('Pod Security "restricted"', () => {
  const stacks: [string, Record<string, string>][] = [
    ["prod", {}],
    ["local", {}],
    ["local", { maintenanceMode: "true" }],
  ];
  for (const [stack, overrides] of stacks) {
    it(`every pod spec of the ${stack} stack${Object.keys(overrides).length > 0 ? " in maintenance" : ""} passes it`, async () => {
      const run = await synthesize(stack, overrides);
      const specs = podSpecs(run);
      assert.ok(specs.length >= 7, `found ${specs.length} pod specs`);
      for (const [name, pod] of specs) {
        assert.deepEqual(restrictedViolations(pod as Props), [], name);
      }
    });
  }

  it("the platform namespace enforces, audits and warns at restricted, pinned to a version", async () => {
    const namespace = inputsOf(await synthesize("prod"), types.namespace, "platform-namespace");
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(namespace.metadata.labels as Record<string, string>).filter(([key]) =>
          key.startsWith("pod-security.kubernetes.io/"),
        ),
      ),
      podSecurityLabels(),
    );
    assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce-version"], "v1.34");
  });

  it("roots are read-only except where the image writes into itself (Neo4j's conf), with emptyDir scratch paths", async () => {
    const run = await synthesize("local", { maintenanceMode: "true" });
    const writable: string[] = [];
    for (const [name, pod] of podSpecs(run)) {
      for (const container of [...(pod.initContainers ?? []), ...pod.containers] as Tree[]) {
        if (container.securityContext.readOnlyRootFilesystem !== true) {
          writable.push(`${name}/${container.name}`);
        }
      }
    }
    assert.deepEqual(writable.sort(), ["backup-jobs-neo4j/backup", "neo4j-statefulset/neo4j"]);
    const broker = inputsOf(run, types.statefulSet, "kafka-statefulset").spec.template.spec;
    assert.deepEqual(
      (broker.containers[0].volumeMounts as Tree[]).map((m) => m.mountPath),
      ["/var/lib/kafka/data", "/etc/kafka-config", "/etc/kafka-tls", "/tmp", "/opt/kafka/logs"],
    );
    assert.ok((broker.volumes as Tree[]).some((v) => v.name === "kafka-logs" && v.emptyDir !== undefined));
  });

  it("runs each image as its own user, and gives the data volumes to that user's group", async () => {
    const run = await synthesize("prod");
    const users = Object.fromEntries(
      ["kafka-statefulset", "neo4j-statefulset", "postgresql-statefulset"].map((name) => {
        const context = inputsOf(run, types.statefulSet, name).spec.template.spec.securityContext;
        return [name, [context.runAsUser, context.fsGroup]];
      }),
    );
    assert.deepEqual(users, {
      "kafka-statefulset": [1000, 1000],
      "neo4j-statefulset": [7474, 7474],
      "postgresql-statefulset": [999, 999],
    });
  });
});
