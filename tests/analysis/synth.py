# ruff: noqa -- verbatim copy of the survey-stats reference generator (data, not project code).
# Deterministic synthetic survey (Park-Miller LCG, exact in float64 and R doubles)
import numpy as np, pandas as pd, sys
def gen(n=6000, seed=20240601):
    M = 2147483647.0; A = 16807.0
    x = float(seed)
    def nxt():
        nonlocal x
        x = (A * x) % M
        return x / M
    rows = []
    for i in range(n):
        u = [nxt() for _ in range(6)]
        h = int(np.ceil(8 * u[0])); d = int(np.ceil(30 * u[1]))
        p = 0.80 + 0.20 * (d - 1) / 29.0          # top-2-box prob; district 30 -> 1.0
        if   u[2] < 0.6 * p: s = 5
        elif u[2] < p:       s = 4
        elif u[2] < p + 0.5 * (1 - p): s = 3
        elif u[2] < p + 0.8 * (1 - p): s = 2
        else: s = 1
        psu = int(np.ceil(20 * u[3]))             # 20 sampled PSUs per stratum
        sex = 1 + int(u[4] < 0.48); age = int(np.ceil(3 * u[5]))
        rows.append((i + 1, h, d, s, psu, sex, age))
    df = pd.DataFrame(rows, columns=["id","stratum","district","score","psu","sex","agegrp"])
    nh = df.groupby("stratum")["id"].transform("size")
    df["N"] = 10000 * df["stratum"]               # population per stratum (elements)
    df["w"] = df["N"] / nh
    df["NPSU"] = 200                              # population PSUs per stratum
    df["wc"] = df["w"]                            # same weights reused for cluster design
    df["sat"] = (df["score"] >= 4).astype(int)    # top-2-box
    df["idx"] = 100 * (df["score"] - 1) / 4       # 0-100 rescaled score
    return df
if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    gen(n).to_csv(sys.argv[2] if len(sys.argv) > 2 else "synth.csv", index=False)
