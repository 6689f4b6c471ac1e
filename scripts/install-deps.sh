#!/usr/bin/env bash
# Installs, from Debian's packages, whatever lazyscribe-cpp needs and this machine lacks.
# Idempotent and non-interactive; runs as root, or through sudo otherwise.
set -euo pipefail

packages=(cmake g++ make libboost-dev nlohmann-json3-dev libcereal-dev catch2 libbenchmark-dev libcli11-dev libtomlplusplus-dev libcurl4-openssl-dev libssl-dev chromium clang libclang-rt-14-dev
          # `lazyscribe serve` (cpp-httplib) and its browser tests (Node drives Chromium)
          pkg-config libcpp-httplib-dev nodejs
          # Python lazyscribe's own dependencies, for the interop tests (tests/python_oracle.hpp)
          python3-fsspec python3-slugify python3-attr python3-text-unidecode python3-unidecode python3-yaml
          # the optional handlers (yaml, Eigen) and the Python side of their tests (numpy, onnx)
          libyaml-cpp-dev libeigen3-dev python3-numpy python3-onnx)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: everything is installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo -n)
else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
