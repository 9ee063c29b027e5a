import { resourceTypes } from "../components/resourceKinds";
import { Props } from "./policyTypes";

/** The pod spec inside any Kubernetes workload, or undefined for other resources. */
export function podSpecOf(type: string, props: Props): Props | undefined {
  const at = (tree: Props | undefined, ...path: string[]): Props | undefined =>
    path.reduce<Props | undefined>((node, key) => node?.[key] as Props | undefined, tree);
  switch (type) {
    case resourceTypes.deployment:
    case resourceTypes.statefulSet:
    case resourceTypes.daemonSet:
    case resourceTypes.job:
      return at(props, "spec", "template", "spec");
    case resourceTypes.cronJob:
      return at(props, "spec", "jobTemplate", "spec", "template", "spec");
    case resourceTypes.pod:
      return props.spec as Props | undefined;
    default:
      return undefined;
  }
}

/** Every container and init container of a pod spec. */
export function containersOf(pod: Props): Props[] {
  return [...((pod.initContainers ?? []) as Props[]), ...((pod.containers ?? []) as Props[])];
}
