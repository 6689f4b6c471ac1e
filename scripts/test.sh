#!/usr/bin/env bash
# Installs what is missing, then configures, builds and runs the whole test suite.
#   scripts/test.sh              Debug build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/
#   scripts/test.sh --tsan       ThreadSanitizer build of the concurrency tests in build-tsan/
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
flags=(-DCMAKE_BUILD_TYPE=Debug)
case "${1:-}" in
    --sanitize)
        build_dir=build-asan
        flags+=(-DLAZYSCRIBE_SANITIZE=ON)
        ;;
    --tsan)
        scripts/install-deps.sh
        cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DLAZYSCRIBE_TSAN=ON
        cmake --build build-tsan -j2 --target lazyscribe_concurrency_tests
        TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/lazyscribe_concurrency_tests
        exit 0
        ;;
esac

scripts/install-deps.sh
cmake -S . -B "$build_dir" "${flags[@]}"
cmake --build "$build_dir" -j2
ctest --test-dir "$build_dir" --output-on-failure -j2
