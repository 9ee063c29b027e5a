import { ConfigReader, RawConfig } from "./configReader";
import { parseNeo4jSize, parseQuantity, neo4jDurationPattern } from "./quantity";
import {
  AlertThresholds,
  Autoscaling,
  imagePullPolicies,
  BackupsConfig,
  MonitoringConfig,
  ComputeResources,
  dataPlaneAccessModes,
  OpsConfig,
  GraphBuilderConfig,
  KafkaConfig,
  KgApiConfig,
  Neo4jConfig,
  PostgresConfig,
  StackConfig,
  StackLayout,
  stackRoles,
} from "./types";
import { shardCount } from "../clients/shards";
import { drainingBrokers } from "./kafkaBrokers";
import { formatHostPort, readExternalListener, readListenerProtocol } from "./kafkaListeners";
import { readTls } from "./tlsConfig";
import { ValidationError } from "./validationError";

/** The config namespace of this program: the Pulumi project name. */
export const projectName = "kg-rca-server";

const compressionTypes = ["gzip", "snappy", "lz4", "zstd", "producer", "uncompressed"] as const;

function readResources(reader: ConfigReader, prefix: string): ComputeResources {
  const keys = {
    requestCpu: `${prefix}CpuRequest`,
    requestMemory: `${prefix}MemoryRequest`,
    limitCpu: `${prefix}CpuLimit`,
    limitMemory: `${prefix}MemoryLimit`,
  };
  const resources: ComputeResources = {
    requests: { cpu: reader.quantity(keys.requestCpu, "cpu"), memory: reader.quantity(keys.requestMemory, "memory") },
    limits: { cpu: reader.quantity(keys.limitCpu, "cpu"), memory: reader.quantity(keys.limitMemory, "memory") },
  };
  requestWithinLimit(reader, keys.requestCpu, keys.limitCpu, resources.requests.cpu, resources.limits.cpu);
  requestWithinLimit(reader, keys.requestMemory, keys.limitMemory, resources.requests.memory, resources.limits.memory);
  return resources;
}

function requestWithinLimit(
  reader: ConfigReader,
  requestKey: string,
  limitKey: string,
  request: string,
  limit: string,
): void {
  if (reader.allValid(requestKey, limitKey) && (parseQuantity(request) as number) > (parseQuantity(limit) as number)) {
    reader.problem(requestKey, `must not exceed ${reader.qualified(limitKey)} ("${limit}"); got "${request}"`);
  }
}

function readAutoscaling(reader: ConfigReader, prefix: string): Autoscaling {
  const minKey = `${prefix}MinReplicas`;
  const maxKey = `${prefix}MaxReplicas`;
  const autoscaling: Autoscaling = {
    minReplicas: reader.positiveInteger(minKey),
    maxReplicas: reader.positiveInteger(maxKey),
    cpuTargetPercent: reader.integer(`${prefix}CpuTargetPercent`, 1, 100),
    scaleDownStabilizationSeconds: reader.integer(`${prefix}ScaleDownStabilizationSeconds`, 0, 3600),
  };
  if (reader.allValid(minKey, maxKey) && autoscaling.minReplicas > autoscaling.maxReplicas) {
    reader.problem(
      minKey,
      `must not exceed ${reader.qualified(maxKey)} (${autoscaling.maxReplicas}); got ${autoscaling.minReplicas}`,
    );
  }
  return autoscaling;
}

