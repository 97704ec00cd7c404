#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing, builds everything, runs the
# sanitizer (address + undefined, leaks on) build of the C suite, the thread-sanitizer run of the
# multithreaded tests, the Python suite under ASan, every libFuzzer harness for NCM_FUZZ_SECONDS
# (default 20 s each), the ABI check against abi/libncm.abi, the coverage figures of lib/, then the
# full suite (C, CLI, Python, examples, install + pkg-config, docs). Ends with ctest's summary line.
# Set NCM_QUICK=1 to skip the hardening steps (tsan, Python ASan, fuzzing, ABI, coverage).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
export NCM_JOBS=${NCM_JOBS:-$jobs}
py=/usr/bin/python3

echo "== sanitizer build (address, undefined): C suite"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNCM_SANITIZE=ON -DNCM_BUILD_PYTHON=OFF \
      -DNCM_BUILD_DOCS=OFF -DNCM_BUILD_BENCH=OFF -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build build-asan -j "$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -E '^(docs|install_.*)$'

if [ "${NCM_QUICK:-0}" != 1 ]; then
  echo "== thread sanitizer"
  bash scripts/tsan.sh
  echo "== Python suite under ASan"
  bash scripts/pyasan.sh
  echo "== fuzzing (${NCM_FUZZ_SECONDS:-20} s per harness)"
  bash scripts/fuzz.sh "${NCM_FUZZ_SECONDS:-20}"
  echo "== ABI check"
  bash scripts/abi-check.sh
  echo "== coverage of lib/"
  bash scripts/coverage.sh
fi

echo "== main build: everything"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=$py >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
