#!/usr/bin/env bash
# The soak of docs/BENCHMARKS.md#soak: the published host on its dev defaults with authorization on, driven at a
# fixed rate for a long time by build/soak/Secrets.Soak (open loop: a request is sent when it is due, whatever the host
# is doing), while its process is sampled; then a table, the slope of each metric and a plot.
#
#   build/soak.sh                        # 10 minutes at 2500 req/s, slopes checked, plot to docs/soak.png
#   build/soak.sh --smoke                # 50 s at 200 req/s, the same checks but the slopes, no plot (CI: SoakSmokeTests)
#   SOAK_CLOSED=32 SOAK_DURATION=30 build/soak.sh --smoke   # the mix's maximum: 32 workers as fast as they go
#
# The mix (per 20 requests, each operation spread over the 20): GET /api/secrets/value of a YAML key (6) and a KVv2 key
# (5); POST /api/secrets to 32 KVv2 paths (2) and 32 YAML keys (1); POST /api/secrets/rotate with a generated value of
# 8 KVv2 keys (1) and 8 YAML keys (1); GET /api/secrets/keys of both written folders (1 + 1); and two refusals: a
# subject the policy does not know reading (1) and the permitted subject deleting, a purpose it is not given (1).
# Every request carries an RS256 bearer token of the soak's own issuer (OIDC_ISSUER + OIDC_JWKS_PATH); the policy
# permits soak-app execute, read, write, rotate and read_metadata below secret/soak/ with grants of 60 s (so grants
# expire and are decided again all along) and refuses everything else.
#
# Expected answers: 2xx for every permitted operation, 403 for the two refusals; nothing else is expected (no rate
# limit: RATE_LIMIT_PER_CLIENT_RPS=0; tokens outlive the run; the rotated and written paths exist from the seed on).
# Fails (exit 1) on any other answer (a 500 among them), a connection error or a timeout (no answer within 10 s of
# being sent; a host that stalls is not given fewer requests), the host dying, or, in a full run, a slope over the
# second half of the run above its limit: RSS > SOAK_MAX_RSS_SLOPE (1 MB/min), GC heap > SOAK_MAX_HEAP_SLOPE (1 MB/min),
# threads > SOAK_MAX_THREADS_SLOPE (1/min) or open handles > SOAK_MAX_HANDLES_SLOPE (1/min) while their last quarter
# stays above every count of the first half after the warm-up (they churn in a band as connections and pool threads
# come and go, and a slope over its steps alone is not growth).
#
# Samples every SOAK_SAMPLE_S (10) s: RSS (VmRSS) and threads from /proc/<pid>/status, handles (entries of
# /proc/<pid>/fd), GC heap after the last GC and gen2 GCs (dotnet-counters, System.Runtime), req/s, p99 and errors.
# Settings: SOAK_DURATION s (600; --smoke 50), SOAK_RATE req/s (2500; --smoke 200), reached by a linear ramp over
# SOAK_WARMUP_S (60; --smoke 10: the host's code is tiered up under load), SOAK_CONNECTIONS (64),
# SOAK_CLOSED N (0: fixed rate), SOAK_PLOT (docs/soak.png; --smoke: none; "none" for none), SOAK_HOST_DLL and
# SOAK_TOOL_DLL (built Secrets.Host.dll and Secrets.Soak.dll to use instead of building Release), SOAK_KEEP=1 keeps the
# temp dir with the host's log (kept on failure). The raw samples are samples.csv in the temp dir, whose path is
# printed; it stays after a run with a plot.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

die() { echo "soak: FAILED: $*" >&2; exit 1; }
# shellcheck source=build/lib/soak.sh
source build/lib/soak.sh

