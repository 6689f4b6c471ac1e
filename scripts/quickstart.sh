#!/usr/bin/env bash
# Installs what is missing, then builds and runs the quickstart example.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug
cmake --build build -j2 --target quickstart
(cd build/examples && ./quickstart)
