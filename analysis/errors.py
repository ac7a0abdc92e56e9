"""The one exception type of `analysis`: a stable code plus the facts that explain it.

Callers (the web app, the command line, tests) branch on `code`, never on the message, which is
English prose for logs. `details` holds the offending names and values as plain data.
"""

CODES = {
    "column.unknown": "a named column is not in the data",
    "variable.non_numeric": "the analysed variable has non-numeric values",
    "weights.non_numeric": "the weights column is not numeric",
    "weights.nan": "some weights are missing",
    "weights.infinite": "some weights are infinite",
    "weights.negative": "some weights are negative",
    "weights.zero_sum": "the weights sum to zero",
    "strata.missing": "some rows have no stratum label",
    "psu.missing": "some rows have no PSU label",
    "psu.lonely": "a stratum has a single PSU and lonely_psu='fail'",
    "lonely_psu.unknown": "lonely_psu is not one of fail, remove, certainty, adjust, average",
    "fpc.non_numeric": "the fpc column is not numeric or has missing values",
    "fpc.not_constant": "the fpc differs between rows of one stratum",
    "fpc.too_small": "the fpc is smaller than the number of sampled units in a stratum",
    "ci.unknown": "the interval method is not one of beta, logit, wald, wilson, asin",
    "ci.unsupported": "the interval method does not apply to this statistic",
    "ci.level": "the confidence level is not strictly between 0 and 1",
    "poststratify.categories": "post-strata in the data and in the population do not match",
    "poststratify.missing": "the post-stratification variable has missing values",
    "poststratify.totals": "population counts must be finite and non-negative",
    "rake.margin_categories": "a raking margin does not match the data's categories",
    "rake.margin_missing": "a raking variable has missing values",
    "rake.margin_totals": "raking margins are negative or do not sum to the same total",
    "rake.not_converged": "raking did not reach epsilon within max_iter sweeps",
    "calibrate.margin_categories": "a calibration margin does not match the data's categories",
    "calibrate.margin_missing": "a calibration variable has missing values",
    "calibrate.margin_totals": "calibration margins are negative or do not sum to the same total",
    "calibrate.population": "no population size for the intercept of the calibration",
    "calibrate.singular": "the calibration variables are collinear in the sample",
    "calibrate.calfun": "the calibration distance is not one of linear, raking",
    "calibrate.bounds": "calibration bounds must be lower < upper (upper > 0 for raking)",
    "calibrate.not_converged": "calibration could not meet the margins within the bounds",
    "replicate.calibrated": "replicate weights are built from an uncalibrated design only",
    "replicate.lonely_psu": "the jackknife needs two or more PSUs in every sampled stratum",
    "replicate.count": "a bootstrap needs two or more replicates",
    "index.unknown": "an index or its component is not defined",
    "index.cycle": "indices are defined in terms of each other in a circle",
    "index.scale": "an item has answers outside its 1..K scale",
    "index.rule": "an index rule is not one of top2_share, mean_score, all_top2, pooled_top2, "
                  "own_mean_top2",
    "index.weights": "index weights do not match its components",
    "sae.input": "Fay-Herriot inputs have mismatched lengths or invalid variances",
}


class AnalysisError(ValueError):
    """Invalid input to an estimator: `code` is a key of CODES, `details` the offending values."""

    def __init__(self, code: str, message: str | None = None, **details):
        if code not in CODES:
            raise KeyError(f"unregistered error code {code!r}")
        self.code = code
        self.details = details
        text = message or CODES[code]
        if details:
            text += " (" + ", ".join(f"{k}={v!r}" for k, v in details.items()) + ")"
        super().__init__(f"{code}: {text}")
