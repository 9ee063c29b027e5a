/**
 * Names derived from a client id. One id must be valid at once as a Kafka
 * topic prefix, a Neo4j database name, a Kafka principal and part of a
 * Kubernetes name, which leaves lowercase letters, digits and dashes.
 */

export const clientIdPattern = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const clientIdLength = { min: 3, max: 40 } as const;
/** Names Neo4j keeps for itself (databases are case-insensitive). */
export const reservedClientIds: readonly string[] = ["system", "neo4j"];

export function topicName(clientId: string, kind: string): string {
  return `${clientId}.${kind}.normalized`;
}

/** Prefix of every topic and consumer group the client owns; the dot keeps `acme` from matching `acme2`. */
export function clientResourcePrefix(clientId: string): string {
  return `${clientId}.`;
}

export function kafkaPrincipal(clientId: string): string {
  return `User:${clientId}`;
}

/** The client's Neo4j database: the id itself, a valid Neo4j 5 name (the guide's `client_<id>_kg` is not). */
export function databaseName(clientId: string): string {
  return clientId;
}

export function kafkaSecretName(clientId: string): string {
  return `${clientId}-kafka-credentials`;
}

export function apiKeySecretName(clientId: string): string {
  return `${clientId}-api-key`;
}
