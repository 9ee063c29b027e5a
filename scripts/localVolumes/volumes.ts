import * as fs from "fs";
import * as path from "path";
import { V1PersistentVolume } from "@kubernetes/client-node";

/**
 * `count` PersistentVolumes of `storageClassName` for a node without a provisioner, so claims
 * bind (and can grow) as on a real cluster: hostPath folders `root/1` … `root/count`, which the
 * node mounts into the pods.
 */
export function localVolumes(count: number, storageClassName: string, root: string): V1PersistentVolume[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `local-volume-${i + 1}` },
    spec: {
      capacity: { storage: "20Gi" },
      accessModes: ["ReadWriteOnce"],
      storageClassName,
      persistentVolumeReclaimPolicy: "Retain",
      // The folder must exist (made by `volumeFolders`): a typo'd path fails the pod instead of creating one.
      hostPath: { path: `${root}/${i + 1}`, type: "Directory" },
    },
  }));
}

/**
 * Makes the folders of `localVolumes`, writable by every pod user: hostPath volumes ignore the
 * pods' fsGroup, and Kafka (1000), Neo4j (7474) and PostgreSQL (999) each write their own.
 */
export function volumeFolders(count: number, root: string): void {
  for (let i = 1; i <= count; i++) {
    const folder = path.join(root, String(i));
    fs.mkdirSync(folder, { recursive: true });
    fs.chmodSync(folder, 0o777);
  }
}
