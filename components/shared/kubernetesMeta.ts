import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { ComputeResources } from "../../config";

/** The label naming a workload on its objects and pods; the NetworkPolicies select pods by it. */
export const appNameLabel = "app.kubernetes.io/name";

/** Labels every object of the platform carries; `app` selects the pods of one workload. */
export function workloadLabels(app: string): Record<string, string> {
  return {
    app,
    [appNameLabel]: app,
    "app.kubernetes.io/part-of": "kg-rca-server",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The pod selector of a workload: only the stable `app` label, since selectors are immutable. */
export function selectorLabels(app: string): Record<string, string> {
  return { app };
}

/**
 * Metadata with an explicit name, so objects keep the names operators and
 * volume claims rely on (`neo4j-0`, `data-neo4j-0`) instead of random suffixes.
 */
export function objectMeta(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  skipAwait: boolean,
): k8s.types.input.meta.v1.ObjectMeta {
  return {
    name,
    namespace,
    labels,
    // On an API server without nodes nothing becomes ready; the provider must not wait for it.
    ...(skipAwait ? { annotations: { "pulumi.com/skipAwait": "true" } } : {}),
  };
}

export function resourceRequirements(resources: ComputeResources): k8s.types.input.core.v1.ResourceRequirements {
  return {
    requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
    limits: { cpu: resources.limits.cpu, memory: resources.limits.memory },
  };
}

/**
 * Spreads the replicas of one workload over nodes where it can, and never
 * leaves a pod unschedulable for it: the scheduler prefers the nodes that keep
 * the per-node counts within one of each other (2/2/1 for five brokers on three
 * nodes) but still places a pod when none does (three brokers on a one-node
 * cluster). `ScheduleAnyway` scores nodes; it does not filter them, as a
 * required anti-affinity (one node per pod) would.
 */
export function spreadAcrossNodes(app: string): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: selectorLabels(app) },
    },
  ];
}

export function secretEnv(name: string, secretName: pulumi.Input<string>, key: string): k8s.types.input.core.v1.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

export function plainEnv(values: Record<string, string | number>): k8s.types.input.core.v1.EnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value: String(value) }));
}
