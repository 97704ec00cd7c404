#!/usr/bin/env bash
# ThreadSanitizer run of the multithreaded tests: builds the library and the C suite with gcc
# -fsanitize=thread into build-tsan and runs every test that starts threads (tests/test_threads.c:
# 8 threads on separate handles; tests/test_risk.c: one model shared read-only by 4 threads).
# (gcc, not clang: gcc links the shared libtsan into libncm.so too, so its -Wl,--no-undefined link
# still works.) Fails on any data race report. Usage: scripts/tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${NCM_JOBS:-2}
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc \
      -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer -g -O1" \
      -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
      -DNCM_BUILD_PYTHON=OFF -DNCM_BUILD_DOCS=OFF -DNCM_BUILD_BENCH=OFF -DNCM_BUILD_EXAMPLES=OFF >/dev/null
# The tests that start threads: every tests/test_*.c that includes pthread.h.
tests=$(grep -l '#include <pthread.h>' tests/test_*.c | xargs -n1 basename | sed 's/\.c$//' | sort | paste -sd'|')
[ -n "$tests" ] || { echo "tsan: no multithreaded tests found"; exit 1; }
# shellcheck disable=SC2086
cmake --build build-tsan -j "$jobs" --target ncm_cli $(echo "$tests" | tr "|" " ") >/dev/null
echo "== thread sanitizer: $tests"
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" \
  ctest --test-dir build-tsan --output-on-failure -R "^($tests)\$"
