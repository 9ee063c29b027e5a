import * as pulumi from "@pulumi/pulumi";

import { parseStackConfig, projectName } from "./stackConfig";
import { StackConfig } from "./types";

export * from "./types";
export { parseStackConfig, projectName } from "./stackConfig";
export { ValidationError } from "./validationError";

/** The one place the program reads stack config: every key parsed and validated before any resource exists. */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config(projectName);
  return parseStackConfig((key) => config.get(key), `stack ${pulumi.getStack()}`).config;
}
