#!/usr/bin/env bash
# PEP decision cost (docs/BENCHMARKS.md#how-to-run): a BenchmarkDotNet run of
# build/bench/Secrets.Benchmarks, in Release. What one AuthorizeSecretUse through the mediator costs
# (time and allocations) with authorization off, on a grant-cache hit and on a miss (decision lock,
# attribute read, embedded PDP on a real policy file), grant state in memory and in Redis (Microsoft
# Garnet on 127.0.0.1, run by the benchmark itself); the same for a copy's batch of two uses; and
# the pieces alone (the two mediator hops a miss adds, one Redis round trip).
#
#   build/bench-pep.sh                          # everything, about 4 minutes on 2 cores (build included)
#   build/bench-pep.sh --filter '*Pep*'         # only PepDecisionBenchmarks; any BenchmarkDotNet argument works
#   PEP_BENCH_REDIS_URL=127.0.0.1:6379 build/bench-pep.sh   # the Redis cases against another server
#   PEP_BENCH_VERBOSE=1 build/bench-pep.sh      # BenchmarkDotNet's whole output instead of progress lines
#
# Prints the load average before and after, BenchmarkDotNet's summary tables (mean, error,
# allocated per operation), the ratios (pep-ratios.md) and the checks each case made that it
# measures what its name says ("PEP check" lines). Everything is kept in artifacts/bench-pep/
# (run.log: the full output; results/: the tables as markdown, CSV and HTML). Exit 1 when a case
# fails, produces no results, or a check fails. Run it on a machine as quiet as you can get:
# BenchmarkDotNet measures on the same cores other work is using. One run at a time (a lock file).
set -euo pipefail
cd "$(dirname "$0")/.."
source build/bench-dotnet.sh
bench_run pep PEP "${PEP_BENCH_VERBOSE:-0}" "$@"
