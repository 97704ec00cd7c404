"""Runs the recipes of docs/cookbook.md and compares what they print with the output shown (ctest: cookbook).

usage: check_cookbook.py COOKBOOK SOURCE_DIR CC LIB_DIR NCM_BIN_DIR PYTHON PYTHONPATH SHARED_DATA

A recipe is a fenced block tagged c, python or sh that is followed (after blank lines only) by an
untagged fenced block: the output. Tagged blocks without an output block are not run. Each recipe
runs in a scratch copy of the tree layout (tests/, examples/ and include/ linked from SOURCE_DIR, and
../shared/data linked to SHARED_DATA when that folder exists), so relative paths work as in the source tree and
files the recipe writes go to the scratch folder. C recipes are compiled with CC against libncm in
LIB_DIR; Python recipes run with PYTHON and PYTHONPATH (skipped when PYTHONPATH is "-", that is
when the bindings are not built); shell recipes run with NCM_BIN_DIR first on PATH. A recipe that
names ../shared/data is skipped with a message when SHARED_DATA is missing. The output matches when it
equals the recipe's standard output, or its standard output and error together, line for line with
trailing spaces ignored. Exit status 0 when every recipe that ran matched, 1 otherwise.
"""
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile

print = functools.partial(print, flush=True)  # keep our lines in order with the recipes' output


def blocks(text):
    """(tag, body, end_line) of each fenced block, and the text between consecutive blocks."""
    out = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        start = i
        i += 1
        body = []
        while i < len(lines) and lines[i].rstrip() != "```":
            body.append(lines[i])
            i += 1
        out.append((m.group(1), "\n".join(body) + "\n", start, i))
        i += 1
    return out, lines


def recipes(text):
    bs, lines = blocks(text)
    for k in range(len(bs) - 1):
        tag, body, start, end = bs[k]
        ntag, nbody, nstart, _ = bs[k + 1]
        if tag in ("c", "python", "sh") and ntag == "" and all(not l.strip() for l in lines[end + 1:nstart]):
            yield tag, body, nbody, start + 1


def norm(s):
    return [l.rstrip() for l in s.rstrip("\n").split("\n")]


def main():
    if len(sys.argv) != 9:
        print(__doc__.split("\n")[2], file=sys.stderr)
        return 2
    cookbook, src, cc, libdir, bindir, python, pythonpath, shared_data = sys.argv[1:]
    text = open(cookbook, encoding="utf-8").read()
    failed = ran = skipped = 0
    top = tempfile.mkdtemp(prefix="ncm_cookbook_")
    try:
        for n, (tag, code, expected, line) in enumerate(recipes(text), 1):
            where = "%s:%d (%s recipe)" % (cookbook, line, tag)
            if "../shared/data" in code and not os.path.isdir(shared_data):
                print("%s: skipped: it needs the shared data, and %s is missing" % (where, shared_data))
                skipped += 1
                continue
            if tag == "python" and pythonpath in ("", "-"):
                print("%s: skipped: the Python bindings are not built" % where)
                skipped += 1
                continue
            ran += 1
            work = os.path.join(top, "r%d" % n, "src")
            os.makedirs(work)
            for d in ("tests", "examples", "include"):
                os.symlink(os.path.join(os.path.abspath(src), d), os.path.join(work, d))
            if os.path.isdir(shared_data):
                os.mkdir(os.path.join(top, "r%d" % n, "shared"))
                os.symlink(os.path.abspath(shared_data), os.path.join(top, "r%d" % n, "shared", "data"))
            env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
                       PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
            if tag == "c":
                with open(os.path.join(work, "recipe.c"), "w") as f:
                    f.write(code)
                comp = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror", "-Iinclude",
                                       "-o", "recipe", "recipe.c", "-L" + libdir, "-lncm", "-Wl,-rpath," + libdir],
                                      cwd=work, capture_output=True, text=True)
                if comp.returncode != 0:
                    print("%s: does not compile:\n%s" % (where, comp.stderr))
                    failed += 1
                    continue
                cmd = ["./recipe"]
            elif tag == "python":
                env["PYTHONPATH"] = pythonpath
                cmd = [python, "-c", code]
            else:
                cmd = ["sh", "-c", code]
            run = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=300)
            merged = subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, timeout=300) if norm(run.stdout) != norm(expected) else None
            if merged is None or norm(merged.stdout) == norm(expected):
                continue
            failed += 1
            print("%s: output differs (exit status %d)\n--- shown in the cookbook\n%s--- printed\n%s--- stderr\n%s"
                  % (where, run.returncode, expected, run.stdout, run.stderr))
    finally:
        shutil.rmtree(top, ignore_errors=True)
    print("check_cookbook: %d recipes ran, %d matched their output, %d skipped" % (ran, ran - failed, skipped))
    if ran == 0:
        print("check_cookbook: no recipe found in %s" % cookbook)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
