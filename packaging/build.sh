#!/bin/sh
# Configures and builds mintkiosk into build/ with Ninja (Release with debug info).
# Extra arguments go to CMake's configure step, e.g. -DMK_SANITIZE=ON.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR="${MK_BUILD_DIR:-build}"
WERROR=OFF
if [ "${CI:-}" = "true" ]; then WERROR=ON; fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DMK_WERROR="$WERROR" "$@"
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
