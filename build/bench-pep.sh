#!/usr/bin/env bash
# PEP decision cost (docs/BENCHMARKS.md, "PEP decision cost (issue 4)"): a BenchmarkDotNet run of
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
project=build/bench/Secrets.Benchmarks
out=artifacts/bench-pep
log=$out/run.log

# BenchmarkDotNet generates and deletes its job projects under the project's bin/: one run at a time.
mkdir -p artifacts
exec 9> artifacts/bench-pep.lock
flock -n 9 || { echo "bench-pep: another run is in progress (artifacts/bench-pep.lock)" >&2; exit 1; }

echo "load before: $(uptime)"
dotnet build "$project" -c Release -nologo -v quiet -clp:NoSummary
rm -rf "$out"
mkdir -p "$out"

status=0
if [[ "${PEP_BENCH_VERBOSE:-0}" == 1 ]]; then
    dotnet "$project/bin/Release/net10.0/Secrets.Benchmarks.dll" --artifacts "$out" "$@" 2>&1 | tee "$log" || status=$?
else
    dotnet "$project/bin/Release/net10.0/Secrets.Benchmarks.dll" --artifacts "$out" "$@" > "$log" 2>&1 &
    runner=$!
    trap 'kill "$runner" 2>/dev/null || true' INT TERM
    # progress: one line per case, and its checks
    tail -n +1 -F "$log" --pid "$runner" 2>/dev/null | grep --line-buffered -E '^// Benchmark: |^PEP (check|bench)' || true
    wait "$runner" || status=$?
    trap - INT TERM
fi
echo "load after: $(uptime)"
echo

for table in "$out"/results/*-report-github.md; do
    [[ -e "$table" ]] || continue
    cat "$table"
    echo
done
if [[ -f "$out/results/pep-ratios.md" ]]; then
    cat "$out/results/pep-ratios.md"
    echo
fi
grep -h '^PEP bench' "$log" | head -1 || true
grep -h '^PEP check' "$log" | sort -u || true
if [[ $status -ne 0 ]]; then
    echo "bench-pep: FAILED (exit $status); the whole output is in $log" >&2
    exit 1
fi
echo "bench-pep: done; the whole output is in $log"
