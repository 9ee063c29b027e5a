import { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { namespaceOf, podLabelsOf, selects } from "./kubernetesPods";
import { Props } from "./policyTypes";

/** A policy over every pod of its namespace, in and out, with no rule: everything not allowed elsewhere is denied. */
function isDefaultDeny(policy: PolicyResource): boolean {
  const spec = ((policy.props as Props).spec ?? {}) as Props;
  const selector = (spec.podSelector ?? {}) as Props;
  const types = (spec.policyTypes ?? []) as string[];
  return (
    Object.keys((selector.matchLabels ?? {}) as Props).length === 0 &&
    ((selector.matchExpressions ?? []) as unknown[]).length === 0 &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    ((spec.ingress ?? []) as unknown[]).length === 0 &&
    ((spec.egress ?? []) as unknown[]).length === 0
  );
}

/**
 * Every workload runs in a namespace whose traffic is denied by default, and a NetworkPolicy of
 * its own (selecting its pods by label) says what it may reach and what may reach it: a pod added
 * without one is either cut off at deploy time or, worse, open to the whole cluster.
 */
export function workloadNetworkPolicy(enforcementLevel: EnforcementLevel = "mandatory"): StackValidationPolicy {
  return {
    name: "workload-network-policy",
    description:
      "Every workload's namespace denies traffic by default and a NetworkPolicy selects the workload's pods.",
    enforcementLevel,
    validateStack: (args, reportViolation) => {
      const policies = args.resources.filter((r) => r.type === resourceTypes.networkPolicy);
      const sameNamespace = (a: PolicyResource, b: PolicyResource) => namespaceOf(a) === namespaceOf(b);
      for (const workload of args.resources) {
        const labels = podLabelsOf(workload.type, workload.props as Props);
        if (labels === undefined) {
          continue;
        }
        const where = namespaceOf(workload) ?? "the provider's namespace";
        if (!policies.some((policy) => sameNamespace(policy, workload) && isDefaultDeny(policy))) {
          reportViolation(
            `${workload.name}: no default-deny NetworkPolicy in ${where}, so its pods accept traffic from anywhere. Declare one (components/platform/networkPolicies.ts).`,
            workload.urn,
          );
        }
        const covered = policies.some(
          (policy) =>
            sameNamespace(policy, workload) &&
            selects(((policy.props as Props).spec as Props | undefined)?.podSelector as Props | undefined, labels),
        );
        if (!covered) {
          reportViolation(
            `${workload.name}: no NetworkPolicy selects its pods (labels ${JSON.stringify(labels)}), so the default deny cuts them off. Add its flows to the allow-list (components/platform/networkFlows.ts).`,
            workload.urn,
          );
        }
      }
    },
  };
}
