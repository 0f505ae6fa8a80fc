#!/usr/bin/env bash
# Throughput of several host processes on one Redis behind the round-robin front (docs/BENCHMARKS.md#replicas),
# and what a Redis restart does to them under load.
#
#   build/replicas.sh                                         # about 5 minutes on 2 cores
#   REPLICAS_ROUNDS=5 REPLICAS_DURATION=15 build/replicas.sh  # longer
#
# One redis-server (Debian's, installed when missing; no persistence) and three published hosts on it
# (REDIS_URL), each on the shipped dev defaults with authorization ON: the embedded PDP with a policy whose permits
# last (max_uses 100000000, ttl 1 day), so every measured request is a grant-cache hit, which is one Lua script in
# the shared Redis. RATE_LIMIT_PER_CLIENT_RPS=0, because the load generator is one client. Three fronts
# (build/front) before 1, 2 and 3 of the hosts. Targets (wrk -c50, GET /api/secrets/value, anonymous), in an
# order that rotates round by round:
#   direct   host 1 without a front
#   front-1  the front before host 1: the front's own cost is front-1 against direct
#   front-2  the front before hosts 1 and 2
#   front-3  the front before hosts 1, 2 and 3
# Then the Redis restart: wrk through front-3 (build/replicas/statuses.lua counts the answers by status) while
# redis-server is stopped (SIGTERM), kept away REPLICAS_GAP seconds, and started again on the same port; each
# host is then asked directly until it answers 200, and the time from Redis accepting connections to each
# host's first 200 is printed.
#
# Settings: REPLICAS_ROUNDS (3), REPLICAS_DURATION s per run (10), REPLICAS_CONNECTIONS (50), REPLICAS_THREADS (2),
# REPLICAS_WARMUP s per target (5), REPLICAS_GAP s without Redis (3), REPLICAS_KEEP=1 keeps the temp dir.
# Fails (exit 1) on any non-2xx answer or socket error in a measured run, on an answer other than 200 or 503 with
# Retry-After during the restart, a 200 of a host while Redis is away, or a host not recovered 30 s after Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

ROUNDS=${REPLICAS_ROUNDS:-3}
DURATION=${REPLICAS_DURATION:-10}
CONNECTIONS=${REPLICAS_CONNECTIONS:-50}
THREADS=${REPLICAS_THREADS:-2}
WARMUP=${REPLICAS_WARMUP:-5}
GAP=${REPLICAS_GAP:-3}
KEEP=${REPLICAS_KEEP:-0}
MAX_TIMEOUTS=5

die() { echo "replicas: FAILED: $*" >&2; exit 1; }
for v in ROUNDS DURATION CONNECTIONS THREADS WARMUP GAP; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "REPLICAS_$v must be a whole number, got '${!v}'"
done
(( ROUNDS >= 1 && DURATION >= 1 && THREADS >= 1 && CONNECTIONS >= THREADS && GAP >= 1 )) || die "need ROUNDS, DURATION, THREADS, GAP >= 1 and CONNECTIONS >= THREADS"

# ---------------------------------------------------------------- tools
apt_install() { apt-get install -y "$@" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$@" >/dev/null 2>&1; }; }
command -v wrk >/dev/null 2>&1 || { echo "replicas: installing wrk" >&2; apt_install wrk || die "could not install wrk"; }
command -v redis-server >/dev/null 2>&1 || { echo "replicas: installing redis-server" >&2; apt_install redis-server || die "could not install redis-server"; }
for t in curl dotnet timeout ss awk date; do command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/secrets-replicas.XXXXXX")
logs=$tmp/logs
mkdir -p "$logs" "$tmp/vault"
out=$repo/artifacts/replicas
declare -a host_pids=() front_pids=()
redis_pid="" status=1

stop() { local pid=$1; [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true; }
cleanup() { local rc=$? pid
  for pid in "${front_pids[@]}" "${host_pids[@]}" "$redis_pid"; do stop "$pid"; done
  if (( rc == 0 && status == 0 )) && [[ $KEEP != 1 ]]; then rm -rf "$tmp"; else echo "replicas: logs kept in $tmp" >&2; fi
  exit "$rc"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- machine and build
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git status --porcelain 2>/dev/null) ]] || commit="$commit+changes"
echo "# Secrets Platform: replicas on one Redis behind the front"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit: $commit"
echo "- machine: nproc=$(nproc), $(uname -sr), dotnet $(dotnet --version), $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}'), $(redis-server --version | awk '{print $1, $2, $3}')"
echo "- command: REPLICAS_ROUNDS=$ROUNDS REPLICAS_DURATION=$DURATION REPLICAS_CONNECTIONS=$CONNECTIONS REPLICAS_THREADS=$THREADS REPLICAS_GAP=$GAP build/replicas.sh (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, $ROUNDS rounds, ${WARMUP}s warm-up per target)"
echo "- all processes share these $(nproc) cores: the hosts, the front, redis-server and wrk itself; more processes add no cores"
echo "- load at start: $(uptime | sed 's/.*load average: //')"

