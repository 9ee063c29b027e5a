/**
 * The lifecycle of a client, in one table: the statuses, which change one
 * update may make, and what each status means for the client's resources,
 * its access and its billing row.
 *
 *   active ⇄ suspended               ACLs revoked, API refuses the client, data kept
 *   active|suspended → offboarding   ACLs revoked, protection lifted (everything still there)
 *   offboarding → offboarded         final dump, database dropped, topics, user and secrets
 *                                    deleted, billing `deleted`; the entry stays as a tombstone
 *
 * Offboarding takes two updates because the engine reads `protect` from the
 * saved state: the first lifts protection, the second deletes. Offboarded is
 * final: the id is never reused.
 *
 * The platform guard's provider serializes what it uses of this module into
 * the state: keep it free of imports.
 */

export const clientStatuses = ["active", "suspended", "offboarding", "offboarded"] as const;
export type ClientStatus = (typeof clientStatuses)[number];

/** What a client's billing row records. */
export const billingStatuses = ["active", "suspended", "deleted"] as const;
export type BillingStatus = (typeof billingStatuses)[number];

export interface StatusRules {
  /** Statuses one update may give the client next, its own included. */
  readonly next: readonly ClientStatus[];
  /** Its topics, SCRAM user, quota, database and secrets exist (the graph-builder still reads its topics). */
  readonly live: boolean;
  /** Its topics and database may be unprotected, so that the next step can delete them. */
  readonly releasable: boolean;
  /** Its own Kafka ACLs exist: it can produce and consume. */
  readonly access: boolean;
  /** The status its billing row records. */
  readonly billing: BillingStatus;
}

export const lifecycle: Readonly<Record<ClientStatus, StatusRules>> = {
  active: {
    next: ["active", "suspended", "offboarding"],
    live: true,
    releasable: false,
    access: true,
    billing: "active",
  },
  suspended: {
    next: ["active", "suspended", "offboarding"],
    live: true,
    releasable: false,
    access: false,
    billing: "suspended",
  },
  // Offboarded needs this step first: without it the engine would stop half-way at the first protected topic.
  offboarding: {
    next: ["active", "suspended", "offboarding", "offboarded"],
    live: true,
    releasable: true,
    access: false,
    billing: "suspended",
  },
  offboarded: {
    next: ["offboarded"],
    live: false,
    releasable: true,
    access: false,
    billing: "deleted",
  },
};

export function isClientStatus(value: string): value is ClientStatus {
  return (clientStatuses as readonly string[]).includes(value);
}

/** Statuses a client in `from` may have after one update; none for a status this code does not know. */
export function nextStatuses(from: string): readonly ClientStatus[] {
  return isClientStatus(from) ? lifecycle[from].next : [];
}

export function canChange(from: string, to: string): boolean {
  return nextStatuses(from).some((status) => status === to);
}

/** Every status but offboarded: the client's resources exist and count for capacity. */
export function isLive(status: ClientStatus): boolean {
  return lifecycle[status].live;
}

/** Offboarding and offboarded: the client's data may lose its protection. */
export function isReleasable(status: ClientStatus): boolean {
  return lifecycle[status].releasable;
}

/** Only active clients hold their own ACLs. */
export function hasAccess(status: ClientStatus): boolean {
  return lifecycle[status].access;
}

/** Billing status a lifecycle state is recorded as. */
export function billingStatusOf(status: ClientStatus): BillingStatus {
  return lifecycle[status].billing;
}
