import { EnforcementLevel, StackValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { namespaceOf, podLabelsOf, selects } from "./kubernetesPods";
import { Props } from "./policyTypes";

/** A StatefulSet with volumes holds data: voluntary evictions must be bounded by a PodDisruptionBudget. */
export function statefulSetDisruptionBudget(enforcementLevel: EnforcementLevel = "mandatory"): StackValidationPolicy {
  return {
    name: "statefulset-has-pdb",
    description: "Every StatefulSet with volume claim templates has a PodDisruptionBudget selecting its pods.",
    enforcementLevel,
    validateStack: (args, reportViolation) => {
      const budgets = args.resources.filter((r) => r.type === resourceTypes.pdb);
      for (const statefulSet of args.resources.filter((r) => r.type === resourceTypes.statefulSet)) {
        const spec = ((statefulSet.props as Props).spec ?? {}) as Props;
        if (((spec.volumeClaimTemplates ?? []) as unknown[]).length === 0) {
          continue;
        }
        const podLabels = podLabelsOf(statefulSet.type, statefulSet.props as Props) ?? {};
        const covered = budgets.some(
          (pdb) =>
            namespaceOf(pdb) === namespaceOf(statefulSet) &&
            selects(((pdb.props as Props).spec as Props | undefined)?.selector as Props | undefined, podLabels),
        );
        if (!covered) {
          reportViolation(
            `StatefulSet ${statefulSet.name} has volumes but no PodDisruptionBudget selects its pods: a node drain could evict them all at once. Declare a PodDisruptionBudget in its component.`,
            statefulSet.urn,
          );
        }
      }
    },
  };
}
