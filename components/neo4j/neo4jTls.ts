import * as k8s from "@pulumi/kubernetes";

import { Neo4jEdition } from "../../config";
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

/** The settings of one SSL policy (`bolt`, `backup`) from the mounted Secret, without client certificates. */
function sslPolicy(scope: string, baseDirectory: string): Record<string, string> {
  return {
    [`dbms.ssl.policy.${scope}.enabled`]: "true",
    [`dbms.ssl.policy.${scope}.base_directory`]: baseDirectory,
    [`dbms.ssl.policy.${scope}.private_key`]: "tls.key",
    [`dbms.ssl.policy.${scope}.public_certificate`]: "tls.crt",
    [`dbms.ssl.policy.${scope}.client_auth`]: "NONE",
    [`dbms.ssl.policy.${scope}.trusted_dir`]: trustedDir,
    [`dbms.ssl.policy.${scope}.revoked_dir`]: revokedDir,
  };
}

/**
 * neo4j.conf settings of TLS on Bolt, required of every client, and on Enterprise's online-backup
 * port (Community has none; Neo4j refuses settings of features its edition lacks).
 */
export function neo4jTlsSettings(edition: Neo4jEdition): Record<string, string> {
  return {
    "server.bolt.tls_level": "REQUIRED",
    ...sslPolicy("bolt", neo4jTlsMountPath),
    ...(edition === "enterprise" ? sslPolicy("backup", neo4jTlsMountPath) : {}),
  };
}

/**
 * The backup client's side (neo4j-admin's `--additional-config`): the backup policy with the
 * client's key pair from the same Secret (Neo4j loads one for every policy) and the CA, which the
 * job copies into the trusted folder, so the client verifies the server's chain.
 */
export function neo4jBackupClientTlsConfig(args: {
  readonly tlsDirectory: string;
  readonly trustedDirectory: string;
}): string {
  return Object.entries({
    ...sslPolicy("backup", args.tlsDirectory),
    "dbms.ssl.policy.backup.trusted_dir": args.trustedDirectory,
    "dbms.ssl.policy.backup.revoked_dir": `${args.trustedDirectory}-revoked`,
  })
    .map(([setting, value]) => `${setting}=${value}`)
    .join("\n");
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
