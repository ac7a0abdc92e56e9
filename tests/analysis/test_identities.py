"""Identities any design-based estimator must satisfy, independent of R."""
import numpy as np
import pandas as pd
import pytest

from analysis import Design


@pytest.fixture
def small():
    rng = np.random.default_rng(7)
    n = 400
    return pd.DataFrame({
        "stratum": rng.integers(1, 4, n),
        "psu": rng.integers(1, 6, n),
        "dom": rng.choice(["a", "b", "c"], n),
        "y": rng.normal(50, 10, n),
        "x": rng.uniform(1, 3, n),
        "sat": rng.integers(0, 2, n),
        "k": rng.integers(1, 4, n),
        "N": 5000,
    })


def test_equal_weights_give_the_unweighted_mean(small):
    d = Design(small.assign(w=3.0), weights="w", strata="stratum", psu="psu")
    assert d.mean("y")["estimate"][0] == pytest.approx(small["y"].mean(), rel=1e-14)
    by = d.mean("y", by="dom").set_index("dom")["estimate"]
    pd.testing.assert_series_equal(by, small.groupby("dom")["y"].mean(), check_names=False,
                                   rtol=1e-14)


def test_simple_random_sample_has_the_textbook_se_and_deff_one(small):
    n, N = len(small), 5000
    d = Design(small.assign(w=N / n), weights="w", fpc="N")
    row = d.mean("y").iloc[0]
    textbook = np.sqrt((1 - n / N) * small["y"].var(ddof=1) / n)
    assert row["se"] == pytest.approx(textbook, rel=1e-12)
    assert row["deff"] == pytest.approx(1, rel=1e-12)
    assert row["df"] == n - 1


def test_integer_weights_equal_repeated_rows(small):
    weighted = Design(small, weights="k", strata="stratum")
    repeated = Design(small.loc[small.index.repeat(small["k"])].assign(one=1.0),
                      weights="one", strata="stratum")
    for method, args in (("mean", ("y",)), ("total", ("y",)), ("ratio", ("y", "x"))):
        a = getattr(weighted, method)(*args, by="dom", ci="wald")
        b = getattr(repeated, method)(*args, by="dom", ci="wald")
        np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-12)


def test_no_by_equals_a_single_domain(small):
    d = Design(small.assign(one="all"), weights="k", strata="stratum", psu="psu")
    whole = d.mean("sat")
    single = d.mean("sat", by="one").drop(columns="one")
    pd.testing.assert_frame_equal(whole, single)


def test_total_is_mean_times_weight_sum(small):
    d = Design(small, weights="k", strata="stratum", psu="psu")
    mean, total = d.mean("y", by="dom"), d.total("y", by="dom")
    sizes = small.groupby("dom")["k"].sum().to_numpy()
    np.testing.assert_allclose(total["estimate"], mean["estimate"] * sizes, rtol=1e-12)


def test_domain_variance_equals_zero_padded_full_sample_variance(small):
    """METHODS §4: a domain SE is the full-sample SE of z set to 0 outside the domain."""
    d = Design(small, weights="k", strata="stratum", psu="psu")
    row = d.mean("y", by="dom").set_index("dom").loc["b"]
    inside = small["dom"] == "b"
    w = small["k"].to_numpy(float)
    ybar = np.average(small["y"][inside], weights=w[inside])
    z = np.where(inside, w * (small["y"] - ybar) / w[inside].sum(), 0.0)
    var = 0.0
    for _, grp in pd.DataFrame({"z": z, "h": small["stratum"], "p": small["psu"]}).groupby("h"):
        totals = grp.groupby("p")["z"].sum()
        var += len(totals) / (len(totals) - 1) * ((totals - totals.mean()) ** 2).sum()
    assert row["se"] == pytest.approx(np.sqrt(var), rel=1e-12)


def test_weights_are_read_only_and_in_row_order(small):
    d = Design(small, weights="k")
    np.testing.assert_array_equal(d.weights, small["k"].to_numpy(float))
    with pytest.raises(ValueError):
        d.weights[0] = 5


def test_weights_default_to_population_over_sample_size_from_fpc(small):
    d = Design(small, strata="stratum", fpc="N")
    counts = small.groupby("stratum")["y"].transform("size")
    np.testing.assert_allclose(d.weights, 5000 / counts)
