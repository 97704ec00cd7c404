#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, address + undefined) and runs each for SECONDS (default 60),
# starting from the seed corpus in tests/fuzz/corpus/<name>/ (and tests/data fixtures where relevant).
# Fails on any crash, leak or sanitizer report. Usage: scripts/fuzz.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DNCM_BUILD_FUZZ=ON \
      -DNCM_BUILD_TESTS=OFF -DNCM_BUILD_PYTHON=OFF -DNCM_BUILD_DOCS=OFF -DNCM_BUILD_BENCH=OFF -DNCM_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" >/dev/null
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do harnesses+=("$(basename "$f" .c)"); done
fi
for h in "${harnesses[@]}"; do
  name=${h#fuzz_}
  work=build-fuzz/corpus/$name
  mkdir -p "$work"
  seeds=()
  [ -d "tests/fuzz/corpus/$name" ] && seeds+=("tests/fuzz/corpus/$name")
  echo "== fuzz $name for ${secs}s"
  ASAN_OPTIONS=detect_leaks=1 build-fuzz/tests/fuzz/"$h" -max_total_time="$secs" -max_len=65536 \
      -print_final_stats=1 "$work" "${seeds[@]}" 2>build-fuzz/"$h".log || { tail -40 build-fuzz/"$h".log; exit 1; }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build-fuzz/"$h".log | tr '\n' ' '; echo
done
