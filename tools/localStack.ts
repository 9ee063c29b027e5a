/**
 * Drives a local stack for end-to-end tests and engine benchmarks: the real
 * Pulumi engine and providers against a real API server, Kafka and
 * PostgreSQL on loopback, started by scripts/local.sh in a state folder of
 * its own.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const projectDir = path.resolve(__dirname, "..");

export interface CommandResult {
  readonly status: number;
  readonly output: string;
}

export class LocalStack {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-local-"));
  /** How long one `pulumi` command may run before it is killed; benchmarks of large stacks raise it. */
  commandTimeoutMs = 600000;
  /** The environment pulumi runs with (PATH, KUBECONFIG, connection variables). */
  get environment(): NodeJS.ProcessEnv {
    return this.env;
  }

  private env: NodeJS.ProcessEnv = {
    ...process.env,
    KG_RCA_LOCAL_DIR: this.dir,
    KG_RCA_LOCAL_SERVICES: "kafka postgres",
  };

  private run(command: string, args: string[], timeoutMs = this.commandTimeoutMs): CommandResult {
    const result: SpawnSyncReturns<string> = spawnSync(command, args, {
      cwd: projectDir,
      env: this.env,
      encoding: "utf8",
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  }

  /** `npm run local:up`: toolchain, control plane, servers and the first `pulumi up`. */
  up(): CommandResult {
    const result = this.run("bash", ["scripts/local.sh", "up"], 1800000);
    if (result.status === 0) {
      // The environment local.sh gives pulumi: PATH with the toolchain, KUBECONFIG, connection variables.
      const printed = this.run("bash", ["scripts/local.sh", "env"]);
      for (const line of printed.output.split("\n")) {
        const at = line.indexOf("=");
        if (at > 0) {
          this.env[line.slice(0, at)] = line.slice(at + 1);
        }
      }
    }
    return result;
  }

  down(): CommandResult {
    return this.run("bash", ["scripts/local.sh", "down"]);
  }

  /** Stops the servers and deletes the state without `pulumi destroy`: for stacks too large to destroy quickly. */
  discard(): CommandResult {
    return this.run("bash", ["scripts/local.sh", "discard"]);
  }

  /** Where local.sh keeps a server's files: PostgreSQL's live outside the state folder (see local.sh). */
  serviceDir(service: string): string {
    const recorded = path.join(this.dir, `${service}.dir`);
    return fs.existsSync(recorded) ? fs.readFileSync(recorded, "utf8").trim() : path.join(this.dir, service);
  }

  get kubeconfig(): string {
    return path.join(this.dir, "cluster", "kubeconfig");
  }

  get configFile(): string {
    return path.join(this.dir, "Pulumi.local.yaml");
  }

  pulumi(...args: string[]): CommandResult {
    return this.run("pulumi", [
      ...args,
      "--stack",
      "local",
      ...(args[0] === "state" || args[0] === "stack" ? [] : ["--config-file", this.configFile]),
    ]);
  }

  setConfig(values: Record<string, string>): void {
    for (const [key, value] of Object.entries(values)) {
      const result = this.pulumi("config", "set", `kg-rca-server:${key}`, value);
      if (result.status !== 0) {
        throw new Error(`config set ${key}: ${result.output}`);
      }
    }
  }

  /** The stack's state as the engine keeps it. */
  exportState(): string {
    const result = this.pulumi("stack", "export");
    if (result.status !== 0) {
      throw new Error(`stack export: ${result.output}`);
    }
    return result.output;
  }
}

/**
 * The resources of an exported state, secrets masked: a failed update rewrites the checkpoint's time
 * and re-encrypts its secrets with fresh nonces, which is not a change.
 */
export function platformResourcesOf(exported: string): unknown {
  const state = JSON.parse(exported) as { deployment: { resources?: { type: string; urn: string }[] } };
  // The root Stack resource and the dynamic-provider host record the config the engine last ran
  // with, even for an update that failed: the engine's bookkeeping, not resources of the platform.
  // The engine may also write the same resources in another order after an attempt: compare by URN.
  const bookkeeping = new Set(["pulumi:pulumi:Stack", "pulumi:providers:pulumi-nodejs"]);
  const resources = (state.deployment.resources ?? [])
    .filter((r) => !bookkeeping.has(r.type))
    .sort((x, y) => x.urn.localeCompare(y.urn));
  return JSON.parse(JSON.stringify(resources), (_key, value: unknown) =>
    typeof value === "object" && value !== null && "ciphertext" in value ? "[secret]" : value,
  ) as unknown;
}
