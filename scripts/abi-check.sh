#!/usr/bin/env bash
# ABI check: compares build/libncm.so with the stored baseline abi/libncm.abi (libabigail's abidw
# output for the last release) and fails on an incompatible change unless the interface counter
# NCM_ABI_VERSION (the SOVERSION) has been bumped since the baseline. Added symbols are fine.
# Usage: scripts/abi-check.sh [BUILD_DIR]        scripts/abi-check.sh --update [BUILD_DIR]  (at a release)
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
build=${1:-build}
lib=$(ls "$build"/libncm.so.*.*.* 2>/dev/null | head -1)
[ -n "$lib" ] || { echo "abi-check: no $build/libncm.so.X.Y.Z (build first)"; exit 1; }
command -v abidiff >/dev/null || { echo "abi-check: abidiff missing (apt-get install abigail-tools)"; exit 1; }
if [ "$update" = 1 ]; then
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
# abidiff exit status bits: 1 error, 2 usage, 4 ABI change, 8 incompatible change
if (( rc & 3 )); then cat "$build/abidiff.txt"; echo "abi-check: abidiff failed ($rc)"; exit 1; fi
if (( rc & 8 )); then
  if [ "$base_soname" = "$cur_soname" ]; then
    cat "$build/abidiff.txt"
    echo "abi-check: incompatible ABI change while SONAME is still $cur_soname: bump NCM_ABI_VERSION"
    exit 1
  fi
  echo "abi-check: incompatible change, SONAME bumped $base_soname -> $cur_soname: accepted"
elif (( rc & 4 )); then
  echo "abi-check: compatible ABI changes (additions):"; grep -E "^(Functions|Variables) changes summary" "$build/abidiff.txt" || true
else
  echo "abi-check: ABI identical to baseline ($cur_soname)"
fi
