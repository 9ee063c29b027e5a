import { KafkaBrokerSettings } from "../../config";

/** Ports of each broker: clients, the KRaft controller quorum and broker-to-broker replication. */
export const kafkaPorts = { client: 9092, controller: 9093, internal: 9094 } as const;

/** The principal every broker and the platform's own tooling authenticate as. */
export const kafkaAdminUser = "admin";

/**
 * Kafka 4.0/4.1 lose every SCRAM credential of a mechanism when a broker rebuilds
 * its image from the metadata log and meets a deleted user first (a bug in
 * ScramDelta.apply, found on the local broker after offboarding a client): all
 * logins then fail after a restart. This user's name hashes to 0, so it is always
 * met first and the map is never empty. It gets a random password nobody keeps
 * and no ACLs. scripts/services/kafka.sh does the same for local brokers.
 */
export const scramAnchorUser = "f5a5a608";

export function kafkaBrokerAddress(
  statefulSet: string,
  headlessService: string,
  namespace: string,
  ordinal: number,
): string {
  return `${statefulSet}-${ordinal}.${headlessService}.${namespace}.svc.cluster.local`;
}

/**
 * server.properties shared by every broker. Per-node lines (node id, roles,
 * advertised listeners) and the JAAS lines holding the admin password are
 * added by the start script at run time, so no password sits in a ConfigMap.
 */
export function kafkaSharedProperties(args: {
  readonly settings: KafkaBrokerSettings;
  readonly brokers: number;
  readonly controllers: number;
  readonly statefulSet: string;
  readonly headlessService: string;
  readonly namespace: string;
}): Record<string, string> {
  const s = args.settings;
  const voters = Array.from(
    { length: args.controllers },
    (_, id) =>
      `${id}@${kafkaBrokerAddress(args.statefulSet, args.headlessService, args.namespace, id)}:${kafkaPorts.controller}`,
  ).join(",");
  const internalTopicReplication = String(Math.min(args.brokers, s.defaultReplicationFactor));
  return {
    "controller.quorum.voters": voters,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "INTERNAL",
    "listener.security.protocol.map": "CLIENT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
    "sasl.enabled.mechanisms": "SCRAM-SHA-512",
    "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
    // SCRAM credentials live in the metadata log, which controllers read only after they connect: the quorum uses PLAIN.
    "sasl.mechanism.controller.protocol": "PLAIN",
    "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
    "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "allow.everyone.if.no.acl.found": "false",
    "super.users": `User:${kafkaAdminUser}`,
    "auto.create.topics.enable": "false",
    "log.dirs": "/var/lib/kafka/data/logs",
    "default.replication.factor": String(s.defaultReplicationFactor),
    "min.insync.replicas": String(s.minInsyncReplicas),
    "offsets.topic.replication.factor": internalTopicReplication,
    "transaction.state.log.replication.factor": internalTopicReplication,
    "transaction.state.log.min.isr": String(Math.min(s.minInsyncReplicas, Number(internalTopicReplication))),
    "compression.type": s.compressionType,
    "log.retention.hours": String(s.logRetentionHours),
    "log.retention.bytes": String(s.logRetentionBytes),
    "log.segment.bytes": String(s.logSegmentBytes),
    "num.network.threads": String(s.numNetworkThreads),
    "num.io.threads": String(s.numIoThreads),
  };
}

export function renderProperties(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n")
    .concat("\n");
}

/**
 * Start script of a broker pod. The node id is the pod ordinal; the first
 * `controllers` nodes also join the KRaft quorum. Storage is formatted once
 * (the admin SCRAM credential is written at format time, before any broker
 * can authenticate); later starts find it formatted and keep it.
 */
