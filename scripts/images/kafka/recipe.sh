# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by build.sh, which sources this file
# kafka: Apache Kafka's jars from Maven Central (the pom of scripts/services/kafka)
# laid out as the official apache/kafka image: /opt/kafka/{libs,bin,config},
# user appuser (1000:1000), data in /var/lib/kafka/data.
KAFKA_POM="$REPO/scripts/services/kafka/pom.xml"
IMAGE_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
IMAGE_USES_BASE=true
IMAGE_INPUTS=("$KAFKA_POM")
image_key_values() { :; }

# The command-line scripts of the distribution that the program's start and
# rebalance scripts run, and the usual companions, with their main classes.
KAFKA_TOOLS=(
  kafka-storage=kafka.tools.StorageTool
  kafka-topics=org.apache.kafka.tools.TopicCommand
  kafka-configs=kafka.admin.ConfigCommand
  kafka-acls=org.apache.kafka.tools.AclCommand
  kafka-reassign-partitions=org.apache.kafka.tools.reassign.ReassignPartitionsCommand
  kafka-consumer-groups=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
  kafka-broker-api-versions=org.apache.kafka.tools.BrokerApiVersionsCommand
  kafka-metadata-quorum=org.apache.kafka.tools.MetadataQuorumCommand
  kafka-features=org.apache.kafka.tools.FeatureCommand
  kafka-get-offsets=org.apache.kafka.tools.GetOffsetShell
  kafka-log-dirs=org.apache.kafka.tools.LogDirsCommand
  kafka-leader-election=org.apache.kafka.tools.LeaderElectionCommand
  kafka-delete-records=org.apache.kafka.tools.DeleteRecordsCommand
  kafka-cluster=org.apache.kafka.tools.ClusterTool
  kafka-console-consumer=org.apache.kafka.tools.consumer.ConsoleConsumer
  kafka-console-producer=org.apache.kafka.tools.ConsoleProducer
  kafka-dump-log=kafka.tools.DumpLogSegments
)

# The jars: from the toolchain cache that scripts/services/kafka.sh fills, else from Maven.
kafka_jars() {
  local libs="$1" cached="${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}/kafka-$IMAGE_VERSION/lib"
  mkdir -p "$libs"
  if [ -f "$cached/.complete" ]; then
    cp "$cached"/*.jar "$libs/"
  else
    mvn -B -q -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
      -Dkafka.version="$IMAGE_VERSION" -DincludeScope=runtime -DoutputDirectory="$libs"
  fi
}

image_stage() {
  local stage="$1"
  local libs="$stage/10-kafka-libs" layout="$stage/20-kafka"
  kafka_jars "$libs/opt/kafka/libs"
  chown -R 1000:1000 "$libs/opt/kafka"
  chmod -R u=rwX,go=rX "$libs"

  local home="$layout/opt/kafka"
  mkdir -p "$home/bin" "$home/config" "$home/logs" \
    "$layout/var/lib/kafka/data" "$layout/etc/kafka/secrets" "$layout/etc/kafka/docker" \
    "$layout/mnt/shared/config" "$layout/usr/logs"
  install -m 0755 "$HERE/kafka/bin/kafka-run-class.sh" "$HERE/kafka/bin/kafka-server-start.sh" "$home/bin/"
  install -m 0644 "$HERE/kafka/config/log4j2.properties" "$HERE/kafka/config/tools-log4j2.properties" "$home/config/"
  local tool script class
  for tool in "${KAFKA_TOOLS[@]}"; do
    script="${tool%%=*}" class="${tool#*=}"
    # Every class must be in the jars: a script that cannot start is worse than none.
    local found=false jar
    for jar in "$libs"/opt/kafka/libs/*.jar; do
      if unzip -l "$jar" "${class//.//}.class" >/dev/null 2>&1; then found=true; break; fi
    done
    "$found" || { echo "kafka: main class $class of $script.sh is in none of the jars" >&2; return 1; }
    # shellcheck disable=SC2016 # the wrapper script's text, expanded when it runs
    printf '#!/bin/bash\n# %s: runs %s (see kafka-run-class.sh for the environment it honours).\nexec "$(dirname "$0")/kafka-run-class.sh" %s "$@"\n' \
      "$script.sh" "$class" "$class" >"$home/bin/$script.sh"
    chmod 0755 "$home/bin/$script.sh"
  done
  chmod -R u=rwX,go=rX "$layout"
  chmod 0755 "$home/bin"/*
  # As the official image: /opt/kafka and the shared config folder belong to
  # appuser; the data and secrets folders to appuser:root, group-writable.
  chown -R 1000:1000 "$home" "$layout/mnt/shared/config" "$layout/usr/logs"
  chown -R 1000:0 "$layout/var/lib/kafka" "$layout/etc/kafka"
  chmod -R ug+w "$layout/var/lib/kafka" "$layout/etc/kafka"
}
