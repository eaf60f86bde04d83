#!/usr/bin/env bash
# Runs one class from the Kafka jars of this image: kafka-run-class.sh CLASS [ARGS...]
# Honours the official image's variables: KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_OPTS,
# KAFKA_LOG4J_OPTS, KAFKA_JMX_OPTS.
set -euo pipefail
if [[ $# -lt 1 ]]; then
    echo "usage: $0 CLASS [ARGS...]" >&2
    exit 2
fi
main=$1
shift
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties}
# Word splitting of the option variables is intended: each holds several JVM options.
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -Djava.awt.headless=true} \
    ${KAFKA_JMX_OPTS:-} ${KAFKA_OPTS:-} $log4j -cp '/opt/kafka/libs/*' "$main" "$@"
