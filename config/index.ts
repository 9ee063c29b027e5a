import * as pulumi from "@pulumi/pulumi";

import { projectDefaults } from "./configFiles";
import { projectRoot } from "./projectRoot";
import { parseStackConfig, parseStackLayout, projectName } from "./stackConfig";
import { missingCaCertificate } from "./tlsConfig";
import { StackConfig, StackLayout } from "./types";
import { ValidationError } from "./validationError";

export * from "./types";
export { parseStackConfig, parseStackLayout, projectName, tenantsStackKeys } from "./stackConfig";
export { drainingBrokers } from "./kafkaBrokers";
export { ValidationError } from "./validationError";

/** Secret config keys: read with the secret accessor, never parsed into the plain StackConfig. */
export const secretConfigKeys = ["kafkaAdminPassword"] as const;

export interface StackSecrets {
  /** The Kafka super-user's password when the brokers are not the program's own (local stacks); generated otherwise. */
  readonly kafkaAdminPassword: pulumi.Output<string> | undefined;
}

export function loadStackSecrets(): StackSecrets {
  const config = new pulumi.Config(projectName);
  return { kafkaAdminPassword: config.getSecret("kafkaAdminPassword") };
}

/** The one place the program reads stack config: every key parsed and validated before any resource exists. */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config(projectName);
  const source = `stack ${pulumi.getStack()}`;
  const parsed = parseStackConfig((key) => config.get(key), source).config;
  const caProblem = missingCaCertificate(parsed);
  if (caProblem !== undefined) {
    throw new ValidationError(`invalid stack config (${source})`, [`${projectName}:tlsCaCertificate: ${caProblem}`]);
  }
  return parsed;
}

/**
 * The stack's role in its environment, read first: a tenants stack reads no other key. The engine
 * hands the program Pulumi.yaml's defaults with the stack's own values, so a key counts as set in
 * the stack file when its value is not the default.
 */
export function loadStackLayout(): StackLayout {
  const config = new pulumi.Config(projectName);
  const prefix = `${projectName}:`;
  const defaults = projectDefaults(projectRoot(__dirname));
  const setKeys = Object.entries(pulumi.runtime.allConfig())
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, value]) => [key.slice(prefix.length), value] as const)
    .filter(([key, value]) => defaults[key] !== value)
    .map(([key]) => key);
  return parseStackLayout((key) => config.get(key), `stack ${pulumi.getStack()}`, setKeys);
}
