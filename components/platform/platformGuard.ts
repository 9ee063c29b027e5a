import * as pulumi from "@pulumi/pulumi";

import { canChange, nextStatuses } from "../../clients/lifecycle";
import { parseQuantity } from "../../config/quantity";
import { dynamicModule, dynamicTypeNames } from "../resourceKinds";
import { GuardRecord } from "./guardRecord";

/**
 * A guard that refuses, before anything changes, config changes that would
 * lose data: shrinking a volume, growing one on a StorageClass that cannot
 * expand, removing Kafka brokers that still hold partitions, removing a
 * client from the registry, or skipping a step of a client's lifecycle.
 *
 * The engine calls `check(olds, news)` with the inputs saved in state, so the
 * guard compares the new config with what was last applied. Every other
 * resource waits for the guard (the Kubernetes provider depends on it), so a
 * refusal leaves state and cluster untouched. Its code is serialized into
 * the state with what it uses of clients/lifecycle.ts and config/quantity.ts
 * (neither has imports).
 */

export interface GuardInputs {
  /** Configured size of each kind of data volume, keyed by the config key that sets it; platform only. */
  readonly volumeSizes?: Readonly<Record<string, string>>;
  /** Whether the StorageClass allows expansion; undefined when unknown (e.g. before it exists). */
  readonly storageClassExpandable?: boolean;
  /** The brokers and those drained; platform only (a tenants stack records the platform's in platformKafka). */
  readonly kafkaBrokers?: number;
  readonly kafkaDrainedBrokers?: readonly number[];
  /**
   * Lifecycle status of every registry entry the stack holds, keyed by client id: all of them in a
   * whole stack, one shard's in a tenants stack, none (absent) in a platform stack.
   */
  readonly clients?: Readonly<Record<string, string>>;
  /** Where the registry is read from, to name it in refusals. */
  readonly clientRegistry?: string;
  /**
   * alertDiskUsageRatio: not the guard's concern, recorded here for the policy pack's
   * kafka-storage-bound, which reads the stack's facts from the guard's GuardRecord.
   */
  readonly kafkaDiskUsageRatio?: number;
  /**
   * The environment's tenant shard count (capacityMaxClients over tenantShardSize), fixed once
   * applied by a platform or tenants stack. Absent in a whole stack, where no client is in a
   * shard yet: the count is chosen in the change that splits the environment.
   */
  readonly tenantShards?: number;
  /**
   * In a tenants stack, for the policy pack: the platform's brokers, the bytes of their running
   * volumes, and the storage bound of the environment's clients outside this shard. Not checked.
   */
  readonly platformKafka?: PlatformKafkaFacts;
}

export interface PlatformKafkaFacts {
  readonly brokers: number;
  readonly volumeBytes: number;
  readonly otherShardsBoundBytes: number;
  readonly otherShardsPartitionReplicas: number;
}

/** Bytes of a storage quantity; NaN when it does not parse (config validation has refused those already). */
function bytes(quantity: string): number {
  return parseQuantity(quantity) ?? NaN;
}

