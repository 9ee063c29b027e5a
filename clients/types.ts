import { PlanName } from "./plans";

/**
 * Lifecycle of a client:
 *   active ⇄ suspended          ACLs revoked, API refuses the client, data kept
 *   active|suspended → offboarding   ACLs revoked, protection lifted (still all there)
 *   offboarding → offboarded    final dump, database dropped, topics, users and secrets
 *                               deleted, billing status `deleted`; the entry stays as a tombstone
 * Offboarding takes two updates because the engine reads `protect` from saved
 * state: the first lifts protection, the second deletes.
 */
export const clientStatuses = ["active", "suspended", "offboarding", "offboarded"] as const;
export type ClientStatus = (typeof clientStatuses)[number];

export interface ClientOverrides {
  /** Retention per topic kind of the plan, in hours, within the plan's override range. */
  readonly retentionHours?: Readonly<Record<string, number>>;
}

export interface ClientEntry {
  /** Stable id: Kafka topic prefix, Neo4j database name, Kafka principal and Kubernetes name part. Never reused. */
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly plan: PlanName;
  readonly status: ClientStatus;
  readonly overrides?: ClientOverrides;
}

/** Billing status a lifecycle state is recorded as. */
export function billingStatusOf(status: ClientStatus): "active" | "suspended" | "deleted" {
  switch (status) {
    case "active":
      return "active";
    case "suspended":
    case "offboarding":
      return "suspended";
    case "offboarded":
      return "deleted";
  }
}
