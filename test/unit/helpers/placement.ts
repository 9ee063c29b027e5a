import { strict as assert } from "assert";

import { Tree } from "./synthesize";

const required = "requiredDuringSchedulingIgnoredDuringExecution";

/**
 * The rules of a pod spec that filter nodes rather than score them: with any
 * of these, a pod that no node satisfies stays Pending. Named by path.
 */
export function hardPlacementRules(pod: Tree): string[] {
  const rules: string[] = [];
  for (const field of ["nodeName", "nodeSelector"]) {
    if (pod[field] !== undefined) {
      rules.push(field);
    }
  }
  for (const kind of ["nodeAffinity", "podAffinity", "podAntiAffinity"]) {
    if (pod.affinity?.[kind]?.[required] !== undefined) {
      rules.push(`affinity.${kind}.${required}`);
    }
  }
  ((pod.topologySpreadConstraints ?? []) as Tree[]).forEach((constraint, index) => {
    // Unset means DoNotSchedule.
    if (constraint.whenUnsatisfiable !== "ScheduleAnyway") {
      rules.push(`topologySpreadConstraints[${index}]`);
    }
  });
  return rules;
}

/** Asserts that a pod spreads over nodes by its `app` label, as a preference that never leaves it Pending. */
export function assertSpreadsOverNodes(pod: Tree, app: string): void {
  assert.deepEqual(pod.topologySpreadConstraints, [
    {
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: { app } },
    },
  ]);
  assert.deepEqual(hardPlacementRules(pod), []);
}
