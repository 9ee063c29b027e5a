import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { projectDir } from "./helpers/synthesize";

function runSynth(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/synth.ts", ...args], {
    cwd: projectDir,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
}

describe("npm run synth", function () {
  this.timeout(120000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));

  it("writes every declared resource with type, name, parent and inputs, secrets masked", () => {
    const out = path.join(dir, "prod.json");
    const result = runSynth(["--stack", "prod", "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    const text = fs.readFileSync(out, "utf8");
    const document = JSON.parse(text);
    assert.equal(document.stack, "prod");
    for (const resource of document.resources) {
      assert.deepEqual(Object.keys(resource), ["type", "name", "parent", "inputs"]);
    }
    const statefulSet = document.resources.find((r: { name: string }) => r.name === "neo4j-statefulset");
    assert.equal(statefulSet.type, "kubernetes:apps/v1:StatefulSet");
    assert.equal(statefulSet.parent, "neo4j");
    const secrets = document.resources.filter((r: { type: string }) => r.type === "kubernetes:core/v1:Secret");
    assert.ok(secrets.length >= 4);
    for (const secret of secrets) {
      assert.equal(secret.inputs.stringData, "[secret]");
    }
    assert.doesNotMatch(text, /mock-password/);
  });

  it("exits non-zero with the validation message and writes nothing on bad config", () => {
    const out = path.join(dir, "bad.json");
    const result = runSynth(["--stack", "prod", "--set", "kafkaBrokers=2,kafkaControllers=1", "--out", out]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /kg-rca-server:kafkaBrokers: \(2\) must be at least kafkaReplicationFactor \(3\)/);
    assert.equal(fs.existsSync(out), false);
  });

  it("prints no secret value on its output streams", () => {
    const result = runSynth(["--stack", "prod"]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /mock-password/);
    assert.match(result.stdout, /"stringData": "\[secret\]"/);
  });
});
