import { isIP } from "net";

import { cronScheduleProblems } from "./cronSchedule";
import { parseNeo4jSize, parseQuantity } from "./quantity";
import { HostPort } from "./types";

/** Looks up a key of raw stack config: every value a string (as the engine hands it over), or absent. */
export type RawConfig = (key: string) => string | undefined;

export type QuantityKind = "cpu" | "memory" | "storage";

const imagePattern =
  /^[a-z0-9][a-z0-9._\-/]*(:\d+)?[a-z0-9._\-/]*:([A-Za-z0-9_][A-Za-z0-9._-]{0,127})(@sha256:[a-f0-9]{64})?$/;
const dnsLabelPattern = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** An IPv4 or IPv6 address with a prefix length that fits it, such as 10.0.0.0/8 or fd00::/8. */
function isCidr(block: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(block);
  const family = match === null ? 0 : isIP(match[1] as string);
  return family !== 0 && Number(match?.[2]) <= (family === 4 ? 32 : 128);
}
const hostnamePattern = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** HOST:PORT with a DNS name or an IPv4 address (IPv6 in brackets), and a port from 1 to 65535. */
function parseHostPort(text: string): HostPort | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const host = match?.[1]?.replace(/^\[(.*)\]$/, "$1") ?? "";
  const port = Number(match?.[2]);
  const validHost = hostnamePattern.test(host) || isIP(host) !== 0;
  return validHost && port >= 1 && port <= 65535 ? { host, port } : undefined;
}

const hostPortWhat = `HOST:PORT with a lowercase DNS name or an IP address and a port from 1 to 65535, such as "kafka.example.com:9094"`;

/**
 * Reads typed values out of raw stack config, collecting a problem for each
 * key that is missing or invalid instead of stopping at the first one.
 * Each problem names the fully qualified key and what would be valid.
 */
export class ConfigReader {
  public readonly problems: string[] = [];
  private readonly invalidKeys = new Set<string>();

  constructor(
    private readonly raw: RawConfig,
    private readonly namespace: string,
  ) {}

  /** The key as written in a stack file, e.g. `kg-rca-server:neo4jReplicas`. */
  qualified(key: string): string {
    return `${this.namespace}:${key}`;
  }

  /** True when every named key parsed; cross-key rules only run on valid inputs. */
  allValid(...keys: string[]): boolean {
    return keys.every((key) => !this.invalidKeys.has(key));
  }

  problem(key: string, message: string): void {
    this.invalidKeys.add(key);
    this.problems.push(`${this.qualified(key)}: ${message}`);
  }

  /** Every key this reader was asked for: the program's config surface, checked against Pulumi.yaml. */
  public readonly keysRead = new Set<string>();

  string(key: string): string {
    this.keysRead.add(key);
    const value = this.raw(key);
    if (value === undefined || value === "") {
      this.problem(key, "is required and has no value (declare a default in Pulumi.yaml or set it in the stack file)");
      return "";
    }
    return value;
  }

