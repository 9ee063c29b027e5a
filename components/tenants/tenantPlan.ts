import {
  apiKeySecretName,
  billingStatusOf,
  BillingStatus,
  clientResourcePrefix,
  ClientEntry,
  databaseName,
  hasAccess,
  isLive,
  isReleasable,
  kafkaPrincipal,
  kafkaSecretName,
  planOf,
  topicName,
} from "../../clients";

/** One Kafka ACL binding, in the provider's vocabulary. */
export interface AclSpec {
  readonly role: string;
  readonly resourceType: "Topic" | "Group";
  readonly resourceName: string;
  readonly patternType: "Prefixed" | "Literal";
  readonly principal: string;
  readonly operation: "Read" | "Write" | "Describe";
}

export interface TopicPlan {
  readonly kind: string;
  readonly name: string;
  readonly partitions: number;
  readonly config: Record<string, string>;
}

/** Everything one client implies, decided from its entry alone; the component only declares it. */
export interface TenantPlan {
  readonly clientId: string;
  /** False once the client is offboarded: only the billing tombstone remains. */
  readonly live: boolean;
  /** Stateful resources are protected until offboarding starts. */
  readonly protect: boolean;
  readonly topics: readonly TopicPlan[];
  readonly acls: readonly AclSpec[];
  readonly quota: Record<string, string> | undefined;
  readonly databaseName: string | undefined;
  readonly secrets: { readonly kafka: string; readonly apiKey: string } | undefined;
  readonly billingStatus: BillingStatus;
}

export interface PlatformKafka {
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  /** Principal of the platform's graph-builder, which reads every live client's topics. */
  readonly graphBuilderPrincipal: string;
}

const hour = 3600 * 1000;

/** ACLs of a client: only its own prefix, only what producing and consuming need. Never a wildcard. */
export function clientAcls(clientId: string): AclSpec[] {
  const prefix = clientResourcePrefix(clientId);
  const principal = kafkaPrincipal(clientId);
  const topic = (operation: AclSpec["operation"]): AclSpec => ({
    role: `topic-${operation.toLowerCase()}`,
    resourceType: "Topic",
    resourceName: prefix,
    patternType: "Prefixed",
    principal,
    operation,
  });
  return [
    topic("Write"),
    topic("Read"),
    topic("Describe"),
    {
      role: "group-read",
      resourceType: "Group",
      resourceName: prefix,
      patternType: "Prefixed",
      principal,
      operation: "Read",
    },
  ];
}

/** The graph-builder reads each client's topics through that client's prefix, not through `*`. */
export function graphBuilderAcls(clientId: string, graphBuilderPrincipal: string): AclSpec[] {
  const prefix = clientResourcePrefix(clientId);
  return (["Read", "Describe"] as const).map((operation) => ({
    role: `graph-builder-${operation.toLowerCase()}`,
    resourceType: "Topic",
    resourceName: prefix,
    patternType: "Prefixed",
    principal: `User:${graphBuilderPrincipal}`,
    operation,
  }));
}

export function tenantPlan(client: ClientEntry, kafka: PlatformKafka): TenantPlan {
  const plan = planOf(client.plan);
  const live = isLive(client.status);
  const retentionOverrides = client.overrides?.retentionHours ?? {};
  const topics: TopicPlan[] = live
    ? Object.entries(plan.topics).map(([kind, spec]) => ({
        kind,
        name: topicName(client.id, kind),
        partitions: spec.partitions,
        config: {
          "cleanup.policy": "delete",
          "retention.ms": String((retentionOverrides[kind] ?? spec.retentionHours) * hour),
          // Always the plan's: overrides change time only, so the storage bound is the plan's (clients/storageBound.ts).
          "retention.bytes": String(spec.retentionBytesPerPartition),
          "segment.bytes": String(spec.segmentBytes),
          "min.insync.replicas": String(kafka.minInsyncReplicas),
        },
      }))
    : [];
  return {
    clientId: client.id,
    live,
    protect: !isReleasable(client.status),
    topics,
    acls: [
      ...(hasAccess(client.status) ? clientAcls(client.id) : []),
      ...(live ? graphBuilderAcls(client.id, kafka.graphBuilderPrincipal) : []),
    ],
    quota: live
      ? {
          producer_byte_rate: String(plan.quotas.producerByteRate),
          consumer_byte_rate: String(plan.quotas.consumerByteRate),
        }
      : undefined,
    databaseName: live ? databaseName(client.id) : undefined,
    secrets: live ? { kafka: kafkaSecretName(client.id), apiKey: apiKeySecretName(client.id) } : undefined,
    billingStatus: billingStatusOf(client.status),
  };
}
