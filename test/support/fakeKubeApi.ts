/**
 * A stand-in for kube-apiserver in unit tests of the client code: plain HTTP on
 * loopback, answers by method and path, records every request with its
 * Authorization header. A kubeconfig for it skips TLS (client-node allows
 * http:// only then).
 */
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

/** "GET /api/v1/..." → the answer, or "hang" for a server that accepts and never answers. */
export type Routes = Record<string, Answer | "hang">;

export class FakeKubeApi {
  readonly seen: SeenRequest[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server: http.Server;

  private constructor(routes: Routes) {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const key = `${request.method ?? ""} ${request.url ?? ""}`;
        this.seen.push({
          method: request.method ?? "",
          path: request.url ?? "",
          authorization: request.headers.authorization,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        const answer = routes[key] ?? { status: 404, body: { kind: "Status", message: `${key} is not routed` } };
        if (answer !== "hang") {
          response.writeHead(answer.status, { "Content-Type": "application/json" });
          response.end(JSON.stringify(answer.body));
        }
      });
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  static async start(routes: Routes): Promise<FakeKubeApi> {
    const api = new FakeKubeApi(routes);
    await new Promise<void>((resolve) => api.server.listen(0, "127.0.0.1", resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}

/** A Kubernetes list of objects with the given fields. */
export function listOf(kind: string, items: readonly unknown[]): Answer {
  return { status: 200, body: { apiVersion: "apps/v1", kind: `${kind}List`, metadata: {}, items } };
}

/** A kubeconfig file in `dir` for `server` with `user` as its user's fields. */
export function writeKubeconfig(dir: string, server: string, user: Record<string, unknown>): string {
  const file = path.join(dir, "kubeconfig");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "fake", cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: "someone", user }],
    contexts: [{ name: "fake", context: { cluster: "fake", user: "someone" } }],
    "current-context": "fake",
  };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}
