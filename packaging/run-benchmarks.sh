#!/bin/sh
# Runs every benchmark and rewrites docs/benchmarks.md from docs/benchmarks.in.md, comparing
# each figure with the previous run's (docs/benchmarks.json, rewritten too).
#
#   sh packaging/run-benchmarks.sh            the documented commands (about 15 minutes on 2 cores)
#   sh packaging/run-benchmarks.sh --quick    few repetitions and small sizes (a few minutes); the
#                                             same as MK_BENCH_QUICK=1. Writes its page and record
#                                             to build-bench/bench-results/ and leaves docs/ alone
#                                             unless MK_BENCH_WRITE_DOCS=1.
#
# MK_BENCH_ONLY="search server" runs only these benchmarks (search checkin sync merge server
# client files); the others keep their last figures. MK_BENCH_BUILD_DIR (build-bench) and
# MK_BENCH_JOBS (nproc) choose the build directory and the parallel build jobs.
set -eu
cd "$(dirname "$0")/.."

quick="${MK_BENCH_QUICK:-0}"
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) echo "usage: sh packaging/run-benchmarks.sh [--quick]" >&2; exit 2 ;;
  esac
done

sh packaging/install-deps.sh

BUILD_DIR="${MK_BENCH_BUILD_DIR:-build-bench}"
JOBS="${MK_BENCH_JOBS:-$(nproc)}"
BUILD_TYPE=RelWithDebInfo
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DMK_BUILD_TESTS=ON -DMK_BUILD_BENCH=ON
cmake --build "$BUILD_DIR" --parallel "$JOBS" --target mk_bench_report mk_bench_search mk_bench_checkin \
  mk_bench_sync mk_bench_merge mk_bench_server mk_bench_client mk_bench_files

BIN="$BUILD_DIR/bin"
RESULTS="$BUILD_DIR/bench-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

if [ "$quick" = 1 ]; then
  MODE=quick
  OUT_MD="$RESULTS/benchmarks.md"
  OUT_JSON="$RESULTS/benchmarks.record.json"
  if [ "${MK_BENCH_WRITE_DOCS:-0}" = 1 ]; then OUT_MD=docs/benchmarks.md; OUT_JSON=docs/benchmarks.json; fi
else
  MODE=full
  OUT_MD=docs/benchmarks.md
  OUT_JSON=docs/benchmarks.json
fi

STARTED="$(date -u '+%Y-%m-%d %H:%M')"
LOAD_START="$(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "benchmarks: $MODE mode, started $STARTED UTC, load average $LOAD_START, $(nproc) cores"

FAILED=""
SUITE_START="$(date +%s)"

# run NAME TIMEOUT_S PROGRAM ARGS...: runs one benchmark with --json, its output in NAME.log.
run() {
  name="$1"
  limit="$2"
  program="$3"
  shift 3
  if [ -n "${MK_BENCH_ONLY:-}" ]; then
    case " $MK_BENCH_ONLY " in
      *" $name "*) ;;
      *) return 0 ;;
    esac
  fi
  echo "== $name: $program $*"
  t0="$(date +%s)"
  if timeout --signal=TERM --kill-after=30 "$limit" "$BIN/$program" "$@" --json "$RESULTS/$name.json" \
    > "$RESULTS/$name.log" 2>&1; then
    echo "   done in $(( $(date +%s) - t0 )) s"
  else
    status=$?
    echo "   FAILED (exit $status) after $(( $(date +%s) - t0 )) s; the end of $RESULTS/$name.log:"
    tail -n 15 "$RESULTS/$name.log" | sed 's/^/   | /'
    FAILED="$FAILED $name"
  fi
}

if [ "$MODE" = full ]; then
  run search 900 mk_bench_search --people 100000 --rounds 30
  run checkin 600 mk_bench_checkin --checkins 2000
  run sync 1200 mk_bench_sync --people 20000 --reps 6
  run merge 600 mk_bench_merge --changes 10000 --reps 3
  run server 900 mk_bench_server --clients 200,1000 --total 100000 --mix 8:1:1
  run client 1200 mk_bench_client --people 100000 --starts 15 --idle-seconds 20 --idle-runs 3
  run files 900 mk_bench_files --size-mb 10
else
  run search 300 mk_bench_search --people 20000 --rounds 5
  run checkin 300 mk_bench_checkin --checkins 300
  run sync 600 mk_bench_sync --people 10200 --reps 2
  run merge 300 mk_bench_merge --changes 2000 --reps 2
  run server 300 mk_bench_server --clients 200,1000 --total 10000 --mix 8:1:1
  run client 300 mk_bench_client --people 20000 --starts 3 --idle-seconds 3 --idle-runs 1
  run files 300 mk_bench_files --size-mb 2
fi

CXX="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")"
COMPILER="$("${CXX:-c++}" --version 2>/dev/null | head -n 1 || echo unknown)"
set --
for name in $FAILED; do set -- "$@" --failed "$name"; done
"$BIN/mk_bench_report" --template docs/benchmarks.in.md --results "$RESULTS" --previous docs/benchmarks.json \
  --out "$OUT_MD" --out-json "$OUT_JSON" --bin-dir "$BIN" --mode "$MODE" --build-type "$BUILD_TYPE" \
  --compiler "$COMPILER" --started "$STARTED" --load-start "$LOAD_START" "$@"

echo "benchmarks: $MODE mode took $(( $(date +%s) - SUITE_START )) s; page: $OUT_MD, record: $OUT_JSON"
if [ -n "$FAILED" ]; then
  echo "benchmarks: FAILED:$FAILED (logs in $RESULTS)" >&2
  exit 1
fi
