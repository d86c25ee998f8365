#!/bin/sh
# Long fuzzing runs: builds every fuzz target with libFuzzer (Debian's clang, installed here when
# missing; -fsanitize=fuzzer,address,undefined) and runs each for a while on a copy of its seed
# corpus. Prints one Markdown table row per target for docs/hardening.md.
#
# Usage: sh packaging/run-fuzz.sh [SECONDS_PER_TARGET [TARGET...]]   (default 600 s, every target)
# MK_FUZZ_JOBS=N runs targets N at a time (default 1). Work files go to build-fuzz/runs/TARGET/:
# the grown corpus, the log, and crash-* / leak-* / timeout-* inputs when a target fails. A
# crash makes the script exit 1 after all targets ran; reproduce it with the replay build
# (build/bin/mk_fuzz_TARGET FILE), fix it, and add the file to tests/fuzz/corpus/TARGET/.
set -eu
cd "$(dirname "$0")/.."

seconds="${1:-600}"
[ $# -gt 0 ] && shift
targets="$*"
[ -n "$targets" ] || targets="push_batch pull_page bundle csv_import enrolment file_chunk po lan_share survey_template"
jobs="${MK_FUZZ_JOBS:-1}"

sh packaging/install-deps.sh
if ! command -v clang++ >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-fuzz: clang is missing; run as root to install it" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang
fi

CXX=clang++ CC=clang cmake -S . -B build-fuzz -G Ninja -DMK_FUZZ=ON -DMK_BUILD_BENCH=OFF >/dev/null
built=""
for t in $targets; do built="$built mk_fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build build-fuzz --parallel "$(nproc)" --target $built

run_one() {
  t="$1"
  dir="build-fuzz/runs/$t"
  rm -rf "$dir"
  mkdir -p "$dir/corpus"
  cp tests/fuzz/corpus/"$t"/* "$dir/corpus/"
  seeds=$(ls "$dir/corpus" | wc -l)
  status=0
  started=$(date +%s)
  (cd "$dir" && ASAN_OPTIONS="detect_leaks=1" "../../bin/mk_fuzz_$t" -max_total_time="$seconds" -max_len=65536 \
     -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 corpus > log.txt 2>&1) || status=$?
  took=$(( $(date +%s) - started ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log.txt" | grep -o '[0-9]*$' || echo "?")
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$dir/log.txt" | grep -o '[0-9]*$' || echo "?")
  grown=$(ls "$dir/corpus" | wc -l)
  found=$(ls "$dir" | grep -c -E '^(crash|leak|timeout|oom)-' || true)
  echo "| $(date -u +%Y-%m-%d) | \`$t\` | ${took} s | ${execs} (${rate}/s) | ${seeds} -> ${grown} | ${found} |" > "$dir/row.md"
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    touch "$dir/failed"
  fi
}

running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
done
wait

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| date | target | time | executions | corpus (seeds -> grown) | crashes |"
echo "|---|---|---|---|---|---|"
failed=0
for t in $targets; do
  cat "build-fuzz/runs/$t/row.md" 2>/dev/null || echo "| $(date -u +%Y-%m-%d) | \`$t\` | did not run | | | |"
  if [ -e "build-fuzz/runs/$t/failed" ]; then
    failed=1
    echo "run-fuzz: $t failed; see build-fuzz/runs/$t/log.txt" >&2
  fi
done
exit "$failed"
