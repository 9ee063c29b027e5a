import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { containersOf, podSpecOf } from "./kubernetesPods";
import { Props } from "./policyTypes";

/** The volume types Pod Security "restricted" admits. */
const restrictedVolumeTypes = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];
const seccompAllowed = ["RuntimeDefault", "Localhost"];

/**
 * What Pod Security "restricted" would refuse in one pod spec, as the API server's admission
 * checks it: host namespaces and ports, privileged containers, host paths and other volume types,
 * privilege escalation, root, a seccomp profile other than RuntimeDefault or Localhost, and any
 * capability but NET_BIND_SERVICE kept (ALL must be dropped).
 */
export function restrictedViolations(pod: Props): string[] {
  const found: string[] = [];
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (pod[field] === true) {
      found.push(`${field} is true`);
    }
  }
  for (const volume of (pod.volumes ?? []) as Props[]) {
    const kinds = Object.keys(volume).filter((key) => key !== "name");
    const refused = kinds.filter((kind) => !restrictedVolumeTypes.includes(kind));
    if (refused.length > 0) {
      found.push(`volume ${String(volume.name)} is a ${refused.join(", ")} volume`);
    }
  }
  const podContext = (pod.securityContext ?? {}) as Props;
  const podSeccomp: unknown = ((podContext.seccompProfile ?? {}) as Props).type;
  if (podContext.runAsUser === 0) {
    found.push("the pod runs as uid 0");
  }
  for (const container of containersOf(pod)) {
    const name = `container ${String(container.name)}`;
    const context = (container.securityContext ?? {}) as Props;
    const capabilities = (context.capabilities ?? {}) as Props;
    if (context.privileged === true) {
      found.push(`${name} is privileged`);
    }
    if (context.allowPrivilegeEscalation !== false) {
      found.push(`${name} does not set allowPrivilegeEscalation: false`);
    }
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) {
      found.push(`${name} does not set runAsNonRoot: true (on itself or the pod)`);
    }
    if (context.runAsUser === 0) {
      found.push(`${name} runs as uid 0`);
    }
    const seccomp: unknown = ((context.seccompProfile ?? {}) as Props).type ?? podSeccomp;
    if (!seccompAllowed.includes(String(seccomp))) {
      found.push(`${name} has no RuntimeDefault or Localhost seccomp profile (on itself or the pod)`);
    }
    if (!((capabilities.drop ?? []) as string[]).includes("ALL")) {
      found.push(`${name} does not drop ALL capabilities`);
    }
    const added = ((capabilities.add ?? []) as string[]).filter((capability) => capability !== "NET_BIND_SERVICE");
    if (added.length > 0) {
      found.push(`${name} adds ${added.join(", ")}`);
    }
    if (((container.ports ?? []) as Props[]).some((port) => port.hostPort !== undefined && port.hostPort !== 0)) {
      found.push(`${name} uses a host port`);
    }
  }
  return found;
}

/**
 * Every pod spec passes Pod Security "restricted", and every namespace the program declares
 * enforces it: the program finds out at preview, not when the API server refuses a pod mid-roll.
 */
export function podSecurityRestricted(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "pod-security-restricted",
    description: 'Every pod spec passes Pod Security "restricted", and every declared namespace enforces it.',
    enforcementLevel,
    validateResource: (args, reportViolation) => {
      const props = args.props as Props;
      if (args.type === resourceTypes.namespace) {
        const labels = ((props.metadata as Props | undefined)?.labels ?? {}) as Props;
        if (labels["pod-security.kubernetes.io/enforce"] !== "restricted") {
          reportViolation(
            `${args.name}: the namespace does not enforce Pod Security "restricted". Label it pod-security.kubernetes.io/enforce=restricted.`,
          );
        }
        return;
      }
      const pod = podSpecOf(args.type, props);
      if (pod === undefined) {
        return;
      }
      for (const reason of restrictedViolations(pod)) {
        reportViolation(
          `${args.name}: ${reason}, which Pod Security "restricted" refuses. Use the restricted pod and container security contexts (components/shared/podSecurity.ts).`,
        );
      }
    },
  };
}
