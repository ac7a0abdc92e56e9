"""Validate the Fay-Herriot EBLUP on simulated surveys where each commune's truth is known.

    python benchmarks/bench_sae.py [--reps 300] [--seed 7]

Population: 38 communes in 8 districts (the strata). Commune satisfaction is
p_c = expit(1.9 + 1.2 x_c + u_c), u_c ~ N(0, 0.35^2), with x_c a commune covariate known for
every commune (think: share of urban households from the census). Each replication draws a
stratified sample of 1,600 respondents, 200 per district, spread unevenly over the district's
communes (so commune sample sizes run from a handful to ~100), with weights N_h / n_h, and
y ~ Bernoulli(p_c).

Per replication: direct commune estimates (`Design.mean`, Korn-Graubard and Wald intervals) and
`small_area` with x_c as covariate (psi smoothed by the GVF of METHODS §4.5). Printed: MSE of
direct and EBLUP against the truth, by commune sample size, and the coverage of the direct
intervals and of EBLUP -/+ 1.96 sqrt(MSE).
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import Design, small_area  # noqa: E402

COMMUNES, DISTRICTS, PER_DISTRICT = 38, 8, 200
Z = 1.959963984540054


def population(rng):
    district = np.arange(COMMUNES) % DISTRICTS + 1
    x = rng.uniform(0, 1, COMMUNES)
    truth = special.expit(1.9 + 1.2 * x + rng.normal(0, 0.35, COMMUNES))
    size = rng.integers(2_000, 20_000, COMMUNES)
    # Uneven allocation inside a district: a few communes get most of the interviews.
    share = rng.gamma(0.6, 1, COMMUNES)
    return pd.DataFrame({"commune": np.arange(1, COMMUNES + 1), "district": district, "x": x,
                         "truth": truth, "size": size, "share": share})


def draw(pop, rng) -> pd.DataFrame:
    rows = []
    for h, group in pop.groupby("district"):
        counts = rng.multinomial(PER_DISTRICT, group["share"] / group["share"].sum())
        weight = group["size"].sum() / PER_DISTRICT
        for (_, commune), k in zip(group.iterrows(), counts, strict=True):
            y = (rng.random(k) < commune["truth"]).astype(int)
            rows.append(pd.DataFrame({"district": h, "commune": int(commune["commune"]),
                                      "sat": y, "w": weight}))
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    pop = population(rng)
    covariates = pop.set_index("commune")[["x"]]
    truth = pop.set_index("commune")["truth"]
    records = []
    start = time.perf_counter()
    for rep in range(args.reps):
        sample = draw(pop, rng)
        design = Design(sample, weights="w", strata="district")
        kg = design.mean("sat", by="commune", ci="beta").set_index("commune")
        wald = design.mean("sat", by="commune", ci="wald").set_index("commune")
        sae = small_area(design, "sat", "commune", covariates).set_index("commune")
        t = truth.loc[sae.index]
        records.append(pd.DataFrame({
            "rep": rep, "commune": sae.index, "n": sae["n"], "truth": t,
            "err_direct": sae["direct"] - t, "err_eblup": sae["eblup"] - t,
            "cover_kg": (kg["ci_low"] <= t) & (t <= kg["ci_high"]),
            "cover_wald": (wald["ci_low"] <= t) & (t <= wald["ci_high"]),
            "cover_eblup": (sae["eblup"] - t).abs() <= Z * np.sqrt(sae["mse"]),
            "mse_est": sae["mse"], "shrinkage": sae["shrinkage"]}))
    elapsed = time.perf_counter() - start
    res = pd.concat(records, ignore_index=True).dropna(subset=["err_direct"])
    res["size"] = pd.cut(res["n"], [0, 19, 49, 10**6], labels=["n<20", "20-49", "n>=50"])
    print(f"{args.reps} replications, {COMMUNES} communes, {DISTRICTS} strata, "
          f"{DISTRICTS * PER_DISTRICT} respondents each; {elapsed:.1f} s")
    header = (f"{'communes':>9} {'cells':>6} {'MSE direct':>11} {'MSE EBLUP':>10} {'ratio':>6} "
              f"{'cov KG':>7} {'cov Wald':>8} {'cov EBLUP':>9} {'mse est/true':>12} "
              f"{'shrink':>6}")
    print(header)
    for label, part in [("all", res)] + list(res.groupby("size", observed=True)):
        mse_d, mse_e = (part["err_direct"] ** 2).mean(), (part["err_eblup"] ** 2).mean()
        print(f"{label:>9} {len(part):>6} {mse_d:>11.5f} {mse_e:>10.5f} {mse_e / mse_d:>6.2f} "
              f"{part['cover_kg'].mean():>7.3f} {part['cover_wald'].mean():>8.3f} "
              f"{part['cover_eblup'].mean():>9.3f} {part['mse_est'].mean() / mse_e:>12.2f} "
              f"{part['shrinkage'].mean():>6.2f}")


if __name__ == "__main__":
    main()
