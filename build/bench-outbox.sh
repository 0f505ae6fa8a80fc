#!/usr/bin/env bash
# Audit outbox append rate (docs/AUDIT.md#outbox): a BenchmarkDotNet run of build/bench/Secrets.Benchmarks in Release,
# in process. 1, 16 and 64 concurrent appenders each append 100 events of 600 bytes, every append waiting for its group
# commit's fsync, to an outbox in a fresh directory under OUTBOX_BENCH_DIR (default: the temp folder).
# With "kafka" first: the whole durable path without HTTP (docs/BENCHMARKS.md#durable-audit): 64 concurrent appenders
# append 500,000 CloudEvents of about 1 KB while the service's relay and Kafka producer deliver them to librdkafka's mock
# cluster in the same process; one iteration ends when the last event is acknowledged in the outbox (every event before
# it delivered); events/s and the append p99 against the goal of 50,000 events/s (outbox-kafka-ratios.md).
#
#   build/bench-outbox.sh                          # about 2 minutes on 2 cores (build included)
#   OUTBOX_BENCH_DIR=/var/lib/secrets build/bench-outbox.sh   # measure the disk the service will use
#   OUTBOX_BENCH_VERBOSE=1 build/bench-outbox.sh   # BenchmarkDotNet's whole output instead of progress lines
#   build/bench-outbox.sh kafka                    # outbox + relay + Kafka mock, about 1.5 minutes (build included)
#
# Prints the summary table, events and fsyncs per second (outbox-ratios.md) and each case's "OUTBOX check" line (every
# event durable at its own offset, and the fsyncs it took; with kafka: every event appended and acknowledged). Everything
# is kept in artifacts/bench-outbox/ (artifacts/bench-outbox-kafka/). Exit 1 when a case or a check fails. One run at a
# time.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/bench-dotnet.sh
if [[ ${1:-} == kafka ]]; then
    shift
    bench_run outbox-kafka OUTBOX "${OUTBOX_BENCH_VERBOSE:-0}" outbox-kafka "$@"
else
    bench_run outbox OUTBOX "${OUTBOX_BENCH_VERBOSE:-0}" outbox "$@"
fi
