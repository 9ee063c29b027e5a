import { Neo4jEdition, Neo4jSettings } from "../../config";

/** Ports a Neo4j 5 server listens on. */
export const neo4jPorts = { http: 7474, bolt: 7687, cluster: 6000, raft: 7000, backup: 6362 } as const;

/**
 * The environment variable the official image turns into a neo4j.conf line:
 * `NEO4J_` + the setting with `_` doubled and `.` made `_`.
 */
export function neo4jEnvName(setting: string): string {
  return `NEO4J_${setting.replace(/_/g, "__").replace(/\./g, "_")}`;
}

/** Fully qualified DNS name of one server through the headless Service. */
export function neo4jServerAddress(
  statefulSet: string,
  headlessService: string,
  namespace: string,
  ordinal: number,
): string {
  return `${statefulSet}-${ordinal}.${headlessService}.${namespace}.svc.cluster.local`;
}

/**
 * neo4j.conf settings of every server. The tuning names are the Neo4j 5
 * names (the guide's `dbms.query.cache_size`, `db.memory.transaction.total_max`
 * and `dbms.connector.bolt.thread_pool_max_size` are 4.x spellings that 5.x refuses).
 * Clustering and online backup exist only in Enterprise Edition, and Neo4j refuses
 * to start on a setting it does not know (strict validation), so Community gets
 * neither.
 */
export function neo4jServerSettings(args: {
  readonly edition: Neo4jEdition;
  readonly settings: Neo4jSettings;
  readonly servers: number;
  readonly statefulSet: string;
  readonly headlessService: string;
  readonly namespace: string;
}): Record<string, string> {
  const s = args.settings;
  const discoveryEndpoints = Array.from(
    { length: args.servers },
    (_, ordinal) =>
      `${neo4jServerAddress(args.statefulSet, args.headlessService, args.namespace, ordinal)}:${neo4jPorts.cluster}`,
  ).join(",");
  const common = {
    "server.memory.heap.initial_size": s.heapInitialSize,
    "server.memory.heap.max_size": s.heapMaxSize,
    "server.memory.pagecache.size": s.pageCacheSize,
    "db.memory.transaction.total.max": s.transactionTotalMax,
    "db.memory.transaction.max": s.transactionMax,
    "server.db.query_cache_size": String(s.queryCacheSize),
    "db.checkpoint.interval.time": s.checkpointIntervalTime,
    "db.checkpoint.interval.tx": String(s.checkpointIntervalTx),
    "server.bolt.thread_pool_max_size": String(s.boltThreadPoolMaxSize),
    "server.default_listen_address": "0.0.0.0",
  };
  if (args.edition === "community") {
    return common;
  }
  return {
    ...common,
    "server.backup.enabled": "true",
    "server.backup.listen_address": `0.0.0.0:${neo4jPorts.backup}`,
    // Discovery service v2 (5.23+) over the cluster port; every server lists all primaries.
    "dbms.cluster.discovery.version": "V2_ONLY",
    "dbms.cluster.discovery.resolver_type": "LIST",
    "dbms.cluster.discovery.v2.endpoints": discoveryEndpoints,
    "initial.dbms.default_primaries_count": String(Math.min(args.servers, 3)),
  };
}
