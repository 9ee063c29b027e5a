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

  it("drive prod through npm run fleet: the touched stacks on a pull request and a deploy, every stack for drift", () => {
    const read = (name: string): string => fs.readFileSync(path.join(projectDir, ".github/workflows", name), "utf8");
    const expected: Record<string, RegExp> = {
      "pull-request.yml":
        /npm run --silent fleet -- preview --env prod --changed "origin\/\$BASE_REF" --out fleet-preview\.md/,
      "deploy.yml": /npm run --silent fleet -- up --env prod --changed "\$BEFORE"/,
      "drift.yml": /npm run --silent fleet -- preview --env prod --refresh --expect-no-changes/,
    };
    for (const [name, command] of Object.entries(expected)) {
      const text = read(name);
      assert.match(text, command, name);
      assert.doesNotMatch(text, /pulumi (up|preview) --stack/, `${name} runs the engine only through fleet`);
    }
  });
});
