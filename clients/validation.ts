import { ValidationError } from "../config/validationError";
import { clientIdLength, clientIdPattern, reservedClientIds } from "./naming";
import { planNames, plans, PlanName } from "./plans";
import { clientStatuses } from "./lifecycle";
import { ClientEntry } from "./types";

const emailPattern = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const knownFields = new Set(["id", "name", "email", "plan", "status", "overrides"]);
const knownOverrides = new Set(["retentionHours"]);

type Problems = string[];

function label(entry: unknown, index: number): string {
  const id = typeof entry === "object" && entry !== null ? (entry as { id?: unknown }).id : undefined;
  return typeof id === "string" && id !== "" ? `client "${id}" (entry ${index + 1})` : `entry ${index + 1}`;
}

function checkId(id: unknown, at: string, problems: Problems): void {
  const rule = `${clientIdLength.min}-${clientIdLength.max} lowercase letters, digits and '-', starting with a letter and not ending with '-' (no '_' or '.': the id is a Kafka topic prefix, a Neo4j database name and a Kubernetes name), e.g. "acme-abc123"`;
  if (typeof id !== "string") {
    problems.push(`${at}: id is required: ${rule}`);
  } else if (!clientIdPattern.test(id) || id.length < clientIdLength.min || id.length > clientIdLength.max) {
    problems.push(`${at}: id "${id}" is invalid: must be ${rule}`);
  } else if (reservedClientIds.includes(id)) {
    problems.push(`${at}: id "${id}" is reserved by Neo4j; choose another`);
  }
}

function checkOverrides(overrides: unknown, plan: unknown, at: string, problems: Problems): void {
  if (overrides === undefined) {
    return;
  }
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
    problems.push(`${at}: overrides must be an object such as { retentionHours: { logs: 24 } }`);
    return;
  }
  for (const field of Object.keys(overrides)) {
    if (!knownOverrides.has(field)) {
      problems.push(
        `${at}: overrides.${field} is not an override any plan allows; allowed: retentionHours (retention.bytes is always the plan's: the storage bound is per plan)`,
      );
    }
  }
  const retention = (overrides as { retentionHours?: unknown }).retentionHours;
  if (retention === undefined || typeof plan !== "string" || !(plan in plans)) {
    return;
  }
  const p = plans[plan as PlanName];
  if (typeof retention !== "object" || retention === null) {
    problems.push(`${at}: overrides.retentionHours must map topic kinds to hours, e.g. { logs: 24 }`);
    return;
  }
  const { min, max } = p.retentionOverrideHours;
  for (const [kind, hours] of Object.entries(retention)) {
    if (!(kind in p.topics)) {
      problems.push(
        `${at}: overrides.retentionHours.${kind}: plan "${plan}" has no "${kind}" topic; its topics: ${Object.keys(p.topics).join(", ")}`,
      );
    } else if (typeof hours !== "number" || !Number.isInteger(hours) || hours < min || hours > max) {
      problems.push(
        `${at}: overrides.retentionHours.${kind}: plan "${plan}" allows ${min}-${max} whole hours; got ${JSON.stringify(hours)}`,
      );
    }
  }
}

function checkEntry(entry: unknown, at: string, problems: Problems): void {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    problems.push(`${at}: must be an object with id, name, email, plan and status`);
    return;
  }
  const e = entry as Record<string, unknown>;
  for (const field of Object.keys(e)) {
    if (!knownFields.has(field)) {
      problems.push(`${at}: unknown field "${field}"; fields are ${[...knownFields].join(", ")}`);
    }
  }
  checkId(e.id, at, problems);
  if (typeof e.name !== "string" || e.name.trim() === "" || e.name.length > 200) {
    problems.push(`${at}: name must be a non-empty string of at most 200 characters`);
  }
  if (typeof e.email !== "string" || !emailPattern.test(e.email)) {
    problems.push(`${at}: email ${JSON.stringify(e.email)} is not a valid address such as admin@example.com`);
  }
  if (typeof e.plan !== "string" || !(planNames as string[]).includes(e.plan)) {
    problems.push(`${at}: plan ${JSON.stringify(e.plan)} is unknown; plans: ${planNames.join(", ")}`);
  }
  if (typeof e.status !== "string" || !(clientStatuses as readonly string[]).includes(e.status)) {
    problems.push(`${at}: status ${JSON.stringify(e.status)} is unknown; statuses: ${clientStatuses.join(", ")}`);
  }
  checkOverrides(e.overrides, e.plan, at, problems);
}

/** Every problem of a registry, each naming the source, the client, the field and what would be valid. */
export function registryProblems(entries: unknown, source: string): string[] {
  if (!Array.isArray(entries)) {
    return [`${source}: must be an array of client entries`];
  }
  const problems: Problems = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const at = `${source}: ${label(entry, index)}`;
    checkEntry(entry, at, problems);
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id === "string") {
      const first = seen.get(id);
      if (first !== undefined) {
        problems.push(`${at}: id "${id}" is already used by entry ${first + 1}; ids are unique and never reused`);
      } else {
        seen.set(id, index);
      }
    }
  });
  return problems;
}

/** The registry as typed entries, or a ValidationError listing every problem. */
export function validateRegistry(entries: unknown, source: string): readonly ClientEntry[] {
  const problems = registryProblems(entries, source);
  if (problems.length > 0) {
    throw new ValidationError(`invalid client registry (${source})`, problems);
  }
  return entries as ClientEntry[];
}
