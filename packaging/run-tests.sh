#!/bin/sh
# Installs dependencies, builds everything with warnings as errors, and runs every test; then
# runs the tests again under the sanitizers (packaging/run-sanitizers.sh: ASan+UBSan and TSan, in
# build-asan/ and build-tsan/). MK_SANITIZERS=0 skips the sanitizer stages for a quick local run;
# CI runs them.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
MK_BUILD_DIR="${MK_BUILD_DIR:-build}"
export MK_BUILD_DIR
start="$(date +%s)"
cmake -S . -B "$MK_BUILD_DIR" -G Ninja -DMK_WERROR=ON
cmake --build "$MK_BUILD_DIR" --parallel "$(nproc)"
ctest --test-dir "$MK_BUILD_DIR" --output-on-failure --parallel "$(nproc)" --timeout 600
echo "run-tests: build and tests in $MK_BUILD_DIR/ took $(($(date +%s) - start)) s"
if [ "${MK_SANITIZERS:-1}" = 0 ]; then
  echo "run-tests: MK_SANITIZERS=0: the sanitizer stages were NOT run"
else
  sh packaging/run-sanitizers.sh
fi
