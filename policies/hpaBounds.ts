import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { configOf, guardrailConfigSchema, Props } from "./policyTypes";

/** HPA bounds make sense, and in prod a workload never scales down to a single pod. */
export function hpaBounds(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "hpa-bounds",
    description: "HPAs have minReplicas <= maxReplicas and, in prod, minReplicas >= 2.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateResource: (args, reportViolation) => {
      if (args.type !== resourceTypes.hpa) {
        return;
      }
      const spec = ((args.props as Props).spec ?? {}) as Props;
      const min = Number(spec.minReplicas ?? 1);
      const max = Number(spec.maxReplicas);
      if (min > max) {
        reportViolation(
          `HPA ${args.name} has minReplicas ${min} above maxReplicas ${max}. Lower the minimum or raise the maximum.`,
        );
      }
      if (configOf(args).environment === "prod" && min < 2) {
        reportViolation(
          `HPA ${args.name} allows ${min} replica in prod: a single pod is an outage on every restart. Set minReplicas to 2 or more.`,
        );
      }
    },
  };
}
