import { strict as assert } from "assert";

import { selectorLabels, spreadAcrossNodes } from "../../components/shared/kubernetesMeta";
import { hardPlacementRules } from "./helpers/placement";

describe("spreadAcrossNodes", () => {
  it("spreads replicas over nodes with a skew of one, as a preference the scheduler scores", () => {
    assert.deepEqual(spreadAcrossNodes("kafka"), [
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { app: "kafka" } },
      },
    ]);
  });

  it("never filters nodes, so more replicas than nodes (five on three, three on one) still schedule", () => {
    assert.deepEqual(hardPlacementRules({ topologySpreadConstraints: spreadAcrossNodes("kafka") }), []);
    // What it replaced, one node per pod, is a filter: the check above would have caught it.
    const onePerNode = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: selectorLabels("kafka") }, topologyKey: "kubernetes.io/hostname" },
          ],
        },
      },
    };
    assert.deepEqual(hardPlacementRules(onePerNode), [
      "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
    ]);
    assert.deepEqual(
      hardPlacementRules({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname" }] }),
      ["topologySpreadConstraints[0]"],
    );
  });
});
