#!/usr/bin/env bash
# Backup and restore in bounded memory (docs/BENCHMARKS.md#backup-and-restore): starts the host (Release, dev profile,
# its embedded KVv2 server), seeds PATHS paths x VERSIONS versions through the API (bulk set), then measures, each with
# the host's peak RSS reset first (/proc/<pid>/clear_refs) and read after (VmHWM in /proc/<pid>/status):
#   1. POST /api/secrets/admin/backup of the whole prefix, streamed to a file;
#   2. a restore dry run of that archive (every path unchanged);
#   3. destroy every path (bulk destroy), then the restore that brings them back (every path created, all versions).
# Prints one line per step (time, archive bytes, RSS before, peak RSS) and checks the restore's counts.
#
#   build/bench-backup.sh                          # 1,000 paths x 5 versions, about 1 minute on 2 cores (build included)
#   PATHS=4000 build/bench-backup.sh               # a larger archive: the peak should not grow with it
#
# Run under flock /tmp/build.lock on a shared machine. Everything is kept in artifacts/bench-backup/.
set -euo pipefail
cd "$(dirname "$0")/.."
PATHS=${PATHS:-1000}
VERSIONS=${VERSIONS:-5}
out=artifacts/bench-backup
rm -rf "$out" && mkdir -p "$out"

dotnet build Secrets.Host -c Release -o "$out/host" -v q -nologo >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
printf 'secret:\n  env:\n    K: "v"\n' >"$out/secrets.yaml"
ENVIRONMENT=dev ASPNETCORE_URLS="$base" YAML_VAULT_PATH="$out/secrets.yaml" TENANT_SALT=bench-salt-0123456789 \
    VAULT_DEV_ADDR=http://127.0.0.1:0 RATE_LIMIT_PER_CLIENT_RPS=0 BULK_MAX_OPERATIONS=10000 LOG_REQUESTS=false \
    BACKUP_KEY="$(head -c 32 /dev/urandom | base64)" \
    dotnet "$out/host/Secrets.Host.dll" >"$out/host.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "$base/health/live" >/dev/null && break; sleep 0.5; done

rss() { awk -v k="$1" '$1 == k":" {print int($2/1024)}' "/proc/$pid/status"; }
reset_peak() { echo 5 >"/proc/$pid/clear_refs"; }
now() { date +%s.%N; }
prefix="openbao+kv2://secret/bench-backup"

t0=$(now)
for v in $(seq 1 "$VERSIONS"); do
    python3 - "$PATHS" "$v" "$prefix" >"$out/seed.json" <<'PY'
import json, sys
n, v, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ops = [{"op": "set", "uri": f"{prefix}/team{i % 10}/app{i}", "value": {"user": f"svc{i}", "password": f"pw-{i}-{v}-" + "x" * 64}} for i in range(n)]
print(json.dumps({"operations": ops, "continueOnError": False}))
PY
    curl -sf -H 'Content-Type: application/json' --data-binary @"$out/seed.json" "$base/api/secrets/bulk" | jq -e '.failed == 0' >/dev/null
done
t1=$(now)
echo "seed: $PATHS paths x $VERSIONS versions through POST /api/secrets/bulk in $(echo "$t1 - $t0" | bc) s"

step() {   # name, then the curl arguments; prints time, size, RSS before and peak
    local name=$1; shift
    local before; before=$(rss VmRSS)
    reset_peak
    local s; s=$(now)
    curl -sf "$@"
    local e; e=$(now)
    printf '%-16s %7.2f s  RSS before %4d MB  peak %4d MB\n' "$name" "$(echo "$e - $s" | bc)" "$before" "$(rss VmHWM)"
}

step backup -o "$out/archive.spbak" -H 'Content-Type: application/json' --data "{\"prefix\":\"$prefix/*\"}" "$base/api/secrets/admin/backup"
echo "archive: $(stat -c %s "$out/archive.spbak") bytes"
step restore-dry-run -o "$out/dry-run.json" -H 'Content-Type: application/octet-stream' --data-binary @"$out/archive.spbak" \
    "$base/api/secrets/admin/restore?dry_run=true"
jq -e --argjson n "$PATHS" '.unchanged == $n and .failed == 0' "$out/dry-run.json" >/dev/null

python3 - "$PATHS" "$prefix" >"$out/wipe.json" <<'PY'
import json, sys
n, prefix = int(sys.argv[1]), sys.argv[2]
print(json.dumps({"operations": [{"op": "destroy", "uri": f"{prefix}/team{i % 10}/app{i}"} for i in range(n)], "continueOnError": False}))
PY
curl -sf -H 'Content-Type: application/json' --data-binary @"$out/wipe.json" "$base/api/secrets/bulk" | jq -e '.failed == 0' >/dev/null
step restore -o "$out/restore.json" -H 'Content-Type: application/octet-stream' --data-binary @"$out/archive.spbak" \
    "$base/api/secrets/admin/restore?dry_run=false"
jq -e --argjson n "$PATHS" --argjson v "$VERSIONS" '.created == $n and .failed == 0 and ([.results[].versionsWritten] | all(. == $v))' \
    "$out/restore.json" >/dev/null
curl -sf "$base/api/secrets/value?uri=$(jq -rn --arg u "$prefix/team3/app3" '$u|@uri')" | jq -e --argjson v "$VERSIONS" '.version == $v' >/dev/null
echo "check: $PATHS paths restored with $VERSIONS versions each"
