#!/usr/bin/env bash
# Publishes one self-contained single-file binary for linux-x64:
#   build/publish.sh        the service, Secrets.Host, into artifacts/publish
#   build/publish.sh cli    the secrets tool, secrets, into artifacts/publish-cli
# Further arguments go to dotnet publish.
set -euo pipefail
cd "$(dirname "$0")/.."
project=Secrets.Host/Secrets.Host.csproj binary=Secrets.Host out=artifacts/publish
if [ "${1:-}" = cli ]; then
  shift
  project=Secrets.Cli/Secrets.Cli.csproj binary=secrets out=artifacts/publish-cli
fi
dotnet publish "$project" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:EnableCompressionInSingleFile=true -p:DebugType=none \
  -o "$out" "$@"
ls -la "$out/$binary"
