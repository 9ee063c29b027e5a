import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { changesSince } from "../../fleet/changes";
import { shardOf } from "../../clients/shards";
import { touchedStacks } from "../../fleet/touchedStacks";
import { projectDir } from "./helpers/synthesize";

/**
 * fleet --changed on a real git history: a clone of this repository's HEAD, edited in its working
 * tree as a pull request would be, read back by changesSince with each tree's own code.
 */
describe("fleet: the changes since a git ref", function () {
  this.timeout(180000);
  let clone: string;

  const git = (...args: string[]): void => {
    const result = spawnSync("git", ["-C", clone, ...args], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
  };
  const edit = (file: string, from: string | RegExp, to: string): void => {
    const full = path.join(clone, file);
    const text = fs.readFileSync(full, "utf8");
    const changed = text.replace(from, to);
    assert.notEqual(changed, text, `${file}: nothing replaced`);
    fs.writeFileSync(full, changed);
  };

  beforeEach(() => {
    clone = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-fleet-git-"));
    const cloned = spawnSync("git", ["clone", "-q", "--no-hardlinks", projectDir, clone], { encoding: "utf8" });
    assert.equal(cloned.status, 0, cloned.stderr);
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(clone, "node_modules"), "dir");
  });
  afterEach(() => {
    fs.rmSync(clone, { recursive: true, force: true });
  });

  const changes = (): ReturnType<typeof changesSince> =>
    changesSince(clone, "HEAD", "prod", "prod", path.join(clone, "Pulumi.prod.yaml"));

  it("finds nothing in an unchanged tree", async () => {
    const found = await changes();
    assert.deepEqual(found.changes, []);
    assert.deepEqual(found.files, []);
  });

  it("an onboarding touches the new client's shard only", async () => {
    edit(
      "clients/registries/prod.ts",
      /\n\];\s*$/,
      `\n  { id: "client-fresh-k2l3m4", name: "Fresh", email: "ops@fresh.example.com", plan: "basic", status: "active" },\n];\n`,
    );
    const found = await changes();
    assert.deepEqual(found.changes, [{ kind: "registry", clientId: "client-fresh-k2l3m4" }]);
    assert.deepEqual(
      touchedStacks(found.changes, { shards: 4, baseClients: found.baseClients, headClients: found.headClients }),
      {
        platform: false,
        shards: [shardOf("client-fresh-k2l3m4", 4)],
      },
    );
  });

  it("a plan definition change touches the shard of the clients on that plan; a platform component and a platform key the platform", async () => {
    edit("clients/plans.ts", /partitions: 12,/, "partitions: 16,");
    edit("components/kafka/kafkaCluster.ts", /^/, "// reviewed\n");
    edit("Pulumi.prod.yaml", "kg-rca-server:kgApiMaxReplicas: 100", "kg-rca-server:kgApiMaxReplicas: 120");
    git("add", "-A");
    const found = await changes();
    const kinds = found.changes.map((c) =>
      "clientId" in c ? `registry ${c.clientId}` : "key" in c ? `config ${c.key}` : c.kind,
    );
    assert.ok(kinds.includes("platformCode"), kinds.join(", "));
    assert.ok(kinds.includes("config kgApiMaxReplicas"), kinds.join(", "));
    // pro's events topic: SmallCo is the registry's one pro client.
    assert.deepEqual(
      kinds.filter((k) => k.startsWith("registry ")),
      ["registry client-smallco-q1w2e3"],
    );
    const layout = { shards: 4, baseClients: found.baseClients, headClients: found.headClients };
    assert.deepEqual(touchedStacks(found.changes, layout), {
      platform: true,
      shards: [shardOf("client-smallco-q1w2e3", 4)],
    });
  });

  /** Commits an edit of the stack file, as the base a pull request starts from. */
  const commitStackFile = (from: string, to: string): void => {
    edit("Pulumi.prod.yaml", from, to);
    git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qam", "the stack file");
  };

  it("finds a plan change in a stack whose file holds encrypted values, as a deployed stack's does", async () => {
    commitStackFile("config:\n", "config:\n  kg-rca-server:kafkaAdminPassword:\n    secure: v1:c2FsdA==:Y2lwaGVy\n");
    edit("clients/plans.ts", /partitions: 12,/, "partitions: 16,");
    const found = await changes();
    assert.deepEqual(found.changes, [{ kind: "registry", clientId: "client-smallco-q1w2e3" }]);
  });

  it("touches every shard on a plan change when what the plans imply cannot be worked out", async () => {
    // A value the config validation refuses: neither tree derives a tenant for any client.
    commitStackFile("kg-rca-server:kafkaBrokers: 5", "kg-rca-server:kafkaBrokers: many");
    edit("clients/plans.ts", /partitions: 12,/, "partitions: 16,");
    const found = await changes();
    assert.deepEqual(found.changes, [{ kind: "tenantCode" }]);
    const layout = { shards: 4, baseClients: found.baseClients, headClients: found.headClients };
    assert.deepEqual(touchedStacks(found.changes, layout), { platform: false, shards: [0, 1, 2, 3] });
  });
});
