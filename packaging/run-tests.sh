#!/bin/sh
# Installs dependencies, builds everything with warnings as errors, and runs every test.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
MK_BUILD_DIR="${MK_BUILD_DIR:-build}"
export MK_BUILD_DIR
cmake -S . -B "$MK_BUILD_DIR" -G Ninja -DMK_WERROR=ON
cmake --build "$MK_BUILD_DIR" --parallel "$(nproc)"
ctest --test-dir "$MK_BUILD_DIR" --output-on-failure --parallel "$(nproc)" --timeout 600
