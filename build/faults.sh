#!/usr/bin/env bash
# Faults under load (docs/BENCHMARKS.md#faults-under-load): the service with every dependency in a process of its own,
# a steady load of reads that each need a fresh decision, and one fault after another injected for a while and
# removed; then one table per fault of what the clients saw and what the audit topic holds.
#
#   build/faults.sh            # every fault, 10 s each, about 5 minutes
#   build/faults.sh --smoke    # four faults, 3 s each, under a minute (tests/Secrets.Host.Tests runs it)
#
# The processes (all on 127.0.0.1):
#   provider    a host serving only its embedded dev KVv2 server (VAULT_DEV_ADDR): the secret's store
#   proxy       WireMock.Net (Secrets.Faults provider-proxy) proxying to it; the provider faults are set through its
#               admin API. The service's VAULT_URL points here
#   pdp         a host serving its embedded PDP over AuthZEN (a policy with max_uses 1: every read is a grant miss
#               and asks the PDP); the service's PDP_URL points here
#   redis       Debian's redis-server; the service's REDIS_URL
#   kafka       librdkafka's mock cluster (Secrets.Faults kafka-mock); the service's durable audit pipeline
#               (AUDIT_OUTBOX_PATH, AUDIT_FAIL_CLOSED=true, the relay to KAFKA_BOOTSTRAP_SERVERS) sends to it
#   service     the host under test, authorization on
#   load        Secrets.Faults load: FAULTS_RATE GETs per second of /api/secrets/value (openbao+kv2), open loop, each
#               with its own X-Correlation-ID; every answer's status, code, latency and whether a value came back
# Faults (each: FAULTS_PRE s steady, the fault for FAULTS_PHASE s, removed, FAULTS_AFTER s to recover):
#   provider-pause  SIGSTOP / SIGCONT of the provider process
#   provider-500, provider-503, provider-slow   the proxy answers the data reads 500, 503, or 1 s later than VAULT_TIMEOUT
#   pdp-pause       SIGSTOP / SIGCONT of the PDP (longer than PDP_TIMEOUT_MS)
#   pdp-kill        SIGKILL of the PDP, started again after the phase
#   kafka-down      every broker of the mock cluster down, then up
#   redis-restart   redis-server stopped, started again (empty) after the phase
# Then: the audit topic read back (one event per request, by correlation id) and verify-audit over it.
# Fails (exit 1) when a raw 5xx (no problem code) came back, a value was served while the PDP or Redis was away,
# an audit event is missing or doubled, verify-audit fails, a request took longer than its dependency's timeout
# allows, or the service took more than 5 s to answer 2xx steadily again after a dependency returned.
#
# Settings: FAULTS_RATE (40; smoke 25), FAULTS_PRE (2; smoke 1), FAULTS_PHASE (10; smoke 3), FAULTS_AFTER (10; smoke 6),
# FAULTS_BIN: a directory holding Secrets.Host.dll and Secrets.Faults.dll already built (a test's output); without it
# both are built in Release into artifacts/faults. FAULTS_KEEP=1 keeps the temp dir (always kept on failure).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

SMOKE=0
[[ ${1:-} == --smoke ]] && SMOKE=1
if (( SMOKE )); then
  RATE=${FAULTS_RATE:-25} PRE=${FAULTS_PRE:-1} PHASE=${FAULTS_PHASE:-3} AFTER=${FAULTS_AFTER:-6}
  FAULTS=(provider-503 pdp-pause kafka-down redis-restart)
else
  RATE=${FAULTS_RATE:-40} PRE=${FAULTS_PRE:-2} PHASE=${FAULTS_PHASE:-10} AFTER=${FAULTS_AFTER:-10}
  FAULTS=(provider-pause provider-500 provider-503 provider-slow pdp-pause pdp-kill kafka-down redis-restart)
fi
KEEP=${FAULTS_KEEP:-0}
VAULT_TIMEOUT_S=2 PDP_TIMEOUT_MS=1000 REDIS_TIMEOUT_MS=5000