smoke=0
case ${1:-} in --smoke) smoke=1 ;; "") ;; *) die "unknown argument '$1' (only --smoke)" ;; esac
DURATION=${SOAK_DURATION:-$(( smoke ? 50 : 600 ))}
RATE=${SOAK_RATE:-$(( smoke ? 200 : 2500 ))}
WARMUP=${SOAK_WARMUP_S:-$(( smoke ? 10 : 60 ))}
SAMPLE=${SOAK_SAMPLE_S:-10}
CONNECTIONS=${SOAK_CONNECTIONS:-64}
CLOSED=${SOAK_CLOSED:-0}
PLOT=${SOAK_PLOT:-$( (( smoke )) && echo none || echo docs/soak.png)}
KEEP=${SOAK_KEEP:-0}
MAX_RSS_SLOPE=${SOAK_MAX_RSS_SLOPE:-1} MAX_HEAP_SLOPE=${SOAK_MAX_HEAP_SLOPE:-1}
MAX_THREADS_SLOPE=${SOAK_MAX_THREADS_SLOPE:-1} MAX_HANDLES_SLOPE=${SOAK_MAX_HANDLES_SLOPE:-1}
for v in DURATION RATE WARMUP SAMPLE CONNECTIONS CLOSED; do [[ ${!v} =~ ^[0-9]+$ ]] || die "SOAK_$v must be a whole number, got '${!v}'"; done
(( DURATION >= 1 && SAMPLE >= 1 && CONNECTIONS >= 1 && WARMUP <= DURATION && (RATE >= 1 || CLOSED >= 1) )) \
  || die "need SOAK_DURATION, SOAK_SAMPLE_S, SOAK_CONNECTIONS >= 1, SOAK_WARMUP_S <= SOAK_DURATION and SOAK_RATE or SOAK_CLOSED >= 1"

