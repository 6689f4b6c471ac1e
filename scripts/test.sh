#!/usr/bin/env bash
# Installs what is missing, then configures, builds and runs the whole test suite.
#   scripts/test.sh              Debug build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
flags=(-DCMAKE_BUILD_TYPE=Debug)
if [ "${1:-}" = "--sanitize" ]; then
    build_dir=build-asan
    flags+=(-DLAZYSCRIBE_SANITIZE=ON)
fi

scripts/install-deps.sh
cmake -S . -B "$build_dir" "${flags[@]}"
cmake --build "$build_dir" -j2
ctest --test-dir "$build_dir" --output-on-failure -j2
