import { PolicyResource } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { Props } from "./policyTypes";

const at = (tree: Props | undefined, ...path: string[]): Props | undefined =>
  path.reduce<Props | undefined>((node, key) => node?.[key] as Props | undefined, tree);

/** The pod (spec and metadata) any Kubernetes workload creates, or undefined for other resources. */
function podOf(type: string, props: Props): Props | undefined {
  switch (type) {
    case resourceTypes.deployment:
    case resourceTypes.statefulSet:
    case resourceTypes.daemonSet:
    case resourceTypes.job:
      return at(props, "spec", "template");
    case resourceTypes.cronJob:
      return at(props, "spec", "jobTemplate", "spec", "template");
    case resourceTypes.pod:
      return props;
    default:
      return undefined;
  }
}

/** The pod spec inside any Kubernetes workload, or undefined for other resources. */
export function podSpecOf(type: string, props: Props): Props | undefined {
  return at(podOf(type, props), "spec");
}

/** The labels of the pods a workload creates, or undefined for other resources. */
export function podLabelsOf(type: string, props: Props): Record<string, string> | undefined {
  const pod = podOf(type, props);
  return pod === undefined ? undefined : ((at(pod, "metadata")?.labels ?? {}) as Record<string, string>);
}

/** Whether a label selector's matchLabels (non-empty) all hold for these labels. */
export function selects(selector: Props | undefined, labels: Record<string, string>): boolean {
  const matchLabels = (selector?.matchLabels ?? {}) as Record<string, string>;
  const keys = Object.keys(matchLabels);
  return keys.length > 0 && keys.every((key) => labels[key] === matchLabels[key]);
}

export function namespaceOf(resource: PolicyResource): string | undefined {
  return ((resource.props as Props).metadata as Props | undefined)?.namespace as string | undefined;
}

/** Every container and init container of a pod spec. */
export function containersOf(pod: Props): Props[] {
  return [...((pod.initContainers ?? []) as Props[]), ...((pod.containers ?? []) as Props[])];
}
