import * as pulumi from "@pulumi/pulumi";

import { ClientEntry } from "../clients";
import { ClientTenant } from "../components";
import { TenantPlatform } from "./tenantPlatform";

/** What the clients of a stack are written into: in a whole stack its own servers, in a tenants stack the platform's. */
export type TenantTargets = Pick<TenantPlatform, "namespace" | "tenantDatabases" | "kafkaConnection"> & {
  readonly kafka: Pick<TenantPlatform["kafka"], "replicationFactor" | "minInsyncReplicas" | "graphBuilderPrincipal">;
  readonly billingConnection: pulumi.Input<TenantPlatform["billingConnection"]>;
  readonly neo4jConnection: pulumi.Input<TenantPlatform["neo4jConnection"]>;
};

/**
 * One ClientTenant per registry entry the stack holds. `opts` carries the kubernetes and kafka
 * providers and what the clients wait for (the guard, the servers); the names are the client ids,
 * in every layout, so a client's resources keep their names when they move between stacks.
 */
export function declareClientTenants(
  clients: readonly ClientEntry[],
  targets: TenantTargets,
  opts: pulumi.ComponentResourceOptions,
): void {
  for (const client of clients) {
    new ClientTenant(
      client.id,
      {
        client,
        namespace: targets.namespace,
        kafka: {
          replicationFactor: targets.kafka.replicationFactor,
          minInsyncReplicas: targets.kafka.minInsyncReplicas,
          graphBuilderPrincipal: targets.kafka.graphBuilderPrincipal,
        },
        kafkaConnection: targets.kafkaConnection,
        tenantDatabases: targets.tenantDatabases,
        billingConnection: targets.billingConnection,
        neo4jConnection: targets.neo4jConnection,
      },
      opts,
    );
  }
}
