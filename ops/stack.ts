import { loadRegistry } from "../clients/registry";
import { rawConfigOf, stackConfigFromFile, stackConfigFromFiles } from "../config/configFiles";
import { parseStackConfig } from "../config/stackConfig";
import { Environment } from "./connections/variables";
import { OpsContext } from "./context";

export interface StackSelection {
  readonly projectDir: string;
  readonly stack: string;
  /** The stack's file, when it is not Pulumi.<stack>.yaml next to Pulumi.yaml; its encrypted values are left out. */
  readonly configFile?: string;
  /** Config overrides for this run (`--set`), over Pulumi.yaml's defaults and Pulumi.<stack>.yaml. */
  readonly overrides: Readonly<Record<string, string>>;
  readonly env: Environment;
  readonly timeoutMs: number;
}

/** The stack's config, validated as `pulumi up` would validate it, and its client registry. */
export function loadOpsContext(selection: StackSelection): OpsContext {
  const fromFiles =
    selection.configFile === undefined
      ? stackConfigFromFiles(selection.projectDir, selection.stack)
      : stackConfigFromFile(selection.projectDir, selection.configFile, "skip");
  const raw = { ...fromFiles, ...selection.overrides };
  const { config } = parseStackConfig(rawConfigOf(raw), `stack ${selection.stack}`);
  return {
    stack: selection.stack,
    config,
    clients: loadRegistry(config.tenants.registry),
    env: selection.env,
    timeoutMs: selection.timeoutMs,
  };
}
