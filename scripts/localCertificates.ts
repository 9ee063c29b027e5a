/**
 * npx ts-node --transpile-only scripts/localCertificates.ts --config FILE   (run by scripts/local.sh up)
 *
 * Prints, one per line, each server certificate a stack without a cert-manager issuer needs, as
 * "SECRET SUBJECT_ALT_NAMES" (openssl's form: DNS:a,DNS:b,IP:1.2.3.4): the Secret the program
 * mounts and every name the program's clients dial. The names come from the stack's config file by
 * the functions the program's Certificates use, so both paths cover the same names. Exits 1 when
 * the config is invalid, 2 on a bad command line.
 */
import * as fs from "fs";
import * as path from "path";

import { platformWorkloadNames } from "../components/platform/workloadNames";
import { kafkaCertificateNames, kafkaObjectNames } from "../components/kafka/kafkaProperties";
import { parseStackConfig } from "../config";
import { neo4jCertificateNames, neo4jHeadlessServiceName, neo4jTlsSecretName } from "../components/neo4j/neo4jTls";
import { postgresObjectNames } from "../components/postgres/billingTls";
import { certificateNames, opensslSubjectAltNames, serviceDnsNames } from "../components/shared/serverCertificate";
import { rawConfigOf, stackConfigFromFile } from "../config/configFiles";
import { commandLineOrExit } from "./commandLine";

const projectDir = path.resolve(__dirname, "..");
const usage = "usage: npx ts-node --transpile-only scripts/localCertificates.ts --config FILE";

function main(): void {
  const { values } = commandLineOrExit(usage, { options: { config: { type: "string" } } });
  if (values.config === undefined || !fs.existsSync(values.config)) {
    console.error(`--config must name a stack config file; got "${values.config ?? ""}"\n${usage}`);
    process.exit(2);
  }
  // The admin password is encrypted in the file and is not needed for names.
  const raw = stackConfigFromFile(projectDir, values.config, "skip");
  const { config } = parseStackConfig(rawConfigOf(raw), values.config);
  // PostgreSQL and Neo4j take TLS wherever the stack has a CA (index.ts: serverTls).
  if (config.tls.caCertificate !== "") {
    const postgresql = platformWorkloadNames.postgresql;
    const postgresNames = certificateNames(serviceDnsNames(postgresql, config.namespace));
    console.log(`${postgresObjectNames(postgresql).tlsSecret} ${opensslSubjectAltNames(postgresNames)}`);
    const neo4j = platformWorkloadNames.neo4j;
    const neo4jNames = neo4jCertificateNames({
      statefulSet: neo4j,
      headlessService: neo4jHeadlessServiceName(neo4j),
      namespace: config.namespace,
    });
    console.log(`${neo4jTlsSecretName(neo4j)} ${opensslSubjectAltNames(neo4jNames)}`);
  }
  if (config.kafka.listenerProtocol === "SASL_SSL") {
    const kafka = platformWorkloadNames.kafka;
    const objects = kafkaObjectNames(kafka);
    const names = kafkaCertificateNames({
      statefulSet: kafka,
      headlessService: objects.headlessService,
      namespace: config.namespace,
      external: [config.kafka.external.bootstrap, ...config.kafka.external.brokers],
    });
    console.log(`${objects.tlsSecret} ${opensslSubjectAltNames(names)}`);
  }
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
