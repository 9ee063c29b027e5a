import * as k8s from "@pulumi/kubernetes";

/**
 * Pod Security Standards "restricted": the level the platform's namespace enforces, and every pod
 * spec here passes it. The API server's PodSecurity admission refuses any pod that does not.
 */
export const podSecurityLevel = "restricted";
/**
 * The standard's version the namespace is pinned to, so a control-plane upgrade that tightens
 * "restricted" cannot start refusing the platform's pods before the program is checked against it.
 */
export const podSecurityVersion = "v1.34";

/** The namespace labels that make the API server enforce, audit and warn at that level and version. */
export function podSecurityLabels(): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "audit", "warn"]) {
    labels[`pod-security.kubernetes.io/${mode}`] = podSecurityLevel;
    labels[`pod-security.kubernetes.io/${mode}-version`] = podSecurityVersion;
  }
  return labels;
}

/** The users the images run as (the base image's accounts); the images are built with them. */
export const imageUsers = {
  /** Kafka's appuser (uid 1000, as the AWS CLI image's and the wiring probe's). */
  kafka: 1000,
  awsCli: 1000,
  neo4j: 7474,
  postgres: 999,
  nginx: 101,
} as const;

/**
 * A pod's security context: never root, the container runtime's default seccomp profile, and,
 * when `uid` is given, that user and group for every container and the volumes' group (so the
 * data volumes are writable without a root step). Without `uid` the image's own numeric USER
 * must be non-root (the kubelet refuses to start it otherwise).
 */
export function restrictedPodSecurity(uid?: number): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
    ...(uid === undefined
      ? {}
      : { runAsUser: uid, runAsGroup: uid, fsGroup: uid, fsGroupChangePolicy: "OnRootMismatch" }),
  };
}

/**
 * A container's security context: no privilege escalation, no capability, and a read-only root
 * file system unless the image writes into itself at start (Neo4j rewrites its conf/neo4j.conf);
 * the paths it writes are then emptyDir volumes. `uid` runs this container as another image user
 * than the pod's (a backup pod's dump and upload steps come from different images).
 */
export function restrictedContainerSecurity(options: {
  readonly readOnlyRootFilesystem: boolean;
  readonly uid?: number;
}): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: options.readOnlyRootFilesystem,
    ...(options.uid === undefined ? {} : { runAsUser: options.uid, runAsGroup: options.uid }),
  };
}

/** Writable scratch directories for a read-only root file system: one emptyDir each. */
export function scratchVolumes(mounts: Readonly<Record<string, string>>): {
  volumes: k8s.types.input.core.v1.Volume[];
  volumeMounts: k8s.types.input.core.v1.VolumeMount[];
} {
  const entries = Object.entries(mounts);
  return {
    volumes: entries.map(([name]) => ({ name, emptyDir: {} })),
    volumeMounts: entries.map(([name, mountPath]) => ({ name, mountPath })),
  };
}
