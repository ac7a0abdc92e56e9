"""Time the domain table on 1,000,000 rows, and R's svyby on the same data when R is installed.

    python benchmarks/bench_analysis.py [--rows 1000000] [--repeat 5] [--no-r]

Data (numpy, fixed seed): 8 strata, 200 sampled PSUs per stratum (1,600 PSUs) out of 2,000,
38 communes that cut across PSUs, sat ~ Bernoulli(0.80 ... 0.99) by commune. The design is
stratified cluster sampling with fpc, so every domain SE goes through PSU totals.

Timed: `Design(...)` and `design.mean("sat", by="commune", ci="beta")`, the whole table with
SE, Korn-Graubard CI, df, deff and flags for all 38 communes. Peak memory is the tracemalloc
peak of the table call and the process's maximum resident set size.

If `Rscript` runs and `library(survey)` loads, the same data go to a temporary CSV and R times
`svyby(~sat, ~commune, design, svymean)` (system.time around that call only) and, for a like-
for-like table, the same with `deff=TRUE, vartype=c("se","ci")`. The ratio R / Python is
printed, and R's estimates and SEs are compared with ours.
"""
import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import Design  # noqa: E402

R_SCRIPT = r"""
suppressMessages(library(survey))
df <- read.csv("{csv}")
d <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~NPSU, nest = TRUE, data = df)
t1 <- system.time(b <- svyby(~sat, ~commune, d, svymean))[["elapsed"]]
t2 <- system.time(svyby(~sat, ~commune, d, svymean, deff = TRUE,
                        vartype = c("se", "ci")))[["elapsed"]]
write.csv(data.frame(commune = b$commune, sat = b$sat, se = b$se), "{out}", row.names = FALSE)
cat(sprintf("R_TIMES %.6f %.6f\n", t1, t2))
cat(R.version.string, "survey", as.character(packageVersion("survey")), "\n")
"""


def build(rows: int, seed: int = 20240601) -> pd.DataFrame:
    """Synthetic stratified cluster sample: 8 strata x 200 PSUs, 38 communes."""
    rng = np.random.default_rng(seed)
    stratum = rng.integers(1, 9, rows)
    psu = rng.integers(1, 201, rows)
    commune = rng.integers(1, 39, rows)
    p = 0.80 + 0.19 * (commune - 1) / 37
    sat = (rng.random(rows) < p).astype(np.int64)
    per_stratum = np.bincount(stratum, minlength=9)
    population = 25_000 * stratum
    w = population / per_stratum[stratum]
    return pd.DataFrame({"stratum": stratum, "psu": psu, "commune": commune, "sat": sat,
                         "w": w, "NPSU": 2000})


def time_python(data: pd.DataFrame, repeat: int):
    build_times, table_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        design = Design(data, weights="w", strata="stratum", psu="psu", fpc="NPSU")
        built = time.perf_counter()
        table = design.mean("sat", by="commune", ci="beta")
        done = time.perf_counter()
        build_times.append(built - start)
        table_times.append(done - built)
    tracemalloc.start()
    design.mean("sat", by="commune", ci="beta")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return build_times, table_times, peak, table


def r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "suppressMessages(library(survey))"],
                           capture_output=True)
    return probe.returncode == 0


def time_r(data: pd.DataFrame):
    with tempfile.TemporaryDirectory() as tmp:
        csv, out = Path(tmp, "data.csv"), Path(tmp, "r_out.csv")
        data.to_csv(csv, index=False)
        script = Path(tmp, "bench.R")
        script.write_text(R_SCRIPT.format(csv=csv, out=out))
        run = subprocess.run(["Rscript", str(script)], capture_output=True, text=True,
                             check=True)
        times = next(line for line in run.stdout.splitlines() if line.startswith("R_TIMES"))
        version = run.stdout.strip().splitlines()[-1]
        return [float(v) for v in times.split()[1:]], pd.read_csv(out), version


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-r", action="store_true")
    args = parser.parse_args()
    data = build(args.rows)
    print(f"data: {len(data):,} rows, {data.stratum.nunique()} strata, "
          f"{data.groupby(['stratum', 'psu']).ngroups:,} PSUs, {data.commune.nunique()} communes")
    build_times, table_times, peak, table = time_python(data, args.repeat)
    best = min(table_times)
    print(f"python Design(...):          best {min(build_times):.3f} s, "
          f"median {statistics.median(build_times):.3f} s")
    print(f"python mean by commune:      best {best:.3f} s, "
          f"median {statistics.median(table_times):.3f} s  (SE, beta CI, df, deff, flags)")
    print(f"peak memory: table call {peak / 2**20:.1f} MiB (tracemalloc); process max RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"target <= 0.5 s: {'met' if best <= 0.5 else 'NOT met'}")
    if args.no_r or not r_available():
        print("R with the survey package not available: no R timing")
        return
    (plain, full), r_table, version = time_r(data)
    print(f"{version}")
    print(f"R svyby(~sat, ~commune, d, svymean):                     {plain:.2f} s  "
          f"ratio {plain / best:.0f}x")
    print(f"R svyby(..., deff=TRUE, vartype=c('se','ci')):            {full:.2f} s  "
          f"ratio {full / best:.0f}x")
    merged = table.merge(r_table, on="commune")
    rel_est = np.max(np.abs(merged.estimate / merged.sat - 1))
    rel_se = np.max(np.abs(merged.se_x / merged.se_y - 1))
    both = min(b + t for b, t in zip(build_times, table_times, strict=True))
    print(f"python Design(...) + table: {both:.3f} s, R svyby alone / that: {plain / both:.0f}x")
    print(f"agreement with R: max relative difference estimate {rel_est:.1e}, SE {rel_se:.1e}")
    print(f"target >= 30x faster than svyby: {'met' if plain / best >= 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
