import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { changedClients, changedConfigKeys, classifyFile } from "../../fleet/changes";
import { environmentStacks, knownEnvironments, tenantsStackConfig } from "../../fleet/environment";
import { previewStep, renderReport, renderSummary, StackOutcome } from "../../fleet/run";
import { touchedStacks } from "../../fleet/touchedStacks";
import { fileHolds, projectSettingsFor } from "../../fleet/workspace";
import { programModules } from "../../tools/programBuild";
import { ProjectSettings, StepEventMetadata } from "@pulumi/pulumi/automation";

import { RegistrySnapshot } from "../../scripts/clientsDiff/snapshotTypes";
import { projectDir } from "./helpers/synthesize";

function snapshot(entries: RegistrySnapshot["entries"], tenants: Record<string, unknown> = {}): RegistrySnapshot {
  return {
    source: "clients/registries/prod.ts",
    problems: [],
    entries,
    stacks: ["prod"],
    tenantDatabases: false,
    tenants: tenants as RegistrySnapshot["tenants"],
  };
}

describe("fleet", () => {
  describe("what a changed file means", () => {
    it("classifies each kind of file", () => {
      assert.equal(classifyFile("Pulumi.prod.yaml"), "config");
      assert.equal(classifyFile("Pulumi.yaml"), "config");
      assert.equal(classifyFile("clients/registries/prod.ts"), "registry");
      assert.equal(classifyFile("clients/plans.ts"), "registry");
      assert.deepEqual(classifyFile("components/tenants/clientTenant.ts"), { kind: "tenantCode" });
      assert.deepEqual(classifyFile("clients/naming.ts"), { kind: "tenantCode" });
      assert.deepEqual(classifyFile("programs/tenantStack.ts"), { kind: "tenantCode" });
      assert.deepEqual(classifyFile("components/kafka/kafkaCluster.ts"), { kind: "platformCode" });
      assert.deepEqual(classifyFile("programs/platformStack.ts"), { kind: "platformCode" });
      assert.deepEqual(classifyFile("config/stackConfig.ts"), { kind: "sharedCode" });
      assert.deepEqual(classifyFile("components/shared/kubernetesMeta.ts"), { kind: "sharedCode" });
      assert.deepEqual(classifyFile("policies/kafkaStorageBound.ts"), { kind: "sharedCode" });
      assert.deepEqual(classifyFile("package-lock.json"), { kind: "sharedCode" });
      for (const file of ["README.md", "test/unit/fleet.test.ts", "scripts/ops.ts", ".github/workflows/deploy.yml"]) {
        assert.equal(classifyFile(file), undefined, file);
      }
    });

    it("counts every module the program reaches as shared code, wherever it lives, and how the program is built", () => {
      const program = new Set(programModules(projectDir));
      assert.ok(program.has("ops/capacity.ts"), "the program imports the capacity bound from ops/");
      assert.deepEqual(classifyFile("ops/capacity.ts", program), { kind: "sharedCode" });
      assert.equal(classifyFile("ops/report.ts", program), undefined, "the ops command's own modules run no stack");
      for (const file of ["index.ts", "programs/prebuilt.ts", "tools/programBuild.ts"]) {
        assert.deepEqual(classifyFile(file, program), { kind: "sharedCode" }, file);
      }
    });

    it("opens stacks without rewriting the project's Pulumi.yaml: settings go only to a folder of their own", () => {
      const project: ProjectSettings = { name: "kg-rca-server", runtime: "nodejs" };
      assert.deepEqual(projectSettingsFor(projectDir, `${projectDir}/`, project), {});
      assert.deepEqual(projectSettingsFor(projectDir, "/tmp/stack-files", project), {
        projectSettings: { ...project, main: projectDir },
      });
    });

    it("finds the config keys whose resolved value differs, added and removed ones too", () => {
      assert.deepEqual(
        changedConfigKeys(
          { "kg-rca-server:kafkaBrokers": "5", "kg-rca-server:namespace": "a", "kg-rca-server:gone": "x" },
          { "kg-rca-server:kafkaBrokers": "6", "kg-rca-server:namespace": "a", "kg-rca-server:new": "y" },
        ),
        ["kg-rca-server:gone", "kg-rca-server:kafkaBrokers", "kg-rca-server:new"],
      );
    });

    it("touches a client whose entry or derived tenant differs: a plan edit touches the clients on it", () => {
      const a = { id: "a", name: "A", email: "a@a.example.com", plan: "basic", status: "active" } as const;
      const b = { id: "b", name: "B", email: "b@b.example.com", plan: "pro", status: "active" } as const;
      const base = snapshot([a, b], { a: { retention: 1 }, b: { retention: 2 } });
      assert.deepEqual(changedClients(base, base), []);
      assert.deepEqual(
        changedClients(
          base,
          snapshot([a, { ...b, status: "suspended" }], { a: { retention: 1 }, b: { retention: 2 } }),
        ),
        ["b"],
      );
      assert.deepEqual(
        changedClients(base, snapshot([a, b], { a: { retention: 1 }, b: { retention: 3 } })),
        ["b"],
        "plan pro edited",
      );
      assert.deepEqual(
        changedClients(base, snapshot([a], { a: { retention: 1 } })),
        ["b"],
        "a removal, which the guard refuses",
      );
      assert.deepEqual(changedClients(undefined, snapshot([a], { a: { retention: 1 } })), ["a"]);
    });

    it("touches every shard and the platform for code every stack runs", () => {
      const layout = { shards: 3, baseClients: [], headClients: [] };
      assert.deepEqual(touchedStacks([{ kind: "sharedCode" }], layout), { platform: true, shards: [0, 1, 2] });
      assert.deepEqual(touchedStacks([{ kind: "config", key: "stackRole" }], layout), {
        platform: true,
        shards: [0, 1, 2],
      });
    });
  });

  describe("an environment's stacks", () => {
    let workDir: string;
    beforeEach(() => {
      workDir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-fleet-env-"));
    });
    afterEach(() => {
      fs.rmSync(workDir, { recursive: true, force: true });
    });

    const write = (stack: string, config: Record<string, string>): void => {
      const lines = Object.entries(config).map(([k, v]) => `  kg-rca-server:${k}: "${v}"`);
      fs.writeFileSync(path.join(workDir, `Pulumi.${stack}.yaml`), `config:\n${lines.join("\n")}\n`);
    };

    it("a platform stack's environment has one tenants stack per shard; a whole stack's none", () => {
      write("staging", {
        environment: "staging",
        kafkaListenerProtocol: "SASL_PLAINTEXT",
        stackRole: "platform",
        capacityMaxClients: "10",
        tenantShardSize: "4",
      });
      const stacks = environmentStacks(projectDir, workDir, "staging");
      assert.equal(stacks.platform, "staging");
      assert.deepEqual(stacks.tenants, ["staging-tenants-0", "staging-tenants-1", "staging-tenants-2"]);
      write("staging", { environment: "staging", kafkaListenerProtocol: "SASL_PLAINTEXT" });
      assert.deepEqual(environmentStacks(projectDir, workDir, "staging").tenants, []);
    });

    it("refuses an unknown environment, naming the known ones, and a tenants stack's name", () => {
      write("staging", { environment: "staging", kafkaListenerProtocol: "SASL_PLAINTEXT", stackRole: "platform" });
      fs.writeFileSync(path.join(workDir, "Pulumi.staging-tenants-0.yaml"), "config: {}\n");
      assert.deepEqual(knownEnvironments(workDir), ["staging"]);
      assert.throws(
        () => environmentStacks(projectDir, workDir, "qa"),
        /--env qa: unknown environment, there is no .*Pulumi\.qa\.yaml; known: staging/,
      );
      write("orphan", { stackRole: "tenants", platformStack: "staging" });
      assert.throws(
        () => environmentStacks(projectDir, workDir, "orphan"),
        /is a tenants stack \(stackRole "tenants"\); name its environment instead/,
      );
    });

    it("refuses a stack file that does not validate, naming the key", () => {
      write("staging", { environment: "staging", kafkaListenerProtocol: "SASL_PLAINTEXT", stackRole: "shards" });
      assert.throws(
        () => environmentStacks(projectDir, workDir, "staging"),
        /kg-rca-server:stackRole: must be one of "whole", "platform", "tenants"; got "shards"/,
      );
    });

    it("writes a tenants stack's place and nothing else", () => {
      assert.deepEqual(tenantsStackConfig("prod", 3), {
        "kg-rca-server:stackRole": "tenants",
        "kg-rca-server:platformStack": "prod",
        "kg-rca-server:tenantShard": "3",
      });
    });

    it("writes a tenants stack's place only when its file does not already hold it", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-fleet-file-"));
      try {
        const file = path.join(dir, "Pulumi.prod-tenants-3.yaml");
        const place = tenantsStackConfig("prod", 3);
        assert.equal(fileHolds(file, place), false, "no file yet");
        fs.writeFileSync(
          file,
          "config:\n  kg-rca-server:stackRole: tenants\n  kg-rca-server:platformStack: prod\n  kg-rca-server:tenantShard: 3\n",
        );
        assert.equal(fileHolds(file, place), true, "a number in the file is the same value");
        assert.equal(fileHolds(file, tenantsStackConfig("prod", 2)), false, "another shard");
        fs.writeFileSync(file, "config:\n  kg-rca-server:stackRole: tenants\n");
        assert.equal(fileHolds(file, place), false, "a key missing");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("summarizes each stack's changes and names the failed ones with their problems", () => {
    const outcomes: StackOutcome[] = [
      { stack: "prod", status: "ok", changes: {}, seconds: 9.5, problems: [], steps: [] },
      {
        stack: "prod-tenants-1",
        status: "ok",
        changes: { create: 12, import: 3 },
        seconds: 4,
        problems: [],
        steps: ["create kafka:index/topic:Topic fresh-events-topic"],
      },
      {
        stack: "prod-tenants-2",
        status: "failed",
        changes: {},
        seconds: 3,
        problems: ["plan guard: delete of a topic"],
        steps: [],
      },
    ];
    const text = renderSummary("preview", outcomes);
    assert.match(text, /^\| prod \| ok \| 0 \| 0 \| 0 \| 0 \| 0 \| 9\.5 \|$/m);
    assert.match(text, /^\| prod-tenants-1 \| ok \| 12 \| 0 \| 0 \| 0 \| 3 \| 4 \|$/m);
    assert.match(text, /preview: 3 stack\(s\), 1 not ok: prod-tenants-2/);
    assert.match(text, /prod-tenants-2:\n {2}plan guard: delete of a topic/);
    const report = renderReport("preview", "prod", outcomes);
    assert.match(report, /^### fleet preview --env prod$/m);
    assert.match(
      report,
      /<summary>prod-tenants-1: 1 step\(s\)<\/summary>\n\n```\ncreate kafka:index\/topic:Topic fresh-events-topic\n```/,
    );
    assert.doesNotMatch(report, /<summary>prod:/, "no details for a stack without steps");
  });

  it("hands the plan guard each step with the sides it has: a create's old side comes as null", () => {
    const urn =
      "urn:pulumi:prod-tenants-1::kg-rca-server::kg-rca:tenants:ClientTenant$kafka:index/topic:Topic::fresh-events-topic";
    const created = { type: "kafka:index/topic:Topic", urn, inputs: { name: "fresh.events.normalized" } };
    const step = { op: "create", urn, type: created.type, old: null, new: created } as unknown as StepEventMetadata;
    assert.deepEqual(previewStep(step), {
      op: "create",
      urn,
      newState: { type: created.type, inputs: created.inputs },
    });
  });
});
