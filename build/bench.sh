#!/usr/bin/env bash
# Load benchmark of docs/BENCHMARKS.md, up to three passes against one Secrets.Host (Release,
# embedded dev defaults, JSON logs):
#   yaml: GET /api/secrets/value (YAML provider) against a bare Kestrel app that returns the same
#         JSON (build/baseline), then (BENCH_HEALTH=1) the same host's /api/secrets/value against
#         its /health/live;
#   kv2:  GET /api/secrets/value?uri=openbao+kv2://secret/bench/app#token (PEP, audit and one HTTP
#         round trip to the host's embedded dev KVv2 server) against a direct
#         GET /v1/secret/data/bench/app on that same embedded server (X-Vault-Token: root).
# Every pass ALTERNATES its two targets round by round (the order flips every round) so drift in
# machine load hits both alike; read the ratios, not the absolute numbers.
#
#   build/bench.sh                      # BENCH_MODE=all: the yaml passes, then the kv2 pass
#   BENCH_MODE=kv2 build/bench.sh       # only the KVv2 pass (no baseline app)
#   BENCH_ROUNDS=5 BENCH_DURATION=15 BENCH_CONNECTIONS=64 BENCH_THREADS=2 build/bench.sh
#
# Settings (environment): BENCH_MODE all|yaml|kv2 (all), BENCH_ROUNDS (3), BENCH_DURATION seconds
# per wrk run (10), BENCH_CONNECTIONS (32), BENCH_THREADS (2), BENCH_WARMUP seconds per target (5),
# BENCH_MAX_TIMEOUTS wrk socket timeouts tolerated per run (5), BENCH_HEALTH=0 skips the
# value-vs-health pass of the yaml mode, BENCH_KEEP=1 keeps the temp dir (logs, raw wrk output;
# always kept on failure). The host keeps the shipped KVv2 client settings (VAULT_POOL_SIZE=10,
# VAULT_MAX_CONCURRENT_OPERATIONS=50) unless BENCH_VAULT_POOL_SIZE sets VAULT_POOL_SIZE; its dev
# KVv2 server listens on a free loopback port (VAULT_DEV_ADDR), root token "root".
# Only 127.0.0.1 is loaded. Fails (exit 1) on any non-2xx/3xx response, any connect/read/write
# socket error, more than BENCH_MAX_TIMEOUTS timeouts, or a server that dies.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-5}
MAX_TIMEOUTS=${BENCH_MAX_TIMEOUTS:-5}
HEALTH=${BENCH_HEALTH:-1}
KEEP=${BENCH_KEEP:-0}
MODE=${BENCH_MODE:-all}
POOL=${BENCH_VAULT_POOL_SIZE:-}

die() { echo "bench: FAILED: $*" >&2; exit 1; }
for v in ROUNDS DURATION CONNECTIONS THREADS WARMUP MAX_TIMEOUTS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "BENCH_$v must be a whole number, got '${!v}'"
done
(( ROUNDS >= 1 && DURATION >= 1 && THREADS >= 1 && CONNECTIONS >= THREADS )) \
  || die "need BENCH_ROUNDS>=1, BENCH_DURATION>=1, BENCH_THREADS>=1, BENCH_CONNECTIONS>=BENCH_THREADS"
case $MODE in
  all) YAML=1 KV2=1 ;;
  yaml) YAML=1 KV2=0 ;;
  kv2) YAML=0 KV2=1 ;;
  *) die "BENCH_MODE must be all, yaml or kv2, got '$MODE'" ;;
esac

# ---------------------------------------------------------------- tools
if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null; } \
    || die "could not install wrk (apt-get install -y wrk)"
fi
for t in curl dotnet timeout ss awk; do command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/secrets-bench.XXXXXX")
# Logs live apart from the servers' content roots: ASP.NET Core watches the content root
# (appsettings reload) with a recursive FileSystemWatcher, and a log growing by MBs per second
# inside it makes the host handle inotify events for every write (~5% fewer req/s in one A/B
# here): a bench artefact, not what a user gets.
logs="$tmp/logs"
mkdir -p "$logs" "$tmp/host-root" "$tmp/baseline-root" "$tmp/vault"
out="$repo/artifacts/bench"
host_pid=""
base_pid=""
status=1

