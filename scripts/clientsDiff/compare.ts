/**
 * Pure comparison of two snapshots of a client registry (base and working
 * tree): what each entry edit is, and what the resources its tenant plans
 * imply become. Nothing here decides what a client gets: that comes from the
 * snapshots, which each tree's own `tenantPlan` and `plans` produced.
 */
import { canChange, isLive } from "../../clients/lifecycle";
import type { ClientEntry, ClientStatus } from "../../clients";
import type { AclSpec, TenantPlan, TopicPlan } from "../../components/tenants/tenantPlan";
import type { RegistrySnapshot, TenantSnapshot } from "./snapshotTypes";

/** What happened to an entry, in the order the summary counts them. */
export const changeKinds = [
  "added",
  "removed",
  "plan",
  "suspension",
  "reactivation",
  "offboarding",
  "offboarded",
  "status",
  "edit",
  "code",
] as const;
export type ChangeKind = (typeof changeKinds)[number];

export interface ClientChange {
  readonly id: string;
  readonly kinds: readonly ChangeKind[];
  /** The entry edits in a few words, Markdown. */
  readonly summary: string;
  /** One Markdown list item per resource change the edit implies. */
  readonly resources: readonly string[];
  /** Why the change cannot be applied as it is, Markdown; empty when it can. */
  readonly refusals: readonly string[];
}

export interface RegistryDiff {
  readonly name: string;
  readonly source: string;
  readonly stacks: readonly string[];
  readonly clients: number;
  /** Problems of the working tree's registry: nothing is compared. */
  readonly headProblems: readonly string[];
  /** Problems of the base registry: nothing is compared. */
  readonly baseProblems: readonly string[];
  readonly notes: readonly string[];
  readonly changes: readonly ClientChange[];
}

const hourMs = 3600 * 1000;
const KiB = 1024;
const MiB = 1024 * KiB;

function code(value: string | number): string {
  return `\`${String(value)}\``;
}

function arrow(before: string, after: string): string {
  return `${before} → ${after}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function retention(topic: TopicPlan): string {
  const ms = topic.config["retention.ms"];
  if (ms === undefined) {
    return "default retention";
  }
  const hours = Number(ms) / hourMs;
  return Number.isInteger(hours) ? `${hours}h` : `${ms} ms`;
}

function byteRate(value: string): string {
  const bytes = Number(value);
  if (bytes > 0 && bytes % MiB === 0) {
    return `${bytes / MiB} MiB/s`;
  }
  if (bytes > 0 && bytes % KiB === 0) {
    return `${bytes / KiB} KiB/s`;
  }
  return `${value} B/s`;
}

function quotaValue(key: string, value: string): string {
  return key.endsWith("_byte_rate") ? byteRate(value) : value;
}

function quotaLabel(key: string): string {
  return key.replace(/_byte_rate$/, "").replace(/_/g, " ");
}

function describeQuota(quota: Record<string, string>): string {
  return Object.entries(quota)
    .map(([key, value]) => `${quotaLabel(key)} ${quotaValue(key, value)}`)
    .join(", ");
}

// ---- topics -----------------------------------------------------------------------

function topicChanges(id: string, before: TenantPlan | undefined, after: TenantPlan | undefined, out: Collector): void {
  const old = new Map((before?.topics ?? []).map((t) => [t.kind, t]));
  const now = new Map((after?.topics ?? []).map((t) => [t.kind, t]));
  for (const [kind, topic] of now) {
    const was = old.get(kind);
    if (was === undefined) {
      out.resources.push(
        `topic ${code(topic.name)} created: ${plural(topic.partitions, "partition")}, retention ${retention(topic)}`,
      );
      continue;
    }
    const edits: string[] = [];
    if (was.partitions !== topic.partitions) {
      edits.push(`partitions ${arrow(String(was.partitions), String(topic.partitions))}`);
    }
    if (retention(was) !== retention(topic)) {
      edits.push(`retention ${arrow(retention(was), retention(topic))}`);
    }
    for (const key of [...new Set([...Object.keys(was.config), ...Object.keys(topic.config)])]) {
      const a = was.config[key];
      const b = topic.config[key];
      if (key !== "retention.ms" && a !== b) {
        edits.push(`${key} ${arrow(a ?? "unset", b ?? "unset")}`);
      }
    }
    if (edits.length > 0) {
      out.resources.push(`topic ${code(topic.name)}: ${edits.join(", ")}`);
    }
    if (topic.partitions < was.partitions) {
      const shrink = `topic ${code(topic.name)} would go from ${was.partitions} to ${topic.partitions} partitions: Kafka cannot remove partitions, so the provider replaces the topic and its data is lost`;
      if (before?.protect === true) {
        out.refusals.push(
          `${code(id)}: ${shrink}, which the topic's protection refuses. Keep the partitions: a plan with fewer partitions needs a new topic and a migration.`,
        );
      } else {
        out.resources.push(`**data loss**: ${shrink}`);
      }
    }
  }
  for (const [kind, topic] of old) {
    if (now.has(kind)) {
      continue;
    }
    out.resources.push(
      `topic ${code(topic.name)} deleted (${plural(topic.partitions, "partition")}, retention ${retention(topic)})`,
    );
    // A removed entry is refused as a whole; a live client losing a topic is refused on its own.
    if (before?.protect === true && after?.live === true) {
      out.refusals.push(
        `${code(id)}: topic ${code(topic.name)} would be deleted (the new plan has no \`${kind}\` topic), which the topic's protection refuses. Keep a plan that has the topic.`,
      );
    }
  }
}

