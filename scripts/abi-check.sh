#!/usr/bin/env bash
# ABI check: compares build/libncm.so with the stored baseline abi/libncm.abi (libabigail's abidw
# output for the last release) and fails on an incompatible change unless the interface counter
# NCM_ABI_VERSION (the SOVERSION) has been bumped since the baseline. Added symbols are fine.
# Usage: scripts/abi-check.sh [BUILD_DIR]        scripts/abi-check.sh --update [BUILD_DIR]  (at a release)
# Without BUILD_DIR it builds the library (Release, -g) into build-abi first.
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
build=${1:-}
if [ -z "$build" ]; then
  # A Release build of the library only, with debug info so that abidw records the types (without
  # DWARF, abidiff could only compare symbol names and would miss changed structs and signatures).
  build=build-abi
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS=-g -DNCM_BUILD_TESTS=OFF \
        -DNCM_BUILD_PYTHON=OFF -DNCM_BUILD_DOCS=OFF -DNCM_BUILD_BENCH=OFF -DNCM_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$build" -j "${NCM_JOBS:-2}" --target ncm >/dev/null
fi
lib=$(ls "$build"/libncm.so.*.*.* 2>/dev/null | head -1)
[ -n "$lib" ] || { echo "abi-check: no $build/libncm.so.X.Y.Z (build first)"; exit 1; }
command -v abidiff >/dev/null || { echo "abi-check: abidiff missing (apt-get install abigail-tools)"; exit 1; }
if [ "$update" = 1 ]; then
  mkdir -p abi
  abidw --no-corpus-path --headers-dir include/ncm --out-file abi/libncm.abi "$lib"
  echo "abi-check: baseline abi/libncm.abi written from $lib"
  exit 0
fi
[ -f abi/libncm.abi ] || { echo "abi-check: no baseline abi/libncm.abi"; exit 1; }
base_soname=$(grep -o 'soname=.[^"'"'"']*' abi/libncm.abi | head -1 | cut -c9-)
cur_soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
set +e
abidiff --headers-dir2 include/ncm abi/libncm.abi "$lib" > "$build/abidiff.txt"
rc=$?
set -e
# abidiff exit status bits: 1 error, 2 usage, 4 ABI change, 8 incompatible change. Bit 8 is only set
# for removed symbols: a changed struct layout or signature gives 4 alone (the old version of this
# script accepted those as "additions"), so the summaries decide: only added functions and variables
# are compatible; anything Removed or Changed (after abidiff's own harmless-change filters, e.g. new
# enumerators) is incompatible. That includes a member appended to a versioned options struct, which
# the version field makes safe: libabigail's has_data_member_inserted_* suppressions also hid member
# reorderings when tried (libabigail 2.2), so such a change needs the baseline regenerated (--update).
if (( rc & 3 )); then cat "$build/abidiff.txt"; echo "abi-check: abidiff failed ($rc)"; exit 1; fi
incompatible=0
if (( rc & 8 )); then incompatible=1; fi
if (( rc & 4 )) && awk '/changes summary/ { for (i = 2; i <= NF; i++)
       if (($i ~ /^Removed/ || $i ~ /^Changed/) && $(i-1) + 0 > 0) bad = 1 } END { exit !bad }' "$build/abidiff.txt"; then
  incompatible=1
fi
if [ "$incompatible" = 1 ]; then
  if [ "$base_soname" = "$cur_soname" ]; then
    cat "$build/abidiff.txt"
    echo "abi-check: incompatible ABI change while SONAME is still $cur_soname: bump NCM_ABI_VERSION"
    exit 1
  fi
  echo "abi-check: incompatible change, SONAME bumped $base_soname -> $cur_soname: accepted"
elif (( rc & 4 )); then
  echo "abi-check: compatible ABI changes (additions only):"; grep -E "changes summary" "$build/abidiff.txt" || true
else
  echo "abi-check: ABI identical to baseline ($cur_soname)"
fi
