# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by build.sh, which sources this file
# neo4j: Neo4j Community's jars from Maven Central (the pom of
# scripts/services/neo4j) and cypher-shell, laid out as the official neo4j
# image: NEO4J_HOME /var/lib/neo4j (bin, conf, lib), data /data, logs /logs,
# user neo4j (7474), and an entrypoint of ours with its NEO4J_* contract.
NEO4J_POM="$REPO/scripts/services/neo4j/pom.xml"
NEO4J_VERSION="$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$NEO4J_POM")"
IMAGE_VERSION="$NEO4J_VERSION-community"
IMAGE_USES_BASE=true
IMAGE_INPUTS=("$NEO4J_POM")
image_key_values() { :; }

neo4j_mvn() {
  local pom="$1" out="$2"
  mkdir -p "$out"
  mvn -B -q -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
    -Dneo4j.version="$NEO4J_VERSION" -DincludeScope=runtime -DoutputDirectory="$out"
}

image_stage() {
  local stage="$1"
  local home=var/lib/neo4j
  local libs="$stage/10-neo4j-libs" shell="$stage/20-cypher-shell" layout="$stage/30-neo4j"

  # The server's jars: from the toolchain cache that scripts/services/neo4j.sh fills, else from Maven.
  local cached="${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}/neo4j-$NEO4J_VERSION/lib"
  mkdir -p "$libs/$home/lib"
  if [ -f "$cached/.complete" ]; then
    cp "$cached"/*.jar "$libs/$home/lib/"
  else
    neo4j_mvn "$NEO4J_POM" "$libs/$home/lib"
  fi
  neo4j_mvn "$HERE/neo4j/cypher-shell/pom.xml" "$shell/$home/lib/cypher-shell"
  chmod -R u=rwX,go=rX "$libs" "$shell"

  mkdir -p "$layout/$home"/{bin,conf,plugins,import,licenses,run,certificates} "$layout/data" "$layout/logs" "$layout/startup"
  install -m 0755 "$HERE/neo4j/bin/neo4j" "$HERE/neo4j/bin/neo4j-admin" "$HERE/neo4j/bin/cypher-shell" "$layout/$home/bin/"
  install -m 0755 "$HERE/neo4j/docker-entrypoint.sh" "$layout/startup/"
  install -m 0666 "$HERE/neo4j/conf/neo4j.conf" "$layout/$home/conf/"
  printf 'Package Type: kg-rca local image (Maven Central jars)\nNeo4j Version: %s\nEdition: community\n' \
    "$NEO4J_VERSION" >"$layout/$home/packaging_info"
  # As the official image: data and logs live at /, linked from NEO4J_HOME.
  ln -s /data "$layout/$home/data"
  ln -s /logs "$layout/$home/logs"
  chmod 0755 "$layout/$home" "$layout/startup"
  chmod 0644 "$layout/$home/packaging_info"
  # Everything neo4j writes belongs to it and, as in the official image, is
  # open to any uid (a pod may run it as another user).
  chown -R 7474:7474 "$layout/$home" "$layout/data" "$layout/logs"
  chmod 0777 "$layout/$home"/{conf,plugins,import,licenses,run,certificates} "$layout/data" "$layout/logs"
}
