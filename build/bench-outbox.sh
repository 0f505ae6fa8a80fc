#!/usr/bin/env bash
# Audit outbox append rate (docs/AUDIT.md#outbox): a BenchmarkDotNet run of build/bench/Secrets.Benchmarks in Release,
# in process. 1, 16 and 64 concurrent appenders each append 100 events of 600 bytes, every append waiting for its group
# commit's fsync, to an outbox in a fresh directory under OUTBOX_BENCH_DIR (default: the temp folder).
#
#   build/bench-outbox.sh                          # about 2 minutes on 2 cores (build included)
#   OUTBOX_BENCH_DIR=/var/lib/secrets build/bench-outbox.sh   # measure the disk the service will use
#   OUTBOX_BENCH_VERBOSE=1 build/bench-outbox.sh   # BenchmarkDotNet's whole output instead of progress lines
#
# Prints the summary table, events and fsyncs per second (outbox-ratios.md) and each case's "OUTBOX check" line (every
# event durable at its own offset, and the fsyncs it took). Everything is kept in artifacts/bench-outbox/. Exit 1 when a
# case or a check fails. One run at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/bench-dotnet.sh
bench_run outbox OUTBOX "${OUTBOX_BENCH_VERBOSE:-0}" outbox "$@"
