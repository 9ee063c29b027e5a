import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface StatefulSetClaimsArgs {
  /** Name of the StatefulSet whose claims these are. */
  readonly statefulSet: string;
  /** Name of the StatefulSet's volume claim template. */
  readonly template: string;
  /** Ordinals 0 to `replicas - 1` get a protected claim each. */
  readonly replicas: number;
  /**
   * Ordinals at or above `replicas` whose claims stay declared, unprotected, until a later change removes them.
   * @default []
   */
  readonly retiring?: readonly number[];
  /** Requested size of every claim: a larger one grows the claims in place; they never shrink. */
  readonly size: string;
  /** StorageClass of the claims, the same as the StatefulSet's template. */
  readonly storageClassName: string;
  /** Namespace of the StatefulSet and its claims. */
  readonly namespace: string;
  /** Labels of the claims, the StatefulSet's. */
  readonly labels: Record<string, string>;
}

/** `<template>-<statefulset>-<ordinal>`: the name the StatefulSet controller gives each claim. */
export function claimName(template: string, statefulSet: string, ordinal: number): string {
  return `${template}-${statefulSet}-${ordinal}`;
}

/**
 * Declares each claim of a StatefulSet explicitly, under the name its
 * controller would give it (the controller adopts an existing claim). A
 * template in a StatefulSet is immutable, but a claim's size is not: growing
 * the volumes is an update of these claims, never a replacement of the
 * StatefulSet. Claims are protected; a claim of a retiring ordinal is not,
 * so removing it is a second, explicit change.
 */
export function declareStatefulSetClaims(
  args: StatefulSetClaimsArgs,
  parent: pulumi.Resource,
): k8s.core.v1.PersistentVolumeClaim[] {
  const retiring = (args.retiring ?? []).filter((ordinal) => ordinal >= args.replicas);
  const ordinals = [...Array.from({ length: args.replicas }, (_, i) => i), ...retiring];
  return ordinals.map((ordinal) => {
    const name = claimName(args.template, args.statefulSet, ordinal);
    return new k8s.core.v1.PersistentVolumeClaim(
      `${args.statefulSet}-claim-${ordinal}`,
      {
        // Never wait for binding: with WaitForFirstConsumer a claim binds only once its pod is scheduled.
        metadata: {
          name,
          namespace: args.namespace,
          labels: args.labels,
          annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: args.storageClassName,
          resources: { requests: { storage: args.size } },
        },
      },
      {
        parent,
        protect: ordinal < args.replicas,
        retainOnDelete: false,
      },
    );
  });
}

/** The retention policy that keeps claims when a StatefulSet is deleted or scaled in. */
export const retainClaims = { whenDeleted: "Retain", whenScaled: "Retain" } as const;
