#!/bin/sh
# Keeps docs/ncm.1 in step with the ncm program (ctest: man_page).
#   usage: check_man.sh NCM_PROGRAM MAN_PAGE
# (a) every subcommand listed by `ncm --help` has a section `.SS <command>` in the man page, every
#     option printed by `ncm <command> --help` appears (as \-\-option) inside that section, and the
#     page has no section for a command that no longer exists; EXIT STATUS lists 0, 1 and 2, and the
#     .TH line carries the version `ncm version` prints;
# (b) the page renders without warnings with groff (or man -l when groff is missing); skipped with a
#     message when neither is installed.
# Exit status 0 when all is well, 1 with one line per problem otherwise.
set -u
ncm=$1
page=$2
fail=0
problem() { echo "check_man: $*" >&2; fail=1; }

[ -x "$ncm" ] || { echo "check_man: $ncm is not an executable" >&2; exit 1; }
[ -r "$page" ] || { echo "check_man: cannot read $page" >&2; exit 1; }

# roff source -> plain text for searching: "\-" is "-", "\:" (break point) and "\&" are nothing.
plain=$(sed -e 's/\\-/-/g' -e 's/\\://g' -e 's/\\&//g' "$page")

# The body of section `.SS NAME` (up to the next .SS or .SH).
section() {
    printf '%s\n' "$plain" | awk -v name="$1" '
        /^\.S[SH] / { on = ($1 == ".SS" && $2 == name); next }
        on { print }'
}

commands=$("$ncm" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$commands" ] || problem "'$ncm --help' lists no commands"
ncommands=0
for cmd in $commands; do
    ncommands=$((ncommands + 1))
    body=$(section "$cmd")
    if [ -z "$body" ]; then
        problem "command '$cmd' (from ncm --help) has no '.SS $cmd' section in $page"
        continue
    fi
    help=$("$ncm" "$cmd" --help) || { problem "'ncm $cmd --help' failed"; continue; }
    opts=$(printf '%s\n' "$help" | awk '/^  --/ { sub(/^  --/, ""); print $1 }')
    for opt in $opts; do
        if [ "$opt" = help ]; then
            # --help is common to every command: documented once under OPTIONS.
            printf '%s\n' "$plain" | grep -q -e '--help' || problem "--help is not documented"
            continue
        fi
        # An option needs its own item: the tag line after a .TP in the command's section.
        printf '%s\n' "$body" | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
            grep -q -e "^\.B[IR]* --$opt\([^a-z-]\|\$\)" ||
            problem "option --$opt of 'ncm $cmd' has no .TP item in the '.SS $cmd' section of $page"
    done
done

# Sections under COMMANDS must be real commands.
documented=$(printf '%s\n' "$plain" | awk '/^\.SH / { on = ($2 == "COMMANDS"); next } on && /^\.SS / { print $2 }')
for d in $documented; do
    printf '%s\n' "$commands" | grep -qx -e "$d" || problem "'.SS $d' documents a command that 'ncm --help' does not list"
done

# The exit codes the program prints in its help are the ones the page documents.
for code in 0 1 2; do
    printf '%s\n' "$plain" | awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH / { on = 0 } on' |
        grep -qx -e "\.B $code" || problem "exit status $code is not under EXIT STATUS"
done

# The version in the .TH line is the program's.
version=$("$ncm" version | awk '{ print $2 }')
grep -q -e "^\.TH NCM 1 .* \"ncm $version\"" "$page" || problem "the .TH line does not say \"ncm $version\" ('ncm version')"

# (b) render. Warnings (unknown macros, bad escapes, lines that cannot be broken) fail the test.
render_out=$(mktemp) || exit 1
render_err=$(mktemp) || exit 1
trap 'rm -f "$render_out" "$render_err"' EXIT
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -P-cbu "$page" >"$render_out" 2>"$render_err"
    rc=$?
    renderer="groff -man -Tutf8 -ww -P-cbu"
elif command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings -l "$page" >"$render_out" 2>"$render_err"
    rc=$?
    renderer="man --warnings -l"
else
    renderer=""
    echo "check_man: neither groff nor man is installed: rendering not checked"
fi
if [ -n "$renderer" ]; then
    [ $rc -eq 0 ] || problem "$renderer exited with $rc"
    if [ -s "$render_err" ]; then
        problem "$renderer warned:"
        cat "$render_err" >&2
    fi
    for cmd in $commands; do
        grep -q -e "^ *ncm $cmd" "$render_out" || problem "the rendered page shows no synopsis line 'ncm $cmd'"
    done
    [ $fail -eq 0 ] && echo "check_man: rendered with $renderer: $(wc -l <"$render_out") lines"
fi

[ $fail -eq 0 ] && echo "check_man: $ncommands commands and all their options are documented in $page"
exit $fail
