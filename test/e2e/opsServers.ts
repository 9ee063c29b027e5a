/** Real servers for the ops e2e tests, each on its own free port and directory, each stoppable alone. */
import { spawn } from "child_process";
import * as path from "path";
import { KubernetesObject } from "@kubernetes/client-node";

export const projectDir = path.resolve(__dirname, "../..");

/** Runs a command to completion; rejects with its output when it fails. */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectDir, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) {
        resolve(output);
      } else {
        reject(new Error(`${command} ${args.join(" ")} exited ${String(code)}:\n${output}`));
      }
    });
  });
}

/** A server started and stopped by one of the repository's scripts (`SCRIPT start|stop DIR`). */
export class ScriptedServer {
  private running = false;

  constructor(
    private readonly script: string,
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async start(): Promise<void> {
    await run("bash", [this.script, "start", this.dir], this.env);
    this.running = true;
  }

  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      await run("bash", [this.script, "stop", this.dir], this.env);
    }
  }
}

/** A Deployment or StatefulSet that asks for `replicas` pods of a pinned image (no kubelet ever runs them). */
export function workload(
  kind: "Deployment" | "StatefulSet",
  namespace: string,
  name: string,
  replicas: number,
): KubernetesObject & { readonly spec: object } {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      ...(kind === "StatefulSet" ? { serviceName: name } : {}),
      template: { metadata: { labels }, spec: { containers: [{ name, image: "nginx:1.27.2" }] } },
    },
  };
}
