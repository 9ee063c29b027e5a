import { spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

import { httpGet } from "./http";
import { connectionVariables, Environment } from "./variables";

/** The parts of a kubeconfig the ops commands use: the current context's server and credentials. */
interface Kubeconfig {
  readonly "current-context"?: string;
  readonly contexts?: readonly { name: string; context: { cluster: string; user: string } }[];
  readonly clusters?: readonly { name: string; cluster: KubeCluster }[];
  readonly users?: readonly { name: string; user: KubeUser }[];
}

interface KubeCluster {
  readonly server: string;
  readonly "certificate-authority"?: string;
  readonly "certificate-authority-data"?: string;
  readonly "insecure-skip-tls-verify"?: boolean;
}

interface KubeUser {
  readonly token?: string;
  readonly tokenFile?: string;
  readonly "client-certificate"?: string;
  readonly "client-certificate-data"?: string;
  readonly "client-key"?: string;
  readonly "client-key-data"?: string;
  readonly exec?: { command: string; args?: string[]; env?: { name: string; value: string }[] };
}

export interface KubeClient {
  readonly server: string;
  /** GET an API path; the parsed JSON body, or an error with the status and the server's message. */
  get(apiPath: string): Promise<Record<string, unknown>>;
}

/** The kubeconfig file: the first of $KUBECONFIG's list, else ~/.kube/config. */
export function kubeconfigPath(env: Environment): string {
  const listed = (env[connectionVariables.kubeconfig] ?? "").split(path.delimiter).filter((p) => p !== "");
  const candidates = listed.length > 0 ? listed : [path.join(os.homedir(), ".kube", "config")];
  const found = candidates.find((file) => fs.existsSync(file));
  if (found === undefined) {
    throw new Error(
      `no kubeconfig: ${connectionVariables.kubeconfig} ${listed.length > 0 ? `names ${listed.join(", ")}, which does not exist` : "is not set and ~/.kube/config does not exist"}`,
    );
  }
  return found;
}

function named<E extends { readonly name: string }>(
  list: readonly E[] | undefined,
  name: string,
  what: string,
  file: string,
): E {
  const entry = list?.find((e) => e.name === name);
  if (entry === undefined) {
    throw new Error(`${file}: no ${what} named "${name}"`);
  }
  return entry;
}

function fileOrData(file: string | undefined, data: string | undefined, base: string): Buffer | undefined {
  if (data !== undefined) {
    return Buffer.from(data, "base64");
  }
  return file === undefined ? undefined : fs.readFileSync(path.resolve(base, file));
}

/** A bearer token from an exec credential plugin (e.g. `aws eks get-token`), as kubectl would run it. */
function execToken(exec: NonNullable<KubeUser["exec"]>, timeoutMs: number): string {
  const extraEnv = Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value]));
  const result = spawnSync(exec.command, exec.args ?? [], {
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, ...extraEnv },
  });
  if (result.status !== 0) {
    throw new Error(
      `credential plugin ${exec.command} failed: ${(result.stderr || result.error?.message) ?? ""}`.trim(),
    );
  }
  const token = (JSON.parse(result.stdout) as { status?: { token?: string } }).status?.token;
  if (token === undefined) {
    throw new Error(
      `credential plugin ${exec.command} returned no token (client certificates from plugins are not supported)`,
    );
  }
  return token;
}

export function openKubernetes(env: Environment, timeoutMs: number): KubeClient {
  const file = kubeconfigPath(env);
  const base = path.dirname(file);
  const config = yaml.load(fs.readFileSync(file, "utf8")) as Kubeconfig;
  const contextName = config["current-context"] ?? config.contexts?.[0]?.name;
  if (contextName === undefined) {
    throw new Error(`${file}: no current-context and no contexts`);
  }
  const context = named(config.contexts, contextName, "context", file).context;
  const cluster = named(config.clusters, context.cluster, "cluster", file).cluster;
  const user = named(config.users, context.user, "user", file).user;
  const tokenFromFile = user.tokenFile === undefined ? undefined : fs.readFileSync(user.tokenFile, "utf8").trim();
  const token = user.token ?? tokenFromFile ?? (user.exec === undefined ? undefined : execToken(user.exec, timeoutMs));
  const tls: https.RequestOptions = {
    ca: fileOrData(cluster["certificate-authority"], cluster["certificate-authority-data"], base),
    cert: fileOrData(user["client-certificate"], user["client-certificate-data"], base),
    key: fileOrData(user["client-key"], user["client-key-data"], base),
    rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true,
  };
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  return {
    server: cluster.server,
    get: async (apiPath) => {
      let response;
      try {
        response = await httpGet(new URL(apiPath, cluster.server), { timeoutMs, headers, tls });
      } catch (err) {
        throw new Error(`cannot reach the Kubernetes API at ${cluster.server}: ${(err as Error).message}`);
      }
      if (response.status !== 200) {
        const message = (() => {
          try {
            return (JSON.parse(response.body) as { message?: string }).message ?? response.body;
          } catch {
            return response.body;
          }
        })();
        throw new Error(`GET ${apiPath} answered ${response.status}: ${message}`);
      }
      return JSON.parse(response.body) as Record<string, unknown>;
    },
  };
}
