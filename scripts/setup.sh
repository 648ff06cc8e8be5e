#!/usr/bin/env bash
# Installs every Debian package gdc's build, tests and examples need, then
# configures and builds. Idempotent; run as root (or with sudo) on Debian 12.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  cmake ninja-build git python3
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22 lld
  libclang-rt-22-dev
  antlr4 libantlr4-runtime-dev
  libgtest-dev zlib1g-dev libedit-dev pkgconf
  libdnnl-dev                   # oneDNN: GEMM and convolutions (runtime/Blas.cpp, Conv.cpp)
  librsvg2-bin                  # rsvg-convert: the tests render the SVG pictures
  dataset-fashion-mnist
  python3-torch python3-numpy   # the independent reference of the differential tests
)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S "$here" -B "$here/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DLLVM_USE_LINKER=lld
cmake --build "$here/build"
echo "setup: built $here/build/bin/gdc"
