/**
 * Drives the local stack for end-to-end tests: the real Pulumi engine and
 * providers against a real API server, Kafka and PostgreSQL on loopback,
 * started by scripts/local.sh in a state folder of the test's own.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { KubeApi } from "./kubeApi";

export const projectDir = path.resolve(__dirname, "../..");

export interface CommandResult {
  readonly status: number;
  readonly output: string;
}

export class LocalStack {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-e2e-"));
  /** The environment pulumi runs with (PATH, KUBECONFIG, connection variables). */
  get environment(): NodeJS.ProcessEnv {
    return this.env;
  }

  private env: NodeJS.ProcessEnv = {
    ...process.env,
    KG_RCA_LOCAL_DIR: this.dir,
    KG_RCA_LOCAL_SERVICES: "kafka postgres",
  };
  kube!: KubeApi;

  private run(command: string, args: string[], timeoutMs = 600000): CommandResult {
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
      this.kube = new KubeApi(path.join(this.dir, "cluster", "kubeconfig"));
    }
    return result;
  }

  down(): CommandResult {
    return this.run("bash", ["scripts/local.sh", "down"]);
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
