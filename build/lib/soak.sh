# Shell functions for scripts that run the published host as a process and load it (build/soak.sh). Source it after
# `set -euo pipefail`; every function that fails calls `die`, which the sourcing script may define before sourcing
# (else it prints "NAME: FAILED: …" with the script's name and exits 1).

declare -F die >/dev/null || die() { echo "$(basename "$0" .sh): FAILED: $*" >&2; exit 1; }

# run_header TITLE COMMAND: the heading of a run's report (date, commit, machine, command, load); sets COMMIT, the short
# commit with "+changes" when the tree differs from it
run_header() {
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ -z $(git status --porcelain 2>/dev/null) ]] || COMMIT="$COMMIT+changes"
  printf '# %s\n\n' "$1"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit: $COMMIT"
  echo "- machine: nproc=$(nproc), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $(uname -sr), dotnet $(dotnet --version)"
  echo "- command: $2"
  echo "- load at start: $(uptime | sed 's/.*load average: //')"
}

# apt_install PACKAGE...: Debian packages, quietly; `apt-get update` once only when the first try fails
apt_install() { apt-get install -y "$@" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$@" >/dev/null 2>&1; }; }

# dotnet_tool NAME: the path of a global .NET tool (dotnet-counters, dotnet-gcdump, …), installed when missing
dotnet_tool() {
  local path=$HOME/.dotnet/tools/$1
  [[ -x $path ]] || dotnet tool install -g "$1" >/dev/null 2>&1 || die "could not install $1"
  echo "$path"
}

# free_port [TAKEN...]: a loopback TCP port nothing listens on, not among TAKEN
free_port() { local p; for _ in $(seq 200); do p=$((20000 + RANDOM % 40000)); [[ " $* " == *" $p "* ]] && continue
  ss -Htan "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }; done; die "no free port found"; }

# stop_process PID: SIGTERM, up to 5 s to exit, then SIGKILL; nothing when PID is empty or gone
stop_process() { local pid=$1; [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true; }

# start_host_process DLL ROOT URL LOG [VAR=VALUE...]: `dotnet DLL --urls URL` in ROOT (its content root) with an
# environment of PATH, HOME and DOTNET_* plus the given settings and nothing else of the caller's, so no setting of the
# shell that runs the script leaks in; output to LOG. Sets HOST_PID.
start_host_process() {
  local dll=$1 root=$2 url=$3 log=$4; shift 4
  local -a keep=(PATH="$PATH" HOME="$HOME")
  local v; for v in $(compgen -e); do [[ $v == DOTNET_ROOT* || $v == DOTNET_CLI_* || $v == DOTNET_NOLOGO ]] && keep+=("$v=${!v}"); done
  mkdir -p "$root"
  ( cd "$root" && exec env -i "${keep[@]}" "$@" dotnet "$dll" --urls "$url" ) >"$log" 2>&1 &
  HOST_PID=$!
}

# wait_live PID URL LOG: until URL answers 2xx (60 s at most); the end of LOG and die when the process exits first
wait_live() { local pid=$1 url=$2 log=$3; for _ in $(seq 120); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "the host exited during start-up"; }
    curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null && return 0; sleep 0.5; done
  tail -n 20 "$log" >&2; die "the host did not answer $url within 60 s"; }

# soak_plot CSV PNG TITLE: build/soak.sh's samples.csv (t_s, rss_mb, gc_heap_mb, gen2, threads, handles, rps, p99_ms,
# errors) as three panels against time: memory (RSS, GC heap), handles and threads, answers/s and p99
soak_plot() {
  local csv=$1 png=$2 title=$3 terminal=png
  gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo && terminal=pngcairo
  gnuplot <<GNUPLOT
set terminal $terminal size 1100,900
set output "$png"
set datafile separator ","
set key outside right top
set grid
set xlabel "time (s)"
set multiplot layout 3,1 title "$title"
set ylabel "MB"
plot "$csv" using 1:2 skip 1 with linespoints title "RSS", "" using 1:3 skip 1 with linespoints title "GC heap"
set ylabel "handles"
set y2label "threads"
set y2tics
plot "$csv" using 1:6 skip 1 with linespoints title "handles", "" using 1:5 skip 1 axes x1y2 with linespoints title "threads (right)"
set ylabel "answers/s"
set y2label "p99 ms"
plot "$csv" using 1:7 skip 1 with linespoints title "answers/s", "" using 1:8 skip 1 axes x1y2 with linespoints title "p99 ms (right)"
unset multiplot
GNUPLOT
}
