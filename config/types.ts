/** The validated, immutable shape of a stack's configuration. */

export type Environment = "prod" | "staging" | "local";

export const imagePullPolicies = ["Always", "IfNotPresent", "Never"] as const;
export type ImagePullPolicy = (typeof imagePullPolicies)[number];

export interface ComputeResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface Autoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU utilisation, in percent of the request, that the HPA aims for. */
  readonly cpuTargetPercent: number;
  /** How long the HPA waits before removing pods, to avoid churn. */
  readonly scaleDownStabilizationSeconds: number;
}

export interface Neo4jSettings {
  readonly heapInitialSize: string;
  readonly heapMaxSize: string;
  readonly pageCacheSize: string;
  readonly transactionTotalMax: string;
  readonly transactionMax: string;
  readonly queryCacheSize: number;
  readonly checkpointIntervalTime: string;
  readonly checkpointIntervalTx: number;
  readonly boltThreadPoolMaxSize: number;
}

/** Enterprise runs clusters, per-client databases and online backups; Community one server and one database. */
export type Neo4jEdition = "enterprise" | "community";

export interface Neo4jConfig {
  readonly image: string;
  readonly edition: Neo4jEdition;
  readonly servers: number;
  readonly volumeSize: string;
  readonly resources: ComputeResources;
  readonly settings: Neo4jSettings;
}

export interface KafkaBrokerSettings {
  readonly defaultReplicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly compressionType: string;
  readonly logRetentionHours: number;
  readonly logRetentionBytes: number;
  readonly logSegmentBytes: number;
  readonly numNetworkThreads: number;
  readonly numIoThreads: number;
}

/** A host and a TCP port, such as a listener's advertised address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** How the tenants' listener is published outside the cluster. */
export const externalServiceTypes = ["LoadBalancer", "NodePort"] as const;
export type ExternalServiceType = (typeof externalServiceTypes)[number];

/**
 * The listener tenants (and the engine's kafka provider) reach from outside the cluster: a
 * bootstrap address and one address per broker, each its own Service of `serviceType`.
 */
export interface KafkaExternalListener {
  readonly serviceType: ExternalServiceType;
  readonly bootstrap: HostPort;
  /** Broker id i is advertised as `brokers[i]`. */
  readonly brokers: readonly HostPort[];
}

/** Security of every broker listener: SASL over TLS, or SASL without TLS (refused in prod). */
export const kafkaListenerProtocols = ["SASL_SSL", "SASL_PLAINTEXT"] as const;
export type KafkaListenerProtocol = (typeof kafkaListenerProtocols)[number];

export interface KafkaConfig {
  readonly image: string;
  /** Where the engine reaches the brokers as the super-user: the external listener's bootstrap unless overridden. */
  readonly adminBootstrapServers: string;
  readonly listenerProtocol: KafkaListenerProtocol;
  readonly external: KafkaExternalListener;
  readonly brokers: number;
  /** Broker ids already drained of partitions: only these may be removed by lowering `brokers`. */
  readonly drainedBrokers: readonly number[];
  /** The first `controllers` brokers also form the KRaft controller quorum. */
  readonly controllers: number;
  readonly volumeSize: string;
  readonly heapSize: string;
  /** KAFKA_JVM_PERFORMANCE_OPTS of the brokers and the program's Kafka tools; undefined for the image's defaults. */
  readonly jvmPerformanceOptions: string | undefined;
  readonly resources: ComputeResources;
  readonly settings: KafkaBrokerSettings;
}

export interface PostgresConfig {
  readonly image: string;
  readonly volumeSize: string;
  readonly resources: ComputeResources;
}

export interface GraphBuilderConfig {
  readonly image: string;
  readonly autoscaling: Autoscaling;
  readonly resources: ComputeResources;
  readonly batchSize: number;
  readonly batchTimeoutMs: number;
  readonly rcaWindowMinutes: number;
  readonly rcaMaxCauses: number;
}

export interface KgApiConfig {
  readonly image: string;
  readonly autoscaling: Autoscaling;
  readonly resources: ComputeResources;
  readonly ingressHost: string;
  readonly ingressClassName: string;
  /** Wait for the ingress controller to publish the Ingress's address; false where no controller runs. */
  readonly ingressAwait: boolean;
}

export interface StackConfig {
  readonly environment: Environment;
  readonly namespace: string;
  readonly storageClassName: string;
  /** Non-empty: the program declares the StorageClass with this provisioner (local stacks). */
  readonly storageClassProvisioner: string;
  /** Skip waiting for pods to become ready: for API servers without kubelets. */
  readonly skipAwait: boolean;
  /** Every container's `imagePullPolicy`: `Never` where images are imported into the node, not pulled. */
  readonly imagePullPolicy: ImagePullPolicy;
  readonly neo4j: Neo4jConfig;
  readonly kafka: KafkaConfig;
  readonly postgres: PostgresConfig;
  readonly graphBuilder: GraphBuilderConfig;
  readonly kgApi: KgApiConfig;
  readonly tenants: TenantsConfig;
  readonly backups: BackupsConfig;
  readonly monitoring: MonitoringConfig;
  /** Thresholds and endpoints of the day-2 commands (`npm run ops`). */
  readonly ops: OpsConfig;
  /** kg-api parked at zero replicas and the Ingress serving a 503 maintenance page. */
  readonly maintenance: MaintenanceConfig;
  /** Where the platform's traffic may come from, for its NetworkPolicies. */
  readonly network: NetworkConfig;
  readonly tls: TlsConfig;
  /** Which of its environment's stacks this stack is (fleet/stackLayout.ts). */
  readonly layout: StackLayout;
}

