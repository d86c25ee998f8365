#!/bin/sh
# Builds the project twice more and runs the tests there (packaging/run-tests.sh calls this after
# the normal build and tests; it also runs alone):
#   asan  every test under AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer
#         (-DMK_SANITIZE=ON, build-asan/)
#   tsan  the tests of all code that runs on several threads under ThreadSanitizer
#         (-DMK_TSAN=ON, build-tsan/; the labels are in TSAN_LABELS below)
# Every process a test runs writes its sanitizer reports to BUILD/sanitizer-reports/: the test
# programs and the mintkiosk and mintkiosk-server processes they start. A failed test or any
# report there fails the stage, and a failed stage fails the run (after the other stages ran).
# MK_SANITIZER_STAGES="asan" (or "tsan") runs one stage; the default is both. See
# docs/hardening.md for what runs, how long it takes and what is suppressed.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
jobs="$(nproc)"
top="$(pwd)"
stages="${MK_SANITIZER_STAGES:-asan tsan}"

# The code on more than one thread: the sync engine and worker (sync), the server with its
# checkpointer and shutdown thread (server, and the server processes of files, faults), the
# file transfers (files), the LAN share and the copy thread (materials), the view-models'
# background calls (client) and a frame requested from another thread (platform).
TSAN_LABELS='^(sync|server|faults|files|materials|client|platform)$'
TSAN_TARGETS="mk_engine_tests mk_server_tests mk_fault_tests mk_files_tests mk_materials_tests mk_client_tests
  mk_platform_tests mintkiosk mintkiosk-server"

failed=""
summary=""

# $1: build directory. Prints every report and returns 1 when there is one.
check_reports() {
  found=1
  for f in "$1"/sanitizer-reports/*; do
    [ -f "$f" ] || continue
    found=0
    echo "---- sanitizer report $f"
    cat "$f"
  done
  [ "$found" -ne 0 ]
}

# $1: stage name, $2: build directory, $3: CMake option; the rest: build targets (none: all).
build_stage() {
  name="$1" dir="$2" option="$3"
  shift 3
  start="$(date +%s)"
  cmake -S . -B "$dir" -G Ninja -DMK_WERROR=ON "-D$option=ON" -DMK_BUILD_BENCH=OFF
  if [ "$#" -gt 0 ]; then
    cmake --build "$dir" --parallel "$jobs" --target "$@"
  else
    cmake --build "$dir" --parallel "$jobs"
  fi
  build_s=$(($(date +%s) - start))
  rm -rf "$dir/sanitizer-reports"
  mkdir -p "$dir/sanitizer-reports"
}

# $1: stage name, $2: build directory; the rest: extra ctest arguments.
test_stage() {
  name="$1" dir="$2"
  shift 2
  start="$(date +%s)"
  ok=0
  # A test that fails is run once more: instrumented programs run several times slower, and a
  # test whose timing that upsets passes the second time. A sanitizer report is never retried
  # away: it stays in the reports directory and fails the stage below.
  ctest --test-dir "$dir" --output-on-failure --parallel "$jobs" --timeout 1200 --no-tests=error \
    --repeat until-pass:2 "$@" || ok=1
  check_reports "$dir" || ok=1
  test_s=$(($(date +%s) - start))
  summary="$summary
  $name: build ${build_s} s, tests ${test_s} s"
  if [ "$ok" -ne 0 ]; then
    failed="$failed $name"
    echo "run-sanitizers: the $name stage FAILED (failed tests above, reports in $dir/sanitizer-reports/)"
  fi
}

for stage in $stages; do
  case "$stage" in
    asan)
      build_stage asan build-asan MK_SANITIZE
      reports="$top/build-asan/sanitizer-reports"
      export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:log_path=$reports/asan"
      export LSAN_OPTIONS="suppressions=$top/tests/sanitizers/lsan.supp:print_suppressions=0"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
      test_stage asan build-asan -LE '^e2e$'
      # The real windows one at a time: instrumented programs beside other tests can be held
      # off the CPU for longer than a scanner's keystroke gap, which the e2e tests drive exactly.
      parallel_jobs="$jobs"
      jobs=1
      test_stage asan-e2e build-asan -L '^e2e$'
      jobs="$parallel_jobs"
      unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
      ;;
    tsan)
      # shellcheck disable=SC2086
      build_stage tsan build-tsan MK_TSAN $TSAN_TARGETS
      reports="$top/build-tsan/sanitizer-reports"
      export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$top/tests/sanitizers/tsan.supp:log_path=$reports/tsan"
      test_stage tsan build-tsan -L "$TSAN_LABELS"
      unset TSAN_OPTIONS
      ;;
    *)
      echo "run-sanitizers: unknown stage '$stage' (asan, tsan)" >&2
      exit 2
      ;;
  esac
done

echo "run-sanitizers: times$summary"
if [ -n "$failed" ]; then
  echo "run-sanitizers: failed stages:$failed" >&2
  exit 1
fi
echo "run-sanitizers: no failed test and no sanitizer report"
