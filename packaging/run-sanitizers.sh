#!/bin/sh
# Builds the project twice more and runs the tests there: every test under AddressSanitizer and
# UndefinedBehaviorSanitizer (build-asan/), and the tests of code that runs on several threads
# (the sync worker and engine, the server, the fault tests) under ThreadSanitizer (build-tsan/).
# Any report fails the run.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
jobs="$(nproc)"

cmake -S . -B build-asan -G Ninja -DMK_WERROR=ON -DMK_SANITIZE=ON -DMK_BUILD_BENCH=OFF
cmake --build build-asan --parallel "$jobs"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
LSAN_OPTIONS="suppressions=$(pwd)/tests/sanitizers/lsan.supp:print_suppressions=0" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --test-dir build-asan --output-on-failure --parallel "$jobs" --timeout 1200

cmake -S . -B build-tsan -G Ninja -DMK_WERROR=ON -DMK_TSAN=ON -DMK_BUILD_BENCH=OFF
cmake --build build-tsan --parallel "$jobs" --target mk_engine_tests mk_server_tests mk_fault_tests mintkiosk mintkiosk-server
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" \
  ctest --test-dir build-tsan --output-on-failure --parallel "$jobs" --timeout 1200 -L "sync|server|faults"