// ---- ACLs -------------------------------------------------------------------------

function aclKey(acl: AclSpec): string {
  return [acl.principal, acl.resourceType, acl.resourceName, acl.patternType, acl.operation].join("|");
}

/** ACLs grouped by principal and resource pattern: one line per group. */
function describeAcls(acls: readonly AclSpec[]): string[] {
  const groups = new Map<string, { head: AclSpec; operations: string[] }>();
  for (const acl of acls) {
    const key = [acl.principal, acl.resourceName, acl.patternType].join("|");
    const group = groups.get(key) ?? { head: acl, operations: [] };
    group.operations.push(`${acl.resourceType} ${acl.operation}`);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ head, operations }) => {
    const pattern = head.patternType === "Prefixed" ? "prefix" : "name";
    return `${code(head.principal)} ${operations.join(", ")} on ${pattern} ${code(head.resourceName)}`;
  });
}

function aclChanges(before: TenantPlan | undefined, after: TenantPlan | undefined, out: Collector): void {
  const old = before?.acls ?? [];
  const now = after?.acls ?? [];
  const oldKeys = new Set(old.map(aclKey));
  const nowKeys = new Set(now.map(aclKey));
  for (const line of describeAcls(now.filter((acl) => !oldKeys.has(aclKey(acl))))) {
    out.resources.push(`ACLs added: ${line}`);
  }
  for (const line of describeAcls(old.filter((acl) => !nowKeys.has(aclKey(acl))))) {
    out.resources.push(`ACLs removed: ${line}`);
  }
}

// ---- quota, database, credentials, protection, billing ------------------------------

function quotaChanges(before: TenantPlan | undefined, after: TenantPlan | undefined, out: Collector): void {
  const old = before?.quota;
  const now = after?.quota;
  if (old === undefined && now !== undefined) {
    out.resources.push(`quota set: ${describeQuota(now)}`);
  } else if (old !== undefined && now === undefined) {
    out.resources.push(`quota removed (was ${describeQuota(old)})`);
  } else if (old !== undefined && now !== undefined) {
    const edits = [...new Set([...Object.keys(old), ...Object.keys(now)])]
      .filter((key) => old[key] !== now[key])
      .map((key) => {
        const show = (value: string | undefined): string => (value === undefined ? "unset" : quotaValue(key, value));
        return `${quotaLabel(key)} ${arrow(show(old[key]), show(now[key]))}`;
      });
    if (edits.length > 0) {
      out.resources.push(`quota: ${edits.join(", ")}`);
    }
  }
}

function databaseChanges(old: string | undefined, now: string | undefined, out: Collector): void {
  if (old === now) {
    return;
  }
  if (now !== undefined) {
    out.resources.push(`Neo4j database ${code(now)} created`);
  }
  if (old !== undefined) {
    out.resources.push(`Neo4j database ${code(old)} dropped after a final dump (\`DROP DATABASE … DUMP DATA\`)`);
  }
}

