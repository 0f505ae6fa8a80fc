#!/usr/bin/env bash
# Checks the deployment artifacts (docs/deploy.md#checks), offline:
#   systemd     systemd-analyze verify of the unit, in a temporary copy whose ExecStart names an
#               executable that exists (verify refuses a missing one); any warning about the unit fails
#   kubernetes  kubectl kustomize builds deploy/kubernetes; every object of it and secret.example.yaml
#               passes its kind's JSON schema and has no unknown field (build/check-deploy/)
#   container   the Containerfile copies what build/publish.sh writes, runs as a non-root user and
#               its HEALTHCHECK asks /health/live on the port the image listens on
#   image       (with --image) podman builds the Containerfile on a stand-in base, and the image's root
#               file system runs its ENTRYPOINT as its USER with the root read-only; its HEALTHCHECK
#               must pass against it, and the image's own settings must refuse to start
# Usage: build/check-deploy.sh [--image] [DEPLOY_DIR] (default: deploy/). Exit 0 when every check passes.
# Installs what it needs when missing: systemd, node and npm from Debian, the npm packages of
# build/check-deploy/package.json into a cache folder. kubectl is used when present (it builds the
# kustomization); without it the resources the kustomization lists are checked as they are.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
image=false
if [ "${1:-}" = "--image" ]; then image=true; shift; fi
deploy="$(cd "${1:-$root/deploy}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

need() {   # need COMMAND DEBIAN_PACKAGE...
  command -v "$1" >/dev/null 2>&1 && return
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}"; } >/dev/null
}

# --- systemd ---------------------------------------------------------------------------------------
need systemd-analyze systemd
unit="$deploy/systemd/secrets-platform.service"
grep -q '^ExecStart=' "$unit" || fail "systemd: $unit has no ExecStart"
printf '#!/bin/sh\nexit 0\n' > "$work/Secrets.Host"
chmod +x "$work/Secrets.Host"
sed "s#^ExecStart=[^ ]*#ExecStart=$work/Secrets.Host#" "$unit" > "$work/secrets-platform.service"
if verify="$(systemd-analyze verify "$work/secrets-platform.service" 2>&1)"; then rc=0; else rc=$?; fi
if [ "$rc" -ne 0 ] || grep -q 'secrets-platform\.service' <<<"$verify"; then
  fail "systemd: systemd-analyze verify (exit $rc):"
  echo "$verify"
else
  echo "ok   systemd: systemd-analyze verify $(basename "$unit")"
fi

# --- kubernetes ------------------------------------------------------------------------------------
need node nodejs
need npm npm
cache="${SECRETS_DEPLOY_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secrets-platform/deploy-check}"
mkdir -p "$cache"
if ! cmp -s "$root/build/check-deploy/package.json" "$cache/package.json" || [ ! -d "$cache/node_modules" ]; then
  cp "$root/build/check-deploy/package.json" "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
cp "$root/build/check-deploy/validate-manifests.mjs" "$cache/"
if command -v kubectl >/dev/null 2>&1; then
  build="kubectl kustomize"
  kubectl kustomize "$deploy/kubernetes" > "$work/kubernetes.yaml" 2> "$work/kustomize.err" || build=""
else   # no kubectl (it is not a Debian package): the resources the kustomization lists, as they are
  build="the kustomization's resources"
  for resource in $(sed -n 's/^  - \(.*\.yaml\)$/\1/p' "$deploy/kubernetes/kustomization.yaml"); do
    printf -- '---\n' && cat "$deploy/kubernetes/$resource"
  done > "$work/kubernetes.yaml" 2> "$work/kustomize.err" || build=""
fi
if [ -n "$build" ]; then
  echo "ok   kubernetes: $build of $(basename "$deploy")/kubernetes ($(grep -c '^kind:' "$work/kubernetes.yaml") objects)"
  node "$cache/validate-manifests.mjs" "$work/kubernetes.yaml" "$deploy/kubernetes/secret.example.yaml" \
    || fail "kubernetes: schema"
else
  fail "kubernetes: building $(basename "$deploy")/kubernetes"
  cat "$work/kustomize.err"
fi

# --- container -------------------------------------------------------------------------------------
containerfile="$deploy/container/Containerfile"
# build/publish.sh names the service's binary and folder on its first assignment line: project=… binary=… out=…
published="$(sed -n 's#^project=[^ ]* binary=\([^ ]*\) out=\([^ ]*\)$#\2/\1#p' "$root/build/publish.sh" | head -n 1)"
grep -Eq "^COPY .*[[:space:]]$published[[:space:]]" "$containerfile" \
  || fail "container: the Containerfile does not COPY $published (what build/publish.sh writes)"
user="$(sed -n 's/^USER \([^:[:space:]]*\).*/\1/p' "$containerfile" | tail -n 1)"
[[ "$user" =~ ^[1-9][0-9]*$ ]] || fail "container: USER is '$user', not a numeric non-root user"
port="$(sed -n 's/.*ASPNETCORE_HTTP_PORTS=\([0-9]*\).*/\1/p' "$containerfile" | head -n 1)"
grep -q "^EXPOSE $port\$" "$containerfile" || fail "container: EXPOSE does not name the port ASPNETCORE_HTTP_PORTS=$port"
healthcheck="$(sed -n '/^HEALTHCHECK/,/^$/p' "$containerfile")"
grep -q '/health/live' <<<"$healthcheck" || fail "container: HEALTHCHECK does not ask /health/live"
grep -q '^ENTRYPOINT \["/app/Secrets.Host"\]' "$containerfile" || fail "container: ENTRYPOINT is not the copied binary"
[ "$failures" -eq 0 ] && echo "ok   container: COPY $published, USER $user, EXPOSE $port, HEALTHCHECK /health/live"

if [ "$image" = true ] && [ "$failures" -eq 0 ]; then
  "$root/build/check-deploy/image.sh" "$deploy" "$published" "$cache" || fail "image"
fi

if [ "$failures" -ne 0 ]; then
  echo "check-deploy: $failures check(s) failed"
  exit 1
fi
echo "check-deploy: all checks passed"
