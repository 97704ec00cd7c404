#!/usr/bin/env bash
# The Python suite under AddressSanitizer + UndefinedBehaviorSanitizer: builds libncm and the SWIG
# extension with clang -fsanitize=address,undefined into build-pyasan, then runs pytest with clang's
# ASan runtime preloaded into the (uninstrumented) interpreter. Leak detection is off: CPython keeps
# memory alive at exit by design and would drown real reports (the C suite covers leaks).
# Usage: scripts/pyasan.sh [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
py=/usr/bin/python3
jobs=${NCM_JOBS:-2}
rt=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
[ -f "$rt" ] || { echo "pyasan: $rt missing (apt-get install libclang-rt-14-dev)"; exit 1; }
cmake -S . -B build-pyasan -DCMAKE_BUILD_TYPE=Debug -DNCM_SANITIZE=ON -DCMAKE_C_COMPILER=clang \
      -DPython3_EXECUTABLE=$py -DNCM_BUILD_PYTHON=ON -DNCM_BUILD_TESTS=OFF -DNCM_BUILD_DOCS=OFF \
      -DNCM_BUILD_BENCH=OFF -DNCM_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-pyasan -j "$jobs" --target ncm_python >/dev/null
echo "== python suite under address + undefined sanitizers ($rt preloaded)"
LD_PRELOAD="$rt" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  PYTHONPATH="$PWD/build-pyasan/python" PYTHONDONTWRITEBYTECODE=1 NCM_TEST_DATA="$PWD/tests/data" \
  $py -m pytest -q -p no:cacheprovider bindings/python/tests "$@"
