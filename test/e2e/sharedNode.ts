/**
 * The one local node the node suites share (tenants, node, backups, autoscaling,
 * kafkaScale, in that order: see scripts/test-e2e.sh). A node's `local:up` and
 * `local:down` take about four minutes, so the suites take turns on one stack
 * instead of each bringing its own: the first suite to ask brings it up, and a
 * root-level `after` hook, run once every suite is done, takes it down and checks
 * the host is left as it was. Each suite therefore starts from the state the one
 * before left (clients, messages, config) and asserts relative to it, except the
 * tenants suite, which runs first and sees the stack as `local:up` made it.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { localClients } from "../../clients/registries/local";
import { ClientEntry } from "../../clients/types";
import { hostFootprint, HostFootprint } from "./hostFootprint";
import { LocalStack, projectDir } from "./localStack";
import { NodeCluster } from "./nodeCluster";

export interface SharedNode {
  readonly stack: LocalStack;
  readonly cluster: NodeCluster;
}

/** The shared stack: its folder is known at once; it is up once `sharedNode()` has resolved. */
export const stack = new LocalStack("node");
/** The registry file the suites serve to the shared stack (`clientRegistry: file:…`). */
export const registryFile = path.join(stack.dir, "clients.json");

/** Writes the registry the stack serves; the next update applies it. */
export async function serveRegistry(clients: readonly object[]): Promise<void> {
  fs.writeFileSync(registryFile, JSON.stringify(clients, null, 2));
  await stack.setConfig({ clientRegistry: `file:${registryFile}` });
}

/** The registry the stack serves: the file an earlier suite wrote, or the local stack's own. */
export function servedRegistry(): ClientEntry[] {
  return fs.existsSync(registryFile)
    ? (JSON.parse(fs.readFileSync(registryFile, "utf8")) as ClientEntry[])
    : [...localClients];
}

/** The shared hooks' own minutes are on the node group's path, and mocha prints no hook's time. */
function logSeconds(what: string, startedAt: number): void {
  console.log(`      ${what}: ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}

let started: Promise<SharedNode> | undefined;
let footprintBefore: HostFootprint | undefined;

/** The shared stack, brought up by the first caller; later callers get the same one. */
export function sharedNode(): Promise<SharedNode> {
  started ??= (async () => {
    footprintBefore = hostFootprint(stack.dir);
    const startedAt = Date.now();
    const up = await stack.up();
    assert.equal(up.status, 0, `npm run local:up failed:\n${up.output.slice(-4000)}`);
    logSeconds("local:up", startedAt);
    return { stack, cluster: new NodeCluster(stack) };
  })();
  return started;
}

// Root level: runs once, after the last suite of the run, whichever suites ran.
after(function () {
  if (started === undefined) {
    return;
  }
  this.timeout(10 * 60 * 1000);
  const startedAt = Date.now();
  const down = stack.down();
  assert.equal(down.status, 0, `local:down failed:\n${down.output.slice(-3000)}`);
  logSeconds("local:down", startedAt);
  const clean = spawnSync("bash", [path.join(projectDir, "scripts/node/local-node.sh"), "check-clean"], {
    encoding: "utf8",
  });
  assert.equal(clean.status, 0, `the node left something behind:\n${clean.stdout}${clean.stderr}`);
  assert.deepEqual(hostFootprint(stack.dir), footprintBefore, "local:down leaves the host as it was");
});
