import type { ClientEntry } from "../../clients";
import type { TenantPlan } from "../../components/tenants/tenantPlan";

/** What one client implies in one tree, as that tree's own `tenantPlan` and `plans` decide it. */
export interface TenantSnapshot {
  readonly plan: TenantPlan;
  /** From the plan table: delivered with the API key. */
  readonly apiRateLimitPerMinute: number;
}

/** One registry of `clients/registry.ts` in one tree. */
export interface RegistrySnapshot {
  /** Where the registry lives, e.g. clients/registries/prod.ts. */
  readonly source: string;
  /** Validation problems; when there is any, `tenants` is empty. */
  readonly problems: readonly string[];
  readonly entries: readonly ClientEntry[];
  /** The stacks (Pulumi.<stack>.yaml) whose `clientRegistry` is this registry. */
  readonly stacks: readonly string[];
  /** `tenantDatabases` of the first of those stacks, else of Pulumi.yaml's defaults. */
  readonly tenantDatabases: boolean;
  readonly tenants: Readonly<Record<string, TenantSnapshot>>;
}

/** Every registry of a tree (the working tree or a git ref), by registry name. */
export interface TreeSnapshot {
  readonly registries: Readonly<Record<string, RegistrySnapshot>>;
  /** Stack files that could not be read; their registries fall back to Pulumi.yaml's defaults. */
  readonly warnings: readonly string[];
}