export function kafkaStartScript(args: {
  readonly controllers: number;
  readonly headlessService: string;
  readonly namespace: string;
}): string {
  const domain = `${args.headlessService}.${args.namespace}.svc.cluster.local`;
  const p = kafkaPorts;
  return `#!/bin/bash
set -euo pipefail
NODE_ID="\${HOSTNAME##*-}"
HOST="\${HOSTNAME}.${domain}"
CONFIG=/tmp/server.properties
cp /etc/kafka-config/server.properties "$CONFIG"
if [ "$NODE_ID" -lt ${args.controllers} ]; then
  ROLES=broker,controller
  LISTENERS="CLIENT://:${p.client},INTERNAL://:${p.internal},CONTROLLER://:${p.controller}"
else
  ROLES=broker
  LISTENERS="CLIENT://:${p.client},INTERNAL://:${p.internal}"
fi
cat >> "$CONFIG" <<EOF_NODE
node.id=$NODE_ID
process.roles=$ROLES
listeners=$LISTENERS
advertised.listeners=CLIENT://$HOST:${p.client},INTERNAL://$HOST:${p.internal}
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${kafkaAdminUser}" password="$KAFKA_ADMIN_PASSWORD";
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${kafkaAdminUser}" password="$KAFKA_ADMIN_PASSWORD" user_${kafkaAdminUser}="$KAFKA_ADMIN_PASSWORD";
EOF_NODE
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$KAFKA_CLUSTER_ID" --config "$CONFIG" \\
  --add-scram "SCRAM-SHA-512=[name=${scramAnchorUser},password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')]" \\
  --add-scram "SCRAM-SHA-512=[name=${kafkaAdminUser},password=$KAFKA_ADMIN_PASSWORD]"
exec /opt/kafka/bin/kafka-server-start.sh "$CONFIG"
`;
}

/**
 * The partition rebalance the guide runs by hand after adding brokers, and
 * the drain before removing some: wait until every running broker is
 * registered, let Kafka propose an assignment of all topics over the target
 * brokers (the running ones not drained), execute it throttled, and wait
 * until it is complete (the last --verify also lifts the throttle).
 */
export function kafkaRebalanceScript(args: {
  /** Brokers that must have registered before the plan is made: every running one. */
  readonly brokers: number;
  /** The brokers the partitions are spread over: the running ones that are not drained. */
  readonly targets: readonly number[];
  readonly bootstrapServers: string;
}): string {
  const brokerList = args.targets.join(",");
  return `#!/bin/bash
set -euo pipefail
BIN=/opt/kafka/bin
CONN="--bootstrap-server ${args.bootstrapServers} --command-config /tmp/admin.properties"
cat > /tmp/admin.properties <<EOF_PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${kafkaAdminUser}" password="$KAFKA_ADMIN_PASSWORD";
EOF_PROPS
until [ "$($BIN/kafka-broker-api-versions.sh $CONN 2>/dev/null | grep -c '(id: ')" -ge ${args.brokers} ]; do
  echo "waiting for ${args.brokers} brokers to register"; sleep 10
done
# Internal topics too: a drained broker must not keep a replica of the consumer offsets.
TOPICS=$($BIN/kafka-topics.sh $CONN --list)
if [ -z "$TOPICS" ]; then echo "no topics to rebalance"; exit 0; fi
printf '%s\\n' $TOPICS | awk 'BEGIN { printf "{\\"version\\":1,\\"topics\\":[" } { printf "%s{\\"topic\\":\\"%s\\"}", (NR > 1 ? "," : ""), $0 } END { print "]}" }' > /tmp/topics.json
$BIN/kafka-reassign-partitions.sh $CONN --topics-to-move-json-file /tmp/topics.json --broker-list ${brokerList} --generate \\
  | sed -n '/Proposed partition reassignment configuration/{n;p}' > /tmp/plan.json
$BIN/kafka-reassign-partitions.sh $CONN --reassignment-json-file /tmp/plan.json --execute --throttle 50000000
until ! $BIN/kafka-reassign-partitions.sh $CONN --reassignment-json-file /tmp/plan.json --verify | grep -q "in progress"; do
  echo "reassignment in progress"; sleep 30
done
$BIN/kafka-reassign-partitions.sh $CONN --reassignment-json-file /tmp/plan.json --verify
echo "partitions spread over brokers ${brokerList}"
`;
}