function readNeo4j(reader: ConfigReader): Neo4jConfig {
  const neo4j: Neo4jConfig = {
    image: reader.image("neo4jImage"),
    edition: reader.oneOf("neo4jEdition", ["enterprise", "community"]),
    servers: reader.positiveInteger("neo4jServers"),
    volumeSize: reader.quantity("neo4jVolumeSize", "storage"),
    resources: readResources(reader, "neo4j"),
    settings: {
      heapInitialSize: reader.neo4jSize("neo4jHeapInitialSize"),
      heapMaxSize: reader.neo4jSize("neo4jHeapMaxSize"),
      pageCacheSize: reader.neo4jSize("neo4jPageCacheSize"),
      transactionTotalMax: reader.neo4jSize("neo4jTransactionTotalMax"),
      transactionMax: reader.neo4jSize("neo4jTransactionMax"),
      queryCacheSize: reader.positiveInteger("neo4jQueryCacheSize"),
      checkpointIntervalTime: reader.matching(
        "neo4jCheckpointIntervalTime",
        neo4jDurationPattern,
        `a duration such as "15m"`,
      ),
      checkpointIntervalTx: reader.positiveInteger("neo4jCheckpointIntervalTx"),
      boltThreadPoolMaxSize: reader.positiveInteger("neo4jBoltThreadPoolMaxSize"),
    },
  };
  if (reader.allValid("neo4jEdition", "neo4jServers") && neo4j.edition === "community" && neo4j.servers !== 1) {
    reader.problem(
      "neo4jServers",
      `must be 1 with neo4jEdition "community" (clustering needs Enterprise Edition); got ${neo4j.servers}`,
    );
  }
  const s = neo4j.settings;
  if (reader.allValid("neo4jHeapInitialSize", "neo4jHeapMaxSize") && size(s.heapInitialSize) > size(s.heapMaxSize)) {
    reader.problem(
      "neo4jHeapInitialSize",
      `must not exceed neo4jHeapMaxSize ("${s.heapMaxSize}"); got "${s.heapInitialSize}"`,
    );
  }
  if (
    reader.allValid("neo4jTransactionMax", "neo4jTransactionTotalMax") &&
    size(s.transactionMax) > size(s.transactionTotalMax)
  ) {
    reader.problem(
      "neo4jTransactionMax",
      `must not exceed neo4jTransactionTotalMax ("${s.transactionTotalMax}"); got "${s.transactionMax}"`,
    );
  }
  // The JVM heap and the page cache live in the same container: together they must fit its memory limit.
  if (reader.allValid("neo4jHeapMaxSize", "neo4jPageCacheSize", "neo4jMemoryLimit")) {
    const needed = size(s.heapMaxSize) + size(s.pageCacheSize);
    const limit = parseQuantity(neo4j.resources.limits.memory) as number;
    if (needed > limit) {
      reader.problem(
        "neo4jMemoryLimit",
        `("${neo4j.resources.limits.memory}") must hold neo4jHeapMaxSize ("${s.heapMaxSize}") plus neo4jPageCacheSize ("${s.pageCacheSize}"); raise the limit or lower the heap or page cache`,
      );
    }
  }
  return neo4j;
}

function size(neo4jSize: string): number {
  return parseNeo4jSize(neo4jSize) as number;
}

/**
 * Drained brokers that still run are the highest ids (the StatefulSet removes pods from the top),
 * none is a controller (the quorum never changes), and the rest still hold every replica.
 */
function checkDrainedBrokers(reader: ConfigReader, kafka: KafkaConfig): void {
  if (!reader.allValid("kafkaBrokers", "kafkaDrainedBrokers", "kafkaControllers", "kafkaReplicationFactor")) {
    return;
  }
  const running = drainingBrokers(kafka);
  const top = Array.from({ length: running.length }, (_, i) => kafka.brokers - running.length + i);
  if (running.some((id, i) => id !== top[i])) {
    reader.problem(
      "kafkaDrainedBrokers",
      `(${running.join(", ")}) must be the highest broker ids (${top.join(", ")} of ${kafka.brokers}): lowering kafkaBrokers removes brokers from the top`,
    );
  } else if (running.some((id) => id < kafka.controllers)) {
    reader.problem(
      "kafkaDrainedBrokers",
      `(${running.join(", ")}) includes a controller (ids below kafkaControllers, ${kafka.controllers}): the controller quorum is never drained`,
    );
  } else if (kafka.brokers - running.length < kafka.settings.defaultReplicationFactor) {
    reader.problem(
      "kafkaDrainedBrokers",
      `draining ${running.join(", ")} leaves ${kafka.brokers - running.length} broker(s), fewer than kafkaReplicationFactor (${kafka.settings.defaultReplicationFactor})`,
    );
  }
}

