#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing, builds everything, and runs an
# end-to-end run on the built-in synthetic population.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build -j "$jobs" >/dev/null
out=build/main-job
mkdir -p "$out"
build/tools/ncm synth --people 900000 --seed 2015 --out "$out"
build/tools/ncm summary --people "$out/people.csv" --diagnoses "$out/diagnoses.csv" --level place