stop() {   # stop one server we started: TERM, up to 5 s, then KILL
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop "$host_pid"
  stop "$base_pid"
  if (( rc == 0 && status == 0 )) && [[ $KEEP != 1 ]]; then
    rm -rf "$tmp"
  else
    echo "bench: logs and raw wrk output kept in $tmp" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- machine
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
load_start=$(uptime)
echo "# Secrets Platform load benchmark"
echo
echo "- date: $started"
echo "- machine: nproc=$(nproc), $(uname -sr), dotnet $(dotnet --version), $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}')"
echo "- mode: $MODE${POOL:+, VAULT_POOL_SIZE=$POOL}; wrk: -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 5s --latency; $ROUNDS rounds per pass, ${WARMUP}s warm-up per target"
echo "- load at start: ${load_start#*load average: } (uptime: $load_start)"

# ---------------------------------------------------------------- build
echo "bench: building Release into $out" >&2
timeout 1200 dotnet publish Secrets.Host/Secrets.Host.csproj -c Release -o "$out/host" --nologo -nodeReuse:false >"$logs/build-host.log" 2>&1 \
  || { tail -n 30 "$logs/build-host.log" >&2; die "Release build of Secrets.Host"; }
if (( YAML == 1 )); then
  timeout 600 dotnet publish build/baseline/Secrets.Baseline.csproj -c Release -o "$out/baseline" --nologo -nodeReuse:false >"$logs/build-baseline.log" 2>&1 \
    || { tail -n 30 "$logs/build-baseline.log" >&2; die "Release build of build/baseline"; }
fi

# ---------------------------------------------------------------- start
free_port() {   # a random unused TCP port on 127.0.0.1, different from the ones given
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ " $* " == *" $p "* ]] && continue
    ss -Htan "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
  done
  die "no free port found"
}
host_port=$(free_port)
base_port=$(free_port "$host_port")
kv2_port=$(free_port "$host_port" "$base_port")
host_url="http://127.0.0.1:$host_port"
base_url="http://127.0.0.1:$base_port"
kv2_url="http://127.0.0.1:$kv2_port"   # the host's embedded dev KVv2 server (VAULT_DEV_ADDR)
kv2_token=root
value_path='/api/secrets/value?uri=yaml://secret/env%23MY_API_KEY'
kv2_value_path='/api/secrets/value?uri=openbao%2Bkv2://secret/bench/app%23token'
kv2_direct_path='/v1/secret/data/bench/app'
# extra wrk/curl header per target label (only the direct KVv2 read needs one)
declare -A HEADER=([kv2-direct]="X-Vault-Token: $kv2_token")

printf 'secret:\n  env:\n    MY_API_KEY: "dev-api-key-change-me"\n' >"$tmp/vault/vault.yaml"
salt=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

