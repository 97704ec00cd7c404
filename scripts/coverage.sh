#!/usr/bin/env bash
# Line and branch coverage of lib/ from the C test suite (gcc --coverage, gcovr).
# Prints the summary; fails if lines < ${NCM_MIN_LINES:-90}% or branches < ${NCM_MIN_BRANCHES:-80}%
# only when NCM_COVERAGE_ENFORCE=1 (the thresholds the hardening issue sets).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-cov -DCMAKE_BUILD_TYPE=Debug -DNCM_COVERAGE=ON -DCMAKE_C_COMPILER=gcc -DCMAKE_C_FLAGS=-fprofile-update=atomic \
      -DNCM_BUILD_PYTHON=OFF -DNCM_BUILD_DOCS=OFF -DNCM_BUILD_BENCH=OFF -DNCM_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-cov -j "${NCM_JOBS:-2}" >/dev/null
find build-cov -name '*.gcda' -delete
ctest --test-dir build-cov -j "${NCM_JOBS:-2}" -E '^(install_.*|docs)$' >/dev/null || ctest --test-dir build-cov --rerun-failed --output-on-failure
args=(--root . --filter 'lib/' --object-directory build-cov --exclude-unreachable-branches --exclude-throw-branches)
gcovr "${args[@]}" --print-summary -o build-cov/coverage.txt
tail -3 build-cov/coverage.txt || true
if [ "${NCM_COVERAGE_ENFORCE:-0}" = 1 ]; then
  gcovr "${args[@]}" --fail-under-line "${NCM_MIN_LINES:-90}" --fail-under-branch "${NCM_MIN_BRANCHES:-80}" >/dev/null
fi
