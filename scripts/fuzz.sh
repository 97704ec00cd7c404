#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, address + undefined, leak detection) and runs each for
# SECONDS (default 60), starting from the seed corpus in tests/fuzz/corpus/<name>/ (copied from
# tests/data and examples/contracts). Every harness runs even if an earlier one fails; a summary
# (harness, executions, result) is printed and written to build-fuzz/fuzz-summary.txt. Exits 1 on any
# crash, leak, sanitizer report or round-trip mismatch; the reproducer is left in build-fuzz/artifacts/.
# Usage: scripts/fuzz.sh [SECONDS] [HARNESS...]     (HARNESS = fuzz_contract or contract)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
jobs=${NCM_JOBS:-2}
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DNCM_BUILD_FUZZ=ON \
      -DNCM_BUILD_TESTS=OFF -DNCM_BUILD_PYTHON=OFF -DNCM_BUILD_DOCS=OFF -DNCM_BUILD_BENCH=OFF -DNCM_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" >/dev/null
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do harnesses+=("$(basename "$f" .c)"); done
fi
mkdir -p build-fuzz/artifacts
summary=build-fuzz/fuzz-summary.txt
printf '%-22s %12s %8s  %s\n' harness executions seconds result > "$summary"
failed=0
for h in "${harnesses[@]}"; do
  h=fuzz_${h#fuzz_}
  name=${h#fuzz_}
  work=build-fuzz/corpus/$name
  mkdir -p "$work"
  seeds=()
  [ -d "tests/fuzz/corpus/$name" ] && seeds+=("tests/fuzz/corpus/$name")
  echo "== fuzz $name for ${secs}s"
  start=$(date +%s)
  set +e
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    build-fuzz/tests/fuzz/"$h" -max_total_time="$secs" -max_len=65536 -timeout=25 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/"$name"- "$work" "${seeds[@]}" \
      >build-fuzz/"$h".log 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' build-fuzz/"$h".log | grep -o '[0-9]*$' || echo 0)
  result=ok
  if [ $rc -ne 0 ]; then
    result="FAILED (rc $rc; see build-fuzz/$h.log)"
    failed=1
    grep -E "ERROR:|runtime error|round trip|Test unit written|SUMMARY" build-fuzz/"$h".log | head -8 || true
  fi
  printf '%-22s %12s %8s  %s\n' "$name" "${execs:-0}" "$(( $(date +%s) - start ))" "$result" | tee -a "$summary"
done
echo "== fuzz summary"
cat "$summary"
exit $failed
