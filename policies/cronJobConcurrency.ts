import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { Props } from "./policyTypes";

/** Two backups of the same database at once compete for I/O and can overwrite each other. */
export function cronJobConcurrency(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "cronjob-no-concurrent-runs",
    description: "CronJobs do not allow concurrent runs.",
    enforcementLevel,
    validateResource: (args, reportViolation) => {
      if (args.type !== resourceTypes.cronJob) {
        return;
      }
      const policy = ((args.props as Props).spec as Props | undefined)?.concurrencyPolicy as string | undefined;
      if (policy !== "Forbid" && policy !== "Replace") {
        reportViolation(
          `CronJob ${args.name} has concurrencyPolicy ${policy ?? "unset (Allow)"}: runs can overlap. Set spec.concurrencyPolicy to "Forbid".`,
        );
      }
    },
  };
}
