"""The Python capitation examples replay the expected output written in their docstrings (like the C
examples' "Expected output:" comments), and the real-data example says clearly when its data is absent."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples", "python")
NHS = os.path.join(ROOT, "..", "shared", "data", "nhs", "payments_to_general_practice_2022_23.csv")


def expected_block(path):
    """The indented lines after 'Expected output' in the module docstring, unindented."""
    text = open(path, encoding="utf-8").read()
    doc = text.split('"""')[1]
    lines = doc.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("Expected output"))
    # the block may start on the line after a two-line heading ending with ':'
    while not lines[start].rstrip().endswith(":"):
        start += 1
    block = []
    for l in lines[start + 1:]:
        if not l.startswith("    "):
            break
        block.append(l[4:])
    return block


def run(script, *args):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_erewash_replays_its_expected_output():
    r = run("erewash.py")
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip("\n").split("\n") == expected_block(os.path.join(EXAMPLES, "erewash.py"))


def test_gp_global_sum_without_data_says_so(tmp_path):
    r = run("gp_global_sum.py", str(tmp_path / "plot.png"), "--data", str(tmp_path / "absent.csv"))
    assert r.returncode == 0, r.stderr
    assert "data is not present" in r.stdout and "absent.csv" in r.stdout
    assert not (tmp_path / "plot.png").exists()


@pytest.mark.skipif(not os.path.exists(NHS), reason="shared NHS payments data not present (../shared/data/nhs)")
def test_gp_global_sum_replays_its_expected_output(tmp_path):
    plot = tmp_path / "plot.png"
    r = run("gp_global_sum.py", str(plot), "--data", NHS)
    assert r.returncode == 0, r.stderr
    want = expected_block(os.path.join(EXAMPLES, "gp_global_sum.py"))
    got = r.stdout.rstrip("\n").split("\n")
    assert got[:-1] == want[:-1]
    assert got[-1] == "plot written to %s" % plot and plot.stat().st_size > 10000