# The host on its embedded defaults: drop anything the caller's shell might set, then the
# settings of the brief (the dev KVv2 server on a free loopback port instead of 8200, which another
# dev host on this machine may hold). Logging stays at its defaults (audit line + request line per
# request, through the async console sink).
(
  cd "$tmp/host-root"
  for v in $(compgen -e); do
    case $v in
      ASPNETCORE_*|DOTNET_ENVIRONMENT|TENANT_*|SECRET_TENANT_SALT|ALLOW_UNSAFE_CONFIGURATION|ENABLE_*|GRANT_*|AUDIT_*|LIST_MAX_*|MAX_REQUEST_BODY_BYTES|LOG_FORMAT|YAML_VAULT_PATH|ENVIRONMENT|Logging__*|Serilog__*|VAULT_*|OPENBAO_*|HASHICORP_*|RATE_LIMIT_*|POLICY_PATH|PDP_*|REDIS_URL|NEGATIVE_CACHE_TTL_S)
        unset "$v" ;;
    esac
  done
  # one wrk client from one address: the per-client rate limit (SPEC §6) would answer 429 instead
  export ENVIRONMENT=dev YAML_VAULT_PATH="$tmp/vault/vault.yaml" TENANT_SALT="$salt" LOG_FORMAT=json \
    VAULT_DEV_ADDR="$kv2_url" VAULT_DEV_ROOT_TOKEN="$kv2_token" RATE_LIMIT_PER_CLIENT_RPS=0
  if [[ -n $POOL ]]; then export VAULT_POOL_SIZE="$POOL"; fi
  exec dotnet "$out/host/Secrets.Host.dll" --urls "$host_url"
) >"$logs/host.log" 2>&1 &
host_pid=$!
if (( YAML == 1 )); then
  (
    cd "$tmp/baseline-root"
    unset ASPNETCORE_URLS
    exec dotnet "$out/baseline/Secrets.Baseline.dll" --urls "$base_url"
  ) >"$logs/baseline.log" 2>&1 &
  base_pid=$!
fi

wait_for() {   # name pid url: up to 60 s for a 200
  local name=$1 pid=$2 url=$3
  for _ in $(seq 120); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logs/$name.log" >&2; die "$name exited during start-up"; }
    curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  tail -n 20 "$logs/$name.log" >&2
  die "$name did not answer $url within 60 s"
}
wait_for host "$host_pid" "$host_url/health/live"
if (( YAML == 1 )); then wait_for baseline "$base_pid" "$base_url$value_path"; fi
# the dev KVv2 server is a hosted service of the host: up once the host answers, checked anyway
if (( KV2 == 1 )); then wait_for host "$host_pid" "$kv2_url/v1/sys/health"; fi

expect() {   # url pattern [header]: a 200 whose body matches
  local url=$1 pattern=$2 body code
  local -a h=()
  [[ -n ${3:-} ]] && h=(-H "$3")
  body=$(curl -sS --max-time 5 "${h[@]}" -w '\n%{http_code}' "$url") || die "curl $url"
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  [[ $code == 200 && $body == *"$pattern"* ]] || die "GET $url answered $code: $body"
}
if (( YAML == 1 )); then
  expect "$host_url$value_path" '"value":"dev-api-key-change-me"'
  expect "$base_url$value_path" '"value":"dev-api-key-change-me"'
  expect "$host_url/health/live" 'Healthy'
