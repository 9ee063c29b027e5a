/**
 * The type tokens of what the program declares, and which client owns a
 * resource: one module for the components, the policy pack, the plan guard
 * and the tests. It imports only clients/naming (itself import-free), so the
 * policy pack and the scripts load it without loading the program or the
 * provider SDKs.
 */
import { clientResourcePrefix, databaseName } from "../clients/naming";

/** The dynamic resources' module: their tokens are `pulumi-nodejs:dynamic/kg-rca:<Type>`. */
export const dynamicModule = "kg-rca";

/** Type names of the program's dynamic resources, as their classes register them. */
export const dynamicTypeNames = {
  billingRow: "BillingRow",
  brokersReady: "BrokersReady",
  neo4jDatabase: "Neo4jDatabase",
  platformGuard: "PlatformGuard",
  randomValue: "RandomValue",
} as const;

const dynamic = <T extends string>(type: T): `pulumi-nodejs:dynamic/${typeof dynamicModule}:${T}` =>
  `pulumi-nodejs:dynamic/${dynamicModule}:${type}`;

export const resourceTypes = {
  kafkaAcl: "kafka:index/acl:Acl",
  kafkaTopic: "kafka:index/topic:Topic",
  kafkaQuota: "kafka:index/quota:Quota",
  kafkaScramUser: "kafka:index/userScramCredential:UserScramCredential",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  deployment: "kubernetes:apps/v1:Deployment",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  pod: "kubernetes:core/v1:Pod",
  service: "kubernetes:core/v1:Service",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  certificate: "kubernetes:cert-manager.io/v1:Certificate",
  namespace: "kubernetes:core/v1:Namespace",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  bucketPublicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  billingRow: dynamic(dynamicTypeNames.billingRow),
  brokersReady: dynamic(dynamicTypeNames.brokersReady),
  neo4jDatabase: dynamic(dynamicTypeNames.neo4jDatabase),
  platformGuard: dynamic(dynamicTypeNames.platformGuard),
  guardRecord: "kg-rca:platform:GuardRecord",
  randomValue: dynamic(dynamicTypeNames.randomValue),
} as const;

/** Kinds whose delete or replace loses data. */
export const statefulTypes: ReadonlySet<string> = new Set([
  resourceTypes.statefulSet,
  resourceTypes.pvc,
  resourceTypes.kafkaTopic,
  resourceTypes.neo4jDatabase,
  resourceTypes.billingRow,
  resourceTypes.bucket,
  resourceTypes.bucketV2,
]);

/**
 * A client's data: what offboarding releases and then deletes. Its billing
 * row is not among it: billing history outlives the client.
 */
export const clientDataTypes: ReadonlySet<string> = new Set([resourceTypes.kafkaTopic, resourceTypes.neo4jDatabase]);

/**
 * The client that owns a topic or a client database, by the name it carries
 * (`<id>.<kind>.normalized`, database `<id>`); undefined for other kinds.
 */
export function clientOf(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
  clientIds: readonly string[],
): string | undefined {
  const name =
    type === resourceTypes.kafkaTopic
      ? inputs.name
      : type === resourceTypes.neo4jDatabase
        ? inputs.databaseName
        : undefined;
  if (typeof name !== "string") {
    return undefined;
  }
  return clientIds.find((id) => name === databaseName(id) || name.startsWith(clientResourcePrefix(id)));
}

/**
 * Marks the Kafka brokers' StatefulSet, so checks find it by what it is
 * rather than by its name (`app.kubernetes.io/component` is the
 * recommended label for a workload's role).
 */
export const kafkaBrokersLabel = { key: "app.kubernetes.io/component", value: "kafka-broker" } as const;
