/** Settings and small helpers shared by the policies (type tokens: components/resourceKinds.ts). */
import { PolicyResource } from "@pulumi/policy";

import type { RecordedGuardInputs } from "../components/platform/guardRecord";
import { resourceTypes } from "../components/resourceKinds";

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
}

export const guardrailDefaults: GuardrailConfig = {
  environment: "prod",
  platformPrincipals: ["User:admin", "User:graph-builder"],
  maxPartitionReplicasPerBroker: 4000,
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

/**
 * What the stack's guards were given in the run being checked, from their GuardRecords (a
 * component's outputs, set on every run; the guard's own outputs are those of its last update).
 * Empty when the stack declares no guard.
 */
export function guardRecords(resources: readonly PolicyResource[]): Partial<RecordedGuardInputs>[] {
  return resources
    .filter((r) => r.type === resourceTypes.guardRecord)
    .map((r) => r.props as Partial<RecordedGuardInputs>);
}
