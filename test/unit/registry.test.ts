import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { loadRegistry, registries, registryProblems, validateRegistry } from "../../clients";
import { ValidationError } from "../../config";
import { client } from "./helpers/registryFile";
import { projectDir } from "./helpers/synthesize";

function problems(entries: unknown[]): string[] {
  return registryProblems(entries, "clients.json");
}

function assertOneProblem(entry: unknown, fragment: RegExp): void {
  const found = problems([entry]);
  assert.equal(found.length, 1, found.join("\n"));
  assert.match(found[0] ?? "", fragment);
}

describe("client registry validation", () => {
  it("accepts every registry in code", () => {
    for (const name of Object.keys(registries)) {
      assert.ok(loadRegistry(name).length > 0, name);
    }
  });

  describe("refuses, naming the client and field", () => {
    for (const id of ["acme_1", "acme.1", "Acme-1", "1acme", "acme-", "ab", "a".repeat(41), "-acme", "acme 1"]) {
      it(`the id ${JSON.stringify(id)}`, () => {
        assertOneProblem(
          client(id),
          /id ".*" is invalid: must be 3-40 lowercase letters, digits and '-'.*no '_' or '\.'/,
        );
      });
    }
    it("a missing id", () => {
      assertOneProblem({ name: "X", email: "a@b.example", plan: "basic", status: "active" }, /entry 1: id is required/);
    });
    it("an id Neo4j reserves", () => {
      assertOneProblem(client("system"), /client "system" \(entry 1\): id "system" is reserved by Neo4j/);
    });
    it("a duplicate id, pointing at the first use", () => {
      const found = problems([client("acme-1"), client("beta-2"), client("acme-1", { name: "Other" })]);
      assert.deepEqual(found, [
        `clients.json: client "acme-1" (entry 3): id "acme-1" is already used by entry 1; ids are unique and never reused`,
      ]);
    });
    for (const email of ["not-an-email", "a@b", "a b@c.example", ""]) {
      it(`the email ${JSON.stringify(email)}`, () => {
        assertOneProblem(client("acme-1", { email }), /client "acme-1" \(entry 1\): email .* is not a valid address/);
      });
    }
    it("an empty name", () => {
      assertOneProblem(client("acme-1", { name: " " }), /name must be a non-empty string/);
    });
    it("an unknown plan", () => {
      assertOneProblem({ ...client("acme-1"), plan: "gold" }, /plan "gold" is unknown; plans: basic, pro, enterprise/);
    });
    it("an unknown status", () => {
      assertOneProblem(
        { ...client("acme-1"), status: "deleted" },
        /status "deleted" is unknown; statuses: active, suspended, offboarding, offboarded/,
      );
    });
    it("an unknown field", () => {
      assertOneProblem(
        { ...client("acme-1"), tier: "gold" },
        /unknown field "tier"; fields are id, name, email, plan, status, overrides/,
      );
    });
    it("an override of a topic the plan does not have", () => {
      assertOneProblem(
        client("acme-1", { overrides: { retentionHours: { traces: 24 } } }),
        /overrides\.retentionHours\.traces: plan "basic" has no "traces" topic; its topics: events, logs/,
      );
    });
    it("an override outside the plan's range", () => {
      assertOneProblem(
        client("acme-1", { overrides: { retentionHours: { logs: 1000 } } }),
        /overrides\.retentionHours\.logs: plan "basic" allows 6-72 whole hours; got 1000/,
      );
    });
    it("an override the plans do not offer", () => {
      assertOneProblem(
        { ...client("acme-1"), overrides: { partitions: 99 } },
        /overrides\.partitions is not an override any plan allows/,
      );
    });
    it("something that is not an array", () => {
      assert.deepEqual(registryProblems({ id: "x" }, "clients.json"), [
        "clients.json: must be an array of client entries",
      ]);
    });
  });

  it("reports every problem together", () => {
    const err = (() => {
      try {
        validateRegistry([client("acme_1"), { ...client("beta-2"), plan: "gold" }, client("beta-2")], "clients.json");
      } catch (e) {
        return e as ValidationError;
      }
      return undefined;
    })();
    assert.equal(err?.problems.length, 3);
  });
});

describe("npm run clients:check", function () {
  this.timeout(60000);
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/clientsCheck.ts", ...args], {
      cwd: projectDir,
      encoding: "utf8",
    });

  it("passes the registries in code", () => {
    const result = run([]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /ok: clients\/registries\/prod\.ts: 3 client\(s\)/);
  });

  it("prints every problem of a JSON file and exits 1", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "check-")), "clients.json");
    fs.writeFileSync(file, JSON.stringify([client("acme_1"), { ...client("beta-2"), email: "nope" }]));
    const result = run(["--json", file]);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /client "acme_1" \(entry 1\): id "acme_1" is invalid/);
    assert.match(result.stdout, /client "beta-2" \(entry 2\): email "nope" is not a valid address/);
    assert.match(result.stdout, /2 problem\(s\)/);
  });

  it("exits 0 for a valid JSON file", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "check-")), "clients.json");
    fs.writeFileSync(file, JSON.stringify([client("acme-1")]));
    assert.equal(run(["--json", file]).status, 0);
  });
});
