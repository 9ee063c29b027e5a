import { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";

import { isReleasable, loadRegistry } from "../clients";
import { clientDataTypes, clientOf, resourceTypes } from "../components/resourceKinds";
import { configOf, guardrailConfigSchema, Props } from "./policyTypes";

/** A claim `<template>-<statefulset>-<ordinal>` above its StatefulSet's replicas belongs to a retiring broker. */
function isRetiringClaim(claim: PolicyResource, resources: readonly PolicyResource[]): boolean {
  const name = String(((claim.props as Props).metadata as Props | undefined)?.name);
  return resources.some((r) => {
    if (r.type !== resourceTypes.statefulSet) {
      return false;
    }
    const statefulSet = String(((r.props as Props).metadata as Props | undefined)?.name);
    const match = new RegExp(`^[a-z0-9-]+-${statefulSet}-(\\d+)$`).exec(name);
    return match !== null && Number(match[1]) >= Number(((r.props as Props).spec as Props | undefined)?.replicas);
  });
}

/**
 * Nothing is lost: topics, client databases, billing rows, volume claims and
 * buckets are protected, except a client's topics and database once the
 * registry marks it offboarding, and the claims of drained brokers.
 */
export function statefulResourcesProtected(enforcementLevel: EnforcementLevel = "mandatory"): StackValidationPolicy {
  return {
    name: "stateful-resources-protected",
    description:
      "Topics, client databases, billing rows, volume claims and buckets are protected unless their client is offboarding.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateStack: (args, reportViolation) => {
      const clients = loadRegistry(configOf(args).clientRegistry);
      const statusOf = new Map(clients.map((c) => [c.id, c.status]));
      const ids = clients.map((c) => c.id);
      for (const resource of args.resources) {
        if (resource.opts.protect) {
          continue;
        }
        if (clientDataTypes.has(resource.type)) {
          const client = clientOf(resource.type, resource.props as Props, ids);
          const status = client === undefined ? undefined : statusOf.get(client);
          if (status === undefined || !isReleasable(status)) {
            reportViolation(
              `${resource.name} is not protected, but its client ${client ?? "(unknown)"} is ${status ?? "not in the registry"}. Only offboarding releases a client's data: set its status to "offboarding" first.`,
              resource.urn,
            );
          }
          continue;
        }
        switch (resource.type) {
          case resourceTypes.pvc:
            if (!isRetiringClaim(resource, args.resources)) {
              reportViolation(
                `Volume claim ${resource.name} is not protected. Declare claims through declareStatefulSetClaims, which protects them.`,
                resource.urn,
              );
            }
            break;
          case resourceTypes.billingRow:
          case resourceTypes.bucket:
            reportViolation(
              `${resource.name} (${resource.type}) is not protected: billing history and backups are never removed by the engine. Set protect: true.`,
              resource.urn,
            );
            break;
          default:
            break;
        }
      }
    },
  };
}