fi
if (( KV2 == 1 )); then
  # seed through the service (PEP + audit + KVv2 write), then read it back both ways
  seeded=$(curl -sS --max-time 10 -w '\n%{http_code}' -H 'Content-Type: application/json' \
    -d '{"uri":"openbao+kv2://secret/bench/app","value":{"token":"bench-token"}}' "$host_url/api/secrets") \
    || die "curl POST $host_url/api/secrets"
  [[ ${seeded##*$'\n'} == 200 ]] || die "seeding openbao+kv2://secret/bench/app answered ${seeded##*$'\n'}: ${seeded%$'\n'*}"
  expect "$host_url$kv2_value_path" '"value":"bench-token"'
  expect "$kv2_url$kv2_direct_path" '"token":"bench-token"' "${HEADER[kv2-direct]}"
fi

# ---------------------------------------------------------------- wrk
to_ms() { awk '{ v = $1; u = $1; sub(/^[0-9.]+/, "", u); v += 0
  if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000; else if (u == "h") v *= 3600000
  printf "%.3f\n", v }'; }

run_wrk() {   # label url seconds -> sets RPS P50 P99 REQS; fails on errors
  local label=$1 url=$2 secs=$3 file="$logs/wrk-$1-$(date +%s%N).txt" pid
  local -a h=()
  case $label in baseline*) pid=$base_pid ;; *) pid=$host_pid ;; esac   # kv2-direct: the host's embedded server
  [[ -n ${HEADER[$label]:-} ]] && h=(-H "${HEADER[$label]}")
  timeout $((secs + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 5s --latency "${h[@]}" "$url" >"$file" 2>&1 \
    || { cat "$file" >&2; die "wrk against $label exited with an error"; }
  kill -0 "$pid" 2>/dev/null || die "$label server died during the run (see $tmp)"
  local non2xx errors timeouts
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$file")
  errors=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 }' "$file")
  timeouts=$(awk '/Socket errors:/ { print $NF }' "$file")
  if [[ -n $non2xx && $non2xx != 0 ]]; then cat "$file" >&2; die "$label: wrk saw $non2xx non-2xx/3xx responses"; fi
  if [[ -n $errors && $errors != 0 ]]; then cat "$file" >&2; die "$label: wrk saw $errors connect/read/write socket errors"; fi
  if [[ -n $timeouts ]] && (( timeouts > MAX_TIMEOUTS )); then cat "$file" >&2; die "$label: wrk saw $timeouts timeouts (> $MAX_TIMEOUTS)"; fi
  RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
  REQS=$(awk '/ requests in / { print $1 }' "$file")
  P50=$(awk '$1 == "50%" { print $2 }' "$file" | to_ms)
  P99=$(awk '$1 == "99%" { print $2 }' "$file" | to_ms)
  [[ -n $RPS && -n $P50 && -n $P99 && ${REQS:-0} -gt 0 ]] || { cat "$file" >&2; die "$label: could not parse wrk output"; }
  TIMEOUTS=${timeouts:-0}
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "bench: warming up (${WARMUP}s per target)" >&2
if (( WARMUP > 0 && YAML == 1 )); then
  run_wrk host-value "$host_url$value_path" "$WARMUP"
  run_wrk baseline "$base_url$value_path" "$WARMUP"
  if (( HEALTH == 1 )); then run_wrk host-health "$host_url/health/live" "$WARMUP"; fi
fi
if (( WARMUP > 0 && KV2 == 1 )); then
  run_wrk kv2-service "$host_url$kv2_value_path" "$WARMUP"
  run_wrk kv2-direct "$kv2_url$kv2_direct_path" "$WARMUP"
fi

# pass title a_label a_url b_label b_url: ROUNDS alternating runs, a table and a summary
pass() {
  local title=$1 a=$2 a_url=$3 b=$4 b_url=$5 r order t
  local -a a_rps=() a_p50=() a_p99=() b_rps=() b_p50=() b_p99=()
  echo
  echo "## $title"
  echo
  echo "| round | target | req/s | p50 ms | p99 ms | requests | timeouts |"
  echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
  for r in $(seq "$ROUNDS"); do
    if (( r % 2 )); then order="a b"; else order="b a"; fi
    for t in $order; do
      if [[ $t == a ]]; then
        echo "bench: $title: round $r/$ROUNDS: $a" >&2
        run_wrk "$a" "$a_url" "$DURATION"; a_rps+=("$RPS"); a_p50+=("$P50"); a_p99+=("$P99")
        echo "| $r | $a | $RPS | $P50 | $P99 | $REQS | $TIMEOUTS |"
      else
        echo "bench: $title: round $r/$ROUNDS: $b" >&2
        run_wrk "$b" "$b_url" "$DURATION"; b_rps+=("$RPS"); b_p50+=("$P50"); b_p99+=("$P99")
        echo "| $r | $b | $RPS | $P50 | $P99 | $REQS | $TIMEOUTS |"
      fi
    done
  done
  local ar ap5 ap9 br bp5 bp9
  ar=$(median "${a_rps[@]}"); ap5=$(median "${a_p50[@]}"); ap9=$(median "${a_p99[@]}")
  br=$(median "${b_rps[@]}"); bp5=$(median "${b_p50[@]}"); bp9=$(median "${b_p99[@]}")
  echo
  echo "| median of $ROUNDS | req/s | p50 ms | p99 ms | µs per request (1/req/s) |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  awk -v n="$a" -v r="$ar" -v p5="$ap5" -v p9="$ap9" 'BEGIN { printf "| %s | %.0f | %.3f | %.3f | %.1f |\n", n, r, p5, p9, 1e6 / r }'
  awk -v n="$b" -v r="$br" -v p5="$bp5" -v p9="$bp9" 'BEGIN { printf "| %s | %.0f | %.3f | %.3f | %.1f |\n", n, r, p5, p9, 1e6 / r }'
  awk -v a="$a" -v b="$b" -v ar="$ar" -v br="$br" -v ap5="$ap5" -v bp5="$bp5" -v ap9="$ap9" -v bp9="$bp9" 'BEGIN {
    if (ar <= br) cmp = sprintf("%s is %.2fx slower", a, br / ar); else cmp = sprintf("%s is %.2fx faster", a, ar / br)
    printf "| **ratio %s / %s** | **%.3f** (%s) | %.2fx | %.2fx | %+.1f µs |\n", a, b, ar / br, cmp, ap5 / bp5, ap9 / bp9, 1e6 / ar - 1e6 / br }'
}

if (( YAML == 1 )); then
  pass "host vs bare Kestrel baseline: GET $value_path" host-value "$host_url$value_path" baseline "$base_url$value_path"
  if (( HEALTH == 1 )); then
    pass "inside the host: GET $value_path vs GET /health/live" host-value "$host_url$value_path" host-health "$host_url/health/live"
  fi
fi
if (( KV2 == 1 )); then
  pass "KVv2 through the service vs direct from the same embedded KVv2 server: GET $kv2_value_path vs GET $kv2_direct_path (X-Vault-Token)" \
    kv2-service "$host_url$kv2_value_path" kv2-direct "$kv2_url$kv2_direct_path"
fi

# ---------------------------------------------------------------- after
if (( YAML == 1 )); then expect "$host_url$value_path" '"value":"dev-api-key-change-me"'; fi
if (( KV2 == 1 )); then expect "$host_url$kv2_value_path" '"value":"bench-token"'; fi
# Error lines caused by wrk closing its connections with requests in flight at the end of each run
# (see docs/BENCHMARKS.md) are counted and shown, any other error fails the run: an
# OperationCanceledException, or MassTransit's R-FAULT "MessageNotConsumedException:
# loopback://localhost/response" (the PEP answer arriving after the aborted request stopped waiting).
abort_re='"@x":"(System\.OperationCanceledException|MassTransit\.MessageNotConsumedException: loopback://localhost/response )'
errors_in_log=$(grep -c '"@l":"\(Error\|Fatal\)"' "$logs/host.log" || true)
aborts_in_log=$(grep '"@l":"\(Error\|Fatal\)"' "$logs/host.log" | grep -cE "$abort_re" || true)
warnings_in_log=$(grep -c '"@l":"Warning"' "$logs/host.log" || true)
audit_lines=$(grep -c '"@m":"audit ' "$logs/host.log" || true)
echo
echo "- host log: $(wc -l <"$logs/host.log") lines ($audit_lines audit lines), $(du -h "$logs/host.log" | cut -f1), $warnings_in_log warnings, $errors_in_log errors ($aborts_in_log of them after a client abort: OperationCanceledException or an unconsumed PEP response)"
echo "- load at end: $(uptime | sed 's/.*load average: //')"
echo "- finished: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
if (( aborts_in_log > 0 )); then
  echo "bench: note: the host logged $aborts_in_log error(s) for requests aborted by wrk at the end of a run:" >&2
  grep '"@l":"\(Error\|Fatal\)"' "$logs/host.log" | grep -E "$abort_re" | head -n 1 | cut -c1-400 >&2
fi
if (( warnings_in_log > 0 )); then
  grep '"@l":"Warning"' "$logs/host.log" | head -n 3 | cut -c1-400 >&2
fi
if (( errors_in_log > aborts_in_log )); then
  grep '"@l":"\(Error\|Fatal\)"' "$logs/host.log" | grep -vE "$abort_re" | head -n 5 >&2
  die "the host logged $((errors_in_log - aborts_in_log)) unexpected errors"
fi
status=0
