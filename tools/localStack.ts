/**
 * Drives a local stack for end-to-end tests and engine benchmarks: the real
 * Pulumi engine and providers, in a state folder of its own. Two kinds:
 * `node` (scripts/local.sh, `npm run local:up`): a one-node cluster where the
 * program's own Kafka, PostgreSQL and Neo4j run as pods; `services`
 * (scripts/local-services.sh): an API server without a node, and the servers as
 * host processes on loopback. The script starts everything and creates the
 * stack; from then on the engine is driven through the Automation API.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  Deployment,
  DestroyOptions,
  DestroyResult,
  LocalWorkspace,
  PreviewOptions,
  PreviewResult,
  PulumiCommand,
  RefreshOptions,
  RefreshResult,
  Stack,
  UpOptions,
  UpResult,
} from "@pulumi/pulumi/automation";

import { buildProgram } from "./programBuild";

export const projectDir = path.resolve(__dirname, "..");
const stackName = "local";

export interface CommandResult {
  readonly status: number;
  readonly output: string;
}

/**
 * The installation root of the first `pulumi` on a PATH, as `PulumiCommand.get` wants it
 * (`<root>/bin/pulumi`): the Automation API looks for the CLI on its own process's PATH, which
 * does not hold the toolchain's.
 */
export function cliRoot(searchPath: string): string {
  const folder = searchPath.split(path.delimiter).find((dir) => dir !== "" && fs.existsSync(path.join(dir, "pulumi")));
  if (folder === undefined) {
    throw new Error("no pulumi CLI on the local stack's PATH (npm run toolchain builds one)");
  }
  if (path.basename(folder) !== "bin") {
    throw new Error(`${path.join(folder, "pulumi")}: the Automation API needs the CLI in a bin/ folder`);
  }
  return path.dirname(folder);
}

/** Which local stack: the program's pods on a node, or bare servers beside a node-less API server. */
export type LocalStackKind = "node" | "services";

const scripts: Record<LocalStackKind, string> = { node: "scripts/local.sh", services: "scripts/local-services.sh" };

export class LocalStack {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-local-"));

  constructor(readonly kind: LocalStackKind = "services") {}

  private get script(): string {
    return scripts[this.kind];
  }

  /** How long one engine operation may run before it is cancelled; benchmarks of large stacks raise it. */
  commandTimeoutMs = 600000;
  /** The environment pulumi runs with (PATH, KUBECONFIG, connection variables). */
  get environment(): NodeJS.ProcessEnv {
    return { ...process.env, ...this.stackEnv };
  }

  /** The stack's own variables, as local.sh prints them once it is up. */
  private stackEnv: Record<string, string> = {
    KG_RCA_LOCAL_DIR: this.dir,
    KG_RCA_LOCAL_SERVICES: "kafka postgres",
  };

  private opened: Stack | undefined;

