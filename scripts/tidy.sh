#!/usr/bin/env bash
# clang-tidy 14 on the library's headers, with the checks of .clang-tidy; fails on any finding.
#   scripts/tidy.sh [build dir]     (default build-tidy/)
# It configures a build folder only to get the compile commands and the generated header
# translation units of lazyscribe_header_check (tests/CMakeLists.txt): nothing is compiled.
# The umbrella's TU includes every public header and, through them, detail/; the TUs of the
# headers the umbrella leaves out are checked as well. HeaderFilterRegex keeps the findings to
# include/lazyscribe, so dependencies' headers are not checked.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-tidy}
mkdir -p "$build_dir"
tidy=${CLANG_TIDY:-clang-tidy-14}

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
      -DLAZYSCRIBE_BUILD_TESTS=ON -DLAZYSCRIBE_BUILD_BENCHMARKS=OFF -DLAZYSCRIBE_BUILD_TOOLS=OFF \
      -DLAZYSCRIBE_BUILD_EXAMPLES=OFF >"$build_dir/configure.log" 2>&1 ||
    { cat "$build_dir/configure.log"; exit 1; }
tus=$build_dir/tests/lazyscribe_header_check
# The umbrella, and every public header it does not include.
files=("$tus/lazyscribe_lazyscribe_hpp.cpp")
for header in include/lazyscribe/*.hpp include/lazyscribe/handlers/*.hpp; do
    name=${header#include/}
    if ! grep -q "#include <$name>" include/lazyscribe/lazyscribe.hpp && [ "$name" != lazyscribe/lazyscribe.hpp ]; then
        id=$(printf '%s' "$name" | tr -c 'A-Za-z0-9\n' '_')
        [ -f "$tus/$id.cpp" ] && files+=("$tus/$id.cpp")
    fi
done
echo "clang-tidy: ${#files[@]} translation units: ${files[*]##*/}"
status=0
# clang-tidy 14 crashes in bugprone-argument-comment on Eigen 3.4's headers (a segfault in its
# lexer), so that one check is off for the Eigen header's unit.
run_tidy() {
    case "$1" in
        *_eigen_hpp.cpp) "$tidy" -p "$build_dir" --quiet --checks=-bugprone-argument-comment "$1" ;;
        *) "$tidy" -p "$build_dir" --quiet "$1" ;;
    esac
}
export -f run_tidy
export tidy build_dir
printf '%s\n' "${files[@]}" |
    xargs -P 2 -I{} bash -c 'run_tidy "$1"' _ {} >"$build_dir/tidy.log" 2>&1 || status=$?
# The same finding comes once per TU that includes its header: print each once.
grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$build_dir/tidy.log" | sort -u || true
if [ "$status" -ne 0 ]; then
    echo "clang-tidy found problems (full output: $build_dir/tidy.log)" >&2
    exit 1
fi
echo "clang-tidy: no findings"