/** Every reason the change from `olds` to `news` must not be applied; empty when it is safe. */
export function guardProblems(olds: Partial<GuardInputs> | undefined, news: GuardInputs): string[] {
  const problems: string[] = [];
  const before = olds?.volumeSizes ?? {};
  for (const [key, size] of Object.entries(news.volumeSizes ?? {})) {
    const previous = before[key];
    if (previous === undefined || bytes(size) === bytes(previous)) {
      continue;
    }
    if (bytes(size) < bytes(previous)) {
      problems.push(
        `kg-rca-server:${key}: volumes never shrink: the claims hold ${previous} and the change asks for ${size}. Set it back to ${previous} or more (to shrink, migrate the data to new volumes).`,
      );
    } else if (news.storageClassExpandable !== true) {
      problems.push(
        `kg-rca-server:${key}: growing ${previous} to ${size} needs a StorageClass with allowVolumeExpansion: true, and kg-rca-server:storageClassName's class does not allow it (or was not found).`,
      );
    }
  }
  const previousBrokers = olds?.kafkaBrokers;
  const brokers = news.kafkaBrokers;
  if (previousBrokers !== undefined && brokers !== undefined && brokers < previousBrokers) {
    const removed = Array.from({ length: previousBrokers - brokers }, (_, i) => brokers + i);
    // Drained means listed in an update applied before this one: listing a broker declares the
    // reassignment Job that moves its partitions away, which must have run before the broker goes.
    const drained = olds?.kafkaDrainedBrokers ?? [];
    const notDrained = removed.filter((id) => !drained.includes(id));
    if (notDrained.length > 0) {
      problems.push(
        `kg-rca-server:kafkaBrokers: lowering ${previousBrokers} to ${brokers} removes broker(s) ${removed.join(", ")}, and ${notDrained.join(", ")} ${notDrained.length === 1 ? "is" : "are"} not drained. First list ${notDrained.length === 1 ? "it" : "them"} in kg-rca-server:kafkaDrainedBrokers and apply that (the kafka-rebalance Job moves ${notDrained.length === 1 ? "its" : "their"} partitions to the other brokers); once that Job has completed, lower the count.`,
      );
    }
  }
  const previousShards = olds?.tenantShards;
  if (previousShards !== undefined && news.tenantShards !== undefined && news.tenantShards !== previousShards) {
    problems.push(
      `kg-rca-server:tenantShardSize, kg-rca-server:capacityMaxClients: they make ${String(news.tenantShards)} tenant shards, and this environment was created with ${previousShards}. The count is fixed: a client's shard would change and its resources move between stacks. Set them back so capacityMaxClients over tenantShardSize rounds up to ${previousShards}; beyond this environment's capacity, create another environment.`,
    );
  }
  if (news.clients !== undefined) {
    problems.push(...clientProblems(olds?.clients ?? {}, news.clients, news.clientRegistry ?? "(unnamed)"));
  }
  return problems;
}

function clientProblems(
  olds: Readonly<Record<string, string>>,
  news: Readonly<Record<string, string>>,
  registry: string,
): string[] {
  const problems: string[] = [];
  const where = `client registry ${registry}`;
  for (const [id, previous] of Object.entries(olds)) {
    const next = news[id];
    if (next === undefined) {
      problems.push(
        `${where}: client "${id}" (status ${previous}) was removed. Entries are never removed: offboard it by setting status "offboarding", then "offboarded" in a later update, and keep the entry so its id is never reused.`,
      );
    } else if (!canChange(previous, next)) {
      const allowed = nextStatuses(previous).join(", ");
      problems.push(
        `${where}: client "${id}" status ${previous} cannot become ${next} in one update; from ${previous} it may become ${allowed}.`,
      );
    }
  }
  return problems;
}

export class PlatformGuardProvider implements pulumi.dynamic.ResourceProvider<GuardInputs, GuardInputs> {
  check(olds: GuardInputs | undefined, news: GuardInputs): Promise<pulumi.dynamic.CheckResult<GuardInputs>> {
    const problems = guardProblems(olds, news);
    return Promise.resolve(
      problems.length === 0 ? { inputs: news } : { failures: problems.map((reason) => ({ property: "", reason })) },
    );
  }

  /**
   * The registry snapshot (and the facts recorded for the policy pack) is not a change of the
   * guard: adding a client must preview as that client's creates only. The engine still records
   * the new inputs on an unchanged ("same") step, so the next `check` compares with the registry
   * last applied; its outputs stay those of its last update, so the policy pack reads its
   * GuardRecord instead.
   */
  diff(_id: string, olds: GuardInputs, news: GuardInputs): Promise<pulumi.dynamic.DiffResult> {
    const settings = (inputs: GuardInputs): string =>
      JSON.stringify({
        ...inputs,
        clients: undefined,
        clientRegistry: undefined,
        kafkaDiskUsageRatio: undefined,
        platformKafka: undefined,
      });
    return Promise.resolve({ changes: settings(olds) !== settings(news) });
  }

  create(inputs: GuardInputs): Promise<pulumi.dynamic.CreateResult<GuardInputs>> {
    return Promise.resolve({ id: "platform-guard", outs: inputs });
  }

  update(_id: string, _olds: GuardInputs, news: GuardInputs): Promise<pulumi.dynamic.UpdateResult<GuardInputs>> {
    return Promise.resolve({ outs: news });
  }
}

export const platformGuardProvider = new PlatformGuardProvider();

export class PlatformGuard extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: { [K in keyof GuardInputs]: pulumi.Input<GuardInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(platformGuardProvider, name, args, opts, dynamicModule, dynamicTypeNames.platformGuard);
    // Beside the guard, under the same parent: what the policy pack reads (see GuardRecord).
    new GuardRecord(`${name}-record`, this, args, { parent: opts?.parent });
  }
}