die() { echo "faults: FAILED: $*" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/secrets-faults.XXXXXX")
logs=$tmp/logs
mkdir -p "$logs" "$tmp/control"
# shellcheck source=build/lib/faults.sh
source "$repo/build/lib/faults.sh"

for t in curl dotnet timeout ss python3; do command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"; done
command -v redis-server >/dev/null 2>&1 || { echo "faults: installing redis-server" >&2; apt_install redis-server || die "could not install redis-server"; }
command -v redis-cli >/dev/null 2>&1 || apt_install redis-tools || die "could not install redis-cli"

provider_pid="" proxy_pid="" pdp_pid="" redis_pid="" kafka_pid="" service_pid="" load_pid="" status=1
cleanup() { local rc=$?; for p in "$load_pid" "$service_pid" "$pdp_pid" "$proxy_pid" "$provider_pid" "$kafka_pid" "$redis_pid"; do stop "$p"; done
  if (( rc == 0 && status == 0 )) && [[ $KEEP != 1 ]]; then rm -rf "$tmp"; else echo "faults: logs kept in $tmp" >&2; fi
  exit "$rc"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- build
if [[ -n ${FAULTS_BIN:-} ]]; then
  host_dll=$FAULTS_BIN/Secrets.Host.dll tools_dll=$FAULTS_BIN/Secrets.Faults.dll
else
  out=$repo/artifacts/faults
  echo "faults: building Release into $out" >&2
  timeout 1200 dotnet publish Secrets.Host/Secrets.Host.csproj -c Release -o "$out/host" --nologo >"$logs/build-host.log" 2>&1 \
    || { tail -n 30 "$logs/build-host.log" >&2; die "Release build of Secrets.Host"; }
  timeout 900 dotnet build build/faults/Secrets.Faults/Secrets.Faults.csproj -c Release -o "$out/tools" --nologo >"$logs/build-tools.log" 2>&1 \
    || { tail -n 30 "$logs/build-tools.log" >&2; die "Release build of build/faults/Secrets.Faults"; }
  host_dll=$out/host/Secrets.Host.dll tools_dll=$out/tools/Secrets.Faults.dll
fi
[[ -f $host_dll && -f $tools_dll ]] || die "missing $host_dll or $tools_dll"

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git status --porcelain 2>/dev/null) ]] || commit="$commit+changes"
echo "# Faults under load"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit: $commit, machine: nproc=$(nproc), $(uname -sr), dotnet $(dotnet --version)"
echo "- command: build/faults.sh$( (( SMOKE )) && echo ' --smoke'): $RATE req/s, ${PRE} s steady + ${PHASE} s fault + ${AFTER} s after, per fault"
echo "- service timeouts: VAULT_TIMEOUT=${VAULT_TIMEOUT_S} s (3 attempts on a read), PDP_TIMEOUT_MS=$PDP_TIMEOUT_MS, Redis ${REDIS_TIMEOUT_MS} ms (the service's default)"

# ---------------------------------------------------------------- start
ports=()
port() { free_port "${ports[@]}"; }
provider_port=$(port); ports+=("$provider_port"); kv2_port=$(port); ports+=("$kv2_port"); proxy_port=$(port); ports+=("$proxy_port")
pdp_port=$(port); ports+=("$pdp_port"); redis_port=$(port); ports+=("$redis_port"); service_port=$(port); ports+=("$service_port")
service_url=http://127.0.0.1:$service_port pdp_url=http://127.0.0.1:$pdp_port kv2_url=http://127.0.0.1:$kv2_port
proxy_url=http://127.0.0.1:$proxy_port
salt=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

cat >"$tmp/policies.yaml" <<'YAML'
version: 1
rules:
  - id: faults
    resources: ["openbao+kv2://secret/*"]
    purposes: ["*"]
    obligations:
      ttl_seconds: 300
      max_uses: 1
YAML

