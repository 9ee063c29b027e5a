import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandError, EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

import {
  changesOf,
  failureOf,
  isReplacement,
  platformResourcesOf,
  refusal,
  resourcesOf,
  StepLog,
} from "../../tools/engineResults";
import { cliRoot } from "../../tools/localStack";

function step(op: OpType, name: string, type = "kafka:index/topic:Topic"): StepEventMetadata {
  return { op, urn: `urn:pulumi:local::kg-rca-server::${type}::${name}`, type, provider: "" };
}

function preEvent(metadata: StepEventMetadata, sequence: number): EngineEvent {
  return { sequence, timestamp: 0, resourcePreEvent: { metadata } };
}

describe("engine results read through the Automation API", () => {
  it("keeps the summary counts that change something, dropping same, read and zero counts", () => {
    assert.deepEqual(changesOf({ same: 220, read: 1, create: 12, update: 0, replace: 2 }), { create: 12, replace: 2 });
    assert.deepEqual(changesOf({ same: 227 }), {});
    assert.deepEqual(changesOf(undefined), {});
  });

  it("counts replace and the steps a replacement is made of as replacements, nothing else", () => {
    const ops: OpType[] = ["replace", "create-replacement", "delete-replaced", "discard-replaced"];
    assert.deepEqual(
      ops.map((op) => isReplacement(step(op, "t"))),
      [true, true, true, true],
    );
    const others: OpType[] = ["same", "create", "update", "delete", "read", "refresh"];
    assert.deepEqual(
      others.filter((op) => isReplacement(step(op, "t"))),
      [],
    );
  });

  it("records the steps an operation announces and the ones that change something", () => {
    const log = new StepLog();
    const events: EngineEvent[] = [
      { sequence: 0, timestamp: 0, preludeEvent: { config: {} } },
      preEvent(step("same", "a"), 1),
      preEvent(step("create", "b"), 2),
      { sequence: 3, timestamp: 0, diagnosticEvent: { message: "note", color: "never", severity: "info" } },
      preEvent(step("update", "c"), 4),
    ];
    events.forEach(log.onEvent);
    assert.deepEqual(
      log.steps.map((s) => s.op),
      ["same", "create", "update"],
    );
    assert.deepEqual(
      log.changes.map((s) => s.urn.split("::").pop()),
      ["b", "c"],
    );
  });

  it("returns the message of a failed operation, and fails when the operation succeeds", async () => {
    // The CLI's output is the message: `code: 255\n stdout: ...\n stderr: ...`.
    const failed = Promise.reject(new CommandError('code: 255\n stdout: error: client "x" was removed\n stderr: '));
    assert.match(await refusal(failed), /client "x" was removed/);
    await assert.rejects(refusal(Promise.resolve("done")), /the operation succeeded; it was expected to fail/);
  });

  it("tells a completed operation from a failed one by its failure, undefined when it completed", async () => {
    assert.equal(await failureOf(Promise.resolve()), undefined);
    assert.match((await failureOf(Promise.reject(new CommandError("code: 255\n stdout: panic")))) ?? "", /panic/);
  });

  it("passes on errors that are not the CLI's, so a broken driver is not taken for a refusal", async () => {
    await assert.rejects(refusal(Promise.reject(new TypeError("not a function"))), TypeError);
    await assert.rejects(failureOf(Promise.reject(new TypeError("not a function"))), TypeError);
  });

  it("compares the platform's resources by URN, without the engine's bookkeeping and with secrets masked", () => {
    const resource = (type: string, urn: string, extra: object = {}) => ({ type, urn, ...extra });
    const exported = (resources: object[]) => ({ version: 3, deployment: { resources } });
    const first = exported([
      resource("pulumi:pulumi:Stack", "urn:stack", { outputs: { at: 1 } }),
      resource("kafka:index/topic:Topic", "urn:b"),
      resource("pulumi:providers:pulumi-nodejs", "urn:dynamic"),
      resource("kubernetes:core/v1:Secret", "urn:a", { inputs: { data: { ciphertext: "nonce-1" } } }),
    ]);
    const second = exported([
      resource("kubernetes:core/v1:Secret", "urn:a", { inputs: { data: { ciphertext: "nonce-2" } } }),
      resource("pulumi:pulumi:Stack", "urn:stack", { outputs: { at: 2 } }),
      resource("kafka:index/topic:Topic", "urn:b"),
    ]);
    assert.deepEqual(platformResourcesOf(first), platformResourcesOf(second));
    assert.deepEqual(platformResourcesOf(first), [
      resource("kubernetes:core/v1:Secret", "urn:a", { inputs: { data: "[secret]" } }),
      resource("kafka:index/topic:Topic", "urn:b"),
    ]);
    assert.equal(resourcesOf(first).length, 4);
    assert.equal(resourcesOf({ version: 3, deployment: {} }).length, 0);
  });
});

describe("the local stack's CLI for the Automation API", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-cli-root-"));
  const cli = (folder: string) => {
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    fs.writeFileSync(path.join(dir, folder, "pulumi"), "");
    return path.join(dir, folder);
  };
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is the installation root of the first pulumi on the stack's PATH", () => {
    const toolchain = cli("pulumi-v3.248.0/bin");
    const other = cli("elsewhere/bin");
    const searchPath = [path.join(dir, "empty"), "", toolchain, other].join(path.delimiter);
    assert.equal(cliRoot(searchPath), path.join(dir, "pulumi-v3.248.0"));
  });

  it("says so when no pulumi is on the PATH, or when it is not in a bin/ folder", () => {
    assert.throws(() => cliRoot(path.join(dir, "empty")), /no pulumi CLI on the local stack's PATH/);
    const loose = cli("unpacked");
    assert.throws(() => cliRoot(loose), /unpacked\/pulumi: the Automation API needs the CLI in a bin\/ folder/);
  });
});