# ---------------------------------------------------------------- tools
for t in curl dotnet ss timeout; do command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"; done
counters=$(dotnet_tool dotnet-counters)
if [[ $PLOT != none ]]; then command -v gnuplot >/dev/null 2>&1 || { echo "soak: installing gnuplot-nox" >&2; apt_install gnuplot-nox || die "could not install gnuplot-nox"; }; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/secrets-soak.XXXXXX")
mkdir -p "$tmp/host-root" "$tmp/tokens"
host_pid="" counters_pid="" status=1
# on success the temp dir goes, but for the samples of a run with a plot; on failure (or SOAK_KEEP=1) all of it stays
cleanup() { local rc=$?; stop_process "$counters_pid"; stop_process "$host_pid"
  if (( rc != 0 || status != 0 )) || [[ $KEEP == 1 ]]; then echo "soak: kept $tmp" >&2
  elif [[ $PLOT != none ]]; then find "$tmp" -mindepth 1 -maxdepth 1 ! -name samples.csv -exec rm -rf {} +
  else rm -rf "$tmp"; fi
  exit "$rc"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- build (or the caller's build)
out=$repo/artifacts/soak
host_dll=${SOAK_HOST_DLL:-$out/host/Secrets.Host.dll}
tool_dll=${SOAK_TOOL_DLL:-$out/tools/Secrets.Soak.dll}
if [[ -z ${SOAK_HOST_DLL:-} ]]; then
  echo "soak: building Secrets.Host (Release) into $out/host" >&2
  timeout 1200 dotnet publish Secrets.Host/Secrets.Host.csproj -c Release -o "$out/host" --nologo >"$tmp/build-host.log" 2>&1 \
    || { tail -n 30 "$tmp/build-host.log" >&2; die "Release build of Secrets.Host"; }
fi
if [[ -z ${SOAK_TOOL_DLL:-} ]]; then
  echo "soak: building build/soak/Secrets.Soak (Release) into $out/tools" >&2
  timeout 900 dotnet build build/soak/Secrets.Soak/Secrets.Soak.csproj -c Release -o "$out/tools" --nologo >"$tmp/build-tools.log" 2>&1 \
    || { tail -n 30 "$tmp/build-tools.log" >&2; die "Release build of build/soak/Secrets.Soak"; }
fi
[[ -f $host_dll && -f $tool_dll ]] || die "missing $host_dll or $tool_dll"

# ---------------------------------------------------------------- the host
run_header "Secrets Platform soak" "SOAK_DURATION=$DURATION SOAK_RATE=$RATE SOAK_WARMUP_S=$WARMUP SOAK_CLOSED=$CLOSED SOAK_SAMPLE_S=$SAMPLE SOAK_CONNECTIONS=$CONNECTIONS build/soak.sh$( (( smoke )) && echo ' --smoke')"
commit=$COMMIT
echo "- host: $host_dll"

dotnet "$tool_dll" mint "$tmp/tokens" >"$tmp/mint.log" 2>&1 || { cat "$tmp/mint.log" >&2; die "minting the soak's tokens"; }
printf 'secret:\n  env:\n    MY_API_KEY: "dev-api-key-change-me"\n' >"$tmp/vault.yaml"
cat >"$tmp/policies.yaml" <<'YAML'
version: 1
rules:
  - id: soak-app
    subjects: [soak-app]
    resources: ["yaml://secret/soak/*", "openbao+kv2://secret/soak/*"]
    purposes: [execute, read, write, rotate, read_metadata]
    obligations:
      ttl_seconds: 60
      max_uses: 100000
YAML
host_port=$(free_port); kv2_port=$(free_port "$host_port")
host_url=http://127.0.0.1:$host_port
start_host_process "$host_dll" "$tmp/host-root" "$host_url" "$tmp/host.log" \
  ENVIRONMENT=dev YAML_VAULT_PATH="$tmp/vault.yaml" TENANT_SALT="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  ENABLE_AUTHORIZATION=true POLICY_PATH="$tmp/policies.yaml" RATE_LIMIT_PER_CLIENT_RPS=0 \
  OIDC_ISSUER="$(<"$tmp/tokens/issuer.txt")" OIDC_JWKS_PATH="$tmp/tokens/jwks.json" \
  VAULT_DEV_ADDR="http://127.0.0.1:$kv2_port" VAULT_DEV_ROOT_TOKEN=root
host_pid=$HOST_PID
wait_live "$host_pid" "$host_url/health/live" "$tmp/host.log"
wait_live "$host_pid" "http://127.0.0.1:$kv2_port/v1/sys/health" "$tmp/host.log"

# dotnet-counters: the GC heap and gen2 GCs, once a second, joined to the samples after the run
( exec "$counters" collect -p "$host_pid" --refresh-interval 1 --format csv -o "$tmp/counters.csv" \
    --counters 'System.Runtime[dotnet.gc.collections,dotnet.gc.last_collection.heap.size]' ) >"$tmp/counters.log" 2>&1 </dev/null &
counters_pid=$!

# ---------------------------------------------------------------- the run
echo "soak: ${DURATION}s against $host_url (pid $host_pid), temp dir $tmp" >&2
args=(run --url "$host_url" --pid "$host_pid" --tokens "$tmp/tokens" --out "$tmp" --counters "$tmp/counters.csv"
  --rate "$RATE" --warmup "$WARMUP" --closed "$CLOSED" --duration "$DURATION" --sample "$SAMPLE" --connections "$CONNECTIONS"
  --max-rss-slope "$MAX_RSS_SLOPE" --max-heap-slope "$MAX_HEAP_SLOPE" --max-threads-slope "$MAX_THREADS_SLOPE" --max-handles-slope "$MAX_HANDLES_SLOPE")
(( smoke || CLOSED > 0 )) || args+=(--check-slopes)
run_status=0
dotnet "$tool_dll" "${args[@]}" || run_status=$?
stop_process "$counters_pid"
kill -0 "$host_pid" 2>/dev/null || { tail -n 30 "$tmp/host.log" >&2; die "the host died during the run"; }

echo
echo "- raw samples: $tmp/samples.csv"
host_errors=$(grep -c '"@l":"\(Error\|Fatal\)"' "$tmp/host.log" || true)
echo "- host log: $(wc -l <"$tmp/host.log") lines, $host_errors errors"
echo "- load at end: $(uptime | sed 's/.*load average: //')"

# ---------------------------------------------------------------- the plot
if [[ $PLOT != none && -s $tmp/samples.csv ]]; then
  [[ $PLOT == /* ]] || PLOT=$repo/$PLOT
  mkdir -p "$(dirname "$PLOT")"
  soak_plot "$tmp/samples.csv" "$PLOT" "Soak: $RATE req/s fixed-rate mix (after a ${WARMUP} s ramp) for ${DURATION} s, commit $commit" \
    >"$tmp/gnuplot.log" 2>&1 || { cat "$tmp/gnuplot.log" >&2; die "gnuplot"; }
  echo "- plot: ${PLOT#"$repo"/}"
fi

(( run_status == 0 )) || die "the run failed (see above)"
status=0
