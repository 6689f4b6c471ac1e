#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan) and runs each for a while,
# seeded from the fixtures. A crash input is copied into tests/data/fuzz-regressions/<target>/,
# which the unit tests replay; the script then fails.
#   scripts/fuzz.sh [seconds per target]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cxx=${CLANGXX:-clang++}
out=build-fuzz
mkdir -p "$out"

status=0
for target in project repository journal pickle handlers; do
    libs=()
    if [ "$target" = handlers ]; then libs=(-lyaml-cpp); fi  # the yaml handler parses with yaml-cpp
    "$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -Iinclude "fuzz/fuzz_${target}.cpp" -o "$out/fuzz_${target}" "${libs[@]}"
    corpus="$out/corpus-${target}"
    mkdir -p "$corpus"
    find tests/data/fixtures -name "${target}.json" -exec cp {} "$corpus/" \; 2>/dev/null || true
    find tests/data/fixtures -name "*.json" -size -64k | head -50 | while read -r f; do
        cp "$f" "$corpus/$(echo "$f" | tr '/' '_')"
    done
    if [ "$target" = pickle ]; then cp tests/data/pickle/*.pkl "$corpus/"; fi
    if [ "$target" = handlers ]; then cp tests/data/handler-seeds/* "$corpus/"; fi
    cp tests/data/fuzz-regressions/"$target"/* "$corpus/" 2>/dev/null || true
    echo "fuzz: $target for ${seconds}s"
    if ! "$out/fuzz_${target}" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$out/${target}-" "$corpus" > "$out/${target}.log" 2>&1; then
        tail -40 "$out/${target}.log"
        for crash in "$out/${target}-"*; do
            [ -f "$crash" ] && cp "$crash" "tests/data/fuzz-regressions/$target/"
        done
        status=1
    else
        grep -E "^#[0-9]+.*(DONE|pulse)" "$out/${target}.log" | tail -1 || true
    fi
done
exit $status
