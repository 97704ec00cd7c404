#!/usr/bin/env bash
# Install test (ctest: install_pkgconfig). Installs the build tree into a temporary prefix, then builds
# examples/c/population_summary.c against the installed copy twice -- with pkg-config and with a tiny
# CMake project using find_package(ncm) and ncm::ncm -- runs both and compares their output with the
# expected output written in the example's comment.
#   usage: install_test.sh BUILD_DIR SOURCE_DIR [CMAKE]
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
cmake=${3:-cmake}
work=$(mktemp -d "${TMPDIR:-/tmp}/ncm_install_test.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
example=$src/examples/c/population_summary.c

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log"
pc=$(find "$prefix" -name ncm.pc | head -n 1)
[ -n "$pc" ] || { echo "install_test: no ncm.pc under $prefix"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
[ -f "$prefix/include/ncm/ncm.h" ] && [ -f "$prefix/include/ncm/synth.h" ] || { echo "install_test: headers missing"; exit 1; }
ls "$libdir"/libncm.so* >/dev/null || { echo "install_test: libncm.so missing in $libdir"; exit 1; }

# Expected output: the indented lines of the example's header comment after "Expected output".
sed -n '/Expected output/,/\*\//p' "$example" | sed -n 's/^ \*     //p' >"$work/expected.txt"
[ -s "$work/expected.txt" ] || { echo "install_test: no expected output in $example"; exit 1; }

# 1. pkg-config
export PKG_CONFIG_PATH=$(dirname "$pc")
cflags=$(pkg-config --cflags ncm)
libs=$(pkg-config --libs ncm)
case "$cflags" in *"$prefix"*) ;; *) echo "install_test: pkg-config cflags '$cflags' do not point into $prefix"; exit 1;; esac
cc -std=c11 -Wall -Wextra -Werror -pedantic "$example" $cflags $libs -o "$work/summary_pc"
LD_LIBRARY_PATH=$libdir "$work/summary_pc" >"$work/out_pc.txt"
diff -u "$work/expected.txt" "$work/out_pc.txt"

# 2. CMake package
mkdir -p "$work/proj"
cat >"$work/proj/CMakeLists.txt" <<CML
cmake_minimum_required(VERSION 3.18)
project(ncm_install_check LANGUAGES C)
find_package(ncm 0.1 REQUIRED)
add_executable(population_summary "$example")
target_link_libraries(population_summary PRIVATE ncm::ncm)
CML
"$cmake" -S "$work/proj" -B "$work/proj/build" -DCMAKE_PREFIX_PATH="$prefix" >"$work/cmake.log"
"$cmake" --build "$work/proj/build" >"$work/build.log"
LD_LIBRARY_PATH=$libdir "$work/proj/build/population_summary" >"$work/out_cmake.txt"
diff -u "$work/expected.txt" "$work/out_cmake.txt"
echo "install_test: pkg-config and find_package(ncm) builds of population_summary match the expected output"
