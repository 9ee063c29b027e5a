import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { freshBuild, manifestName } from "../../programs/prebuilt";
import { freshProgram, MockRun, runUnderMocks } from "../../tools/mockEngine";
import { buildProgram, programModules } from "../../tools/programBuild";
import { projectDir, stackConfig } from "./helpers/synthesize";

/** A copy of the project's program (its modules, settings and entry) with the real node_modules. */
function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "program-build-"));
  for (const item of ["Pulumi.yaml", "Pulumi.prod.yaml", "tsconfig.json", "index.ts"]) {
    fs.copyFileSync(path.join(projectDir, item), path.join(dir, item));
  }
  for (const folder of new Set(programModules(projectDir).map((file) => file.split("/")[0] as string))) {
    fs.cpSync(path.join(projectDir, folder), path.join(dir, folder), { recursive: true });
  }
  fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

const summary = (run: MockRun): string[] =>
  run.resources.map((r) => `${r.type} ${r.name} ${JSON.stringify(r.inputs)}`).sort();

describe("program build: the engine and the policy analyzer start a transpiled copy of the sources while it matches them", function () {
  this.timeout(120000);
  let dir: string;
  let first: string;

  before(() => {
    dir = projectCopy();
    const build = buildProgram(dir);
    assert.equal(build.built, true);
    first = build.dir;
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("holds every module programs/index.ts and policies/pack.ts reach, lists them, and is found by their loaders", () => {
    const sources = JSON.parse(fs.readFileSync(path.join(first, manifestName), "utf8")) as string[];
    assert.deepEqual(sources, programModules(dir));
    assert.ok(sources.includes("programs/tenantStack.ts") && sources.includes("components/kafka/brokersReady.ts"));
    assert.ok(
      sources.includes("policies/pack.ts") && sources.includes("policies/tenantAclIsolation.ts"),
      "the policies",
    );
    for (const source of sources) {
      assert.ok(fs.existsSync(path.join(first, source.replace(/\.ts$/, ".js"))), `${source} built`);
    }
    assert.equal(freshBuild(dir, ["programs/index.ts"]), first);
    assert.equal(freshBuild(dir, ["programs/index.ts", "policies/pack.ts"]), first);
    assert.equal(freshBuild(dir, ["policies/absent.ts"]), undefined, "a module the build does not hold");
    assert.deepEqual(buildProgram(dir), { dir: first, built: false }, "nothing to do while the sources are unchanged");
  });

  it("declares, through index.ts, exactly what the sources declare (prod)", async () => {
    const entry = path.join(dir, "index.ts");
    const fromBuild = await runUnderMocks(freshProgram(entry), stackConfig("prod"), "prod");
    const loaded = Object.keys(require.cache).filter((file) => file.startsWith(dir) && !file.includes("node_modules"));
    assert.ok(
      loaded.filter((file) => file.startsWith(first)).length >= loaded.length - 2,
      "the program's modules came from the build",
    );
    const prebuilt = path.join(dir, "bin.aside");
    fs.renameSync(path.join(dir, "bin"), prebuilt);
    try {
      const fromSources = await runUnderMocks(freshProgram(entry), stackConfig("prod"), "prod");
      assert.equal(fromBuild.resources.length, fromSources.resources.length);
      assert.deepEqual(summary(fromBuild), summary(fromSources));
    } finally {
      fs.renameSync(prebuilt, path.join(dir, "bin"));
    }
  });

  it("holds the policy pack's policies, the same as its sources", () => {
    type Pack = typeof import("../../policies/pack");
    const names = (file: string): string[] =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module by its path
      (require(file) as Pack).packPolicies({}).map((policy) => `${policy.name} ${String(policy.enforcementLevel)}`);
    const fromBuild = names(path.join(first, "policies", "pack.js"));
    assert.ok(fromBuild.length >= 15, fromBuild.join(", "));
    assert.deepEqual(fromBuild, names(path.join(dir, "policies", "pack.ts")));
  });

  it("is stale once a source changes: index.ts compiles the sources until the next build", () => {
    const file = path.join(dir, "components", "kafka", "brokersReady.ts");
    fs.appendFileSync(file, "\n// edited\n");
    assert.equal(freshBuild(dir, ["programs/index.ts"]), undefined);
    const next = buildProgram(dir);
    assert.equal(next.built, true);
    assert.notEqual(next.dir, first);
    assert.ok(fs.existsSync(first), "the older build stays for a stack that may still run it");
  });

  it("follows a new import into a new module", () => {
    fs.writeFileSync(path.join(dir, "programs", "addedModule.ts"), "export const added = 1;\n");
    fs.appendFileSync(path.join(dir, "programs", "index.ts"), '\nexport { added } from "./addedModule";\n');
    assert.equal(freshBuild(dir, ["programs/index.ts"]), undefined);
    const build = buildProgram(dir);
    assert.ok(fs.existsSync(path.join(build.dir, "programs", "addedModule.js")));
  });

  it("refuses a source that cannot be transpiled, naming it, and leaves no build behind", () => {
    const builds = fs.readdirSync(path.join(dir, "bin")).sort();
    fs.writeFileSync(path.join(dir, "programs", "addedModule.ts"), "export const added = ;\n");
    assert.throws(() => buildProgram(dir), /programs\/addedModule\.ts: cannot be transpiled: Expression expected/);
    assert.deepEqual(fs.readdirSync(path.join(dir, "bin")).sort(), builds, "no build and no staging folder left");
    fs.writeFileSync(path.join(dir, "programs", "addedModule.ts"), "export const added = 1;\n");
  });

  it("refuses an import of a module that does not exist, naming both", () => {
    fs.appendFileSync(path.join(dir, "programs", "index.ts"), '\nexport { gone } from "./goneModule";\n');
    assert.throws(
      () => buildProgram(dir),
      /programs\/index\.ts: imports \.\/goneModule, which is neither programs\/goneModule\.ts nor programs\/goneModule\/index\.ts/,
    );
  });

  it("never takes a folder without its manifest (a build under way) for a build", () => {
    const index = path.join(dir, "programs", "index.ts");
    fs.writeFileSync(index, fs.readFileSync(index, "utf8").replace(/\nexport \{ gone \}.*\n/, "\n"));
    const { dir: built } = buildProgram(dir);
    fs.rmSync(path.join(built, manifestName));
    assert.equal(freshBuild(dir, ["programs/index.ts"]), undefined);
  });

  it("keeps the four newest older builds", () => {
    const file = path.join(dir, "programs", "addedModule.ts");
    for (let i = 2; i < 9; i++) {
      fs.writeFileSync(file, `export const added = ${String(i)};\n`);
      buildProgram(dir);
    }
    assert.equal(fs.readdirSync(path.join(dir, "bin")).length, 5);
  });
});
