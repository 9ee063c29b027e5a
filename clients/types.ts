import type { ClientStatus } from "./lifecycle";
import { PlanName } from "./plans";

export interface ClientOverrides {
  /** Retention per topic kind of the plan, in hours, within the plan's override range. */
  readonly retentionHours?: Readonly<Record<string, number>>;
}

export interface ClientEntry {
  /** Stable id: Kafka topic prefix, Neo4j database name, Kafka principal and Kubernetes name part. Never reused. */
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly plan: PlanName;
  /** Where the client is in its lifecycle (clients/lifecycle.ts). */
  readonly status: ClientStatus;
  readonly overrides?: ClientOverrides;
}
