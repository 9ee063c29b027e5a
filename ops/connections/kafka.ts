import { Admin, Kafka, logLevel } from "kafkajs";

import { kafkaAdminUser } from "../../components/kafka/kafkaProperties";
import { Scope } from "../withTimeout";
import { kafkaAdminPasswordSecret, readPlatformSecret, ServerContext } from "./platformServers";
import { connectionVariables } from "./variables";

/**
 * An admin client of the brokers, as the platform's super-user over SASL/SCRAM-SHA-512 (over TLS,
 * trusting the stack's CA, unless the listeners are plaintext), closed with the scope.
 */
export async function openKafkaAdmin(context: ServerContext, scope: Scope): Promise<Admin> {
  const { kafka, tls } = context.config;
  const timeoutMs = context.timeoutMs;
  const password = await adminPassword(context);
  const client = new Kafka({
    clientId: "kg-rca-ops",
    brokers: kafka.adminBootstrapServers.split(","),
    sasl: { mechanism: "scram-sha-512", username: kafkaAdminUser, password },
    ssl: kafka.listenerProtocol === "SASL_SSL" ? { ca: [tls.caCertificate] } : false,
    connectionTimeout: timeoutMs,
    authenticationTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    // One retry: a report that waits out kafkajs's default back-off would miss its own deadline.
    retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 },
    logLevel: logLevel.NOTHING,
  });
  const admin = client.admin();
  scope.onClose(() => admin.disconnect());
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`cannot reach Kafka at ${kafka.adminBootstrapServers}: ${describeKafkaError(err)}`);
  }
  return admin;
}

/** KAFKA_ADMIN_PASSWORD when set, else the platform's Secret read with the kubeconfig. */
async function adminPassword(context: ServerContext): Promise<string> {
  const password = context.env[connectionVariables.kafkaAdminPassword];
  if (password !== undefined && password !== "") {
    return password;
  }
  const { secretName, key } = kafkaAdminPasswordSecret();
  try {
    return await readPlatformSecret(context, secretName, key);
  } catch (err) {
    throw new Error(
      `${connectionVariables.kafkaAdminPassword} is not set and ${(err as Error).message}; set it to the password of Kafka user "${kafkaAdminUser}"`,
    );
  }
}

function describeKafkaError(err: unknown): string {
  const e = err as { message?: string; type?: string };
  if (e.type === "SASL_AUTHENTICATION_FAILED") {
    return `user "${kafkaAdminUser}" was refused (check ${connectionVariables.kafkaAdminPassword})`;
  }
  return e.message ?? String(err);
}
