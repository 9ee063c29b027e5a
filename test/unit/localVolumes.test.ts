import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { localVolumes } from "../../scripts/localVolumes/volumes";
import { FakeKubeApi, writeKubeconfig } from "../support/fakeKubeApi";
import { runScript, ScriptResult } from "./helpers/runScript";

const create = "POST /api/v1/persistentvolumes";

function createVolumes(kubeconfig: string, count: string): Promise<ScriptResult> {
  return runScript(
    "scripts/localVolumes.ts",
    ["--count", count, "--root", path.join(path.dirname(kubeconfig), "volumes")],
    {
      KUBECONFIG: kubeconfig,
    },
  );
}

describe("local volumes (scripts/localVolumes.ts)", function () {
  this.timeout(120000);
  let dir: string;
  let api: FakeKubeApi | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-volumes-"));
  });

  afterEach(async () => {
    await api?.stop();
    api = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("declares numbered 20Gi hostPath volumes of the StorageClass, kept when released", () => {
    assert.deepEqual(
      localVolumes(2, "local-expandable", "/state/volumes"),
      [1, 2].map((i) => ({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `local-volume-${i}` },
        spec: {
          capacity: { storage: "20Gi" },
          accessModes: ["ReadWriteOnce"],
          storageClassName: "local-expandable",
          persistentVolumeReclaimPolicy: "Retain",
          hostPath: { path: `/state/volumes/${i}`, type: "Directory" },
        },
      })),
    );
  });

  it("creates them with the local stack's StorageClass, and leaves those already there (409)", async () => {
    for (const [status, line] of [
      [201, "local: 3 PersistentVolumes created, 0 already there (local-expandable)"],
      [409, "local: 0 PersistentVolumes created, 3 already there (local-expandable)"],
    ] as const) {
      api = await FakeKubeApi.start({ [create]: { status, body: { kind: "Status", message: "whatever" } } });
      const result = await createVolumes(writeKubeconfig(dir, api.url, { token: "t" }), "3");
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), line);
      assert.deepEqual(
        api.seen.map((r) => (JSON.parse(r.body) as { metadata: { name: string } }).metadata.name),
        ["local-volume-1", "local-volume-2", "local-volume-3"],
      );
      assert.deepEqual(
        localVolumes(1, "local-expandable", path.join(dir, "volumes"))[0],
        JSON.parse(api.seen[0]!.body),
      );
      // Folders every pod user can write: hostPath volumes ignore fsGroup.
      for (const i of [1, 2, 3]) {
        assert.equal(fs.statSync(path.join(dir, "volumes", String(i))).mode & 0o777, 0o777);
      }
      await api.stop();
      api = undefined;
    }
  });

  it("fails when the API server refuses a volume, and on a bad count", async () => {
    api = await FakeKubeApi.start({ [create]: { status: 403, body: { kind: "Status", message: "forbidden" } } });
    const refused = await createVolumes(writeKubeconfig(dir, api.url, { token: "t" }), "2");
    assert.equal(refused.status, 1);
    assert.equal(refused.stderr.trim(), "local volumes: POST /api/v1/persistentvolumes answered 403: forbidden");
    const bad = await createVolumes(writeKubeconfig(dir, api.url, { token: "t" }), "many");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^--count must be a whole number of volumes, 0 or more; got "many"/);
  });
});
