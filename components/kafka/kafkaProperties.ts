import { HostPort, KafkaBrokerSettings, KafkaListenerProtocol } from "../../config";
import { formatHostPort } from "../../config/kafkaListeners";
import { CertificateNames, certificateNames, serviceDnsNames } from "../shared/serverCertificate";
import { trustedCaFile } from "../shared/trustedCa";

/**
 * Ports of each broker: in-cluster clients, the KRaft controller quorum, broker-to-broker
 * replication, and the tenants' listener behind the external Services.
 */
export const kafkaPorts = { client: 9092, controller: 9093, internal: 9094, external: 9095 } as const;

/** Where a broker pod mounts its certificate Secret (tls.crt, tls.key, ca.crt, as cert-manager writes it). */
export const kafkaTlsMountPath = "/etc/kafka-tls";
/** The PEM keystore a broker's start script assembles from its Secret: Kafka wants key and chain in one file. */
const keystorePath = "/tmp/kafka-keystore.pem";

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

/** Names of a Kafka cluster's objects that others must know: its headless Service and its certificate's Secret. */
export function kafkaObjectNames(cluster: string): { headlessService: string; tlsSecret: string } {
  return { headlessService: `${cluster}-headless`, tlsSecret: `${cluster}-tls` };
}

/**
 * The names a broker certificate must cover: every broker by its headless-Service name (one
 * wildcard, so adding brokers needs no new certificate for in-cluster traffic), the in-cluster
 * bootstrap Service, and every external host (DNS names and IP addresses apart, as a Certificate
 * lists them).
 */
export function kafkaCertificateNames(args: {
  readonly statefulSet: string;
  readonly headlessService: string;
  readonly namespace: string;
  readonly external: readonly HostPort[];
}): CertificateNames {
  return certificateNames([
    `*.${args.headlessService}.${args.namespace}.svc.cluster.local`,
    ...serviceDnsNames(args.statefulSet, args.namespace),
    ...args.external.map((a) => a.host),
  ]);
}

/**
 * Properties of a Java Kafka client (the CLI tools, the producer benchmark) logging in with SCRAM:
 * with SASL_SSL it trusts the PEM CA at `caFile`; without one it trusts only the JVM's defaults.
 */
export function kafkaClientProperties(args: {
  readonly protocol: KafkaListenerProtocol;
  readonly username: string;
  readonly password: string;
  readonly caFile?: string;
  /** Further properties, such as timeouts. */
  readonly extra?: readonly string[];
}): string {
  const trust =
    args.protocol === "SASL_SSL" && args.caFile !== undefined
      ? ["ssl.truststore.type=PEM", `ssl.truststore.location=${args.caFile}`]
      : [];
  return [
    `security.protocol=${args.protocol}`,
    "sasl.mechanism=SCRAM-SHA-512",
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${args.username}" password="${args.password}";`,
    ...trust,
    ...(args.extra ?? []),
  ]
    .join("\n")
    .concat("\n");
}

/** Client properties of the Kafka CLI tools as the super-user, for a shell here-document: the password is the environment's. */
export function kafkaAdminClientProperties(protocol: KafkaListenerProtocol, caFile: string): string {
  return kafkaClientProperties({ protocol, username: kafkaAdminUser, password: "$KAFKA_ADMIN_PASSWORD", caFile });
}

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
  readonly protocol: KafkaListenerProtocol;
}): Record<string, string> {
  const s = args.settings;
  const p = args.protocol;
  // One certificate serves every listener; the truststore is the Secret's CA, for the broker's own outbound hops.
  const tls: Record<string, string> =
    p === "SASL_SSL"
      ? {
          "ssl.keystore.type": "PEM",
          "ssl.keystore.location": keystorePath,
          "ssl.truststore.type": "PEM",
          "ssl.truststore.location": `${kafkaTlsMountPath}/ca.crt`,
          "ssl.endpoint.identification.algorithm": "https",
        }
      : {};
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
    "listener.security.protocol.map": `CLIENT:${p},INTERNAL:${p},CONTROLLER:${p},EXTERNAL:${p}`,
    ...tls,
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
  readonly protocol: KafkaListenerProtocol;
  /** Broker id i advertises `externalAddresses[i]` on the tenants' listener. */
  readonly externalAddresses: readonly HostPort[];
}): string {
  const domain = `${args.headlessService}.${args.namespace}.svc.cluster.local`;
  const p = kafkaPorts;
  const keystore =
    args.protocol === "SASL_SSL"
      ? `# The certificate Secret as a PEM keystore: key and chain in one file, readable by this user only.
(umask 077 && cat ${kafkaTlsMountPath}/tls.key ${kafkaTlsMountPath}/tls.crt > ${keystorePath})
`
      : "";
  return `#!/bin/bash
set -euo pipefail
NODE_ID="\${HOSTNAME##*-}"
HOST="\${HOSTNAME}.${domain}"
EXTERNAL_ADDRESSES=(${args.externalAddresses.map(formatHostPort).join(" ")})
EXTERNAL="\${EXTERNAL_ADDRESSES[$NODE_ID]:?broker $NODE_ID has no external address: kafkaExternalBrokerAddresses lists \${#EXTERNAL_ADDRESSES[@]}}"
CONFIG=/tmp/server.properties
cp /etc/kafka-config/server.properties "$CONFIG"
${keystore}if [ "$NODE_ID" -lt ${args.controllers} ]; then
  ROLES=broker,controller
  LISTENERS="CLIENT://:${p.client},INTERNAL://:${p.internal},EXTERNAL://:${p.external},CONTROLLER://:${p.controller}"
else
  ROLES=broker
  LISTENERS="CLIENT://:${p.client},INTERNAL://:${p.internal},EXTERNAL://:${p.external}"
fi
cat >> "$CONFIG" <<EOF_NODE
node.id=$NODE_ID
process.roles=$ROLES
listeners=$LISTENERS
advertised.listeners=CLIENT://$HOST:${p.client},INTERNAL://$HOST:${p.internal},EXTERNAL://$EXTERNAL
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
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
  readonly protocol: KafkaListenerProtocol;
}): string {
  const brokerList = args.targets.join(",");
  return `#!/bin/bash
set -euo pipefail
BIN=/opt/kafka/bin
CONN="--bootstrap-server ${args.bootstrapServers} --command-config /tmp/admin.properties"
cat > /tmp/admin.properties <<EOF_PROPS
${kafkaAdminClientProperties(args.protocol, trustedCaFile)}EOF_PROPS
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
