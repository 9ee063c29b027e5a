/** Real servers for the ops e2e tests, each on its own free port and directory, each stoppable alone. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import * as yaml from "js-yaml";

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

/** POST an object to the API server of a kubeconfig written by local-cluster.sh (bearer token, own CA). */
export function kubePost(kubeconfig: string, apiPath: string, body: unknown): Promise<void> {
  const config = yaml.load(fs.readFileSync(kubeconfig, "utf8")) as {
    clusters: { cluster: { server: string; "certificate-authority": string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = config.clusters[0]!.cluster;
  const server = new URL(cluster.server);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: server.hostname,
        port: server.port,
        path: apiPath,
        method: "POST",
        ca: fs.readFileSync(cluster["certificate-authority"]),
        headers: {
          Authorization: `Bearer ${config.users[0]!.user.token}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(payload),
        },
        timeout: 15000,
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          if (response.statusCode === 201 || response.statusCode === 409) {
            resolve();
          } else {
            reject(new Error(`POST ${apiPath}: ${String(response.statusCode)} ${text}`));
          }
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error(`POST ${apiPath}: timed out`)));
    request.on("error", reject);
    request.end(payload);
  });
}

/** A Deployment or StatefulSet that asks for `replicas` pods of a pinned image (no kubelet ever runs them). */
export function workload(kind: "Deployment" | "StatefulSet", name: string, replicas: number): unknown {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      ...(kind === "StatefulSet" ? { serviceName: name } : {}),
      template: { metadata: { labels }, spec: { containers: [{ name, image: "nginx:1.27.2" }] } },
    },
  };
}
