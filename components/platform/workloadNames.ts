import { maintenancePageName } from "../workloads/kgApi";

/**
 * The workloads' names: their objects' and pods' app names, which the NetworkPolicies select, and
 * the prefix of what scripts outside the program must find (the local certificates' Secrets).
 */
export const platformWorkloadNames = {
  kafka: "kafka",
  neo4j: "neo4j",
  postgresql: "postgresql",
  graphBuilder: "graph-builder",
  kgApi: "kg-api",
  maintenancePage: maintenancePageName("kg-api"),
  backupJobs: "backup-jobs",
} as const;

/** The Secret holding the password a server's component generates (`username` too for PostgreSQL). */
export function serverAuthSecretName(workload: string): string {
  return `${workload}-auth`;
}

/** The Secret holding the Kafka super-user's password, key `password`. */
export function kafkaAdminSecretName(kafka: string): string {
  return `${kafka}-admin`;
}
