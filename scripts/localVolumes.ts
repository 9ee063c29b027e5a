/**
 * npx ts-node --transpile-only scripts/localVolumes.ts --count N --root DIR   (run by scripts/local.sh up)
 *
 * Offers the local node, which has no provisioner, N pre-made PersistentVolumes
 * of the local stack's StorageClass in the cluster of $KUBECONFIG, backed by
 * folders DIR/1 … DIR/N. Idempotent: volumes already there are left as they
 * are. Exits 1 when the API server refuses one, 2 on a bad command line.
 */
import * as path from "path";

import { stackConfigFromFiles } from "../config/configFiles";
import { createIfAbsent, openKubernetes } from "../ops/connections/kubernetes";
import { commandLineOrExit } from "./commandLine";
import { localVolumes, volumeFolders } from "./localVolumes/volumes";

const projectDir = path.resolve(__dirname, "..");
const usage = "usage: npx ts-node --transpile-only scripts/localVolumes.ts --count N --root DIR";

async function main(): Promise<void> {
  const { values } = commandLineOrExit(usage, { options: { count: { type: "string" }, root: { type: "string" } } });
  if (values.count === undefined || !/^\d+$/.test(values.count)) {
    console.error(`--count must be a whole number of volumes, 0 or more; got "${values.count ?? ""}"\n${usage}`);
    process.exit(2);
  }
  if (values.root === undefined || !path.isAbsolute(values.root)) {
    console.error(`--root must be an absolute folder for the volumes; got "${values.root ?? ""}"\n${usage}`);
    process.exit(2);
  }
  const count = Number(values.count);
  volumeFolders(count, values.root);
  const { storageClassName } = stackConfigFromFiles(projectDir, "local");
  if (storageClassName === undefined) {
    throw new Error("Pulumi.local.yaml sets no kg-rca-server:storageClassName");
  }
  const kube = openKubernetes(process.env, 15000);
  let created = 0;
  for (const volume of localVolumes(count, storageClassName, values.root)) {
    if (await createIfAbsent(() => kube.core.createPersistentVolume({ body: volume }))) {
      created++;
    }
  }
  console.log(`local: ${created} PersistentVolumes created, ${count - created} already there (${storageClassName})`);
}

main().catch((err: unknown) => {
  console.error(`local volumes: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