echo "replicas: building Release into $out" >&2
timeout 1200 dotnet publish Secrets.Host/Secrets.Host.csproj -c Release -o "$out/host" --nologo >"$logs/build-host.log" 2>&1 \
  || { tail -n 30 "$logs/build-host.log" >&2; die "Release build of Secrets.Host"; }
timeout 600 dotnet publish build/front/Secrets.Front.csproj -c Release -o "$out/front" --nologo >"$logs/build-front.log" 2>&1 \
  || { tail -n 30 "$logs/build-front.log" >&2; die "Release build of build/front"; }

# ---------------------------------------------------------------- start
used_ports=""
free_port() { local p; for _ in $(seq 200); do p=$((20000 + RANDOM % 40000)); [[ " $used_ports " == *" $p "* ]] && continue
  ss -Htan "sport = :$p" 2>/dev/null | grep -q . || { used_ports="$used_ports $p"; echo "$p"; return 0; }; done; die "no free port found"; }
redis_port=$(free_port)
start_redis() {
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no >>"$logs/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 200); do
    [[ $(redis-cli -p "$redis_port" ping 2>/dev/null) == PONG ]] && return 0
    kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.05; done
  tail -n 20 "$logs/redis.log" >&2; die "redis-server did not start on port $redis_port"; }
start_redis

value_path='/api/secrets/value?uri=yaml://secret/env%23MY_API_KEY'
printf 'secret:\n  env:\n    MY_API_KEY: "dev-api-key-change-me"\n' >"$tmp/vault/vault.yaml"
cat >"$tmp/policies.yaml" <<'YAML'
version: 1
rules:
  - id: replicas
    resources: ["yaml://secret/*"]
    purposes: ["*"]
    obligations:
      ttl_seconds: 86400
      max_uses: 100000000
YAML
salt=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
declare -a host_urls=() front_urls=()
for i in 1 2 3; do host_urls+=("http://127.0.0.1:$(free_port)"); front_urls+=("http://127.0.0.1:$(free_port)"); done

# start_host N: the published host on its dev defaults, authorization on, the shared Redis, anything else of the
# caller's environment unset
start_host() {
  local n=$1
  mkdir -p "$tmp/host$n-root"
  (
    cd "$tmp/host$n-root"
    for v in $(compgen -e); do case $v in
      ASPNETCORE_*|DOTNET_ENVIRONMENT|TENANT_*|SECRET_TENANT_SALT|ALLOW_UNSAFE_CONFIGURATION|ENABLE_*|GRANT_*|AUDIT_*|LIST_MAX_*|MAX_REQUEST_BODY_BYTES|LOG_*|YAML_VAULT_PATH|ENVIRONMENT|Logging__*|Serilog__*|VAULT_*|OPENBAO_*|HASHICORP_*|RATE_LIMIT_*|POLICY_PATH|PDP_*|REDIS_URL|NEGATIVE_CACHE_TTL_S|OIDC_*|SECRETS_*|DPOP_*|TOKEN_REPLAY_GUARD|ANTI_REPLAY_TTL_S|TLS_*|KAFKA_*|OTEL_*)
        unset "$v" ;; esac; done
    export ENVIRONMENT=dev YAML_VAULT_PATH="$tmp/vault/vault.yaml" TENANT_SALT="$salt" \
      ENABLE_AUTHORIZATION=true POLICY_PATH="$tmp/policies.yaml" RATE_LIMIT_PER_CLIENT_RPS=0 \
      REDIS_URL="127.0.0.1:$redis_port" SECRETS_PUBLIC_BASE_URL="${front_urls[2]}" VAULT_DEV_ADDR=http://127.0.0.1:0
    exec dotnet "$out/host/Secrets.Host.dll" --urls "${host_urls[$((n - 1))]}"
  ) >"$logs/host$n.log" 2>&1 &
  host_pids+=($!)
}
# start_front N: the front before hosts 1..N
start_front() {
  local n=$1 backends
  backends=$(IFS=,; echo "${host_urls[*]:0:$n}")
  ( unset ASPNETCORE_URLS FRONT_BACKENDS; exec dotnet "$out/front/Secrets.Front.dll" --urls "${front_urls[$((n - 1))]}" --backends "$backends" ) \
    >"$logs/front$n.log" 2>&1 &
  front_pids+=($!)
}
wait_for() { local name=$1 pid=$2 url=$3; for _ in $(seq 120); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logs/$name.log" >&2; die "$name exited during start-up"; }
    curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null && return 0; sleep 0.5; done
  tail -n 20 "$logs/$name.log" >&2; die "$name did not answer $url within 60 s"; }
