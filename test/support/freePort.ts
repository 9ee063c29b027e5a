/**
 * A port for a test server to listen on, on loopback.
 *
 * Not `listen(0)`: the kernel hands those out of the ephemeral range
 * (net.ipv4.ip_local_port_range, 32768-60999 here), the same range every
 * outgoing connection takes its local port from. Between picking a port and
 * the server binding it, one of the hundreds of connections a CI run opens
 * can take it (a broker then failed to start with "Address already in use").
 * Below that range only servers bind, and a server that holds a port is seen
 * here. The band also stays clear of the suites' fixed ports (17687, 19000,
 * 19092) and of Kubernetes NodePorts (30000-32767).
 */
import * as net from "net";

const BAND_START = 20000;
const BAND_SIZE = 10000;
const ATTEMPTS = 50;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => {
      resolve(false);
    });
    server.listen(port, "127.0.0.1", () =>
      server.close(() => {
        resolve(true);
      }),
    );
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = BAND_START + Math.floor(Math.random() * BAND_SIZE);
    if (await canListen(port)) {
      return port;
    }
  }
  throw new Error(`no free port in ${BAND_START}-${BAND_START + BAND_SIZE - 1} after ${ATTEMPTS} tries`);
}
