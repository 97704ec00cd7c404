#!/usr/bin/env bash
# Installs the Debian packages ncm needs to build, test and document itself, when any is missing.
# Safe to run again: it does nothing when everything is present. Needs root (or sudo) to install.
set -euo pipefail
packages=(build-essential clang cmake swig libcmocka-dev doxygen pkg-config libjansson-dev
          python3-dev python3-numpy python3-pandas python3-pytest python3-matplotlib
          python3-dask python3-distributed valgrind
          abigail-tools gcovr libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
