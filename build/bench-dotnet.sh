#!/usr/bin/env bash
# Sourced by build/bench-pep.sh and build/bench-auth.sh: one BenchmarkDotNet run of
# build/bench/Secrets.Benchmarks in Release.
#
#   bench_run NAME PREFIX VERBOSE [ARGS...]
#
# NAME: results go to artifacts/bench-NAME/ (run.log, results/); PREFIX: the benchmark's own lines
# ("PREFIX check …", "PREFIX bench …", "PREFIX load …") shown as progress and at the end; VERBOSE=1: the
# whole output instead of progress lines; ARGS: passed to the benchmark program. Prints the load
# average before and after, the summary tables and results/*-ratios.md; exits 1 when the run fails or
# a check line says FAILED. BenchmarkDotNet generates and deletes its job projects under the project's
# bin/: one run at a time (a lock file).
bench_run() {
    local name=$1 prefix=$2 verbose=$3
    shift 3
    local project=build/bench/Secrets.Benchmarks
    local out=artifacts/bench-$name
    local log=$out/run.log

    mkdir -p artifacts
    exec 9> artifacts/bench-pep.lock
    flock -n 9 || { echo "bench-$name: another benchmark run is in progress (artifacts/bench-pep.lock)" >&2; exit 1; }

    echo "load before: $(uptime)"
    dotnet build "$project" -c Release -nologo -v quiet -clp:NoSummary
    rm -rf "$out"
    mkdir -p "$out"

    local status=0
    if [[ "$verbose" == 1 ]]; then
        dotnet "$project/bin/Release/net10.0/Secrets.Benchmarks.dll" "$@" --artifacts "$out" 2>&1 | tee "$log" || status=$?
    else
        dotnet "$project/bin/Release/net10.0/Secrets.Benchmarks.dll" "$@" --artifacts "$out" > "$log" 2>&1 &
        local runner=$!
        trap 'kill "$runner" 2>/dev/null || true' INT TERM
        tail -n +1 -F "$log" --pid "$runner" 2>/dev/null | grep --line-buffered -E "^// Benchmark: |^$prefix (check|bench|load)" || true
        wait "$runner" || status=$?
        trap - INT TERM
    fi
    echo "load after: $(uptime)"
    echo

    local table
    for table in "$out"/results/*-report-github.md "$out"/results/*-ratios.md; do
        [[ -e "$table" ]] || continue
        cat "$table"
        echo
    done
    grep -h "^$prefix bench" "$log" | head -1 || true
    grep -h "^$prefix check" "$log" | sort -u || true
    if [[ $status -ne 0 ]] || grep -q "^$prefix check.*FAILED" "$log"; then
        echo "bench-$name: FAILED (exit $status); the whole output is in $log" >&2
        exit 1
    fi
    echo "bench-$name: done; the whole output is in $log"
}
