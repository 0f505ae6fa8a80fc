#!/usr/bin/env bash
# Authentication cost per request (docs/BENCHMARKS.md#how-to-run): a BenchmarkDotNet run
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
source build/bench-dotnet.sh
bench_run auth AUTH "${AUTH_BENCH_VERBOSE:-0}" auth "$@"
