import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";

import { ClientEntry, kafkaPrincipal, planOf } from "../../clients";
import { workloadLabels } from "../shared/kubernetesMeta";
import { previewablePassword } from "../shared/previewablePassword";
import { RandomValue } from "../shared/randomValue";
import { BillingConnection, BillingRow } from "./billingRow";
import { Neo4jDatabase, Neo4jEndpoint } from "./neo4jDatabase";
import { PlatformKafka, tenantPlan, TenantPlan } from "./tenantPlan";

export interface ClientTenantArgs {
  /** The registry entry: its plan and lifecycle status decide what exists. */
  readonly client: ClientEntry;
  /** Namespace of the client's credential Secrets. */
  readonly namespace: string;
  /** Replication of the client's topics, and the graph-builder principal that gets read ACLs on its prefix. */
  readonly kafka: PlatformKafka;
  /** How the client reaches Kafka, written into its credentials Secret next to its password. */
  readonly kafkaConnection: TenantKafkaConnection;
  /** Create a Neo4j database per client (needs Enterprise Edition). */
  readonly tenantDatabases: boolean;
  /** The program's billing database, for the billing row's provider (names only). */
  readonly billingConnection: pulumi.Input<BillingConnection>;
  /** Where the client's Neo4j database is created (with `tenantDatabases`). */
  readonly neo4jConnection: pulumi.Input<Neo4jEndpoint>;
}

/** What a client needs besides its credentials to connect from outside the cluster. */
export interface TenantKafkaConnection {
  /** The tenants' listener's bootstrap address, HOST:PORT. */
  readonly bootstrapServers: string;
  readonly securityProtocol: string;
  /** PEM of the CA the brokers' certificates chain to; empty with plaintext listeners. */
  readonly caCertificate: string;
}

/**
 * Everything one client of the registry implies: topics, a SCRAM user,
 * ACLs on its own prefix, quotas, a Neo4j database, an API key and its
 * billing row. What exists follows the client's lifecycle status (see
 * clients/lifecycle.ts); the decisions are made by `tenantPlan`.
 */
export class ClientTenant extends pulumi.ComponentResource {
  public readonly plan: TenantPlan;

  /**
   * `opts.providers` must carry the kubernetes and kafka providers; children inherit them.
   * `opts.dependsOn` (the platform guard) is handed to every child, since children do not inherit it.
   */
  constructor(name: string, args: ClientTenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:tenants:ClientTenant", name, {}, opts);
    const client = args.client;
    const plan = tenantPlan(client, args.kafka);
    this.plan = plan;
    const child: pulumi.CustomResourceOptions = { parent: this, dependsOn: opts?.dependsOn };
    // Stateful resources: protected while the client is active or suspended; offboarding lifts it first.
    const stateful: pulumi.CustomResourceOptions = { ...child, protect: plan.protect };

    for (const topic of plan.topics) {
      new kafka.Topic(
        `${name}-${topic.kind}-topic`,
        {
          name: topic.name,
          partitions: topic.partitions,
          replicationFactor: args.kafka.replicationFactor,
          config: topic.config,
        },
        stateful,
      );
    }
    for (const acl of plan.acls) {
      new kafka.Acl(
        `${name}-acl-${acl.role}`,
        {
          aclResourceType: acl.resourceType,
          aclResourceName: acl.resourceName,
          resourcePatternTypeFilter: acl.patternType,
          aclPrincipal: acl.principal,
          aclHost: "*",
          aclOperation: acl.operation,
          aclPermissionType: "Allow",
        },
        child,
      );
    }
    if (plan.quota !== undefined) {
      new kafka.Quota(
        `${name}-quota`,
        { entityType: "user", entityName: client.id, config: plan.quota },
        // The provider replaces a quota on any config change; old and new are the same broker entity,
        // so create-then-delete ends with no quota at all (seen on a real broker). Delete first.
        { ...child, deleteBeforeReplace: true },
      );
    }
    if (plan.databaseName !== undefined && args.tenantDatabases) {
      new Neo4jDatabase(
        `${name}-database`,
        { databaseName: plan.databaseName, connection: args.neo4jConnection },
        stateful,
      );
    }
    const apiKeyHash =
      plan.secrets === undefined ? placeholderHash(client.id) : this.createCredentials(name, args, plan.secrets, child);
    new BillingRow(
      `${name}-billing`,
      {
        clientId: client.id,
        name: client.name,
        email: client.email,
        plan: client.plan,
        status: plan.billingStatus,
        apiKeyHash,
        connection: args.billingConnection,
      },
      // Billing history outlives the client: the row is never removed by the engine.
      { ...child, protect: true },
    );
    this.registerOutputs({
      plan: this.plan,
      topics: plan.topics.map((t) => t.name),
      billingStatus: plan.billingStatus,
    });
  }

  /** The SCRAM user and API key, each delivered in a Secret; returns the hash the billing row keeps. */
  private createCredentials(
    name: string,
    args: ClientTenantArgs,
    secrets: { kafka: string; apiKey: string },
    child: pulumi.CustomResourceOptions,
  ): pulumi.Output<string> {
    const client = args.client;
    const labels = { ...workloadLabels("client-tenant"), "kg-rca/client-id": client.id };
    const kafkaPassword = new RandomValue(`${name}-kafka-password`, { kind: "password", length: 32 }, child);
    new kafka.UserScramCredential(
      `${name}-scram-user`,
      {
        username: client.id,
        scramMechanism: "SCRAM-SHA-512",
        scramIterations: 8192,
        password: previewablePassword(kafkaPassword.result),
      },
      { ...child, additionalSecretOutputs: ["password"] },
    );
    new k8s.core.v1.Secret(
      `${name}-kafka-credentials`,
      {
        metadata: { name: secrets.kafka, namespace: args.namespace, labels },
        type: "Opaque",
        stringData: pulumi.secret({
          username: client.id,
          password: kafkaPassword.result,
          mechanism: "SCRAM-SHA-512",
          bootstrapServers: args.kafkaConnection.bootstrapServers,
          securityProtocol: args.kafkaConnection.securityProtocol,
          ...(args.kafkaConnection.caCertificate === "" ? {} : { "ca.crt": args.kafkaConnection.caCertificate }),
          topicPrefix: `${client.id}.`,
          principal: kafkaPrincipal(client.id),
        }),
      },
      child,
    );
    const apiKey = new RandomValue(`${name}-api-key`, { kind: "password", length: 48 }, child);
    new k8s.core.v1.Secret(
      `${name}-api-key`,
      {
        metadata: { name: secrets.apiKey, namespace: args.namespace, labels },
        type: "Opaque",
        stringData: pulumi.secret({
          apiKey: apiKey.result,
          rateLimitPerMinute: String(planOf(client.plan).apiRateLimitPerMinute),
        }),
      },
      child,
    );
    // A sha256 of a 48-character random key reveals nothing: kept in plain so billing diffs stay reviewable.
    return pulumi.unsecret(apiKey.result.apply((key) => crypto.createHash("sha256").update(key).digest("hex")));
  }
}

/** An offboarded client has no key any more; its tombstone row records that instead of a hash. */
function placeholderHash(clientId: string): string {
  return `revoked:${clientId}`;
}