function credentialChanges(
  id: string,
  before: TenantSnapshot | undefined,
  after: TenantSnapshot | undefined,
  out: Collector,
): void {
  const old = before?.plan.secrets;
  const now = after?.plan.secrets;
  const secrets = (s: { kafka: string; apiKey: string }): string =>
    `Kafka SCRAM user ${code(id)}, Secrets ${code(s.kafka)} and ${code(s.apiKey)}`;
  if (old === undefined && now !== undefined && after !== undefined) {
    out.resources.push(
      `credentials created: ${secrets(now)} (API rate limit ${after.apiRateLimitPerMinute} requests/min)`,
    );
  } else if (old !== undefined && now === undefined) {
    out.resources.push(`credentials deleted: ${secrets(old)}`);
  } else if (
    now !== undefined &&
    before !== undefined &&
    after !== undefined &&
    before.apiRateLimitPerMinute !== after.apiRateLimitPerMinute
  ) {
    out.resources.push(
      `API rate limit: ${arrow(String(before.apiRateLimitPerMinute), String(after.apiRateLimitPerMinute))} requests/min (Secret ${code(now.apiKey)})`,
    );
  }
}

function protectionChanges(before: TenantPlan | undefined, after: TenantPlan | undefined, out: Collector): void {
  if (before === undefined || after === undefined || before.protect === after.protect || !after.live) {
    return;
  }
  out.resources.push(
    after.protect
      ? "topics and Neo4j database protected again"
      : "protection lifted from the topics and the Neo4j database: the next step (`offboarded`) deletes them",
  );
}

interface BillingView {
  readonly status: string;
  readonly plan: string;
  readonly name: string;
  readonly email: string;
}

function billingOf(entry: ClientEntry | undefined, tenant: TenantSnapshot | undefined): BillingView | undefined {
  return entry === undefined || tenant === undefined
    ? undefined
    : { status: tenant.plan.billingStatus, plan: entry.plan, name: entry.name, email: entry.email };
}

function billingChanges(before: BillingView | undefined, after: BillingView | undefined, out: Collector): void {
  if (before === undefined && after !== undefined) {
    out.resources.push(`billing row created: status ${code(after.status)}, plan ${code(after.plan)}`);
  } else if (before !== undefined && after === undefined) {
    out.resources.push("billing row no longer declared: it is protected, so the engine refuses to delete it");
  } else if (before !== undefined && after !== undefined) {
    const edits: string[] = [];
    if (before.status !== after.status) {
      const kept = after.status === "deleted" ? " (the row is kept: billing history outlives the client)" : "";
      edits.push(`status ${arrow(code(before.status), code(after.status))}${kept}`);
    }
    if (before.plan !== after.plan) {
      edits.push(`plan ${arrow(code(before.plan), code(after.plan))}`);
    }
    if (before.name !== after.name) {
      edits.push(`name ${arrow(JSON.stringify(before.name), JSON.stringify(after.name))}`);
    }
    if (before.email !== after.email) {
      edits.push(`email ${arrow(code(before.email), code(after.email))}`);
    }
    if (edits.length > 0) {
      out.resources.push(`billing row: ${edits.join(", ")}`);
    }
  }
}

// ---- entries ----------------------------------------------------------------------

interface Collector {
  readonly kinds: ChangeKind[];
  readonly summary: string[];
  readonly resources: string[];
  readonly refusals: string[];
}

interface Side {
  readonly entry: ClientEntry | undefined;
  readonly tenant: TenantSnapshot | undefined;
  readonly tenantDatabases: boolean;
}

/** Names the step; whether the step is allowed is the lifecycle's to say. */
function statusChange(id: string, from: ClientStatus, to: ClientStatus, out: Collector): void {
  const change = arrow(code(from), code(to));
  if (!isLive(from)) {
    out.kinds.push("status");
    out.summary.push(`status ${change}`);
  } else if (to === "offboarded") {
    out.kinds.push("offboarded");
    out.summary.push(`offboarding step 2 (${change})`);
  } else if (to === "offboarding") {
    out.kinds.push("offboarding");
    out.summary.push(`offboarding step 1 (${change})`);
  } else if (to === "suspended") {
    out.kinds.push("suspension");
    out.summary.push(`suspended (${change})`);
  } else {
    out.kinds.push("reactivation");
    out.summary.push(`reactivated (${change})`);
  }
  if (canChange(from, to)) {
    return;
  }
  out.refusals.push(
    isLive(from)
      ? `${code(id)}: ${change} skips step 1. The engine reads \`protect\` from the saved state, so the protected topics and database cannot be deleted in the update that lifts protection: set \`status: "offboarding"\` first, and \`"offboarded"\` in a later change.`
      : `${code(id)}: ${change}: \`offboarded\` is final. The tombstone cannot come back (its data is gone and the id is never reused); onboard the client under a new id.`,
  );
}

function overridesText(entry: ClientEntry): string {
  return entry.overrides === undefined ? "none" : code(JSON.stringify(entry.overrides));
}

