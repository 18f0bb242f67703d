#!/usr/bin/env bash
# End to end: `hegui check` on workspaces of the seeded generator, as a user
# runs it. For each size, files of 10 and of 100 flows, human output and
# `--format json`, on 2 threads and on 1: wall time, CPU time (user + system:
# less sensitive than wall to other work on the machine) and peak RSS, the
# median of RUNS runs (default 3), with min–max.
#
#   benches/e2e.sh [FLOWS…]          default: 100000
#   RUNS=5 benches/e2e.sh 10000 100000
#   PER_FILE=10 FORMATS=json THREADS="2 1" benches/e2e.sh 100000   (a part of the matrix)
#
# Threads: hegui sizes its thread pool from the CPUs it may run on
# (`available_parallelism`, which reads the affinity mask), so `taskset -c 0`
# gives it one thread and `taskset -c 0,1` two. The output goes to a file in
# the work folder (written, as a user's would be, then deleted).
#
# Memory guard: while a run goes, MemAvailable is polled every 0.2 s; below
# MIN_AVAILABLE_MIB (default 3072) the run is killed and reported as "killed
# (memory)", and the larger sizes after it are skipped. A run longer than
# TIMEOUT_S (default 600) is killed too.
#
# Needs: target/release/hegui and target/release/gen (`cargo build --release
# -p hegui-cli -p hegui-bench --bins`), /usr/bin/time (Debian package `time`),
# taskset (util-linux). Work folder: E2E_WORK (default target/e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
PER_FILE=${PER_FILE:-10 100}
FORMATS=${FORMATS:-human json}
THREADS=${THREADS:-2 1}
MIN_AVAILABLE_MIB=${MIN_AVAILABLE_MIB:-3072}
TIMEOUT_S=${TIMEOUT_S:-600}
WORK=${E2E_WORK:-target/e2e}
HEGUI=${HEGUI:-target/release/hegui}
GEN=${GEN:-target/release/gen}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)

for tool in /usr/bin/time taskset; do
  [ -x "$(command -v "$tool")" ] || { echo "missing $tool (apt-get install time util-linux)" >&2; exit 2; }
done
for bin in "$HEGUI" "$GEN"; do
  [ -x "$bin" ] || { echo "missing $bin: cargo build --release -p hegui-cli -p hegui-bench --bins" >&2; exit 2; }
done
mkdir -p "$WORK"

available_mib() { awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo; }

# One run: prints "wall_s peak_rss_kib exit user_s sys_s" or "killed-memory"/"killed-time".
one_run() {
  local cpus=$1 dir=$2 fmt=$3 out="$WORK/out.$$" stats="$WORK/time.$$"
  local args=(check "$dir")
  [ "$fmt" = human ] || args+=(--format "$fmt")
  taskset -c "$cpus" /usr/bin/time -f '%e %M %x %U %S' -o "$stats" "$HEGUI" "${args[@]}" >"$out" 2>&1 &
  local pid=$! start=$SECONDS killed=
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(available_mib)" -lt "$MIN_AVAILABLE_MIB" ]; then
      killed=memory
    elif [ $((SECONDS - start)) -gt "$TIMEOUT_S" ]; then
      killed=time
    fi
    if [ -n "$killed" ]; then
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$pid" 2>/dev/null || true
  rm -f "$out"
  if [ -n "$killed" ]; then
    echo "killed-$killed"
  else
    # /usr/bin/time writes "Command exited with non-zero status N" first when N ≠ 0.
    tail -n 1 "$stats"
  fi
  rm -f "$stats"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minmax() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s–%s", lo, hi }'; }

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- lang cli || echo ' (modified)'), $(date -u +%FT%TZ), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| flows | flows per file | output | threads | wall median (s) | wall min–max (s) | µs per flow | CPU median (s) | peak RSS median (MiB) | RSS min–max (MiB) | exit |"
echo "|---:|---:|---|---:|---:|---|---:|---:|---:|---|---:|"
for n in "${sizes[@]}"; do
  stop=
  for per in $PER_FILE; do
    dir="$WORK/seeded-$n-$per"
    if [ ! -d "$dir" ]; then
      "$GEN" "$n" "$dir" 42 "$per" >/dev/null
    fi
    for fmt in $FORMATS; do
      for threads in $THREADS; do
        cpus=0; [ "$threads" = 2 ] && cpus=0,1
        walls=() cpus_s=() rss=() code= failed=
        for _ in $(seq "$RUNS"); do
          r=$(one_run "$cpus" "$dir" "$fmt")
          case $r in
            killed-*) failed=$r; break ;;
          esac
          read -r w m x u s <<<"$r"
          walls+=("$w"); rss+=("$((m / 1024))"); code=$x
          cpus_s+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')")
        done
        if [ -n "$failed" ]; then
          echo "| $n | $per | $fmt | $threads | $failed | | | | | | |"
          stop=1
          continue
        fi
        wm=$(printf '%s\n' "${walls[@]}" | median)
        echo "| $n | $per | $fmt | $threads | $wm | $(printf '%s\n' "${walls[@]}" | minmax) | $(awk -v w="$wm" -v n="$n" 'BEGIN { printf "%.0f", w * 1e6 / n }') | $(printf '%s\n' "${cpus_s[@]}" | median) | $(printf '%s\n' "${rss[@]}" | median) | $(printf '%s\n' "${rss[@]}" | minmax) | $code |"
      done
    done
  done
  [ -z "$stop" ] || { echo "(larger sizes skipped: a run was killed)"; break; }
done
