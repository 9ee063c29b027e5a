import type * as net from "net";
import type { Readable, Writable } from "stream";

export interface PortForwardTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
}

/** A local port on 127.0.0.1 that reaches the pod's port until `close()`. */
export interface PortForwarding {
  readonly localPort: number;
  close(): Promise<void>;
}

/** client-node's PortForward as this module uses it; a test passes its own. */
export interface Forwarder {
  portForward(
    namespace: string,
    pod: string,
    ports: number[],
    output: Writable,
    err: Writable | null,
    input: Readable,
  ): Promise<unknown>;
}

/** What is used of the WebSocket that client-node returns (the `ws` package's types are not installed). */
interface Tunnel {
  close(): void;
  once(event: "close", listener: () => void): unknown;
}

function isTunnel(value: unknown): value is Tunnel {
  const candidate = value as Partial<Tunnel> | null;
  return typeof candidate?.close === "function" && typeof candidate.once === "function";
}

/**
 * `kubectl port-forward` in-process: a free port on 127.0.0.1 whose every connection is carried
 * to the pod's port by its own tunnel through the API server.
 *
 * The engine's dynamic providers serialize this module's functions into the state, so every
 * runtime module is required inside the function that uses it.
 */
export async function forwardPort(forwarder: Forwarder, target: PortForwardTarget): Promise<PortForwarding> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net = require("net") as typeof import("net");
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => {
      // The connection's user sees it closed; the forwarding itself goes on.
    });
    connect(forwarder, target, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    localPort: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => {
          resolve();
        });
      }),
  };
}

function connect(forwarder: Forwarder, target: PortForwardTarget, socket: net.Socket): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Writable } = require("stream") as typeof import("stream");
  const where = `${target.namespace}/${target.pod}:${target.port}`;
  // The API server reports a refused or failed connection to the pod on the error stream. Its first
  // frame only names the port, which client-node strips: an empty chunk is no error.
  const errors = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (chunk.length > 0) {
        socket.destroy(new Error(`port-forward to ${where}: ${chunk.toString("utf8")}`));
      }
      done();
    },
  });
  forwarder.portForward(target.namespace, target.pod, [target.port], socket, errors, socket).then(
    (tunnel) => {
      if (!isTunnel(tunnel)) {
        socket.destroy(new Error(`port-forward to ${where}: no tunnel`));
        return;
      }
      if (socket.destroyed) {
        tunnel.close();
        return;
      }
      tunnel.once("close", () => socket.end());
      socket.once("close", () => {
        tunnel.close();
      });
    },
    (err: unknown) => {
      // A failed WebSocket upgrade rejects with an ErrorEvent, which is no Error but has a message.
      const message = (err as { message?: unknown } | null)?.message;
      socket.destroy(new Error(`port-forward to ${where}: ${typeof message === "string" ? message : String(err)}`));
    },
  );
}
