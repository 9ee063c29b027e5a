import { ValidationError } from "../config/validationError";

/** Kafka's accepted range of `segment.bytes`: an int, at least 1 MiB since Kafka 4.0 (KIP-1030). */
export const segmentBytesRange = { min: 1024 * 1024, max: 2 ** 31 - 1 } as const;

type Problems = string[];

function positiveWhole(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

function checkTopic(at: string, spec: unknown, problems: Problems): void {
  if (typeof spec !== "object" || spec === null) {
    problems.push(`${at}: must be an object with partitions, retentionHours, retentionBytesPerPartition, segmentBytes`);
    return;
  }
  const s = spec as Record<string, unknown>;
  const fields: readonly [string, string][] = [
    ["partitions", "partitions"],
    ["retentionHours", "hours (retention.ms)"],
    ["retentionBytesPerPartition", "bytes per partition (retention.bytes), which bounds the topic's size"],
    ["segmentBytes", "bytes (segment.bytes), which bounds the overshoot above retention.bytes"],
  ];
  for (const [field, what] of fields) {
    const value = s[field];
    if (value === undefined) {
      problems.push(`${at}: ${field} is missing: a whole number of ${what}`);
    } else if (!positiveWhole(value)) {
      problems.push(`${at}: ${field} must be a positive whole number of ${what}; got ${JSON.stringify(value)}`);
    }
  }
  const segment = s.segmentBytes;
  if (positiveWhole(segment) && (segment < segmentBytesRange.min || segment > segmentBytesRange.max)) {
    problems.push(
      `${at}: segmentBytes must be ${segmentBytesRange.min}-${segmentBytesRange.max} (Kafka's range of segment.bytes); got ${segment}`,
    );
  }
}

/**
 * What types cannot say about the plan table: every topic kind of every plan
 * bounds its size with positive figures Kafka accepts. Each problem names the
 * plan, the topic kind and the field.
 */
export function planProblems(table: Readonly<Record<string, unknown>>, source: string): string[] {
  const problems: Problems = [];
  for (const [name, plan] of Object.entries(table)) {
    const topics = (plan as { topics?: unknown } | null)?.topics;
    if (typeof topics !== "object" || topics === null || Object.keys(topics).length === 0) {
      problems.push(`${source}: plan "${name}": topics must map at least one topic kind to its figures`);
      continue;
    }
    for (const [kind, spec] of Object.entries(topics)) {
      checkTopic(`${source}: plan "${name}", topic kind "${kind}"`, spec, problems);
    }
    const rate = (plan as { quotas?: { producerByteRate?: unknown } }).quotas?.producerByteRate;
    if (!positiveWhole(rate)) {
      problems.push(
        `${source}: plan "${name}": quotas.producerByteRate must be a positive whole number of bytes per second (it bounds what arrives between retention checks); got ${JSON.stringify(rate)}`,
      );
    }
  }
  return problems;
}

/** The plan table, or a ValidationError listing every problem. */
export function validatePlans<T extends Readonly<Record<string, unknown>>>(table: T, source: string): T {
  const problems = planProblems(table, source);
  if (problems.length > 0) {
    throw new ValidationError(`invalid plans (${source})`, problems);
  }
  return table;
}
