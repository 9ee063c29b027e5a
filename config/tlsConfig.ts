import { X509Certificate } from "crypto";

import { ConfigReader } from "./configReader";
import { CertificateIssuer, KafkaListenerProtocol, TlsConfig } from "./types";

/** `ClusterIssuer/NAME` or `Issuer/NAME` (an Issuer in the platform's namespace). */
function readIssuer(reader: ConfigReader, environment: string): CertificateIssuer | undefined {
  const value = reader.optionalMatching(
    "tlsCertificateIssuer",
    /^(Issuer|ClusterIssuer)\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    `KIND/NAME of a cert-manager issuer, such as "ClusterIssuer/kg-rca-ca" or "Issuer/kg-rca-ca"`,
  );
  if (value === undefined || !reader.allValid("tlsCertificateIssuer")) {
    if (value === undefined && environment === "prod") {
      reader.problem(
        "tlsCertificateIssuer",
        `is required in prod: the brokers' certificates come from cert-manager there; name the issuer as "ClusterIssuer/NAME" or "Issuer/NAME"`,
      );
    }
    return undefined;
  }
  const [kind, name] = value.split("/") as [CertificateIssuer["kind"], string];
  return { kind, name };
}

/**
 * A PEM CA certificate; refused when it does not parse or is not a CA. Local stacks may leave it
 * out of their file: each machine's CA is its own, and scripts/local.sh writes it into the stack's
 * config before every update (the program refuses to run without it: `missingCaCertificate`).
 */
function readCaCertificate(reader: ConfigReader, environment: string, protocol: KafkaListenerProtocol): string {
  const pem = reader.optional("tlsCaCertificate").trim();
  if (pem === "") {
    if (protocol === "SASL_SSL" && environment !== "local") {
      reader.problem(
        "tlsCaCertificate",
        `is required with kafkaListenerProtocol "SASL_SSL": the PEM of the CA that signs the servers' certificates, which clients and the engine trust`,
      );
    }
    return "";
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (err) {
    reader.problem(
      "tlsCaCertificate",
      `must be a PEM certificate ("-----BEGIN CERTIFICATE-----…"); ${(err as Error).message}`,
    );
    return "";
  }
  if (!certificate.ca) {
    reader.problem(
      "tlsCaCertificate",
      `is not a CA certificate (subject ${certificate.subject}): give the issuing CA's`,
    );
  }
  return `${pem}\n`;
}

export function readTls(reader: ConfigReader, environment: string, protocol: KafkaListenerProtocol): TlsConfig {
  const issuer = readIssuer(reader, environment);
  const caCertificate = readCaCertificate(reader, environment, protocol);
  return issuer === undefined ? { caCertificate } : { issuer, caCertificate };
}

/** What the program refuses to deploy with: TLS listeners and no CA for the engine and clients to trust. */
export function missingCaCertificate(config: {
  kafka: { listenerProtocol: KafkaListenerProtocol };
  tls: TlsConfig;
}): string | undefined {
  return config.kafka.listenerProtocol === "SASL_SSL" && config.tls.caCertificate === ""
    ? `is required with kafkaListenerProtocol "SASL_SSL": the PEM of the CA that signs the servers' certificates (on a local stack, npm run local:up writes the local CA's)`
    : undefined;
}