  private run(command: string, args: string[], cwd = projectDir, timeoutMs = this.commandTimeoutMs): CommandResult {
    const result: SpawnSyncReturns<string> = spawnSync(command, args, {
      cwd,
      env: this.environment,
      encoding: "utf8",
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  }

  /** `npm run local:up`: toolchain, control plane, servers and the first `pulumi up`; then opens the stack. */
  async up(): Promise<CommandResult> {
    const result = this.run("bash", [this.script, "up"], projectDir, 1800000);
    if (result.status === 0) {
      // The environment local.sh gives pulumi: PATH with the toolchain, KUBECONFIG, connection variables.
      const printed = this.run("bash", [this.script, "env"]);
      for (const line of printed.output.split("\n")) {
        const at = line.indexOf("=");
        if (at > 0) {
          this.stackEnv[line.slice(0, at)] = line.slice(at + 1);
        }
      }
      this.opened = await this.open();
    }
    return result;
  }

  /**
   * The stack local.sh created, in a workspace whose folder is the state folder: its
   * Pulumi.local.yaml is the copy local.sh made, so config edits never touch the repository's,
   * and its Pulumi.yaml is the project's with `main` pointing the engine at the program here.
   */
  private async open(): Promise<Stack> {
    const pulumiCommand = await PulumiCommand.get({ root: cliRoot(this.stackEnv.PATH ?? "") });
    const project = await (await LocalWorkspace.create({ workDir: projectDir, pulumiCommand })).projectSettings();
    return LocalWorkspace.selectStack(
      { stackName, workDir: this.dir },
      { pulumiCommand, envVars: this.stackEnv, projectSettings: { ...project, main: projectDir } },
    );
  }

  /** The stack, through the Automation API; valid once `up()` has succeeded. */
  get engine(): Stack {
    if (this.opened === undefined) {
      throw new Error("the local stack is not up: await up() first");
    }
    return this.opened;
  }

  /**
   * The stack for an engine run: the program built first when its sources changed since the last
   * build (a digest of them otherwise), so the engine starts it without compiling it.
   */
  private get built(): Stack {
    buildProgram(projectDir);
    return this.engine;
  }

  /** `pulumi up`, cancelled after `commandTimeoutMs`. */
  update(opts: UpOptions = {}): Promise<UpResult> {
    return this.built.up({ signal: AbortSignal.timeout(this.commandTimeoutMs), ...opts });
  }

  /** `pulumi preview`, cancelled after `commandTimeoutMs`. */
  preview(opts: PreviewOptions = {}): Promise<PreviewResult> {
    return this.built.preview({ signal: AbortSignal.timeout(this.commandTimeoutMs), ...opts });
  }

  /** `pulumi refresh`, cancelled after `commandTimeoutMs`. */
  refresh(opts: RefreshOptions = {}): Promise<RefreshResult> {
    return this.built.refresh({ signal: AbortSignal.timeout(this.commandTimeoutMs), ...opts });
  }

  /** `pulumi destroy`, cancelled after `commandTimeoutMs`. */
  destroy(opts: DestroyOptions = {}): Promise<DestroyResult> {
    return this.built.destroy({ signal: AbortSignal.timeout(this.commandTimeoutMs), ...opts });
  }

  /**
   * A `pulumi` command the Automation API has no method for (`state unprotect`, `preview --json`),
   * run as the API runs its own: the same CLI, workspace folder and environment.
   */
  cli(...args: string[]): CommandResult {
    const command = this.built.workspace.pulumiCommand.command;
    return this.run(command, [...args, "--stack", stackName, "--non-interactive"], this.dir);
  }

  down(): CommandResult {
    return this.run("bash", [this.script, "down"]);
  }

  /** Stops the servers and deletes the state without `pulumi destroy`: for stacks too large to destroy quickly. */
  discard(): CommandResult {
    return this.run("bash", [this.script, "discard"]);
  }

  /** Where local.sh keeps a server's files: PostgreSQL's live outside the state folder (see local.sh). */
  serviceDir(service: string): string {
    const recorded = path.join(this.dir, `${service}.dir`);
    return fs.existsSync(recorded) ? fs.readFileSync(recorded, "utf8").trim() : path.join(this.dir, service);
  }

  get kubeconfig(): string {
    return path.join(this.dir, this.kind === "node" ? "node" : "cluster", "kubeconfig");
  }

  /** The stack's config file: local.sh's copy of Pulumi.local.yaml, which the workspace reads and writes. */
  get configFile(): string {
    return path.join(this.dir, `Pulumi.${stackName}.yaml`);
  }

  /** Sets values of the program's config (`kg-rca-server:` keys) in the stack's config file. */
  async setConfig(values: Record<string, string>): Promise<void> {
    const project = (await this.engine.workspace.projectSettings()).name;
    await this.engine.setAllConfig(
      Object.fromEntries(Object.entries(values).map(([key, value]) => [`${project}:${key}`, { value }])),
    );
  }

  /** The stack's state as the engine keeps it. */
  exportState(): Promise<Deployment> {
    return this.engine.exportStack();
  }
}
