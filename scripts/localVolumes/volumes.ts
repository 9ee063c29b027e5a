import { V1PersistentVolume } from "@kubernetes/client-node";

/**
 * `count` PersistentVolumes of `storageClassName` for a cluster without a provisioner, so claims
 * bind (and can grow) as on a real cluster: hostPath folders under /var/tmp that nothing mounts.
 */
export function localVolumes(count: number, storageClassName: string): V1PersistentVolume[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `local-volume-${i + 1}` },
    spec: {
      capacity: { storage: "20Gi" },
      accessModes: ["ReadWriteOnce"],
      storageClassName,
      persistentVolumeReclaimPolicy: "Retain",
      hostPath: { path: `/var/tmp/kg-rca-local-volumes/${i + 1}` },
    },
  }));
}
