/** A minimal client of the Kubernetes API, reading what the program created straight from the API server. */
import * as fs from "fs";
import * as https from "https";
import * as yaml from "js-yaml";

interface Kubeconfig {
  clusters: { cluster: { server: string; "certificate-authority": string } }[];
  users: { user: { token: string } }[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;

export class KubeApi {
  private readonly server: URL;
  private readonly ca: Buffer;
  private readonly token: string;

  constructor(kubeconfigPath: string) {
    const config = yaml.load(fs.readFileSync(kubeconfigPath, "utf8")) as Kubeconfig;
    const cluster = config.clusters[0]?.cluster;
    const user = config.users[0]?.user;
    if (cluster === undefined || user === undefined) {
      throw new Error(`${kubeconfigPath}: no cluster or user`);
    }
    this.server = new URL(cluster.server);
    this.ca = fs.readFileSync(cluster["certificate-authority"]);
    this.token = user.token;
  }

  /** GET a path; undefined on 404. */
  get(path: string): Promise<KubeObject | undefined> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        {
          host: this.server.hostname,
          port: this.server.port,
          path,
          method: "GET",
          ca: this.ca,
          headers: { Authorization: `Bearer ${this.token}`, Accept: "application/json" },
          timeout: 15000,
        },
        (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => (body += chunk.toString()));
          response.on("end", () => {
            if (response.statusCode === 404) {
              resolve(undefined);
            } else if (response.statusCode !== 200) {
              reject(new Error(`GET ${path}: ${String(response.statusCode)} ${body}`));
            } else {
              resolve(JSON.parse(body) as KubeObject);
            }
          });
        },
      );
      request.on("timeout", () => request.destroy(new Error(`GET ${path}: timed out`)));
      request.on("error", reject);
      request.end();
    });
  }

  async mustGet(path: string): Promise<KubeObject> {
    const found = await this.get(path);
    if (found === undefined) {
      throw new Error(`${path} does not exist in the API server`);
    }
    return found;
  }

  async list(path: string): Promise<KubeObject[]> {
    return ((await this.mustGet(path)).items ?? []) as KubeObject[];
  }
}

/** The API path of a namespaced object of a Pulumi Kubernetes type token. */
export function apiPath(type: string, namespace: string, name?: string): string {
  const match = /^kubernetes:([^/]+)\/(v\w+):(\w+)$/.exec(type);
  if (match === null) {
    throw new Error(`not a Kubernetes type token: ${type}`);
  }
  const [, group, version, kind] = match as unknown as [string, string, string, string];
  const plural = `${kind.toLowerCase()}${kind.endsWith("s") ? "es" : "s"}`.replace(/ys$/, "ies");
  const base = group === "core" ? `/api/${version}` : `/apis/${group}/${version}`;
  return `${base}/namespaces/${namespace}/${plural}${name === undefined ? "" : `/${name}`}`;
}
