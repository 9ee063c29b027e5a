import * as pulumi from "@pulumi/pulumi";

import { ClientEntry, loadRegistry } from "../clients";
import {
  BackupJobs,
  BackupStorage,
  BillingDatabase,
  GraphBuilder,
  graphBuilderConsumerGroup,
  imagePullPolicyTransformation,
  graphBuilderPrincipal,
  KafkaCluster,
  KgApi,
  Monitoring,
  Neo4jCluster,
  NetworkPolicies,
  PlatformKafkaAccess,
  PlatformFoundation,
  platformWorkloadNames,
  tenantKafkaConnection,
} from "../components";
import { kafkaAdminUser } from "../components/kafka/kafkaProperties";
import { StackConfig, loadStackSecrets } from "../config";
import { parseQuantity } from "../config/quantity";
import { declareClientTenants, TenantTargets } from "./clientTenants";
import { kafkaAdminPasswordOutput, TenantPlatform, tenantPlatformOutput } from "./tenantPlatform";

/**
 * The environment's servers and workloads: the namespace and guard, Kafka, Neo4j, PostgreSQL,
 * graph-builder, kg-api, network policies, monitoring and backups. In a whole stack the registry's
 * clients too; in a platform stack none, and the outputs its tenants stacks read instead.
 */
export function platformStack(config: StackConfig, role: "whole" | "platform"): Record<string, unknown> {
  // Validated before any resource is declared: bad input changes nothing.
  const clients: readonly ClientEntry[] | undefined =
    role === "whole" ? loadRegistry(config.tenants.registry) : undefined;
  const secrets = loadStackSecrets();
  const { namespace, storageClassName, skipAwait } = config;
  const names = platformWorkloadNames;

  const platform = new PlatformFoundation("platform", {
    namespace,
    storageClassName,
    storageClassProvisioner: config.storageClassProvisioner,
    volumeSizes: {
      neo4jVolumeSize: config.neo4j.volumeSize,
      kafkaVolumeSize: config.kafka.volumeSize,
      postgresVolumeSize: config.postgres.volumeSize,
      backupLocalVolumeSize: config.backups.localVolumeSize,
    },
    kafkaBrokers: config.kafka.brokers,
    kafkaDrainedBrokers: config.kafka.drainedBrokers,
    // A platform stack holds no client: its tenants stacks' guards check their shards' entries.
    ...(clients === undefined
      ? {}
      : {
          clients: Object.fromEntries(clients.map((client) => [client.id, client.status])),
          clientRegistry: config.tenants.registry,
        }),
    kafkaDiskUsageRatio: config.monitoring.alerts.diskUsageRatio,
    // Fixed from the platform stack's first update on; a whole stack's clients are in no shard.
    ...(role === "platform" ? { tenantShards: config.tenants.shards } : {}),
    caCertificate: config.tls.caCertificate,
  });
  // Every workload's containers get the configured imagePullPolicy (Never where images are imported, not pulled).
  const inCluster = {
    provider: platform.provider,
    transformations: [imagePullPolicyTransformation(config.imagePullPolicy)],
  };
  // Kafka, billing and Neo4j are not reached through the Kubernetes provider: they wait for the guard explicitly.
  const afterGuard = { dependsOn: [platform.guard] };

  // The servers' TLS: certificates from the issuer (or the local CA's Secrets), the CA clients mount.
  const caConfigMapName = platform.caConfigMapName;
  const serverTls = caConfigMapName === undefined ? undefined : { issuer: config.tls.issuer, caConfigMapName };

  const neo4j = new Neo4jCluster(
    names.neo4j,
    {
      namespace,
      storageClassName,
      skipAwait,
      neo4j: config.neo4j,
      access: config.network.dataPlaneAccess,
      tls: serverTls,
    },
    inCluster,
  );
  const kafka = new KafkaCluster(
    names.kafka,
    {
      namespace,
      storageClassName,
      skipAwait,
      kafka: config.kafka,
      tls: config.tls,
      caConfigMapName,
      adminPassword: secrets.kafkaAdminPassword,
    },
    { ...inCluster, ...afterGuard },
  );
  const billing = new BillingDatabase(
    names.postgresql,
    {
      namespace,
      storageClassName,
      skipAwait,
      postgres: config.postgres,
      access: config.network.dataPlaneAccess,
      tls: serverTls,
    },
    inCluster,
  );

  const graphBuilder = new GraphBuilder(
    names.graphBuilder,
    {
      namespace,
      skipAwait,
      graphBuilder: config.graphBuilder,
      kafkaBootstrapServers: kafka.bootstrapServers,
      kafkaSecurityProtocol: config.kafka.listenerProtocol,
      caConfigMapName,
      neo4jBoltUrl: neo4j.boltUrl,
      neo4jAuthSecretName: neo4j.authSecretName,
    },
    inCluster,
  );

  const kgApi = new KgApi(
    names.kgApi,
    {
      namespace,
      skipAwait,
      kgApi: config.kgApi,
      neo4jBoltUrl: neo4j.boltUrl,
      neo4jAuthSecretName: neo4j.authSecretName,
      billingHost: billing.host,
      billingDatabase: billing.database,
      billingAuthSecretName: billing.authSecretName,
      caConfigMapName,
      maintenance: config.maintenance,
    },
    inCluster,
  );

  // Default deny in the namespace, then each workload's flows of the allow-list.
  new NetworkPolicies(
    "network-policies",
    { namespace, workloads: names, network: config.network, s3Endpoint: config.backups.s3Endpoint },
    inCluster,
  );

  new Monitoring("monitoring", { namespace, skipAwait, monitoring: config.monitoring }, inCluster);

  const backupStorage = config.backups.awsEnabled
    ? new BackupStorage("backups", { namespace, backups: config.backups })
    : undefined;
  new BackupJobs(
    names.backupJobs,
    {
      namespace,
      storageClassName,
      backups: config.backups,
      roleArn: backupStorage?.roleArn,
      neo4jImage: config.neo4j.image,
      neo4jBackupServers: neo4j.backupServers,
      neo4jTlsSecretName: neo4j.tlsSecretName,
      postgresImage: config.postgres.image,
      postgres: {
        host: billing.host,
        database: billing.database,
        user: billing.user,
        authSecretName: billing.authSecretName,
        caConfigMapName,
      },
    },
    inCluster,
  );

  // What the clients are written into: in this stack (whole), or from the tenants stacks (platform),
  // which read the same through tenantPlatform.
  const targets: TenantTargets = {
    namespace,
    tenantDatabases: config.tenants.databases,
    kafka: {
      replicationFactor: config.kafka.settings.defaultReplicationFactor,
      minInsyncReplicas: config.kafka.settings.minInsyncReplicas,
      graphBuilderPrincipal,
    },
    kafkaConnection: tenantKafkaConnection(config),
    billingConnection: billing.connection,
    neo4jConnection: neo4j.connection,
  };
  const tls = config.kafka.listenerProtocol === "SASL_SSL";
  const tenantPlatform: { [K in keyof TenantPlatform]: pulumi.Input<TenantPlatform[K]> } = {
    ...targets,
    environment: config.environment,
    clientRegistry: config.tenants.registry,
    tenantShards: config.tenants.shards,
    kafka: {
      ...targets.kafka,
      adminBootstrapServers: config.kafka.adminBootstrapServers,
      adminUser: kafkaAdminUser,
      tlsEnabled: tls,
      caCertificate: tls ? config.tls.caCertificate : "",
      brokers: config.kafka.brokers,
      brokerVolumeBytes: config.kafka.brokers * (parseQuantity(config.kafka.volumeSize) ?? 0),
      diskUsageRatio: config.monitoring.alerts.diskUsageRatio,
    },
  };

  // Tenants' topics, users, rows and databases are written into the platform's servers: on a first
  // deployment they wait until the brokers, the billing database and Neo4j are up (and for the guard).
  const tenantProviders = {
    providers: { kubernetes: platform.provider, kafka: kafka.adminProvider },
    dependsOn: [platform.guard, kafka.ready, billing, neo4j],
  };
  new PlatformKafkaAccess(
    "platform-kafka",
    {
      graphBuilderUser: graphBuilderPrincipal,
      graphBuilderPassword: graphBuilder.kafkaPassword,
      graphBuilderConsumerGroup,
    },
    tenantProviders,
  );
  if (clients !== undefined) {
    declareClientTenants(clients, targets, tenantProviders);
  }

  return {
    platformNamespace: namespace,
    endpoints: {
      neo4jBolt: neo4j.boltUrl,
      kafkaBootstrap: kafka.bootstrapServers,
      kafkaExternalBootstrap: targets.kafkaConnection.bootstrapServers,
      postgresql: billing.host,
      kgApi: kgApi.url,
    },
    backupBucket: backupStorage?.bucketName ?? config.backups.bucketName,
    secretNames: {
      neo4jAuth: neo4j.authSecretName,
      kafkaAdmin: kafka.adminSecretName,
      postgresqlAuth: billing.authSecretName,
      graphBuilderKafka: graphBuilder.kafkaSecretName,
    },
    ...(clients === undefined ? {} : { clientIds: clients.map((c) => c.id) }),
    [tenantPlatformOutput]: tenantPlatform,
    // Secret in the state and in every reader's view (the admin provider's password).
    [kafkaAdminPasswordOutput]: pulumi.secret(kafka.adminPassword),
  };
}
