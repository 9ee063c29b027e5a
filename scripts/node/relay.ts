/**
 * The runner namespace's relays (scripts/node/runner.sh): TCP ports carried over Unix sockets,
 * which cross network namespaces because they are files.
 *
 *   relay.ts tcp-to-unix HOST DIR PORT...   listen on HOST:PORT, connect to DIR/PORT.sock
 *   relay.ts unix-to-tcp DIR HOST PORT...   listen on DIR/PORT.sock, connect to HOST:PORT
 *
 * One process per side for every port, non-blocking throughout. socat did this first and stalled:
 * after a broker's roll one of its children sat in a blocking read() on the broker connection while
 * the engine's request waited unread in the Unix socket, until the kafka provider timed out.
 * Prints "ready" once every listener is up; runs until killed.
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

type Mode = "tcp-to-unix" | "unix-to-tcp";

/**
 * Carries bytes both ways. When either side ends or fails, both close at once, as a socket whose
 * peer went away: a client writing into a half-open relay would only learn of it on its next read
 * (the kafka provider then failed a request with EOF right after the brokers' roll).
 */
function join(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  const closeBoth = (): void => {
    a.destroy();
    b.destroy();
  };
  for (const socket of [a, b]) {
    socket.on("error", closeBoth);
    socket.on("close", closeBoth);
  }
}

function listen(server: net.Server, where: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(where, resolve);
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const [mode, first, second, ...ports] = argv;
  if ((mode !== "tcp-to-unix" && mode !== "unix-to-tcp") || first === undefined || second === undefined) {
    throw new Error("usage: relay.ts tcp-to-unix HOST DIR PORT... | unix-to-tcp DIR HOST PORT...");
  }
  const [host, dir] = (mode as Mode) === "tcp-to-unix" ? [first, second] : [second, first];
  const servers = ports.map((text) => {
    const port = Number(text);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`not a port: "${text}"`);
    }
    const socketPath = path.join(dir, `${port}.sock`);
    const server = net.createServer((incoming) => {
      const outgoing = mode === "tcp-to-unix" ? net.connect({ path: socketPath }) : net.connect({ host, port });
      join(incoming, outgoing);
    });
    if (mode === "unix-to-tcp") {
      fs.rmSync(socketPath, { force: true });
      return listen(server, { path: socketPath });
    }
    return listen(server, { host, port });
  });
  await Promise.all(servers);
  console.log("ready");
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`relay: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
