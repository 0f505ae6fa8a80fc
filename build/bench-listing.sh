#!/usr/bin/env bash
# Filtered listing cost (docs/BENCHMARKS.md#filtered-listings): a BenchmarkDotNet run of build/bench/Secrets.Benchmarks
# in Release, in process. One GET /api/secrets/metadata (a page of 100) of a prefix with 1,000 YAML secrets below it,
# through the whole host on Kestrel with authorization on: unfiltered (LISTING_FILTER=off, decided on the prefix),
# filtered by the embedded PDP's resource search, and filtered by batched evaluations of the 1,000 names.
#
#   build/bench-listing.sh                      # about 3 minutes on 2 cores (build included)
#   LISTING_BENCH_VERBOSE=1 build/bench-listing.sh   # BenchmarkDotNet's whole output instead of progress lines
#
# Prints the summary table, the ratios (listing-ratios.md) and each case's "LISTING check" line (the total shown, the
# filtered flag and the PDP evaluations of one listing). Everything is kept in artifacts/bench-listing/. Exit 1 when a
# case or a check fails. One run at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/bench-dotnet.sh
bench_run listing LISTING "${LISTING_BENCH_VERBOSE:-0}" listing "$@"
