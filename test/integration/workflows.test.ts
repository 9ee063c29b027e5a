import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const projectDir = path.resolve(__dirname, "../..");

function lint(files: string[] = []) {
  return spawnSync("bash", ["scripts/lint-workflows.sh", ...files], {
    cwd: projectDir,
    encoding: "utf8",
    timeout: 600000,
  });
}

describe("GitHub Actions workflows", function () {
  this.timeout(600000);

  it("pass actionlint (with shellcheck on every run block)", () => {
    const result = lint();
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });

  it("the linter catches a broken workflow (it is really checking)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-"));
    const file = path.join(dir, "broken.yml");
    fs.writeFileSync(
      file,
      "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets }}\n      - uses: actions/checkout\n",
    );
    const result = lint([file]);
    assert.equal(result.status, 1, `${result.stdout}${result.stderr}`);
  });

  it("deploy and drift runs are serialized per stack, and secrets come from the secret store", () => {
    for (const name of ["deploy.yml", "drift.yml"]) {
      const text = fs.readFileSync(path.join(projectDir, ".github/workflows", name), "utf8");
      assert.match(text, /concurrency:\s*\n\s*group: pulumi-prod\s*\n\s*cancel-in-progress: false/, name);
    }
    for (const name of fs.readdirSync(path.join(projectDir, ".github/workflows"))) {
      const text = fs.readFileSync(path.join(projectDir, ".github/workflows", name), "utf8");
      for (const match of text.matchAll(/(PASSWORD|TOKEN|PASSPHRASE|DATABASE_URL)\s*:\s*(.+)/g)) {
        assert.match(match[2] ?? "", /^\$\{\{ (secrets|steps|github)\./, `${name}: ${match[0]}`);
      }
    }
  });
});
