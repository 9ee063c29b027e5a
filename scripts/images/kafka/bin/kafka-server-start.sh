#!/bin/bash
# Starts a Kafka broker and/or KRaft controller in the foreground:
#   kafka-server-start.sh server.properties [--override property=value]...
# Defaults as upstream's: a 1 GiB heap unless KAFKA_HEAP_OPTS is set; the
# broker log goes to stdout (config/log4j2.properties) unless KAFKA_LOG4J_OPTS
# is set. Everything else: see kafka-run-class.sh.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 [-daemon] server.properties [--override property=value]*" >&2
  exit 1
fi
KAFKA_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$KAFKA_HOME/config/log4j2.properties}"
exec "$KAFKA_HOME/bin/kafka-run-class.sh" -name kafkaServer kafka.Kafka "$@"
