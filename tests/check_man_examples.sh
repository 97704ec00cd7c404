#!/bin/sh
# Runs every command of the EXAMPLES section of docs/ncm.1 (ctest: man_page_examples).
#   usage: check_man_examples.sh NCM_BIN_DIR MAN_PAGE SOURCE_DIR SHARED_DATA
# Commands run from SOURCE_DIR with NCM_BIN_DIR first on PATH; the /tmp/ of the page is replaced by a
# scratch folder and ../shared/data by SHARED_DATA (commands that need it are skipped with a message
# when it is missing). Each command must exit with status 0. Exit status 0 when all do, 1 otherwise.
set -u
bindir=$1
page=$2
src=$3
shared=$4
scratch=$(mktemp -d) || exit 1
trap 'rm -rf "$scratch"' EXIT

# The .EX blocks of EXAMPLES, roff escapes undone, one command per line (continuations joined).
awk '/^\.SH EXAMPLES/ { e = 1; next } /^\.SH / { e = 0 }
     e && /^\.EX/ { x = 1; next } e && /^\.EE/ { x = 0; next } e && x' "$page" |
    sed -e 's/\\-/-/g' -e 's/\\e$/\\/' |
    awk '{ if (sub(/\\$/, "")) { line = line $0; next } print line $0; line = "" }' >"$scratch/commands"

PATH=$bindir:$PATH
export PATH
cd "$src" || exit 1
fail=0
n=0
while IFS= read -r cmd; do
    case $cmd in
    *../shared/data*)
        if [ ! -d "$shared" ]; then
            echo "check_man_examples: skipped (no $shared): $cmd"
            continue
        fi ;;
    esac
    n=$((n + 1))
    run=$(printf '%s\n' "$cmd" | sed -e "s#/tmp/#$scratch/#g" -e "s#\.\./shared/data#$shared#g")
    if ! MPLBACKEND=Agg MPLCONFIGDIR=$scratch/mpl sh -c "$run" >"$scratch/out" 2>&1 </dev/null; then
        echo "check_man_examples: failed: $cmd" >&2
        cat "$scratch/out" >&2
        fail=1
    fi
done <"$scratch/commands"
[ $n -gt 0 ] || { echo "check_man_examples: no example found in $page" >&2; exit 1; }
[ $fail -eq 0 ] && echo "check_man_examples: the $n example commands of $page ran"
exit $fail
