#!/usr/bin/env bash
# Installs what is missing, then configures, builds and runs the whole test suite.
#   scripts/test.sh              Debug build with g++ in build/
#   scripts/test.sh --release    Release build with g++ in build-release/, benchmarks included
#                                (compiled, not run: docs/performance.md says how to run them)
#   scripts/test.sh --clang      Debug build with clang++ in build-clang/
#   scripts/test.sh --sanitize   AddressSanitizer + UBSan build with clang++ in build-asan/: CI's
#                                clang stage too (clang's warnings come from its front end, the
#                                same with or without the sanitizers), which saves a whole build
#   scripts/test.sh --tsan       ThreadSanitizer build of the concurrency tests in build-tsan/
# The parts are named explicitly, so that a missing package fails the build instead of turning
# its part off (cmake/LazyscribeParts.cmake). The benchmarks are compiled in the Release build
# only, where they belong, so that CI compiles them once.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
ctest_filter=()
flags=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="${GXX:-g++}" -DLAZYSCRIBE_BUILD_BENCHMARKS=OFF)
case "${1:-}" in
    --release)
        build_dir=build-release
        flags=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${GXX:-g++}" -DLAZYSCRIBE_BUILD_BENCHMARKS=ON)
        # What does not depend on the optimiser runs in the Debug build only: the compile-fail
        # diagnostics (the same g++ front end), the CMake package and configure checks, the
        # snippet extractor's own tests.
        ctest_filter=(-E '^(compile_fail|configure|consumer|snippets)[.]')
        ;;
    --clang)
        build_dir=build-clang
        flags=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="${CLANGXX:-clang++}" -DLAZYSCRIBE_BUILD_BENCHMARKS=OFF)
        # clang's own diagnostics and a clang-built consumer are checked; the configure checks
        # and the extractor's tests do not depend on the compiler.
        ctest_filter=(-E '^(configure|snippets)[.]')
        ;;
    --sanitize)
        build_dir=build-asan
        flags=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="${CLANGXX:-clang++}" -DLAZYSCRIBE_BUILD_BENCHMARKS=OFF
               -DLAZYSCRIBE_SANITIZE=ON)
        # The sanitizers check what runs, and clang's compile-time diagnostics are checked here
        # (compile_fail). The compiled library is built instrumented, so an uninstrumented
        # consumer of the installed copy cannot link it; the package checks ran in the Debug build.
        ctest_filter=(-E '^(configure|consumer|snippets)[.]')
        ;;
    --tsan)
        scripts/install-deps.sh
        cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DLAZYSCRIBE_TSAN=ON
        cmake --build build-tsan -j2 --target lazyscribe_concurrency_tests
        TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/lazyscribe_concurrency_tests
        exit 0
        ;;
    "") ;;
    *)
        echo "usage: scripts/test.sh [--release|--clang|--sanitize|--tsan]" >&2
        exit 2
        ;;
esac
flags+=(-DLAZYSCRIBE_BUILD_TESTS=ON -DLAZYSCRIBE_BUILD_EXAMPLES=ON -DLAZYSCRIBE_BUILD_TOOLS=ON)

scripts/install-deps.sh
cmake -S . -B "$build_dir" "${flags[@]}"
cmake --build "$build_dir" -j2
ctest --test-dir "$build_dir" --output-on-failure -j2 "${ctest_filter[@]}"