for n in 1 2 3; do start_host "$n"; wait_for "host$n" "${host_pids[$((n - 1))]}" "${host_urls[$((n - 1))]}/health/live"; done
for n in 1 2 3; do start_front "$n"; wait_for "front$n" "${front_pids[$((n - 1))]}" "${front_urls[$((n - 1))]}/health/live"; done

expect_value() { local url=$1 body code
  body=$(curl -sS --max-time 5 -w '\n%{http_code}' "$url") || die "curl $url"
  code=${body##*$'\n'}; body=${body%$'\n'*}
  [[ $code == 200 && $body == *'"value":"dev-api-key-change-me"'* ]] || die "GET $url answered $code: $body"; }
for url in "${host_urls[@]}" "${front_urls[@]}"; do expect_value "$url$value_path"; done

# ---------------------------------------------------------------- wrk
to_ms() { awk '{ v = $1; u = $1; sub(/^[0-9.]+/, "", u); v += 0
  if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
  printf "%.3f\n", v }'; }
all_alive() { local pid; for pid in "${host_pids[@]}" "${front_pids[@]}" "$redis_pid"; do kill -0 "$pid" 2>/dev/null || return 1; done; }

run_wrk() {   # target seconds -> RPS P99 REQS; fails on errors
  local target=$1 secs=$2 file="$logs/wrk-$1-$(date +%s%N).txt" url
  case $target in
    direct) url=${host_urls[0]} ;;
    front-1) url=${front_urls[0]} ;;
    front-2) url=${front_urls[1]} ;;
    front-3) url=${front_urls[2]} ;;
  esac
  timeout $((secs + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 5s --latency "$url$value_path" >"$file" 2>&1 \
    || { cat "$file" >&2; die "wrk against $target exited with an error"; }
  all_alive || die "$target: a server died during the run"
  local non2xx errors timeouts
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$file")
  errors=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 }' "$file")
  timeouts=$(awk '/Socket errors:/ { print $NF }' "$file")
  [[ -z $non2xx || $non2xx == 0 ]] || { cat "$file" >&2; die "$target: $non2xx non-2xx responses"; }
  [[ -z $errors || $errors == 0 ]] || { cat "$file" >&2; die "$target: $errors socket errors"; }
  [[ -z $timeouts ]] || (( timeouts <= MAX_TIMEOUTS )) || { cat "$file" >&2; die "$target: $timeouts timeouts"; }
  RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
  REQS=$(awk '/ requests in / { print $1 }' "$file")
  P99=$(awk '$1 == "99%" { print $2 }' "$file" | to_ms)
  [[ -n $RPS && -n $P99 && ${REQS:-0} -gt 0 ]] || { cat "$file" >&2; die "$target: could not read wrk's output"; }
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

targets=(direct front-1 front-2 front-3)
echo "replicas: warming up (${WARMUP}s per target)" >&2
if (( WARMUP > 0 )); then for t in "${targets[@]}"; do run_wrk "$t" "$WARMUP"; done; fi

declare -A rps p99
echo
echo "## Runs"
echo
echo "| round | target | req/s | p99 ms | requests |"
echo "| ---: | --- | ---: | ---: | ---: |"
n=${#targets[@]}
for r in $(seq "$ROUNDS"); do
  for k in $(seq 0 $((n - 1))); do
    t=${targets[$(( (k + r - 1) % n ))]}
    echo "replicas: round $r/$ROUNDS: $t" >&2
    run_wrk "$t" "$DURATION"
    rps[$t]="${rps[$t]:-} $RPS"; p99[$t]="${p99[$t]:-} $P99"
    echo "| $r | $t | $RPS | $P99 | $REQS |"
  done
done

echo
echo "## Result (medians of $ROUNDS rounds; every process on the same $(nproc) cores)"
echo
echo "| host processes | path | req/s | p99 ms | ratio to 1 behind the front |"
echo "| ---: | --- | ---: | ---: | ---: |"
base=$(median ${rps[front-1]})
for t in "${targets[@]}"; do
  case $t in direct) procs=1 path="wrk → host (no front)" ;; *) procs=${t#front-} path="wrk → front → $procs host(s)" ;; esac
  m=$(median ${rps[$t]}) p=$(median ${p99[$t]})
  awk -v n="$procs" -v path="$path" -v m="$m" -v p="$p" -v b="$base" 'BEGIN { printf "| %d | %s | %.0f | %.2f | %.3f |\n", n, path, m, p, m / b }'
done
awk -v f="$base" -v d="$(median ${rps[direct]})" 'BEGIN { printf "\n- the front'"'"'s own cost: 1 host behind the front does %.3f of the same host addressed directly\n", f / d }'

# ---------------------------------------------------------------- Redis restarted under load
restart_secs=$((3 + GAP + 12))
echo "replicas: Redis restart under load through front-3 (${GAP}s without Redis)" >&2
file=$logs/wrk-restart.txt
timeout $((restart_secs + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${restart_secs}s" --timeout 5s -s "$repo/build/replicas/statuses.lua" \
  "${front_urls[2]}$value_path" >"$file" 2>&1 &
wrk_pid=$!
now_ms() { date +%s%3N; }
sleep 3
stop_at=$(now_ms)
stop "$redis_pid"
stopped_at=$(now_ms)
# while Redis is away every host must refuse: a direct probe of each, once per 200 ms
gap_200s=0 gap_probes=0
until (( $(now_ms) - stopped_at >= GAP * 1000 )); do
  for url in "${host_urls[@]}"; do
    code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$url$value_path" || true)
    gap_probes=$((gap_probes + 1)); [[ $code == 200 ]] && gap_200s=$((gap_200s + 1))
  done
  sleep 0.2
done
start_at=$(now_ms)
start_redis
up_at=$(now_ms)
# each host's first 200 after Redis is back, probed in parallel so that one slow host does not hide another
declare -a probe_pids=() recovered_ms=()
for i in 0 1 2; do
  ( until [[ $(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "${host_urls[$i]}$value_path" || true) == 200 ]]; do
      (( $(now_ms) - up_at < 30000 )) || exit 1; sleep 0.02; done
    echo $(( $(now_ms) - up_at )) >"$tmp/recovered-$i" ) &
  probe_pids+=($!)
done
for pid in "${probe_pids[@]}"; do wait "$pid" || true; done
wait "$wrk_pid" || { cat "$file" >&2; die "wrk during the Redis restart exited with an error"; }
for i in 0 1 2; do [[ -s $tmp/recovered-$i ]] || die "host $((i + 1)) did not answer 200 within 30 s of Redis's return"; recovered_ms+=("$(<"$tmp/recovered-$i")"); done
ok=$(awk '$1 == "status" && $2 == "200" { print $3 }' "$file"); ok=${ok:-0}
unavailable=$(awk '$1 == "status" && $2 == "503" { print $3 }' "$file"); unavailable=${unavailable:-0}
other=$(awk '$1 == "status" && $2 != "200" && $2 != "503" { s += $3 } END { print s + 0 }' "$file")
(( other == 0 )) || { cat "$file" >&2; die "answers other than 200 and 503 with Retry-After during the restart"; }
(( gap_200s == 0 )) || die "$gap_200s of $gap_probes direct reads answered 200 while Redis was away"
(( unavailable > 0 )) || die "no 503 while Redis was away"
echo
echo "## Redis restarted under load (wrk through front-3 for ${restart_secs}s)"
echo
echo "- redis-server stopped (SIGTERM) at +0 ms, gone at +$((stopped_at - stop_at)) ms, started again at +$((start_at - stop_at)) ms, accepting at +$((up_at - stop_at)) ms"
echo "- answers: $ok × 200, $unavailable × 503 GRANT_STATE_UNAVAILABLE with Retry-After, $other others; direct probes while Redis was away: $gap_probes, of which 200: $gap_200s"
echo "- first 200 of each host after Redis accepted connections again: ${recovered_ms[0]} ms, ${recovered_ms[1]} ms, ${recovered_ms[2]} ms"

echo
# error lines in the console format of the dev profile ("[hh:mm:ss ERR] …") or as compact JSON; while Redis is away
# each refused request logs its refusal
for n in 1 2 3; do echo "- host$n log: $(wc -l <"$logs/host$n.log") lines, $(grep -cE '^\[[0-9:]+ (ERR|FTL)\]|"@l":"(Error|Fatal)"' "$logs/host$n.log" || true) error lines"; done
echo "- load at end: $(uptime | sed 's/.*load average: //')"
status=0
