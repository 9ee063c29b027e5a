/**
 * What the wiring probe requires of its environment, per mode: exactly the
 * variables the program gives the real service (components/workloads/
 * graphBuilder.ts and kgApi.ts), so that a variable the program forgets or
 * misspells keeps the probe unready. Pure functions, no I/O.
 */

export const probeModes = ["graph-builder", "kg-api"] as const;
export type ProbeMode = (typeof probeModes)[number];

/** graph-builder's HTTP port is the application's own constant (the program sets no PORT for it). */
export const graphBuilderPort = 9090;
/** The port the probe listens on when kg-api's PORT is missing, so it can still say why it is unready. */
export const kgApiFallbackPort = 8080;

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly ssl: boolean;
  readonly mechanism: "scram-sha-512" | "scram-sha-256" | "plain";
  readonly username: string;
  readonly password: string;
  readonly consumerGroup: string;
}

export interface Neo4jSettings {
  readonly uri: string;
  readonly user: string;
  readonly password: string;
}

export interface BillingSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  /** PGSSLROOTCERT: the CA file the server's certificate must chain to (libpq's verify-full). */
  readonly caFile: string;
}

export interface ProbeConfig {
  readonly mode: ProbeMode;
  readonly port: number;
  readonly neo4j?: Neo4jSettings;
  readonly kafka?: KafkaSettings;
  readonly billing?: BillingSettings;
  /** Every problem with the environment; non-empty means unready. */
  readonly problems: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** The variables each mode must receive from the program. */
export const requiredVariables: Readonly<Record<ProbeMode, readonly string[]>> = {
  "graph-builder": [
    "KAFKA_BOOTSTRAP_SERVERS",
    "KAFKA_SECURITY_PROTOCOL",
    "KAFKA_SASL_MECHANISM",
    "KAFKA_SASL_USERNAME",
    "KAFKA_SASL_PASSWORD",
    "KAFKA_CONSUMER_GROUP",
    "KAFKA_CONSUMER_BATCH_SIZE",
    "KAFKA_CONSUMER_BATCH_TIMEOUT_MS",
    "RCA_WINDOW_MIN",
    "RCA_MAX_CAUSES",
    "NEO4J_URI",
    "NEO4J_USER",
    "NEO4J_PASSWORD",
  ],
  "kg-api": [
    "PORT",
    "NEO4J_URI",
    "NEO4J_USER",
    "NEO4J_PASSWORD",
    "PGHOST",
    "PGDATABASE",
    "PGUSER",
    "PGPASSWORD",
    "PGSSLMODE",
    "PGSSLROOTCERT",
  ],
};

const positiveIntegers = [
  "KAFKA_CONSUMER_BATCH_SIZE",
  "KAFKA_CONSUMER_BATCH_TIMEOUT_MS",
  "RCA_WINDOW_MIN",
  "RCA_MAX_CAUSES",
  "PORT",
];

const saslMechanisms: Readonly<Record<string, KafkaSettings["mechanism"]>> = {
  "SCRAM-SHA-512": "scram-sha-512",
  "SCRAM-SHA-256": "scram-sha-256",
  PLAIN: "plain",
};

/** The mode: `--mode=X` wins over WIRING_PROBE_MODE (which the image variant sets). */
export function parseMode(argv: readonly string[], env: Env): string {
  const flag = argv.find((arg) => arg.startsWith("--mode="));
  return flag?.slice("--mode=".length) ?? env.WIRING_PROBE_MODE ?? "";
}

export function isProbeMode(value: string): value is ProbeMode {
  return (probeModes as readonly string[]).includes(value);
}

function isPositiveInteger(value: string): boolean {
  return /^[1-9][0-9]*$/.test(value);
}

/** Reads and validates the environment of one mode; never throws. */
export function readProbeConfig(mode: ProbeMode, env: Env): ProbeConfig {
  const problems: string[] = [];
  const value = (name: string): string => env[name] ?? "";
  for (const name of requiredVariables[mode]) {
    if (value(name) === "") {
      problems.push(`${name} is not set`);
    } else if (positiveIntegers.includes(name) && !isPositiveInteger(value(name))) {
      problems.push(`${name} must be a positive integer, got "${value(name)}"`);
    }
  }
  // WIRING_PROBE_PORT only moves graph-builder's port for tests outside Kubernetes.
  const port =
    mode === "kg-api"
      ? isPositiveInteger(value("PORT"))
        ? Number(value("PORT"))
        : kgApiFallbackPort
      : isPositiveInteger(value("WIRING_PROBE_PORT"))
        ? Number(value("WIRING_PROBE_PORT"))
        : graphBuilderPort;

  const neo4j: Neo4jSettings = {
    uri: value("NEO4J_URI"),
    user: value("NEO4J_USER"),
    password: value("NEO4J_PASSWORD"),
  };
  if (neo4j.uri !== "" && !/^(neo4j|bolt)(\+s|\+ssc)?:\/\/[^/]+/.test(neo4j.uri)) {
    problems.push(`NEO4J_URI must be a neo4j:// or bolt:// URL, got "${neo4j.uri}"`);
  }

  let kafka: KafkaSettings | undefined;
  if (mode === "graph-builder") {
    const protocol = value("KAFKA_SECURITY_PROTOCOL");
    if (protocol !== "" && protocol !== "SASL_PLAINTEXT" && protocol !== "SASL_SSL") {
      problems.push(`KAFKA_SECURITY_PROTOCOL must be SASL_PLAINTEXT or SASL_SSL, got "${protocol}"`);
    }
    const mechanism = saslMechanisms[value("KAFKA_SASL_MECHANISM")];
    if (value("KAFKA_SASL_MECHANISM") !== "" && mechanism === undefined) {
      problems.push(
        `KAFKA_SASL_MECHANISM must be one of ${Object.keys(saslMechanisms).join(", ")}, got "${value("KAFKA_SASL_MECHANISM")}"`,
      );
    }
    const brokers = value("KAFKA_BOOTSTRAP_SERVERS")
      .split(",")
      .map((b) => b.trim())
      .filter((b) => b !== "");
    for (const broker of brokers) {
      if (!/^[^:\s]+:[0-9]+$/.test(broker)) {
        problems.push(`KAFKA_BOOTSTRAP_SERVERS entry "${broker}" is not host:port`);
      }
    }
    kafka = {
      brokers,
      ssl: protocol === "SASL_SSL",
      mechanism: mechanism ?? "scram-sha-512",
      username: value("KAFKA_SASL_USERNAME"),
      password: value("KAFKA_SASL_PASSWORD"),
      consumerGroup: value("KAFKA_CONSUMER_GROUP"),
    };
  }

  let billing: BillingSettings | undefined;
  if (mode === "kg-api") {
    const pgPort = value("PGPORT");
    if (pgPort !== "" && !isPositiveInteger(pgPort)) {
      problems.push(`PGPORT must be a positive integer, got "${pgPort}"`);
    }
    // The billing database takes TLS only: kg-api must verify the server, as libpq's verify-full does.
    if (value("PGSSLMODE") !== "" && value("PGSSLMODE") !== "verify-full") {
      problems.push(`PGSSLMODE must be verify-full, got "${value("PGSSLMODE")}"`);
    }
    billing = {
      host: value("PGHOST"),
      port: isPositiveInteger(pgPort) ? Number(pgPort) : 5432,
      database: value("PGDATABASE"),
      user: value("PGUSER"),
      password: value("PGPASSWORD"),
      caFile: value("PGSSLROOTCERT"),
    };
  }
  return { mode, port, neo4j, kafka, billing, problems };
}

/** Tenant topics the graph-builder consumes: `<client>.<kind>.normalized`. */
export function isTenantTopic(topic: string): boolean {
  return /^[a-z][a-z0-9-]*\.[a-z]+\.normalized$/.test(topic);
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** What passed, or why it failed. */
  readonly detail: string;
}

/** Ready only when every check passed; the reason names the failing checks. */
export function readiness(results: readonly CheckResult[]): { ready: boolean; reason: string } {
  if (results.length === 0) {
    return { ready: false, reason: "not checked yet" };
  }
  const failing = results.filter((r) => !r.ok);
  return failing.length === 0
    ? { ready: true, reason: "all checks pass" }
    : { ready: false, reason: failing.map((r) => `${r.name}: ${r.detail}`).join("; ") };
}

/** POST /burn?seconds=N&workers=W: at most 10 minutes and 8 busy threads. */
export function parseBurn(search: URLSearchParams): { seconds: number; workers: number } | string {
  const seconds = Number(search.get("seconds") ?? "30");
  const workers = Number(search.get("workers") ?? "1");
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
    return "seconds must be an integer from 1 to 600";
  }
  if (!Number.isInteger(workers) || workers < 1 || workers > 8) {
    return "workers must be an integer from 1 to 8";
  }
  return { seconds, workers };
}
