#!/usr/bin/env bash
# The .NET client's cost (docs/BENCHMARKS.md#client): a BenchmarkDotNet run of build/bench/Secrets.Benchmarks in Release,
# in process. A read through Secrets.Client (as AddSecretsClient builds it) against a raw HttpClient GET of the same
# fixed answer from one loopback Kestrel endpoint, and a hit of the client's value cache. Goals: a hit < 1 µs, a miss
# within 10% of the raw call.
#
#   build/bench-client.sh                        # about 2 minutes on 2 cores (build included)
#   CLIENT_BENCH_VERBOSE=1 build/bench-client.sh   # BenchmarkDotNet's whole output instead of progress lines
#
# Prints the summary table and client-ratios.md; everything is kept in artifacts/bench-client/. One run at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/bench-dotnet.sh
bench_run client CLIENT "${CLIENT_BENCH_VERBOSE:-0}" client "$@"
