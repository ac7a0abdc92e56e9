## Reference values for bounded calibration (R's calibrate(..., calfun = "raking", bounds = ...)).
## Run from this folder with R 4.2 / survey 4.1.1: Rscript golden_bounds.R  -> golden_bounds.csv
suppressMessages(library(survey))
source("synth.R")
df <- gen()
out <- list()
put <- function(name, value) { out[[length(out) + 1]] <<- data.frame(key = name, value = as.numeric(value)) }
d1n <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = df)
d2n <- svydesign(ids = ~psu, strata = ~stratum, weights = ~wc, nest = TRUE, data = df)
## population totals in model.matrix order: intercept, sex 2, agegrp 2, agegrp 3 (stratum 2..8)
pop <- c(360000, 187200, 144000, 108000)
strata <- 10000 * (2:8)
report <- function(prefix, d) {
  w <- weights(d)
  put(paste0(prefix, ".w.id1"), w[1]); put(paste0(prefix, ".w.id2"), w[2]); put(paste0(prefix, ".w.id3"), w[3])
  put(paste0(prefix, ".w.sum"), sum(w)); put(paste0(prefix, ".w.min"), min(w)); put(paste0(prefix, ".w.max"), max(w))
  m <- svymean(~sat, d); put(paste0(prefix, ".mean.sat"), coef(m)); put(paste0(prefix, ".se.sat"), SE(m))
  b <- svyby(~idx, ~district, d, svymean)
  for (k in c(1, 15, 30)) {
    put(sprintf("%s.by.d%02d.est", prefix, b$district[k]), b$idx[k])
    put(sprintf("%s.by.d%02d.se", prefix, b$district[k]), b$se[k])
  }
}
## raking calibration without bounds (equals rake() at convergence)
report("RAKE", calibrate(d1n, ~factor(sex) + factor(agegrp), population = pop, calfun = "raking"))
## bounded raking on g = w*/w
report("BRK", calibrate(d1n, ~factor(sex) + factor(agegrp), population = pop, calfun = "raking",
                        bounds = c(0.7, 1.25)))
report("BRKL", calibrate(d1n, ~factor(sex) + factor(agegrp), population = pop, calfun = "raking",
                         bounds = c(0.84, 1.5)))
## bounded raking with the strata populations as a margin
report("BRKS", calibrate(d1n, ~factor(stratum) + factor(sex) + factor(agegrp),
                         population = c(360000, strata, 187200, 144000, 108000), calfun = "raking",
                         bounds = c(0.7, 1.25)))
## bounds on the weights themselves (bounds.const = TRUE), cluster design
report("BRKC", calibrate(d2n, ~factor(sex) + factor(agegrp), population = pop, calfun = "raking",
                         bounds = c(12, 125), bounds.const = TRUE))
## linear calibration with bounds
report("BLIN", calibrate(d1n, ~factor(sex) + factor(agegrp), population = pop, calfun = "linear",
                         bounds = c(0.7, 1.25)))

res <- do.call(rbind, out)
write.csv(res, "golden_bounds.csv", row.names = FALSE)
cat(R.version.string, "survey", as.character(packageVersion("survey")), nrow(res), "values\n")