start_redis "$redis_port"; redis_pid=$!
( exec dotnet "$tools_dll" kafka-mock "$tmp/kafka.txt" "$tmp/control" ) >"$logs/kafka.log" 2>&1 & kafka_pid=$!
start_host provider "$tmp/provider-root" "http://127.0.0.1:$provider_port" VAULT_DEV_ADDR="$kv2_url" VAULT_DEV_ROOT_TOKEN=root \
  TENANT_SALT="$salt" ENABLE_AUTHORIZATION=false
provider_pid=$!
start_pdp() {
  start_host pdp "$tmp/pdp-root" "$pdp_url" POLICY_PATH="$tmp/policies.yaml" ENABLE_AUTHZEN_ENDPOINTS=true \
    AUTHZEN_REQUIRED_SCOPE=none TENANT_SALT="$salt"
  pdp_pid=$!
}
start_pdp
( exec dotnet "$tools_dll" provider-proxy "$proxy_port" "$kv2_url" "$tmp/proxy.txt" ) >"$logs/proxy.log" 2>&1 & proxy_pid=$!
wait_redis "$redis_port"
for _ in $(seq 150); do [[ -s $tmp/kafka.txt ]] && break; sleep 0.2; done
[[ -s $tmp/kafka.txt ]] || { cat "$logs/kafka.log" >&2; die "the Kafka mock cluster did not start"; }
start_host service "$tmp/service-root" "$service_url" TENANT_SALT="$salt" ENABLE_AUTHORIZATION=true \
  VAULT_URL="$proxy_url" VAULT_TOKEN=root VAULT_TIMEOUT="$VAULT_TIMEOUT_S" PDP_URL="$pdp_url" PDP_TIMEOUT_MS="$PDP_TIMEOUT_MS" \
  REDIS_URL="127.0.0.1:$redis_port" AUDIT_OUTBOX_PATH="$tmp/outbox" AUDIT_FAIL_CLOSED=true \
  KAFKA_BOOTSTRAP_SERVERS="$(<"$tmp/kafka.txt")" KAFKA_TOPIC_PREFIX=faults
service_pid=$!
wait_for provider "$provider_pid" "$kv2_url/v1/sys/health"
wait_for pdp "$pdp_pid" "$pdp_url/health/live"
for _ in $(seq 100); do [[ -s $tmp/proxy.txt ]] && break; sleep 0.2; done
[[ -s $tmp/proxy.txt ]] || { cat "$logs/proxy.log" >&2; die "the provider proxy did not start"; }
wait_for service "$service_pid" "$service_url/health/live"

seeded=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"uri":"openbao+kv2://secret/faults/app","value":{"token":"faults-token"}}' "http://127.0.0.1:$provider_port/api/secrets") || die "seeding KVv2"
[[ $seeded == 200 ]] || die "seeding openbao+kv2://secret/faults/app answered $seeded"
read_path='/api/secrets/value?uri=openbao%2Bkv2://secret/faults/app%23token'
first=$(curl -sS --max-time 10 "$service_url$read_path") || die "the first read"
[[ $first == *'"value":"faults-token"'* ]] || die "the first read answered: $first"

# ---------------------------------------------------------------- faults
fault_json() {   # GUID STATUS DELAY_MS: a mapping above the proxy for the data reads
  local response
  if (( $3 > 0 )); then response="{\"ProxyUrl\":\"$kv2_url\",\"Delay\":$3}"
  else response="{\"StatusCode\":$2,\"Headers\":{\"Content-Type\":\"application/json\"},\"Body\":\"{\\\"errors\\\":[\\\"injected\\\"]}\"}"; fi
  printf '{"Guid":"%s","Priority":1,"Request":{"Path":{"Matchers":[{"Name":"WildcardMatcher","Pattern":"/v1/secret/data/*"}]},"Methods":["GET"]},"Response":%s}' "$1" "$response"
}
proxy_fault() { curl -fsS --max-time 5 -o /dev/null -H 'Content-Type: application/json' -d "$(fault_json "$@")" "$proxy_url/__admin/mappings" || die "adding a proxy fault"; }
proxy_clear() { curl -fsS --max-time 5 -o /dev/null -X DELETE "$proxy_url/__admin/mappings/$1" || die "removing a proxy fault"; }
fault_guid=5f0a1c2e-0000-4000-8000-00000000f417