function readKafka(reader: ConfigReader, environment: string): KafkaConfig {
  const brokers = reader.positiveInteger("kafkaBrokers");
  const external = readExternalListener(reader, brokers);
  // Empty: the external listener's bootstrap, the way in from outside the cluster.
  const adminBootstrap = reader.optionalMatching(
    "kafkaAdminBootstrapServers",
    /^[a-z0-9.-]+:\d{1,5}(,[a-z0-9.-]+:\d{1,5})*$/,
    `a comma-separated list of host:port, e.g. "127.0.0.1:19092"`,
  );
  const kafka: KafkaConfig = {
    image: reader.image("kafkaImage"),
    adminBootstrapServers: adminBootstrap ?? (external.bootstrap.port === 0 ? "" : formatHostPort(external.bootstrap)),
    listenerProtocol: readListenerProtocol(reader, environment),
    external,
    brokers,
    drainedBrokers: reader.integerList("kafkaDrainedBrokers"),
    controllers: reader.positiveInteger("kafkaControllers"),
    volumeSize: reader.quantity("kafkaVolumeSize", "storage"),
    heapSize: reader.neo4jSize("kafkaHeapSize"),
    // Only -XX: flags: the heap has its own key, and the image's start script splits the value
    // into words unquoted, so nothing a shell would expand may reach it.
    jvmPerformanceOptions: reader.optionalMatching(
      "kafkaJvmPerformanceOptions",
      /^-XX:[A-Za-z0-9+=.:_-]+( -XX:[A-Za-z0-9+=.:_-]+)*$/,
      `JVM flags of the form -XX:..., separated by single spaces (the heap is kafkaHeapSize), e.g. "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"`,
    ),
    resources: readResources(reader, "kafka"),
    settings: {
      defaultReplicationFactor: reader.positiveInteger("kafkaReplicationFactor"),
      minInsyncReplicas: reader.positiveInteger("kafkaMinInsyncReplicas"),
      compressionType: reader.oneOf("kafkaCompressionType", compressionTypes),
      logRetentionHours: reader.positiveInteger("kafkaLogRetentionHours"),
      logRetentionBytes: reader.integer("kafkaLogRetentionBytes", -1),
      logSegmentBytes: reader.integer("kafkaLogSegmentBytes", 14),
      numNetworkThreads: reader.positiveInteger("kafkaNumNetworkThreads"),
      numIoThreads: reader.positiveInteger("kafkaNumIoThreads"),
    },
  };
  const s = kafka.settings;
  checkDrainedBrokers(reader, kafka);
  if (reader.allValid("kafkaBrokers", "kafkaReplicationFactor") && kafka.brokers < s.defaultReplicationFactor) {
    reader.problem(
      "kafkaBrokers",
      `(${kafka.brokers}) must be at least kafkaReplicationFactor (${s.defaultReplicationFactor}): a topic cannot have more replicas than brokers`,
    );
  }
  // A local stack may run one broker (replication 1, min.insync 1); every other stack keeps a replica to spare.
  const singleReplicaLocal = environment === "local" && s.defaultReplicationFactor === 1 && s.minInsyncReplicas === 1;
  if (
    reader.allValid("kafkaMinInsyncReplicas", "kafkaReplicationFactor") &&
    s.minInsyncReplicas >= s.defaultReplicationFactor &&
    !singleReplicaLocal
  ) {
    reader.problem(
      "kafkaMinInsyncReplicas",
      `(${s.minInsyncReplicas}) must be below kafkaReplicationFactor (${s.defaultReplicationFactor}) so a topic stays writable with one replica down`,
    );
  }
  if (reader.allValid("kafkaControllers", "kafkaBrokers") && kafka.controllers > kafka.brokers) {
    reader.problem("kafkaControllers", `(${kafka.controllers}) must not exceed kafkaBrokers (${kafka.brokers})`);
  }
  if (reader.allValid("kafkaControllers") && kafka.controllers % 2 === 0) {
    reader.problem(
      "kafkaControllers",
      `must be odd (1, 3 or 5) so the KRaft quorum has a majority; got ${kafka.controllers}`,
    );
  }
  return kafka;
}

function readPostgres(reader: ConfigReader): PostgresConfig {
  return {
    image: reader.image("postgresImage"),
    volumeSize: reader.quantity("postgresVolumeSize", "storage"),
    resources: readResources(reader, "postgres"),
  };
}

