"""`python -m analysis` prints the same table as the Python API, as CSV."""
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def csv_file(synth, tmp_path):
    path = tmp_path / "survey.csv"
    synth.to_csv(path, index=False)
    return path


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_mean_by_two_columns(csv_file, designs, capsys):
    code, out, _ = _run(capsys, "mean", csv_file, "--var", "sat", "--weights", "w",
                        "--strata", "stratum", "--fpc", "N", "--by", "sex,agegrp",
                        "--ci", "logit", "--level", "0.9")
    assert code == 0
    printed = pd.read_csv(io.StringIO(out), keep_default_na=False)
    expected = designs["d1"].mean("sat", by=["sex", "agegrp"], ci="logit", level=0.9)
    pd.testing.assert_frame_equal(printed, expected, check_dtype=False, rtol=1e-15)


def test_total_and_ratio(csv_file, designs, capsys):
    code, out, _ = _run(capsys, "total", csv_file, "--var", "sat", "--weights", "wc",
                        "--strata", "stratum", "--psu", "psu")
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["estimate"][0] == pytest.approx(
        designs["d2n"].total("sat")["estimate"][0], rel=1e-15)
    code, out, _ = _run(capsys, "ratio", csv_file, "--num", "sat", "--den", "ge3",
                        "--weights", "w", "--strata", "stratum", "--fpc", "N")
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["se"][0] == pytest.approx(0.00321755746545643,
                                                                    rel=1e-8)


def test_errors_are_reported_with_their_code(csv_file, capsys):
    code, out, err = _run(capsys, "mean", csv_file, "--var", "nope", "--weights", "w")
    assert code == 2
    assert out == ""
    assert err.startswith("error: column.unknown")


def test_runs_as_a_module(csv_file):
    run = subprocess.run([sys.executable, "-m", "analysis", "mean", str(csv_file), "--var",
                          "idx", "--weights", "w", "--strata", "stratum", "--fpc", "N"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    table = pd.read_csv(io.StringIO(run.stdout))
    assert table["estimate"][0] == pytest.approx(84.2148593423287, rel=1e-12)
