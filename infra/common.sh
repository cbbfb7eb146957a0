# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source this file
# Settings and helpers shared by infra/infra.sh and infra/kafka-tool.sh. Sourced, never run.
# Every path derives from FERRY_HOME so that a second checkout (or a test) can use its own with one variable.

INFRA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Versions. Kafka stays on 3.9.x because kafkajs 2.2.4 relies on protocol versions that 4.0 removed;
# Apicurio on the newest 3.3.x because of its ccompat (Confluent API) fixes. See infra/README.md.
KAFKA_VERSION=3.9.2
APICURIO_VERSION=3.3.3
# Pinned so that every machine runs the same plugin, whatever its Maven's default is.
MVN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

FERRY_HOME=${FERRY_HOME:-$HOME/.ferry}
CACHE_DIR=$FERRY_HOME/cache
LOG_DIR=$FERRY_HOME/logs
RUN_DIR=$FERRY_HOME/run
DATA_DIR=$FERRY_HOME/data
ETC_DIR=$FERRY_HOME/etc
ENV_FILE=$FERRY_HOME/infra.env

KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
APICURIO_HOME=$CACHE_DIR/apicurio-registry-$APICURIO_VERSION
JRE21_HOME=$CACHE_DIR/jre-21

# Everything listens on loopback only: nothing here is meant to be reachable from another machine.
BIND_HOST=127.0.0.1
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
REGISTRY_PORT=${REGISTRY_PORT:-8081}
REGISTRY_MANAGEMENT_PORT=${REGISTRY_MANAGEMENT_PORT:-9001}

KAFKA_BOOTSTRAP=$BIND_HOST:$KAFKA_PORT
REGISTRY_BASE_URL=http://$BIND_HOST:$REGISTRY_PORT
SCHEMA_REGISTRY_URL_VALUE=$REGISTRY_BASE_URL/apis/ccompat/v7

log() { printf 'infra: %s\n' "$*"; }
die() {
  printf 'infra: error: %s\n' "$*" >&2
  exit 1
}

# The java that runs Kafka and its tools: JAVA_HOME's if set (as Kafka's own scripts do), else the one on PATH.
kafka_java() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
  else
    command -v java || die "no java on PATH (Kafka needs Java 17 or newer)"
  fi
}

# Kafka's CLI classpath. Fails with a hint rather than a ClassNotFoundException when `up` never ran.
kafka_classpath() {
  [[ -f $KAFKA_HOME/.complete ]] || die "Kafka $KAFKA_VERSION is not in $KAFKA_HOME yet: run 'npm run infra:up' once"
  printf '%s\n' "$KAFKA_HOME/lib/*"
}

# JVM flags for short-lived CLI tools: small heap, quick start (C1 only); they never run long enough for C2 to pay.
KAFKA_TOOL_JVM_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$INFRA_DIR/kafka/tools-log4j.properties")
