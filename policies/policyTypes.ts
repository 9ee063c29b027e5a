/** Type tokens the policies look at, and small helpers shared by them. */
import { PolicyResource } from "@pulumi/policy";

export const resourceTypes = {
  kafkaAcl: "kafka:index/acl:Acl",
  kafkaTopic: "kafka:index/topic:Topic",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  deployment: "kubernetes:apps/v1:Deployment",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  pod: "kubernetes:core/v1:Pod",
  configMap: "kubernetes:core/v1:ConfigMap",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  bucket: "aws:s3/bucket:Bucket",
  bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  bucketPublicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  neo4jDatabase: "pulumi-nodejs:dynamic/kg-rca:Neo4jDatabase",
  billingRow: "pulumi-nodejs:dynamic/kg-rca:BillingRow",
} as const;

/** Inputs as a loose tree: policies read Kubernetes specs whose shape the provider defines. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;

/** Settings every policy may read from the policy pack config. */
export interface GuardrailConfig {
  /** "prod" turns on the production-only rules. */
  readonly environment: string;
  /** Kafka principals of the platform itself, which are not tenants. */
  readonly platformPrincipals: readonly string[];
  /** Ceiling of partition replicas per broker. */
  readonly maxPartitionReplicasPerBroker: number;
  /** The client registry the stack serves (same value as the stack's kg-rca-server:clientRegistry). */
  readonly clientRegistry: string;
}

export const guardrailDefaults: GuardrailConfig = {
  environment: "prod",
  platformPrincipals: ["User:admin", "User:graph-builder"],
  maxPartitionReplicasPerBroker: 4000,
  clientRegistry: "prod",
};

/** The JSON schema of the settings, with defaults, so `--policy-pack-config` can change them per stack. */
export const guardrailConfigSchema = {
  properties: {
    environment: { type: "string", default: guardrailDefaults.environment },
    platformPrincipals: {
      type: "array",
      items: { type: "string" },
      default: [...guardrailDefaults.platformPrincipals],
    },
    maxPartitionReplicasPerBroker: { type: "integer", default: guardrailDefaults.maxPartitionReplicasPerBroker },
    clientRegistry: { type: "string", default: guardrailDefaults.clientRegistry },
  },
} as const;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the shape CrossGuard's args declare
export function configOf(args: { getConfig<T extends object>(): T }): GuardrailConfig {
  return { ...guardrailDefaults, ...args.getConfig<Partial<GuardrailConfig>>() };
}

/** The logical name a resource is known by in messages. */
export function describe(resource: Pick<PolicyResource, "type" | "name">): string {
  return `${resource.name} (${resource.type})`;
}