  /** A string that may be empty (an empty value means "not set"). */
  optional(key: string): string {
    this.keysRead.add(key);
    return this.raw(key) ?? "";
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.string(key);
    if (value !== "" && !(allowed as readonly string[]).includes(value)) {
      this.problem(key, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got "${value}"`);
    }
    return value as T;
  }

  boolean(key: string): boolean {
    const value = this.string(key);
    if (value === "true") {
      return true;
    }
    if (value !== "false" && value !== "") {
      this.problem(key, `must be true or false; got "${value}"`);
    }
    return false;
  }

  integer(key: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
    const value = this.string(key);
    if (value === "") {
      return min;
    }
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
      this.problem(
        key,
        `must be ${min === 1 && max === Number.MAX_SAFE_INTEGER ? "a positive integer" : range}; got "${value}"`,
      );
      return min;
    }
    return parsed;
  }

  positiveInteger(key: string): number {
    return this.integer(key, 1);
  }

  /** A Kubernetes quantity such as "4Gi" or "500m", kept as written; its value is checked. */
  quantity(key: string, kind: QuantityKind): string {
    const value = this.string(key);
    if (value === "") {
      return value;
    }
    const parsed = parseQuantity(value);
    if (parsed === undefined || parsed <= 0) {
      const examples = kind === "cpu" ? `"500m", "2", "16"` : `"512Mi", "4Gi", "1Ti"`;
      this.problem(key, `must be a positive Kubernetes quantity such as ${examples}; got "${value}"`);
    }
    return value;
  }

  /** A Neo4j memory size such as "32G" (digits with an optional k, m or g). */
  neo4jSize(key: string): string {
    const value = this.string(key);
    if (value !== "" && (parseNeo4jSize(value) ?? 0) <= 0) {
      this.problem(key, `must be a Neo4j memory size such as "512m" or "32G"; got "${value}"`);
    }
    return value;
  }

  matching(key: string, pattern: RegExp, what: string): string {
    const value = this.string(key);
    if (value !== "" && !pattern.test(value)) {
      this.problem(key, `must be ${what}; got "${value}"`);
    }
    return value;
  }

  /** Like `matching`, for a key that may be left empty: undefined when it is. */
  optionalMatching(key: string, pattern: RegExp, what: string): string | undefined {
    const value = this.optional(key);
    if (value === "") {
      return undefined;
    }
    if (!pattern.test(value)) {
      this.problem(key, `must be ${what}, or empty; got "${value}"`);
    }
    return value;
  }

  /** A container image with an explicit version tag: `latest` and bare names are refused. */
  image(key: string): string {
    const value = this.matching(
      key,
      imagePattern,
      `an image with an explicit version tag such as "neo4j:5.26.5-enterprise"`,
    );
    if (/:latest(@|$)/.test(value)) {
      this.problem(key, `must pin an explicit version, not "latest"; got "${value}"`);
    }
    return value;
  }

  /** A number such as 0.85, within [min, max]. */
  ratio(key: string, min: number, max: number): number {
    const value = this.string(key);
    const parsed = Number(value);
    if (value !== "" && (!/^\d+(\.\d+)?$/.test(value) || parsed < min || parsed > max)) {
      this.problem(key, `must be a number from ${min} to ${max}; got "${value}"`);
      return min;
    }
    return parsed;
  }

  /** A Prometheus duration such as "5m", "90s" or "1h". */
  promDuration(key: string): string {
    return this.matching(key, /^(\d+(ms|s|m|h|d|w|y))+$/, `a Prometheus duration such as "30s", "5m" or "1h"`);
  }

  /** A CronJob schedule as Kubernetes accepts it: five fields, each checked, or a macro such as "@daily". */
  cronSchedule(key: string): string {
    const value = this.string(key);
    if (value !== "") {
      for (const problem of cronScheduleProblems(value)) {
        this.problem(key, problem);
      }
    }
    return value;
  }

  /** A comma-separated list of non-negative integers, possibly empty. */
  integerList(key: string): number[] {
    this.keysRead.add(key);
    const value = this.raw(key) ?? "";
    if (value.trim() === "") {
      return [];
    }
    if (!/^\d+(\s*,\s*\d+)*$/.test(value.trim())) {
      this.problem(key, `must be a comma-separated list of broker ids such as "5,6", or empty; got "${value}"`);
      return [];
    }
    return value.split(",").map((v) => Number(v.trim()));
  }

  /** A comma-separated list of IPv4 or IPv6 CIDR blocks such as "10.0.0.0/8", possibly empty. */
  cidrList(key: string): string[] {
    const value = this.optional(key).trim();
    if (value === "") {
      return [];
    }
    const blocks = value.split(",").map((block) => block.trim());
    const invalid = blocks.filter((block) => !isCidr(block));
    if (invalid.length > 0) {
      this.problem(
        key,
        `must be a comma-separated list of CIDR blocks such as "10.0.0.0/8,192.168.1.0/24", or empty; "${invalid.join('", "')}" is not one`,
      );
    }
    return blocks;
  }

  dnsLabel(key: string): string {
    return this.matching(
      key,
      dnsLabelPattern,
      "a DNS label (lowercase letters, digits and '-', at most 63 characters)",
    );
  }

  /** One HOST:PORT address; undefined (with a problem) when missing or invalid. */
  hostPort(key: string): HostPort | undefined {
    const value = this.string(key).trim();
    if (value === "") {
      return undefined;
    }
    const parsed = parseHostPort(value);
    if (parsed === undefined) {
      this.problem(key, `must be ${hostPortWhat}; got "${value}"`);
    }
    return parsed;
  }

  /** A comma-separated list of HOST:PORT addresses, each checked; empty when missing or invalid. */
  hostPortList(key: string): HostPort[] {
    const value = this.string(key).trim();
    if (value === "") {
      return [];
    }
    const entries = value.split(",").map((entry) => ({ text: entry.trim(), parsed: parseHostPort(entry.trim()) }));
    const invalid = entries.filter((entry) => entry.parsed === undefined).map((entry) => entry.text);
    if (invalid.length > 0) {
      this.problem(key, `must be a comma-separated list of ${hostPortWhat}; "${invalid.join('", "')}" is not one`);
      return [];
    }
    return entries.flatMap((entry) => (entry.parsed === undefined ? [] : [entry.parsed]));
  }

  hostname(key: string): string {
    return this.matching(key, hostnamePattern, "a lowercase DNS host name such as api.example.com");
  }
}