function readGraphBuilder(reader: ConfigReader): GraphBuilderConfig {
  return {
    image: reader.image("graphBuilderImage"),
    autoscaling: readAutoscaling(reader, "graphBuilder"),
    resources: readResources(reader, "graphBuilder"),
    batchSize: reader.positiveInteger("graphBuilderBatchSize"),
    batchTimeoutMs: reader.positiveInteger("graphBuilderBatchTimeoutMs"),
    rcaWindowMinutes: reader.positiveInteger("graphBuilderRcaWindowMinutes"),
    rcaMaxCauses: reader.positiveInteger("graphBuilderRcaMaxCauses"),
  };
}

function readKgApi(reader: ConfigReader): KgApiConfig {
  return {
    image: reader.image("kgApiImage"),
    autoscaling: readAutoscaling(reader, "kgApi"),
    resources: readResources(reader, "kgApi"),
    ingressHost: reader.hostname("kgApiIngressHost"),
    ingressClassName: reader.dnsLabel("kgApiIngressClassName"),
    ingressAwait: reader.boolean("kgApiIngressAwait"),
  };
}

function readBackups(reader: ConfigReader): BackupsConfig {
  const backups: BackupsConfig = {
    awsEnabled: reader.boolean("awsEnabled"),
    bucketName: reader.matching(
      "backupBucketName",
      /^(?!xn--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
      "an S3 bucket name: 3-63 lowercase letters, digits and '-'",
    ),
    archiveAfterDays: reader.positiveInteger("backupArchiveAfterDays"),
    archiveStorageClass: reader.oneOf("backupArchiveStorageClass", [
      "STANDARD_IA",
      "GLACIER_IR",
      "GLACIER",
      "DEEP_ARCHIVE",
    ]),
    expireAfterDays: reader.positiveInteger("backupExpireAfterDays"),
    oidcProviderArn: reader.matching(
      "backupOidcProviderArn",
      /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/,
      "the ARN of the cluster's IAM OIDC provider, arn:aws:iam::ACCOUNT:oidc-provider/ISSUER",
    ),
    neo4jSchedule: reader.cronSchedule("backupNeo4jSchedule"),
    postgresSchedule: reader.cronSchedule("backupPostgresSchedule"),
    restoreDrillSchedule: reader.cronSchedule("backupRestoreDrillSchedule"),
    restoreDrillMaxAgeHours: reader.positiveInteger("backupRestoreDrillMaxAgeHours"),
    timeZone: reader.matching(
      "backupTimeZone",
      /^[A-Za-z]+(\/[A-Za-z0-9_+-]+)*$/,
      `an IANA time zone such as "Etc/UTC" or "Europe/Berlin"`,
    ),
    localRetentionDays: reader.positiveInteger("backupLocalRetentionDays"),
    localVolumeSize: reader.quantity("backupLocalVolumeSize", "storage"),
    awsCliImage: reader.image("awsCliImage"),
    s3Endpoint: reader.optionalMatching(
      "backupS3Endpoint",
      /^https?:\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?\/?$/,
      "an endpoint URL such as http://172.31.254.1:19000 (scheme, host and port only)",
    ),
    s3CredentialsSecret: reader.optionalMatching(
      "backupS3CredentialsSecret",
      /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      "the name of a Secret in the namespace (lowercase letters, digits, '-' and '.')",
    ),
  };
  // Where the program declares the bucket on AWS, the jobs use it with the ServiceAccount's role:
  // another endpoint would send backups somewhere unmanaged, static keys would be long-lived secrets.
  for (const [key, value] of [
    ["backupS3Endpoint", backups.s3Endpoint],
    ["backupS3CredentialsSecret", backups.s3CredentialsSecret],
  ] as const) {
    if (backups.awsEnabled && value !== undefined) {
      reader.problem(
        key,
        `must be empty while awsEnabled is true: the backups go to the bucket the program declares, under the ServiceAccount's IAM role; got "${value}"`,
      );
    }
  }
  if (
    reader.allValid("backupArchiveAfterDays", "backupExpireAfterDays") &&
    backups.expireAfterDays <= backups.archiveAfterDays
  ) {
    reader.problem(
      "backupExpireAfterDays",
      `(${backups.expireAfterDays}) must be after backupArchiveAfterDays (${backups.archiveAfterDays}): backups are archived before they expire`,
    );
  }
  return backups;
}

function readMonitoring(reader: ConfigReader): MonitoringConfig {
  return {
    prometheusOperator: reader.boolean("prometheusOperator"),
    alerts: {
      neo4jDownFor: reader.promDuration("alertNeo4jDownFor"),
      kafkaBrokerDownFor: reader.promDuration("alertKafkaBrokerDownFor"),
      consumerLagMessages: reader.positiveInteger("alertConsumerLagMessages"),
      consumerLagFor: reader.promDuration("alertConsumerLagFor"),
      rcaAccuracyMin: reader.ratio("alertRcaAccuracyMin", 0, 1),
      rcaAccuracyFor: reader.promDuration("alertRcaAccuracyFor"),
      diskUsageRatio: reader.ratio("alertDiskUsageRatio", 0, 1),
      diskUsageFor: reader.promDuration("alertDiskUsageFor"),
      podRestartsPerHour: reader.positiveInteger("alertPodRestartsPerHour"),
      podRestartsFor: reader.promDuration("alertPodRestartsFor"),
    },
  };
}

/** The day-2 thresholds, each validated against the alert that measures the same thing. */
function readOps(reader: ConfigReader, alerts: AlertThresholds, maxClients: number): OpsConfig {
  const ops: OpsConfig = {
    prometheusUrl: reader.matching(
      "opsPrometheusUrl",
      /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
      `an http or https URL without query, e.g. "http://prometheus.monitoring.svc:9090"`,
    ),
    consumerLag: {
      warning: reader.positiveInteger("opsConsumerLagWarning"),
      critical: reader.positiveInteger("opsConsumerLagCritical"),
    },
    volumeUsageErrorRatio: reader.ratio("opsVolumeUsageErrorRatio", 0, 1),
    capacity: {
      maxClients,
      scaleLeadMonths: reader.integer("capacityScaleLeadMonths", 0, 120),
    },
  };
  if (
    reader.allValid("opsConsumerLagWarning", "opsConsumerLagCritical") &&
    ops.consumerLag.critical <= ops.consumerLag.warning
  ) {
    reader.problem(
      "opsConsumerLagCritical",
      `(${ops.consumerLag.critical}) must be above opsConsumerLagWarning (${ops.consumerLag.warning})`,
    );
  }
  // The check and HighConsumerLag judge the same per-partition lag: the morning check must warn before the alert fires.
  if (
    reader.allValid("opsConsumerLagWarning", "alertConsumerLagMessages") &&
    ops.consumerLag.warning >= alerts.consumerLagMessages
  ) {
    reader.problem(
      "opsConsumerLagWarning",
      `(${ops.consumerLag.warning}) must be below alertConsumerLagMessages (${alerts.consumerLagMessages}), where HighConsumerLag fires, so the health check warns first`,
    );
  }
  if (
    reader.allValid("opsVolumeUsageErrorRatio", "alertDiskUsageRatio") &&
    ops.volumeUsageErrorRatio <= alerts.diskUsageRatio
  ) {
    reader.problem(
      "opsVolumeUsageErrorRatio",
      `(${ops.volumeUsageErrorRatio}) must be above alertDiskUsageRatio (${alerts.diskUsageRatio}), where warnings start`,
    );
  }
  return ops;
}

/** Everything the reader parsed, or every problem it found at once. */
export interface ParsedConfig {
  readonly config: StackConfig;
  readonly keysRead: ReadonlySet<string>;
}

/**
 * Turns raw stack config into a validated, immutable StackConfig.
 * Throws a ValidationError listing every invalid key; nothing is declared before this returns.
 */
/** The keys a tenants stack may set: everything else it reads from its platform stack. */
export const tenantsStackKeys = ["stackRole", "platformStack", "tenantShard"] as const;

/**
 * The stack's layout alone, read before anything else: a tenants stack reads no other key (its
 * environment's settings are the platform stack's outputs), and refuses any other key set in its
 * file (`setKeys`, unqualified), which it would silently ignore.
 */
export function parseStackLayout(raw: RawConfig, source: string, setKeys: readonly string[]): StackLayout {
  const reader = new ConfigReader(raw, projectName);
  const layout = readLayout(reader);
  if (layout.role === "tenants") {
    for (const key of setKeys.filter((k) => !(tenantsStackKeys as readonly string[]).includes(k))) {
      reader.problem(
        key,
        `a tenants stack takes its environment's settings from its platform stack (${layout.platformStack}); set ${key} there, not here`,
      );
    }
  }
  if (reader.problems.length > 0) {
    throw new ValidationError(`invalid stack config (${source})`, reader.problems);
  }
  return layout;
}

export function parseStackConfig(raw: RawConfig, source: string): ParsedConfig {
  const reader = new ConfigReader(raw, projectName);
  const environment = reader.oneOf("environment", ["prod", "staging", "local"]);
  const monitoring = readMonitoring(reader);
  // Read before the config object: the shard count is derived from them.
  const maxClients = reader.positiveInteger("capacityMaxClients");
  const shardSize = reader.positiveInteger("tenantShardSize");
  const kafka = readKafka(reader, environment);
  const config: StackConfig = {
    environment,
    namespace: reader.dnsLabel("namespace"),
    storageClassName: reader.dnsLabel("storageClassName"),
    storageClassProvisioner: reader.optional("storageClassProvisioner"),
    skipAwait: reader.boolean("skipAwait"),
    imagePullPolicy: reader.oneOf("imagePullPolicy", imagePullPolicies),
    neo4j: readNeo4j(reader),
    kafka,
    postgres: readPostgres(reader),
    graphBuilder: readGraphBuilder(reader),
    kgApi: readKgApi(reader),
    tenants: {
      registry: reader.matching(
        "clientRegistry",
        /^([a-z][a-z0-9-]*|file:.+\.json)$/,
        `a registry name such as "prod", or file:PATH.json`,
      ),
      databases: reader.boolean("tenantDatabases"),
      shardSize,
      shards: shardCount(maxClients, shardSize),
    },
    backups: readBackups(reader),
    monitoring,
    ops: readOps(reader, monitoring.alerts, maxClients),
    maintenance: { enabled: reader.boolean("maintenanceMode"), pageImage: reader.image("maintenancePageImage") },
    network: {
      ingressControllerNamespace: reader.dnsLabel("networkIngressControllerNamespace"),
      monitoringNamespace: reader.dnsLabel("networkMonitoringNamespace"),
      operatorCidrs: reader.cidrList("networkOperatorCidrs"),
      dataPlaneAccess: reader.oneOf("dataPlaneAccess", dataPlaneAccessModes),
    },
    tls: readTls(reader, environment, kafka.listenerProtocol),
    layout: readLayout(reader),
  };
  if (
    reader.allValid("neo4jEdition", "tenantDatabases") &&
    config.tenants.databases &&
    config.neo4j.edition !== "enterprise"
  ) {
    reader.problem(
      "tenantDatabases",
      `must be false with neo4jEdition "${config.neo4j.edition}": per-client databases need Enterprise Edition`,
    );
  }
  if (reader.problems.length > 0) {
    throw new ValidationError(`invalid stack config (${source})`, reader.problems);
  }
  return { config: deepFreeze(config), keysRead: reader.keysRead };
}

/**
 * The stack's place in its environment. A tenants stack reads everything else from its platform
 * stack's outputs, so it needs the reference; the other roles must not carry one (a platform stack
 * pointing at another would be a mistake nobody would notice).
 */
function readLayout(reader: ConfigReader): StackLayout {
  const role = reader.oneOf("stackRole", stackRoles);
  const platformStack = reader.optional("platformStack").trim();
  const tenantShard = reader.integer("tenantShard", 0);
  if (role === "tenants" && platformStack === "") {
    reader.problem(
      "platformStack",
      `is required with stackRole "tenants": the platform stack whose servers this shard's clients are written into, e.g. "organization/kg-rca-server/prod"`,
    );
  }
  if (role !== "tenants" && platformStack !== "") {
    reader.problem("platformStack", `is read by tenants stacks only; this stack's stackRole is "${role}": unset it`);
  }
  if (role !== "tenants" && tenantShard !== 0) {
    reader.problem("tenantShard", `is read by tenants stacks only; this stack's stackRole is "${role}": unset it`);
  }
  if (platformStack !== "" && !/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/.test(platformStack)) {
    reader.problem(
      "platformStack",
      `must be a stack name, STACK, PROJECT/STACK or ORG/PROJECT/STACK; got "${platformStack}"`,
    );
  }
  return { role, platformStack, tenantShard };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
