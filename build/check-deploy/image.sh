#!/usr/bin/env bash
# The image check of build/check-deploy.sh --image (docs/deploy.md#checks): builds deploy/container/Containerfile
# with podman and runs what the image holds, the way a container engine would, without one.
#   - The base image (mcr.microsoft.com) cannot be pulled on the build machines, so BASE_IMAGE is a stand-in:
#     Debian 12 minbase with the libraries runtime-deps installs (libssl3, zlib1g, ca-certificates, tzdata),
#     made once with debootstrap and kept in the cache folder.
#   - The sandbox the builds run in refuses setrlimit, so no OCI runtime can start a container: the image's root
#     file system is mounted read-only in a private mount namespace, with tmpfs on /tmp and the outbox, and its
#     ENTRYPOINT runs there with chroot as the image's USER, in its WORKDIR, with its ENV (all read from the
#     built image). Then the image's HEALTHCHECK, run the same way, must pass, and fail once the service is gone;
#     and the image's own settings (prod, no tenant salt) must refuse to start.
# Usage: image.sh DEPLOY_DIR PUBLISHED_BINARY CACHE_DIR (the binary relative to the repository root)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
deploy="$1" published="$2" cache="$3"
work="$(mktemp -d)"
service=""
cid=""
tag="localhost/secrets-platform:check-$$"
base="localhost/secrets-platform-check-base:bookworm"

pm() { podman --root "$cache/containers" --runroot "/tmp/secrets-deploy-check-run" --storage-driver vfs "$@"; }
cleanup() {
  [ -n "$service" ] && kill "$service" 2>/dev/null && wait "$service" 2>/dev/null
  [ -n "$cid" ] && { pm umount "$cid" >/dev/null 2>&1; pm rm -f "$cid" >/dev/null 2>&1; }
  pm rmi -f "$tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in podman debootstrap unshare; do
  command -v "$tool" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman debootstrap util-linux; } >/dev/null
done

if ! pm image exists "$base"; then
  debootstrap --variant=minbase --include=libssl3,zlib1g,ca-certificates,tzdata bookworm "$work/rootfs" http://deb.debian.org/debian >/dev/null
  tar -C "$work/rootfs" -c . | pm import - "$base" >/dev/null 2>&1
  rm -rf "$work/rootfs"
fi

[ -x "$root/$published" ] || "$root/build/publish.sh" >/dev/null
pm build --isolation chroot --format docker --build-arg "BASE_IMAGE=$base" -f "$deploy/container/Containerfile" -t "$tag" "$root" > "$work/build.log" 2>&1 \
  || { cat "$work/build.log"; echo "FAIL image: podman build"; exit 1; }

# What the image says about itself
pm image inspect "$tag" --format '{{range .Config.Env}}{{println .}}{{end}}' | sed '/^$/d' > "$work/image.env"
user="$(pm image inspect "$tag" --format '{{.Config.User}}')"
workdir="$(pm image inspect "$tag" --format '{{.Config.WorkingDir}}')"
pm image inspect "$tag" --format '{{json .Config.Entrypoint}}' | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8")).join("\0"))' > "$work/entrypoint"
pm image inspect "$tag" --format '{{json .HealthCheck.Test}}' | node -e 'const t=JSON.parse(require("fs").readFileSync(0,"utf8")); if(t[0]!=="CMD") process.exit(1); process.stdout.write(t.slice(1).join("\0"))' > "$work/healthcheck" \
  || { echo "FAIL image: no HEALTHCHECK in exec form"; exit 1; }
mapfile -d '' entrypoint < "$work/entrypoint"
mapfile -d '' healthcheck < "$work/healthcheck"
port="$(sed -n 's/^ASPNETCORE_HTTP_PORTS=//p' "$work/image.env")"
[ -n "$user" ] && [ "${user%%:*}" != "0" ] && [ "${user%%:*}" != "root" ] || { echo "FAIL image: runs as '$user'"; exit 1; }

cid="$(pm create "$tag")"
mnt="$(pm mount "$cid")"
outbox="$(sed -n 's/^AUDIT_OUTBOX_PATH=//p' "$work/image.env")"

# enter.sh ENVFILE CMD...: CMD inside the image's root, read-only, as its user, in its working directory
cat > "$work/enter.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
mount --bind "$mnt" "$mnt"
mount -o remount,bind,ro "$mnt"
mount -t tmpfs -o size=512m,mode=1777 tmpfs "$mnt/tmp"
mount -t tmpfs -o size=64m,mode=0700,uid=${user%%:*},gid=${user##*:} tmpfs "$mnt$outbox"
mount -t proc proc "$mnt/proc"
mount --rbind /dev "$mnt/dev"
mapfile -t settings < "\$1"
shift
exec chroot --userspec="$user" "$mnt" /usr/bin/env -C "$workdir" -i "\${settings[@]}" "\$@"
EOF
chmod +x "$work/enter.sh"
inside() { unshare -m --propagation private "$work/enter.sh" "$@"; }

# 1. The image's own settings: prod, and no tenant salt, so it must refuse to start
# (the refusal ends the process with SIGABRT; the inner shell keeps its "Aborted" notice out of the output)
if bash -c '"$@" > "$0" 2>&1; exit $?' "$work/refused.log" timeout 60 unshare -m --propagation private "$work/enter.sh" "$work/image.env" "${entrypoint[@]}" 2>/dev/null; then
  cat "$work/refused.log"; echo "FAIL image: started without production settings"; exit 1
fi
grep -q 'TENANT_SALT' "$work/refused.log" || { cat "$work/refused.log"; echo "FAIL image: did not refuse for the missing TENANT_SALT"; exit 1; }

# 2. With a salt and the dev profile on a free port: live, and the HEALTHCHECK sees it
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
{ grep -v -e '^ENVIRONMENT=' -e '^ASPNETCORE_HTTP_PORTS=' "$work/image.env"; echo "ENVIRONMENT=dev"; echo "LOG_FORMAT=text"; echo "ASPNETCORE_HTTP_PORTS=$port"; } > "$work/run.env"
grep -v '^ASPNETCORE_HTTP_PORTS=' "$work/image.env" > "$work/probe.env"
echo "ASPNETCORE_HTTP_PORTS=$port" >> "$work/probe.env"
# unshare, enter.sh, chroot and env each exec the next, so this pid is the service's
unshare -m --propagation private "$work/enter.sh" "$work/run.env" "${entrypoint[@]}" > "$work/service.log" 2>&1 &
service=$!
for _ in $(seq 1 120); do
  inside "$work/probe.env" "${healthcheck[@]}" >/dev/null 2>&1 && break
  kill -0 "$service" 2>/dev/null || break
  sleep 0.5
done
inside "$work/probe.env" "${healthcheck[@]}" || { cat "$work/service.log"; echo "FAIL image: HEALTHCHECK does not pass against the running image"; exit 1; }
grep -q 'Now listening on: http://\[::\]:'"$port" "$work/service.log" || { cat "$work/service.log"; echo "FAIL image: not listening on every interface"; exit 1; }
kill "$service"; wait "$service" 2>/dev/null || true
service=""
if inside "$work/probe.env" "${healthcheck[@]}" >/dev/null 2>&1; then
  echo "FAIL image: HEALTHCHECK passes with the service gone"; exit 1
fi
echo "ok   image: podman build on $base; ran as $user, root read-only, in $workdir; refused without settings; HEALTHCHECK passed while live, failed when gone"
