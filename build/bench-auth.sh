#!/usr/bin/env bash
# Authentication cost per request (docs/BENCHMARKS.md, "Authentication cost (issue 5)"): a BenchmarkDotNet run
# of AuthBenchmarks in build/bench/Secrets.Benchmarks, in Release and in process (the host runs on Kestrel
# through the test kit's SecretsHostFactory; client and server share the process). GET /api/secrets/value
# (YAML provider, dev profile, authorization off, RATE_LIMIT_PER_CLIENT_RPS=0) over real loopback sockets:
# anonymous, RS256 bearer, DPoP (ES256 proof per request; DpopProofOnly = making the proof alone), and over
# TLS a bearer token without a client certificate and a certificate-bound token with one (mTLS). Then a
# closed-loop load (AUTH_LOAD_CLIENTS=16 workers, AUTH_LOAD_SECONDS=10 s each) for bearer vs DPoP: req/s, p50, p99.
#
#   build/bench-auth.sh                            # everything, about 5 minutes on 2 cores (build included)
#   build/bench-auth.sh --filter '*'               # any BenchmarkDotNet argument works
#   AUTH_LOAD_SECONDS=5 build/bench-auth.sh        # a shorter load loop
#   AUTH_BENCH_VERBOSE=1 build/bench-auth.sh       # BenchmarkDotNet's whole output instead of progress lines
#
# Every case checks in its setup that it gets 200 and that the host refuses what its binding must refuse
# ("AUTH check" lines); a measured request that is not 200 fails the case. Everything is kept in
# artifacts/bench-auth/ (run.log, results/). Exit 1 when a case or a check fails. One run at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
project=build/bench/Secrets.Benchmarks
out=artifacts/bench-auth
log=$out/run.log

mkdir -p artifacts
# shares the project's bin/ with bench-pep.sh: one benchmark run at a time
exec 9> artifacts/bench-pep.lock
flock -n 9 || { echo "bench-auth: another benchmark run is in progress (artifacts/bench-pep.lock)" >&2; exit 1; }

echo "load before: $(uptime)"
dotnet build "$project" -c Release -nologo -v quiet -clp:NoSummary
rm -rf "$out"
mkdir -p "$out"

status=0
if [[ "${AUTH_BENCH_VERBOSE:-0}" == 1 ]]; then
    dotnet "$project/bin/Release/net10.0/Secrets.Benchmarks.dll" auth --artifacts "$out" "$@" 2>&1 | tee "$log" || status=$?
else
    dotnet "$project/bin/Release/net10.0/Secrets.Benchmarks.dll" auth --artifacts "$out" "$@" > "$log" 2>&1 &
    runner=$!
    trap 'kill "$runner" 2>/dev/null || true' INT TERM
    tail -n +1 -F "$log" --pid "$runner" 2>/dev/null | grep --line-buffered -E '^// Benchmark: |^AUTH (check|load)' || true
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
[[ -f "$out/results/auth-ratios.md" ]] && cat "$out/results/auth-ratios.md"
echo
grep -h '^AUTH check' "$log" | sort -u || true
if [[ $status -ne 0 ]] || grep -q '^AUTH check.*FAILED' "$log"; then
    echo "bench-auth: FAILED (exit $status); the whole output is in $log" >&2
    exit 1
fi
echo "bench-auth: done; the whole output is in $log"
