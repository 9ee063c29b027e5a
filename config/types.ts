/** The validated, immutable shape of a stack's configuration. */

export type Environment = "prod" | "staging" | "local";

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

export interface Neo4jConfig {
  readonly image: string;
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

export interface KafkaConfig {
  readonly image: string;
  /** Where the engine reaches the brokers to manage topics, users and ACLs (SASL_PLAINTEXT, admin). */
  readonly adminBootstrapServers: string;
  readonly brokers: number;
  /** The first `controllers` brokers also form the KRaft controller quorum. */
  readonly controllers: number;
  readonly volumeSize: string;
  readonly heapSize: string;
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
}

export interface StackConfig {
  readonly environment: Environment;
  readonly namespace: string;
  readonly storageClassName: string;
  /** Skip waiting for pods to become ready: for API servers without kubelets. */
  readonly skipAwait: boolean;
  readonly neo4j: Neo4jConfig;
  readonly kafka: KafkaConfig;
  readonly postgres: PostgresConfig;
  readonly graphBuilder: GraphBuilderConfig;
  readonly kgApi: KgApiConfig;
  readonly tenants: TenantsConfig;
}

export interface TenantsConfig {
  /** Which client registry the stack serves: a name in clients/registry.ts or `file:PATH.json`. */
  readonly registry: string;
  /** Create a Neo4j database per client; needs Enterprise Edition. */
  readonly databases: boolean;
}
