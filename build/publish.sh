#!/usr/bin/env bash
# Publishes Secrets.Host as one self-contained single-file binary for linux-x64 into artifacts/publish.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish Secrets.Host/Secrets.Host.csproj -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:EnableCompressionInSingleFile=true -p:DebugType=none \
  -o artifacts/publish "$@"
ls -la artifacts/publish/Secrets.Host
