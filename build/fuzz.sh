#!/usr/bin/env bash
# Fuzzing by hand (docs/TESTING.md#fuzzing): AFL++ on SharpFuzz-instrumented code, one target at a time.
#
#   build/fuzz.sh uri 300      # the Canonical Secret URI parser for 300 seconds (the default)
#   build/fuzz.sh dpop 600     # the DPoP proof validator for 600 seconds
#
# Installs what is missing (Debian's afl++, the SharpFuzz.CommandLine dotnet tool 2.3.0), publishes
# tests/Secrets.Fuzz in Release, instruments the target's assembly (Secrets.Shared.Kernel for uri,
# Secrets.Grants for dpop), starts from the committed seed corpus (tests/Secrets.Fuzz/corpus/TARGET; for dpop,
# signed proofs written by the harness) and runs afl-fuzz for the given time. Everything is kept in
# artifacts/fuzz/TARGET/ (findings/: AFL's queue, crashes and hangs; afl.log). Prints AFL's totals (executions,
# exec/s, paths, crashes, hangs) and replays each crash outside AFL so that its exception shows. Exit 1 when AFL
# saved a crash or a hang. Builds run under the shared build lock; the fuzzing itself holds it too, since it
# keeps one core busy.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-uri}"
seconds="${2:-300}"
case "$target" in
  uri) assembly=Secrets.Shared.Kernel.dll ;;
  dpop) assembly=Secrets.Grants.dll ;;
  *) echo "usage: build/fuzz.sh uri|dpop [seconds]" >&2; exit 2 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "seconds must be a whole number" >&2; exit 2; }

lock=/tmp/build.lock
out="artifacts/fuzz/$target"
bin="$out/bin"

if ! command -v afl-fuzz >/dev/null; then
  echo "installing afl++ (Debian)"
  { apt-get update -qq && apt-get install -y -qq afl++; } >/dev/null
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  echo "installing the SharpFuzz.CommandLine dotnet tool"
  dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

rm -rf "$out"
mkdir -p "$out"
echo "publishing tests/Secrets.Fuzz (Release)"
flock "$lock" dotnet publish tests/Secrets.Fuzz/Secrets.Fuzz.csproj -c Release -o "$bin" -v q --nologo >"$out/publish.log" 2>&1 \
  || { cat "$out/publish.log"; exit 1; }
# instrumented code writes to AFL's shared memory, so it runs only under afl-fuzz: seeding and replaying crashes
# use an uninstrumented copy
plain="$out/plain"
cp -r "$bin" "$plain"
echo "instrumenting $assembly"
sharpfuzz "$bin/$assembly" >"$out/instrument.log" 2>&1 || { cat "$out/instrument.log"; exit 1; }

corpus="$out/corpus"
mkdir -p "$corpus"
cp tests/Secrets.Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
if [[ "$target" == dpop ]]; then
  dotnet "$plain/Secrets.Fuzz.dll" seed dpop "$corpus"
fi

# dotnet is not an AFL-instrumented binary (the instrumentation is in the .NET assembly); SharpFuzz speaks
# AFL's fork-server protocol itself. No CPU binding: the cores are shared.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
echo "fuzzing $target for $seconds s"
flock "$lock" afl-fuzz -V "$seconds" -i "$corpus" -o "$out/findings" -t 5000 -m none \
  -- dotnet "$bin/Secrets.Fuzz.dll" "$target" >"$out/afl.log" 2>&1 || { tail -40 "$out/afl.log"; exit 1; }

stats="$out/findings/default/fuzzer_stats"
field() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "target $target: $(field execs_done) executions in $(field run_time) s, $(field execs_per_sec) exec/s," \
  "$(field corpus_count) paths, $(field saved_crashes) crashes, $(field saved_hangs) hangs"

crashes=("$out"/findings/default/crashes/id:*)
hangs=("$out"/findings/default/hangs/id:*)
status=0
if [[ -e "${crashes[0]}" ]]; then
  status=1
  for crash in "${crashes[@]}"; do
    echo "crash: $crash"
    dotnet "$plain/Secrets.Fuzz.dll" run "$target" "$crash" 2>&1 | head -20 || true
  done
fi
if [[ -e "${hangs[0]}" ]]; then
  status=1
  printf 'hang: %s\n' "${hangs[@]}"
fi
exit "$status"
