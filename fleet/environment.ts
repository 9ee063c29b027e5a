/**
 * An environment's stacks, from its stack file: the platform stack is named after the environment
 * (Pulumi.<env>.yaml); with stackRole "platform" it has tenants stacks <env>-tenants-<shard>, one
 * per shard, whose files the fleet writes. An environment still in one stack (stackRole "whole")
 * is that stack alone.
 */
import * as fs from "fs";
import * as path from "path";

import { rawConfigOf, stackConfigFromFile } from "../config/configFiles";
import { parseStackConfig, parseStackLayout } from "../config/stackConfig";
import { StackConfig } from "../config/types";

export interface EnvironmentStacks {
  readonly env: string;
  /** The platform stack (or the whole stack): the environment's name. */
  readonly platform: string;
  readonly role: "whole" | "platform";
  readonly config: StackConfig;
  /** Tenants stacks by shard; none for a whole stack. */
  readonly tenants: readonly string[];
}

export function tenantsStackName(env: string, shard: number): string {
  return `${env}-tenants-${String(shard)}`;
}

/** Environments with a stack file in `workDir`: every Pulumi.<name>.yaml that is not a tenants stack's. */
export function knownEnvironments(workDir: string): string[] {
  return fs
    .readdirSync(workDir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined && !/-tenants-\d+$/.test(name))
    .sort();
}

/**
 * The environment's stacks, or an error naming what is wrong: an unknown environment (listing the
 * known ones), a stack file that does not validate, or one that is itself a tenants stack.
 */
export function environmentStacks(projectDir: string, workDir: string, env: string): EnvironmentStacks {
  const file = path.join(workDir, `Pulumi.${env}.yaml`);
  if (!/^[a-z][a-z0-9-]*$/.test(env) || !fs.existsSync(file)) {
    throw new Error(
      `--env ${env}: unknown environment, there is no ${file}; known: ${knownEnvironments(workDir).join(", ") || "none"}`,
    );
  }
  const values = stackConfigFromFile(projectDir, file, "skip");
  // A tenants stack's file holds no environment settings: say what it is before validating them.
  if (parseStackLayout(rawConfigOf(values), file, []).role === "tenants") {
    throw new Error(`--env ${env}: ${file} is a tenants stack (stackRole "tenants"); name its environment instead`);
  }
  const { config } = parseStackConfig(rawConfigOf(values), file);
  const role = config.layout.role === "platform" ? "platform" : "whole";
  const tenants =
    role === "platform" ? Array.from({ length: config.tenants.shards }, (_, i) => tenantsStackName(env, i)) : [];
  return { env, platform: env, role, config, tenants };
}

/** A tenants stack's whole config: its role, its platform stack and its shard; nothing else. */
export function tenantsStackConfig(env: string, shard: number): Record<string, string> {
  return {
    "kg-rca-server:stackRole": "tenants",
    "kg-rca-server:platformStack": env,
    "kg-rca-server:tenantShard": String(shard),
  };
}
