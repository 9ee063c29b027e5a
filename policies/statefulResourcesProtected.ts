import { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";

import { isClientStatus, isReleasable } from "../clients/lifecycle";
import { clientDataTypes, clientOf, resourceTypes } from "../components/resourceKinds";
import { guardRecords, Props } from "./policyTypes";

/**
 * Client statuses as the platform guard was given them in this run (the
 * registry snapshot the preview applies), so the policy judges the very
 * registry the update uses; undefined when the stack declares no guard.
 */
function guardedStatuses(resources: readonly PolicyResource[]): ReadonlyMap<string, string> | undefined {
  const records = guardRecords(resources);
  if (records.length === 0) {
    return undefined;
  }
  const statuses = records.flatMap((record) => Object.entries(record.clients ?? {}));
  return new Map(statuses);
}

/** Why a client's topic or database may not be unprotected, for the violation's message. */
function unreleasedReason(client: string | undefined, statuses: ReadonlyMap<string, string> | undefined): string {
  if (statuses === undefined) {
    return "no platform guard is declared, so no client status is known";
  }
  const status = client === undefined ? undefined : statuses.get(client);
  return `its client ${client ?? "(unknown)"} is ${status ?? "not in the registry"}`;
}

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
 * registry the platform guard records marks it offboarding, and the claims of
 * drained brokers.
 */
export function statefulResourcesProtected(enforcementLevel: EnforcementLevel = "mandatory"): StackValidationPolicy {
  return {
    name: "stateful-resources-protected",
    description:
      "Topics, client databases, billing rows, volume claims and buckets are protected unless their client is offboarding.",
    enforcementLevel,
    validateStack: (args, reportViolation) => {
      const statuses = guardedStatuses(args.resources);
      const ids = [...(statuses?.keys() ?? [])];
      for (const resource of args.resources) {
        if (resource.opts.protect) {
          continue;
        }
        if (clientDataTypes.has(resource.type)) {
          const client = clientOf(resource.type, resource.props as Props, ids);
          const status = client === undefined ? undefined : statuses?.get(client);
          if (status === undefined || !isClientStatus(status) || !isReleasable(status)) {
            reportViolation(
              `${resource.name} is not protected, but ${unreleasedReason(client, statuses)}. Only offboarding releases a client's data: set its status to "offboarding" first.`,
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
