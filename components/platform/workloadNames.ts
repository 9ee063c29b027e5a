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
