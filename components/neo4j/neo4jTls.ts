import * as k8s from "@pulumi/kubernetes";

import { CertificateNames, certificateNames, serviceDnsNames } from "../shared/serverCertificate";

/**
 * Bolt over TLS: the settings that make every server require it, where the certificate Secret is
 * mounted, and the names the certificate covers.
 */

/** Where a server mounts Secret `<name>-tls` (cert-manager's layout: tls.crt, tls.key, ca.crt). */
export const neo4jTlsMountPath = "/ssl/bolt";
/**
 * Neo4j reads a policy's trusted and revoked directories even without client authentication; the
 * Secret's own folder holds Kubernetes' `..data` links, so each gets an empty folder of its own.
 */
const trustedDir = "/ssl/bolt-trusted";
const revokedDir = "/ssl/bolt-revoked";

export function neo4jTlsSecretName(server: string): string {
  return `${server}-tls`;
}

/** The headless Service through which the servers find each other and have their own names. */
export function neo4jHeadlessServiceName(server: string): string {
  return `${server}-headless`;
}

/** neo4j.conf settings of Bolt over TLS, required of every client (no client certificates). */
export function neo4jBoltTlsSettings(): Record<string, string> {
  return {
    "server.bolt.tls_level": "REQUIRED",
    "dbms.ssl.policy.bolt.enabled": "true",
    "dbms.ssl.policy.bolt.base_directory": neo4jTlsMountPath,
    "dbms.ssl.policy.bolt.private_key": "tls.key",
    "dbms.ssl.policy.bolt.public_certificate": "tls.crt",
    "dbms.ssl.policy.bolt.client_auth": "NONE",
    "dbms.ssl.policy.bolt.trusted_dir": trustedDir,
    "dbms.ssl.policy.bolt.revoked_dir": revokedDir,
  };
}

/**
 * Every server's name (what the driver's routing table gives in-cluster clients), the client
 * Service's, and `localhost`: the engine's providers and the ops commands reach a server through a
 * port-forward, which is always a port of the local host, and verify the certificate for that name.
 */
export function neo4jCertificateNames(args: {
  readonly statefulSet: string;
  readonly headlessService: string;
  readonly namespace: string;
}): CertificateNames {
  return certificateNames([
    `*.${args.headlessService}.${args.namespace}.svc.cluster.local`,
    ...serviceDnsNames(args.statefulSet, args.namespace),
    "localhost",
  ]);
}

/** The certificate Secret (owner and group read only: the pod's fsGroup) and the empty policy folders. */
export function neo4jTlsVolumes(secretName: string): {
  volumes: k8s.types.input.core.v1.Volume[];
  volumeMounts: k8s.types.input.core.v1.VolumeMount[];
} {
  return {
    volumes: [
      { name: "bolt-tls", secret: { secretName, defaultMode: 0o440 } },
      { name: "bolt-trusted", emptyDir: {} },
      { name: "bolt-revoked", emptyDir: {} },
    ],
    volumeMounts: [
      { name: "bolt-tls", mountPath: neo4jTlsMountPath, readOnly: true },
      { name: "bolt-trusted", mountPath: trustedDir },
      { name: "bolt-revoked", mountPath: revokedDir },
    ],
  };
}
