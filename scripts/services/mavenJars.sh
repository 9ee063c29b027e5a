# shellcheck shell=bash
# Sourced by the service scripts that run from Maven Central's jars (kafka.sh, neo4j.sh). The
# sourcing script defines log() and die(), and sets $CACHE (the version's cache folder) and $LIB
# (its jars, under $CACHE).

# The flags of a JVM that lives seconds or minutes under little load: the client compiler alone and
# the serial collector. They take a Kafka TopicCommand run from 3.4 to 1.9 s of CPU, a test broker's
# first minute from 8.6-9.3 s (G1 and the full JIT) to 4.7-5.1 s, and Neo4j's login check from 5.0
# to 2.7 s. The scripts' tools always start with them, their servers unless told otherwise.
# shellcheck disable=SC2034 # used by the sourcing scripts
SHORT_LIVED_JVM_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

# resolve_jars NAME POM PROPERTY=VERSION [JAR_GLOB]: resolves POM's artifact at VERSION and its
# runtime dependencies into $LIB, once. The .complete marker keeps a half-finished download from
# being used; the lock keeps two callers (a start, a test's client, the build's pre-resolve) from
# resolving at once. JAR_GLOB, if given, names a jar the script needs there.
resolve_jars() {
  local name=$1 pom=$2 property=$3 needed=${4:-}
  mkdir -p "$CACHE"
  (
    flock 9
    [ -f "$LIB/.complete" ] && exit 0
    command -v mvn >/dev/null || die "mvn not found (needed once to fetch the $name jars)"
    log "resolving $name ${property#*=} from Maven Central into $LIB"
    rm -rf "$LIB"
    mkdir -p "$LIB"
    nice -n 10 mvn -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
      -D"$property" -DincludeScope=runtime -DoutputDirectory="$LIB" \
      >"$CACHE/mvn.log" 2>&1 || { tail -n 30 "$CACHE/mvn.log" >&2; die "Maven could not resolve $name ${property#*=} (log: $CACHE/mvn.log)"; }
    if [ -n "$needed" ]; then
      compgen -G "$LIB/$needed" >/dev/null || die "no $needed in $LIB"
    fi
    touch "$LIB/.complete"
  ) 9>"$CACHE/.lock" || exit 1
}
