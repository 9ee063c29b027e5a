import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { containersOf, podSpecOf } from "./kubernetesPods";
import { Props } from "./policyTypes";

const pinnedImage =
  /^[^\s:@]+(:\d+)?[^\s:@]*:(?!latest$)[A-Za-z0-9_][A-Za-z0-9._-]*(@sha256:[a-f0-9]{64})?$|@sha256:[a-f0-9]{64}$/;

/** Every container sets requests and limits for CPU and memory and runs an image pinned to a version. */
export function containerResources(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "container-resources-and-pinned-images",
    description: "Every container has CPU and memory requests and limits and an image with an explicit version.",
    enforcementLevel,
    validateResource: (args, reportViolation) => {
      const pod = podSpecOf(args.type, args.props as Props);
      if (pod === undefined) {
        return;
      }
      for (const container of containersOf(pod)) {
        const where = `${args.name}, container ${String(container.name)}`;
        const resources = (container.resources ?? {}) as Props;
        const missing = (["requests", "limits"] as const).flatMap((kind) =>
          (["cpu", "memory"] as const)
            .filter((r) => (resources[kind] as Props | undefined)?.[r] === undefined)
            .map((r) => `${kind}.${r}`),
        );
        if (missing.length > 0) {
          reportViolation(
            `${where}: no ${missing.join(", ")}. Set CPU and memory requests and limits so the scheduler and the node can account for it.`,
          );
        }
        const image = String(container.image);
        if (!pinnedImage.test(image)) {
          reportViolation(
            `${where}: image "${image}" has no explicit version. Pin a version tag (not "latest") or a digest.`,
          );
        }
      }
    },
  };
}
