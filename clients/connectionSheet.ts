import { ClientEntry } from "./types";
import { hasAccess, isLive } from "./lifecycle";
import { clientResourcePrefix, kafkaSecretName, topicName } from "./naming";
import { planOf } from "./plans";

/** What the sheet needs of the environment: where tenants connect, and the CA they trust. */
export interface SheetEnvironment {
  readonly stack: string;
  readonly namespace: string;
  readonly bootstrapServers: string;
  readonly securityProtocol: string;
  /** PEM; empty when the stack's file does not hold it (a local stack), then it is fetched from the Secret. */
  readonly caCertificate: string;
}

/**
 * Client libraries checked against the platform's brokers (Kafka 4.x, SCRAM-SHA-512 over TLS), for
 * the onboarding email: which work, and the one known not to.
 */
export const clientLibraryNotes: readonly string[] = [
  "Tested against the platform's brokers: Kafka's Java client 4.1 and kafkajs 2.2.4. Current librdkafka (the confluent-kafka clients for Python, Go and .NET bundle it) authenticates too.",
  "Known NOT to work: librdkafka 2.0.2, the one Debian 12's kcat is built with, fails SCRAM-SHA-512 authentication against Kafka 4.1. Use a current build.",
];

/**
 * The connection sheet of one client, as text an onboarding email can carry: where to connect, how,
 * what it may use, and how an operator fetches the password (never printed here).
 * Throws for a client with no credentials (offboarded).
 */
export function connectionSheet(client: ClientEntry, env: SheetEnvironment): string {
  if (!isLive(client.status)) {
    throw new Error(
      `client ${client.id} is ${client.status} in stack ${env.stack}: it has no Kafka credentials any more, so there is no connection to describe`,
    );
  }
  const plan = planOf(client.plan);
  const prefix = clientResourcePrefix(client.id);
  const secret = kafkaSecretName(client.id);
  const fetch = (key: string): string =>
    `kubectl -n ${env.namespace} get secret ${secret} -o jsonpath='{.data.${key.replace(/\./g, "\\.")}}' | base64 -d`;
  const tls = env.securityProtocol === "SASL_SSL";
  const lines = [
    `Kafka connection for ${client.name} (client id ${client.id}, plan ${client.plan}, stack ${env.stack})`,
    "",
    ...(hasAccess(client.status)
      ? []
      : [
          `WARNING: the client is ${client.status}: its credentials exist but its ACLs are removed until it is reactivated.`,
          "",
        ]),
    `Bootstrap servers:   ${env.bootstrapServers}`,
    `Security protocol:   ${env.securityProtocol}`,
    "SASL mechanism:      SCRAM-SHA-512",
    `Username:            ${client.id}`,
    `Password:            not in this sheet; an operator fetches it with`,
    `                     ${fetch("password")}`,
    "",
    "Topics (produce and consume):",
    ...Object.entries(plan.topics).map(
      ([kind, spec]) =>
        `  ${topicName(client.id, kind)}   ${spec.partitions} partitions, kept ${spec.retentionHours} h`,
    ),
    `Consumer groups:     any name starting with "${prefix}" (for example "${prefix}ingest")`,
    `Quotas:              produce ${plan.quotas.producerByteRate} bytes/s, consume ${plan.quotas.consumerByteRate} bytes/s`,
    "",
  ];
  if (tls) {
    lines.push(
      "Trust this CA (and only for this connection); the brokers' certificates name the bootstrap and broker addresses:",
      ...(env.caCertificate === ""
        ? [`  ${fetch("ca.crt")}`]
        : env.caCertificate
            .trim()
            .split("\n")
            .map((line) => `  ${line}`)),
      "",
      "Java client / Kafka CLI properties:",
      `  bootstrap.servers=${env.bootstrapServers}`,
      "  security.protocol=SASL_SSL",
      "  sasl.mechanism=SCRAM-SHA-512",
      `  sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${client.id}" password="<password>";`,
      "  ssl.truststore.type=PEM",
      "  ssl.truststore.location=/path/to/kg-rca-ca.crt",
      "librdkafka (confluent-kafka, kcat) settings:",
      `  bootstrap.servers=${env.bootstrapServers} security.protocol=SASL_SSL sasl.mechanisms=SCRAM-SHA-512`,
      `  sasl.username=${client.id} sasl.password=<password> ssl.ca.location=/path/to/kg-rca-ca.crt`,
      "",
    );
  }
  lines.push("Client libraries:", ...clientLibraryNotes.map((note) => `  - ${note}`));
  return lines.join("\n").concat("\n");
}
