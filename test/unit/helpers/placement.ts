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