inject() {
  case $1 in
    provider-pause) kill -STOP "$provider_pid" ;;
    provider-500) proxy_fault "$fault_guid" 500 0 ;;
    provider-503) proxy_fault "$fault_guid" 503 0 ;;
    provider-slow) proxy_fault "$fault_guid" 200 $(( VAULT_TIMEOUT_S * 1000 + 1000 )) ;;
    pdp-pause) kill -STOP "$pdp_pid" ;;
    pdp-kill) kill -KILL "$pdp_pid"; wait "$pdp_pid" 2>/dev/null || true ;;
    kafka-down) touch "$tmp/control/down" ;;
    redis-restart) redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; wait "$redis_pid" 2>/dev/null || true ;;
  esac
}
remove() {   # returns once the dependency is back
  case $1 in
    provider-pause) kill -CONT "$provider_pid" ;;
    provider-500|provider-503|provider-slow) proxy_clear "$fault_guid" ;;
    pdp-pause) kill -CONT "$pdp_pid" ;;
    pdp-kill) start_pdp; wait_for pdp "$pdp_pid" "$pdp_url/health/live" ;;
    kafka-down) rm -f "$tmp/control/down"; sleep 0.1 ;;
    redis-restart) start_redis "$redis_port"; redis_pid=$!; wait_redis "$redis_port" ;;
  esac
}

rm -f "$tmp/stop"
( exec dotnet "$tools_dll" load "$service_url$read_path" "$RATE" "$tmp/stop" "$tmp/requests.csv" 60 ) >"$logs/load.log" 2>&1 & load_pid=$!
: >"$tmp/phases.txt"
for f in "${FAULTS[@]}"; do
  echo "faults: $f" >&2
  start=$(now_ms); sleep "$PRE"
  inject "$f"; injected=$(now_ms); sleep "$PHASE"
  restoring=$(now_ms); remove "$f"; back=$(now_ms); sleep "$AFTER"
  # until $restoring the dependency was surely away (a value served then had no check behind it); from $back it is
  # surely back (recovery is counted from there); a restarted PDP or Redis may answer a little before $back
  echo "$f $start $injected $restoring $back $(now_ms)" >>"$tmp/phases.txt"
  kill -0 "$service_pid" 2>/dev/null || die "the service died during $f"
done
touch "$tmp/stop"
wait "$load_pid" || die "the load generator failed: $(cat "$logs/load.log")"
load_pid=""

# ---------------------------------------------------------------- audit
requests=$(( $(wc -l <"$tmp/requests.csv") - 1 ))
echo "faults: reading the audit topic ($requests requests made)" >&2
dotnet "$tools_dll" audit-ids "$(<"$tmp/kafka.txt")" faults.secrets.audit "$tmp/audit-ids.txt" "$requests" 60 >"$logs/audit-ids.log" 2>&1 \
  || { cat "$logs/audit-ids.log" >&2; die "reading the audit topic"; }
curl -fsS --max-time 10 "$service_url/api/secrets/audit/keys" >"$tmp/audit-keys.json" || die "reading the audit keys"
verify=ok
( unset KAFKA_SECURITY_PROTOCOL KAFKA_SASL_MECHANISM; timeout 120 dotnet "$host_dll" verify-audit --kafka "$(<"$tmp/kafka.txt")" --topic faults.secrets.audit \
    --keys "$tmp/audit-keys.json" ) >"$logs/verify-audit.log" 2>&1 || verify=failed

echo
python3 "$repo/build/faults/report.py" "$tmp/requests.csv" "$tmp/phases.txt" "$tmp/audit-ids.txt" "$verify" \
  "$VAULT_TIMEOUT_S" "$PDP_TIMEOUT_MS" "$REDIS_TIMEOUT_MS" && status=0
[[ $verify == ok ]] || { tail -n 20 "$logs/verify-audit.log" >&2; }
exit "$status"
