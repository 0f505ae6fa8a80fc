# Shell helpers of build/faults.sh: processes, ports and hosts. Sourced; expects `die` and `$logs` from the caller.

apt_install() { apt-get install -y "$@" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$@" >/dev/null 2>&1; }; }

now_ms() { date +%s%3N; }

# stop PID: SIGTERM, then SIGKILL after 5 s
stop() { local pid=$1; [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true; }

# free_port [TAKEN...]: a loopback TCP port nobody listens on, none of TAKEN
free_port() { local p; for _ in $(seq 200); do p=$((20000 + RANDOM % 40000)); [[ " $* " == *" $p "* ]] && continue
  ss -Htan "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }; done; die "no free port found"; }

# wait_for NAME PID URL: until URL answers 2xx (60 s), or die with the tail of NAME's log
wait_for() { local name=$1 pid=$2 url=$3; for _ in $(seq 240); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logs/$name.log" >&2; die "$name exited during start-up"; }
    curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null && return 0; sleep 0.25; done
  tail -n 20 "$logs/$name.log" >&2; die "$name did not answer $url within 60 s"; }

# start_host NAME ROOT URL [VAR=VALUE...]: `dotnet $host_dll` in ROOT on URL with the dev profile, every setting of the
# caller's environment that the service reads unset, then the given settings; its log is $logs/NAME.log and $! its pid
start_host() {
  local name=$1 root=$2 url=$3; shift 3
  mkdir -p "$root"
  (
    cd "$root"
    for v in $(compgen -e); do case $v in
      ASPNETCORE_*|DOTNET_ENVIRONMENT|TENANT_*|SECRET_TENANT_SALT|ALLOW_UNSAFE_CONFIGURATION|ENABLE_*|GRANT_*|AUDIT_*|AUTHZEN_*|LIST_MAX_*|MAX_REQUEST_BODY_BYTES|LOG_*|YAML_VAULT_PATH|ENVIRONMENT|Logging__*|Serilog__*|VAULT_*|OPENBAO_*|HASHICORP_*|RATE_LIMIT_*|POLICY_PATH|PDP_*|REDIS_URL|NEGATIVE_CACHE_TTL_S|OIDC_*|SECRETS_*|DPOP_*|TOKEN_REPLAY_GUARD|ANTI_REPLAY_TTL_S|TLS_*|KAFKA_*|OTEL_*)
        unset "$v" ;; esac; done
    export ENVIRONMENT=dev RATE_LIMIT_PER_CLIENT_RPS=0 VAULT_DEV_ADDR=http://127.0.0.1:0
    for setting in "$@"; do export "${setting?}"; done
    exec dotnet "$host_dll" --urls "$url"
  ) >>"$logs/$name.log" 2>&1 &
}

# start_redis PORT: Debian's redis-server on 127.0.0.1:PORT without persistence; $! its pid
start_redis() {
  ( exec redis-server --bind 127.0.0.1 --port "$1" --save '' --appendonly no ) >>"$logs/redis.log" 2>&1 &
}

# wait_redis PORT: until it answers PING (10 s)
wait_redis() { for _ in $(seq 100); do [[ $(redis-cli -p "$1" ping 2>/dev/null) == PONG ]] && return 0; sleep 0.1; done; die "redis on $1 did not answer"; }