/**
 * `whole`: one stack holds the platform and every client (the layout before tenant shards, and the
 * local stack's). `platform`: the environment's servers and workloads, no client. `tenants`: one
 * shard of the environment's registry, written into the servers its platform stack exports.
 */
export const stackRoles = ["whole", "platform", "tenants"] as const;
export type StackRole = (typeof stackRoles)[number];

export interface StackLayout {
  readonly role: StackRole;
  /** A tenants stack's platform stack, as a stack reference names it; "" for the other roles. */
  readonly platformStack: string;
  /** A tenants stack's shard, 0 to the platform's shard count - 1; 0 for the other roles. */
  readonly tenantShard: number;
}

/** A cert-manager issuer, as a Certificate's issuerRef names it. */
export interface CertificateIssuer {
  readonly kind: "Issuer" | "ClusterIssuer";
  readonly name: string;
}

/**
 * Where the servers' certificates come from. With an issuer, the program declares cert-manager
 * Certificates that write the Secrets; without one (local stacks), something else must have written
 * Secrets of the same names (scripts/local.sh, from a local CA) before the servers start.
 */
export interface TlsConfig {
  readonly issuer?: CertificateIssuer;
  /** PEM of the CA that signs the servers' certificates: what clients, and the engine, trust. */
  readonly caCertificate: string;
}

export interface NetworkConfig {
  /** Namespace of the ingress controller that forwards to kg-api and the maintenance page. */
  readonly ingressControllerNamespace: string;
  /** Namespace of the Prometheus that scrapes the workloads. */
  readonly monitoringNamespace: string;
  /**
   * Address ranges outside the cluster that may reach the Kafka client listener, Bolt and PostgreSQL
   * directly (the engine's providers, the day-2 commands); empty: none, they come through a
   * port-forward, which NetworkPolicies do not see.
   */
  readonly operatorCidrs: readonly string[];
  /**
   * How the engine's billing and Neo4j providers and the day-2 commands reach PostgreSQL and Neo4j when
   * no URL is set in their environment: through a port-forward they open with the kubeconfig (a CI
   * runner or a laptop outside the cluster), or directly at the Services' cluster names.
   */
  readonly dataPlaneAccess: DataPlaneAccess;
}

export const dataPlaneAccessModes = ["port-forward", "direct"] as const;
export type DataPlaneAccess = (typeof dataPlaneAccessModes)[number];

export interface BackupsConfig {
  /** Declare AWS resources (bucket, IAM role). Off where no AWS account or provider is available. */
  readonly awsEnabled: boolean;
  readonly bucketName: string;
  readonly archiveAfterDays: number;
  readonly archiveStorageClass: string;
  readonly expireAfterDays: number;
  /** ARN of the cluster's IAM OIDC provider, trusted to let the backup ServiceAccount assume the role. */
  readonly oidcProviderArn: string;
  readonly neo4jSchedule: string;
  readonly postgresSchedule: string;
  /** When the restore drill restores the newest PostgreSQL dump into a scratch database and checks it. */
  readonly restoreDrillSchedule: string;
  /** Oldest dump the drill accepts, in hours: the PostgreSQL backup interval plus a margin. */
  readonly restoreDrillMaxAgeHours: number;
  readonly timeZone: string;
  readonly localRetentionDays: number;
  readonly localVolumeSize: string;
  readonly awsCliImage: string;
  /** S3-compatible endpoint of the backup jobs instead of AWS's; undefined for AWS. */
  readonly s3Endpoint?: string;
  /** Secret with static S3 keys for the backup jobs; undefined for the ServiceAccount's IAM role. */
  readonly s3CredentialsSecret?: string;
}

export interface AlertThresholds {
  readonly neo4jDownFor: string;
  readonly kafkaBrokerDownFor: string;
  readonly consumerLagMessages: number;
  readonly consumerLagFor: string;
  readonly rcaAccuracyMin: number;
  readonly rcaAccuracyFor: string;
  readonly diskUsageRatio: number;
  readonly diskUsageFor: string;
  readonly podRestartsPerHour: number;
  readonly podRestartsFor: string;
}

export interface MonitoringConfig {
  /** Deliver alert rules as a PrometheusRule (Prometheus Operator) or as a plain rules ConfigMap. */
  readonly prometheusOperator: boolean;
  readonly alerts: AlertThresholds;
}

export interface MaintenanceConfig {
  readonly enabled: boolean;
  readonly pageImage: string;
}

export interface TenantsConfig {
  /** Which client registry the stack serves: a name in clients/registry.ts or `file:PATH.json`. */
  readonly registry: string;
  /** Create a Neo4j database per client; needs Enterprise Edition. */
  readonly databases: boolean;
  /** Clients one tenant shard is sized for (tenantShardSize). */
  readonly shardSize: number;
  /** Tenant shards of the environment: capacityMaxClients over shardSize, rounded up; fixed at creation. */
  readonly shards: number;
}

export interface OpsConfig {
  /** Prometheus the health and client reports query; the environment may override it per run. */
  readonly prometheusUrl: string;
  /**
   * Largest per-partition lag of the graph-builder group, what HighConsumerLag fires on: warning from
   * `warning` (below `monitoring.alerts.consumerLagMessages`), error from `critical`.
   */
  readonly consumerLag: { readonly warning: number; readonly critical: number };
  /** Volume usage ratio that is an error; warnings start above `monitoring.alerts.diskUsageRatio`. */
  readonly volumeUsageErrorRatio: number;
  readonly capacity: CapacityPlanning;
}

export interface CapacityPlanning {
  /** Clients the current infrastructure is sized for (the guide's MAX_CLIENTS). */
  readonly maxClients: number;
  /** Months ahead of reaching `maxClients` that scaling should start. */
  readonly scaleLeadMonths: number;
}
