#!/bin/bash
# Runs a Kafka main class on the jars of /opt/kafka/libs, with the environment
# the Apache Kafka distribution's scripts honour:
#   KAFKA_HEAP_OPTS             [-Xmx256M]
#   KAFKA_JVM_PERFORMANCE_OPTS  [-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 ... -Djava.awt.headless=true]
#   KAFKA_GC_LOG_OPTS           GC log flags (none unless set)
#   KAFKA_JMX_OPTS, JMX_PORT    remote JMX, on when JMX_PORT is set
#   KAFKA_LOG4J_OPTS            [-Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties]
#   KAFKA_OPTS                  anything else, after the class path
#   KAFKA_DEBUG, JAVA_DEBUG_PORT, DEBUG_SUSPEND_FLAG  JDWP agent
#   CLASSPATH                   put before the Kafka jars
#   JAVA_HOME                   java from $JAVA_HOME/bin, else from PATH
#   LOG_DIR                     directory for GC logs [/opt/kafka/logs]
#
#   kafka-run-class.sh [-daemon] [-name NAME] [-loggc] CLASS [ARGS...]
# -daemon is refused (a container runs its process in the foreground); -name
# and -loggc turn on a GC log in $LOG_DIR/NAME-gc.log as upstream does.
set -euo pipefail

KAFKA_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { echo "usage: $0 [-daemon] [-name NAME] [-loggc] CLASS [ARGS...]" >&2; exit 1; }

name=""
gc_log=false
while [ $# -gt 0 ]; do
  case "$1" in
    -daemon) echo "$0: -daemon is not supported in this image; run the process in the foreground" >&2; exit 1 ;;
    -name) [ $# -ge 2 ] || usage; name="$2"; shift 2 ;;
    -loggc) gc_log=true; shift ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage

classpath="$KAFKA_HOME/libs/*"
if [ -n "${CLASSPATH:-}" ]; then classpath="$CLASSPATH:$classpath"; fi

if [ -n "${JAVA_HOME:-}" ]; then java_cmd="$JAVA_HOME/bin/java"; else java_cmd=java; fi

heap_opts="${KAFKA_HEAP_OPTS:--Xmx256M}"
performance_opts="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
log4j_opts="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$KAFKA_HOME/config/tools-log4j2.properties}"

jmx_opts="${KAFKA_JMX_OPTS:-}"
if [ -n "${JMX_PORT:-}" ]; then
  jmx_opts="${jmx_opts:--Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false}"
  jmx_opts="$jmx_opts -Dcom.sun.management.jmxremote.port=$JMX_PORT"
  if [ -z "${KAFKA_JMX_OPTS:-}" ]; then jmx_opts="$jmx_opts -Dcom.sun.management.jmxremote.rmi.port=$JMX_PORT"; fi
fi

gc_opts="${KAFKA_GC_LOG_OPTS:-}"
if "$gc_log" && [ -n "$name" ] && [ -z "$gc_opts" ]; then
  log_dir="${LOG_DIR:-$KAFKA_HOME/logs}"
  mkdir -p "$log_dir"
  gc_opts="-Xlog:gc*:file=$log_dir/$name-gc.log:time,tags:filecount=10,filesize=100M"
fi

debug_opts=""
if [ -n "${KAFKA_DEBUG:-}" ]; then
  debug_opts="-agentlib:jdwp=transport=dt_socket,server=y,suspend=${DEBUG_SUSPEND_FLAG:-n},address=${JAVA_DEBUG_PORT:-*:5005}"
fi

# The option variables hold several flags each: word splitting is intended.
# shellcheck disable=SC2086
exec "$java_cmd" $heap_opts $performance_opts $gc_opts $jmx_opts $debug_opts $log4j_opts -cp "$classpath" ${KAFKA_OPTS:-} "$@"
