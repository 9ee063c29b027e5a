/**
 * The local side of the port-forward: what it does with connections, given a
 * forwarder that stands in for client-node's PortForward. The tunnel through a
 * real API server to a real pod needs a node, and is tested with one.
 */
import { strict as assert } from "assert";
import { EventEmitter } from "events";
import * as net from "net";
import { Readable, Writable } from "stream";

import { Forwarder, forwardPort, PortForwardTarget } from "../../components/shared/portForward";

class FakeTunnel extends EventEmitter {
  closed = false;

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.emit("close");
    }
  }
}

interface Call {
  readonly namespace: string;
  readonly pod: string;
  readonly ports: number[];
  readonly tunnel: FakeTunnel;
}

/** Answers each connection as the pod would: upper-cases what it receives; or fails as told. */
function fakeForwarder(behaviour: "echo" | "refused" | "error-stream"): Forwarder & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    portForward: (namespace, pod, ports, output: Writable, err: Writable | null, input: Readable) => {
      if (behaviour === "refused") {
        const errorEvent = Object.assign(new EventEmitter(), { message: "Unexpected server response: 403" });
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as client-node does: the ErrorEvent itself
        return Promise.reject(errorEvent);
      }
      const tunnel = new FakeTunnel();
      calls.push({ namespace, pod, ports, tunnel });
      if (behaviour === "error-stream") {
        err?.write(Buffer.from("error forwarding port 5432: connection refused"));
      } else {
        // As client-node does with the error stream's first frame, which only names the port.
        err?.write(Buffer.alloc(0));
        input.on("data", (chunk: Buffer) => output.write(chunk.toString("utf8").toUpperCase()));
      }
      return Promise.resolve(tunnel);
    },
  };
}

/** Connects to the local port, writes `text`, and resolves with everything read until the connection closes. */
function exchange(port: number, text: string, keepOpen = false): Promise<{ received: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const socket = net.connect(port, "127.0.0.1", () => {
      connected = true;
      socket.write(text);
    });
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      if (keepOpen && received.length >= text.length) {
        resolve({ received, socket });
      }
    });
    socket.on("error", (err) => {
      // Once connected, a connection the other side destroyed shows as a reset: "close" below settles.
      if (!connected) {
        reject(err);
      }
    });
    socket.on("close", () => {
      resolve({ received, socket });
    });
    socket.on("timeout", () => {
      reject(new Error("no answer"));
    });
    socket.setTimeout(5000);
  });
}

describe("port-forward (local side)", () => {
  const target: PortForwardTarget = { namespace: "kg-rca-server", pod: "postgresql-0", port: 5432 };

  it("listens on 127.0.0.1 and carries each connection through its own tunnel to the pod's port", async () => {
    const forwarder = fakeForwarder("echo");
    const forwarding = await forwardPort(forwarder, target);
    try {
      assert.ok(forwarding.localPort > 0);
      const first = await exchange(forwarding.localPort, "select 1", true);
      const second = await exchange(forwarding.localPort, "ping", true);
      assert.deepEqual([first.received, second.received], ["SELECT 1", "PING"]);
      assert.deepEqual(
        forwarder.calls.map((c) => [c.namespace, c.pod, c.ports]),
        [
          ["kg-rca-server", "postgresql-0", [5432]],
          ["kg-rca-server", "postgresql-0", [5432]],
        ],
      );
      // A client that hangs up closes its tunnel; a tunnel that closes hangs up on its client.
      first.socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(forwarder.calls[0]!.tunnel.closed, true);
      const ended = new Promise((resolve) => second.socket.once("close", resolve));
      forwarder.calls[1]!.tunnel.close();
      await ended;
    } finally {
      await forwarding.close();
    }
  });

  it("close() drops open connections, closes their tunnels and stops listening", async () => {
    const forwarder = fakeForwarder("echo");
    const forwarding = await forwardPort(forwarder, target);
    const open = await exchange(forwarding.localPort, "x", true);
    const dropped = new Promise((resolve) => open.socket.once("close", resolve));
    await forwarding.close();
    await dropped;
    assert.equal(forwarder.calls[0]!.tunnel.closed, true);
    await assert.rejects(exchange(forwarding.localPort, "again"), /ECONNREFUSED/);
  });

  it("a refused tunnel or an error from the pod's side closes that connection", async () => {
    for (const behaviour of ["refused", "error-stream"] as const) {
      const forwarding = await forwardPort(fakeForwarder(behaviour), target);
      try {
        const { received } = await exchange(forwarding.localPort, "hello");
        assert.equal(received, "", behaviour);
      } finally {
        await forwarding.close();
      }
    }
  });
});
