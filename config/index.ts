import * as pulumi from "@pulumi/pulumi";

import { parseStackConfig, projectName } from "./stackConfig";
import { missingCaCertificate } from "./tlsConfig";
import { StackConfig } from "./types";
import { ValidationError } from "./validationError";

export * from "./types";
export { parseStackConfig, projectName } from "./stackConfig";
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
