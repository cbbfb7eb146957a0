#!/usr/bin/env bash
# Runs one of Apache Kafka's own CLI tools from the jars `infra.sh up` cached, without a Kafka distribution:
#
#   infra/kafka-tool.sh <alias|main.Class> [args…]
#   infra/kafka-tool.sh consumer-groups --bootstrap-server 127.0.0.1:9092 --describe --group ferry-loader
#   infra/kafka-tool.sh topics --bootstrap-server 127.0.0.1:9092 --list
#
# Tests use it to cross-check Ferry's own figures (lag, topics) against Kafka's tools. Arguments go to the tool
# unchanged; its exit status is the tool's.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat >&2 <<USAGE
usage: $0 <alias|fully.qualified.MainClass> [args…]
aliases (Kafka $KAFKA_VERSION main classes):
  topics            org.apache.kafka.tools.TopicCommand
  consumer-groups   org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
  console-consumer  org.apache.kafka.tools.consumer.ConsoleConsumer
  console-producer  kafka.tools.ConsoleProducer
  get-offsets       org.apache.kafka.tools.GetOffsetShell
  delete-records    org.apache.kafka.tools.DeleteRecordsCommand
  metadata-quorum   org.apache.kafka.tools.MetadataQuorumCommand
  producer-perf     org.apache.kafka.tools.ProducerPerformance
  consumer-perf     org.apache.kafka.tools.ConsumerPerformance
  storage           kafka.tools.StorageTool
USAGE
  exit 2
}

main_class() {
  case $1 in
  topics) echo org.apache.kafka.tools.TopicCommand ;;
  consumer-groups) echo org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  console-consumer) echo org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  console-producer) echo kafka.tools.ConsoleProducer ;; # still in the core jar in 3.9
  get-offsets) echo org.apache.kafka.tools.GetOffsetShell ;;
  delete-records) echo org.apache.kafka.tools.DeleteRecordsCommand ;;
  metadata-quorum) echo org.apache.kafka.tools.MetadataQuorumCommand ;;
  producer-perf) echo org.apache.kafka.tools.ProducerPerformance ;;
  consumer-perf) echo org.apache.kafka.tools.ConsumerPerformance ;;
  storage) echo kafka.tools.StorageTool ;;
  *.*) echo "$1" ;; # a fully qualified class name
  *) usage ;;
  esac
}

[[ $# -ge 1 && $1 != -h && $1 != --help ]] || usage
class=$(main_class "$1")
shift
classpath=$(kafka_classpath)
exec "$(kafka_java)" "${KAFKA_TOOL_JVM_OPTS[@]}" -cp "$classpath" "$class" "$@"