function entryEdits(before: ClientEntry, after: ClientEntry, out: Collector): void {
  if (before.plan !== after.plan) {
    out.kinds.push("plan");
    out.summary.push(`plan ${arrow(code(before.plan), code(after.plan))}`);
  }
  if (before.status !== after.status) {
    statusChange(after.id, before.status, after.status, out);
  }
  const edits: string[] = [];
  if (before.name !== after.name) {
    edits.push(`name ${arrow(JSON.stringify(before.name), JSON.stringify(after.name))}`);
  }
  if (before.email !== after.email) {
    edits.push(`email ${arrow(code(before.email), code(after.email))}`);
  }
  if (overridesText(before) !== overridesText(after)) {
    edits.push(`overrides ${arrow(overridesText(before), overridesText(after))}`);
  }
  if (edits.length > 0) {
    out.kinds.push("edit");
    out.summary.push(...edits);
  }
}

function removalRefusal(entry: ClientEntry): string {
  const why = !isLive(entry.status)
    ? "Offboarded entries stay as tombstones so the id is never reused (and their billing row is protected): put it back."
    : 'Entries are never deleted: put it back, and to offboard set `status: "offboarding"`, then `"offboarded"` in a later change. The entry then stays as a tombstone so the id is never reused; removing it makes `pulumi up` try to delete protected resources, which fails.';
  return `${code(entry.id)}: removed from the registry. ${why}`;
}

/** The change of one client between two sides, or undefined when nothing about it changes. */
export function compareClient(id: string, base: Side, head: Side): ClientChange | undefined {
  const out: Collector = { kinds: [], summary: [], resources: [], refusals: [] };
  if (base.entry === undefined && head.entry !== undefined) {
    out.kinds.push("added");
    out.summary.push(`added: plan ${code(head.entry.plan)}, status ${code(head.entry.status)}`);
  } else if (base.entry !== undefined && head.entry === undefined) {
    out.kinds.push("removed");
    out.summary.push("**removed: refused**");
    out.refusals.push(removalRefusal(base.entry));
  } else if (base.entry !== undefined && head.entry !== undefined) {
    entryEdits(base.entry, head.entry, out);
  }
  const before = base.tenant?.plan;
  const after = head.tenant?.plan;
  topicChanges(id, before, after, out);
  aclChanges(before, after, out);
  quotaChanges(before, after, out);
  databaseChanges(
    base.tenantDatabases ? before?.databaseName : undefined,
    head.tenantDatabases ? after?.databaseName : undefined,
    out,
  );
  credentialChanges(id, base.tenant, head.tenant, out);
  protectionChanges(before, after, out);
  billingChanges(billingOf(base.entry, base.tenant), billingOf(head.entry, head.tenant), out);
  if (out.kinds.length === 0) {
    if (out.resources.length === 0 && out.refusals.length === 0) {
      return undefined;
    }
    out.kinds.push("code");
    out.summary.push("entry unchanged; its resources change with the code or stack config");
  }
  return { id, kinds: out.kinds, summary: out.summary.join("; "), resources: out.resources, refusals: out.refusals };
}

/** Compares one registry by name; either side may be missing (a registry added or removed). */
export function compareRegistry(
  name: string,
  base: RegistrySnapshot | undefined,
  head: RegistrySnapshot | undefined,
): RegistryDiff {
  const source = head?.source ?? base?.source ?? name;
  const diff = {
    name,
    source,
    stacks: head?.stacks ?? base?.stacks ?? [],
    clients: head?.entries.length ?? 0,
    headProblems: head?.problems ?? [],
    baseProblems: base?.problems ?? [],
  };
  const notes: string[] = [];
  if (base === undefined) {
    notes.push(`New registry: ${code(name)} is not in clients/registry.ts at the base.`);
  }
  if (head === undefined) {
    notes.push(`${code(name)} is no longer in clients/registry.ts: every stack that serves it fails to load.`);
  }
  if (diff.headProblems.length > 0 || diff.baseProblems.length > 0) {
    return { ...diff, notes, changes: [] };
  }
  const side = (snapshot: RegistrySnapshot | undefined, id: string): Side => ({
    entry: snapshot?.entries.find((e) => e.id === id),
    tenant: snapshot?.tenants[id],
    tenantDatabases: snapshot?.tenantDatabases ?? false,
  });
  const ids = [...(head?.entries ?? []), ...(base?.entries ?? [])].map((e) => e.id);
  const changes = [...new Set(ids)]
    .map((id) => compareClient(id, side(base, id), side(head, id)))
    .filter((change): change is ClientChange => change !== undefined);
  return { ...diff, notes, changes };
}
