import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { ImagePullPolicy } from "../../config";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

/** Where each workload kind keeps its pod spec. */
const podSpecOf: Record<string, (props: Record<string, unknown>) => unknown> = {
  "kubernetes:apps/v1:StatefulSet": (p) => templateSpec(field(p, "spec")),
  "kubernetes:apps/v1:Deployment": (p) => templateSpec(field(p, "spec")),
  "kubernetes:batch/v1:Job": (p) => templateSpec(field(p, "spec")),
  "kubernetes:batch/v1:CronJob": (p) => templateSpec(field(field(field(p, "spec"), "jobTemplate"), "spec")),
};

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function templateSpec(spec: unknown): unknown {
  return field(field(spec, "template"), "spec");
}

function withPolicy(containers: unknown, policy: ImagePullPolicy): unknown {
  // Plain arrays only: the components write their containers as literals (an Output here would be left alone).
  return Array.isArray(containers)
    ? (containers as Container[]).map((c) => ({ ...c, imagePullPolicy: c.imagePullPolicy ?? policy }))
    : containers;
}

/**
 * A transformation that sets `imagePullPolicy` on every container of every
 * workload below the component it is given to, unless a container sets its own.
 * It is configuration (`imagePullPolicy`), not component code: a node whose
 * images are imported rather than pulled needs `Never`, a registry-backed
 * cluster the Kubernetes default.
 */
export function imagePullPolicyTransformation(policy: ImagePullPolicy): pulumi.ResourceTransformation {
  return (args) => {
    const locate = podSpecOf[args.type];
    const podSpec = locate?.(args.props);
    if (typeof podSpec !== "object" || podSpec === null) {
      return undefined;
    }
    // The pod spec object is the components' own literal: rewrite its container lists in place.
    const spec = podSpec as PodSpec & Record<string, unknown>;
    spec.containers = withPolicy(spec.containers, policy) as PodSpec["containers"];
    if (spec.initContainers !== undefined) {
      spec.initContainers = withPolicy(spec.initContainers, policy) as PodSpec["initContainers"];
    }
    return { props: args.props, opts: args.opts };
  };
}
