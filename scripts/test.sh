#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing, builds everything, runs the
# sanitizer (address + undefined) build of the C suite, then the full suite (C, CLI, Python,
# examples, install + pkg-config, docs). Ends with ctest's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
py=/usr/bin/python3

echo "== sanitizer build (address, undefined): C suite"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNCM_SANITIZE=ON -DNCM_BUILD_PYTHON=OFF \
      -DNCM_BUILD_DOCS=OFF -DNCM_BUILD_BENCH=OFF -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build build-asan -j "$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -E '^(docs|install_.*)$'

echo "== main build: everything"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=$py >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
