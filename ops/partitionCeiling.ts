import * as fs from "fs";
import * as path from "path";

import { guardrailDefaults } from "../policies/policyTypes";

export interface Ceiling {
  readonly value: number;
  /** Where the value came from, for the report. */
  readonly source: string;
}

/**
 * The ceiling of partition replicas per broker the policy pack enforces for
 * the stack: `partitions-per-broker.maxPartitionReplicasPerBroker` of
 * policies/config.<stack>.json, else the policy's own default. One number,
 * read where CI reads it.
 */
export function partitionCeiling(projectDir: string, stack: string): Ceiling {
  const file = path.join("policies", `config.${stack}.json`);
  const full = path.join(projectDir, file);
  if (!fs.existsSync(full)) {
    return { value: guardrailDefaults.maxPartitionReplicasPerBroker, source: "policy default" };
  }
  const parsed = JSON.parse(fs.readFileSync(full, "utf8")) as Record<string, unknown>;
  const settings = parsed["partitions-per-broker"] as { maxPartitionReplicasPerBroker?: unknown } | undefined;
  const value = settings?.maxPartitionReplicasPerBroker;
  if (value === undefined) {
    return { value: guardrailDefaults.maxPartitionReplicasPerBroker, source: `policy default (${file} sets none)` };
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new Error(
      `${file}: partitions-per-broker.maxPartitionReplicasPerBroker must be a positive integer; got ${JSON.stringify(value)}`,
    );
  }
  return { value, source: file };
}
