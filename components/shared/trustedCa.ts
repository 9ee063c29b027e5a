import * as k8s from "@pulumi/kubernetes";

import { CertificateIssuer } from "../../config";

/**
 * The CA of the platform's server certificates (stack config `tlsCaCertificate`), as a ConfigMap of
 * the namespace (key `ca.crt`) that every client in the cluster mounts at one path: Kafka's clients,
 * kg-api and graph-builder (Bolt, PostgreSQL), the backup jobs. The engine and the ops commands read
 * the same CA from the stack config, or from this ConfigMap through the kubeconfig.
 */
export const trustedCaConfigMapName = "tls-ca";
export const trustedCaMountPath = "/etc/kg-rca-ca";
export const trustedCaFile = `${trustedCaMountPath}/ca.crt`;
const volumeName = "tls-ca";

/** A server's TLS as its component receives it: who issues its certificate, the ConfigMap clients trust. */
export interface ServerTls {
  /** cert-manager's issuer; none: the certificate Secret is written outside the program (local CA). */
  readonly issuer?: CertificateIssuer;
  readonly caConfigMapName: string;
}

/** The volume and mount that put the trusted CA at `trustedCaFile`. */
export function trustedCaVolume(configMapName: string): {
  volume: k8s.types.input.core.v1.Volume;
  volumeMount: k8s.types.input.core.v1.VolumeMount;
} {
  return {
    volume: { name: volumeName, configMap: { name: configMapName } },
    volumeMount: { name: volumeName, mountPath: trustedCaMountPath, readOnly: true },
  };
}
