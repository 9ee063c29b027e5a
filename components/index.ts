export * from "./kafka/kafkaCluster";
export * from "./neo4j/neo4jCluster";
export * from "./postgres/billingDatabase";
export * from "./shared/platformNamespace";
export * from "./workloads/graphBuilder";
export * from "./workloads/kgApi";
export * from "./tenants/clientTenant";
export * from "./tenants/platformKafkaAccess";
