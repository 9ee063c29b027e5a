import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isIP } from "net";

import { CertificateIssuer } from "../../config";

/** The names a server's certificate covers: DNS names and IP addresses apart, as X.509 has them. */
export interface CertificateNames {
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
}

/** Splits host names into a certificate's DNS names and IP addresses, each once, in order. */
export function certificateNames(hosts: readonly string[]): CertificateNames {
  const unique = [...new Set(hosts)];
  const isIpAddress = (host: string): boolean => isIP(host) !== 0;
  return { dnsNames: unique.filter((host) => !isIpAddress(host)), ipAddresses: unique.filter(isIpAddress) };
}

/** The cluster DNS names of a Service, which in-cluster clients dial and port-forwarded clients verify. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [`${service}.${namespace}.svc.cluster.local`, `${service}.${namespace}.svc`];
}

/** openssl's form of the names (`DNS:a,IP:1.2.3.4`), for certificates issued outside cert-manager. */
export function opensslSubjectAltNames(names: CertificateNames): string {
  return [...names.dnsNames.map((n) => `DNS:${n}`), ...names.ipAddresses.map((ip) => `IP:${ip}`)].join(",");
}

/**
 * A server's certificate. With an issuer, a cert-manager Certificate that writes (and renews) the
 * Secret `secretName` (`tls.crt`, `tls.key`, `ca.crt`), awaited until Ready so the server never
 * starts without it; without one, the Secret is expected under the same name (scripts/local.sh
 * writes it from a local CA) and nothing is declared.
 */
export function serverCertificate(
  parent: pulumi.ComponentResource,
  args: {
    readonly name: string;
    readonly secretName: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly issuer: CertificateIssuer | undefined;
    readonly names: CertificateNames;
  },
): pulumi.Resource | undefined {
  if (args.issuer === undefined) {
    return undefined;
  }
  const { dnsNames, ipAddresses } = args.names;
  return new k8s.apiextensions.CustomResource(
    `${args.name}-certificate`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: {
        name: args.secretName,
        namespace: args.namespace,
        labels: args.labels,
        annotations: { "pulumi.com/waitFor": "condition=Ready" },
      },
      spec: {
        secretName: args.secretName,
        issuerRef: { group: "cert-manager.io", kind: args.issuer.kind, name: args.issuer.name },
        dnsNames,
        ...(ipAddresses.length > 0 ? { ipAddresses } : {}),
        duration: "2160h",
        renewBefore: "720h",
        // Kafka's PEM keystore and Neo4j read PKCS#8 keys; a renewal gets a new key.
        privateKey: { algorithm: "RSA", size: 2048, encoding: "PKCS8", rotationPolicy: "Always" },
        usages: ["server auth", "client auth", "digital signature", "key encipherment"],
      },
    },
    { parent },
  );
}
