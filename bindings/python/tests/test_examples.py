"""The Python examples (examples/python/*.py) print exactly the output documented in their docstring."""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SHARED = os.environ.get("NCM_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")


def expected(path):
    src = open(path).read()
    m = re.search(r'Expected output[^\n]*:\n(.*?)"""', src, re.S)
    return [line[4:] if line.startswith("    ") else line.strip() for line in m.group(1).splitlines()]


@pytest.mark.parametrize("name", ["bedfordshire_msk", "unitingcare_contract", "alliance", "mssp_2022"])
def test_example_prints_its_expected_output(name, tmp_path):
    if name == "mssp_2022" and not os.path.exists(os.path.join(SHARED, "mssp", "py2022_aco_puf.csv")):
        pytest.skip("CMS MSSP public use files not found in %s/mssp (set NCM_SHARED_DATA)" % SHARED)
    path = os.path.join(ROOT, "examples", "python", name + ".py")
    env = dict(os.environ, MPLBACKEND="Agg", MPLCONFIGDIR=str(tmp_path), TMPDIR=str(tmp_path))
    run = subprocess.run([sys.executable, path], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert [l.rstrip() for l in run.stdout.splitlines()] == expected(path)
    if name == "mssp_2022":
        assert os.path.getsize(tmp_path / "mssp_2022.png") > 10000


def test_stop_loss_example_prints_its_expected_output(tmp_path):
    """examples/python/stop_loss_complex_care.py (figures worked by hand in examples/c/stop_loss_complex_care.c)."""
    path = os.path.join(ROOT, "examples", "python", "stop_loss_complex_care.py")
    env = dict(os.environ, TMPDIR=str(tmp_path))
    run = subprocess.run([sys.executable, path], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert [l.rstrip() for l in run.stdout.splitlines()] == expected(path)
