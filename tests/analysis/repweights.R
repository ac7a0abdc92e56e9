## Reference values for analysis/repweights.py: R's own replicate weights (as.svrepdesign), raked
## replicate designs and their SEs. Run from this folder with R 4.2 / survey 4.1.1:
## Rscript repweights.R  -> repweights_r.csv
suppressMessages(library(survey))
source("synth.R")
df <- gen()
out <- list()
put <- function(name, value) { out[[length(out) + 1]] <<- data.frame(key = name, value = as.numeric(value)) }
per_replicate <- function(prefix, rep) {
  w <- weights(rep, "analysis")
  for (r in seq_len(ncol(w))) {
    put(sprintf("%s.r%03d.sumw", prefix, r), sum(w[, r]))
    put(sprintf("%s.r%03d.sumy", prefix, r), sum(w[, r] * df$sat))
  }
  put(paste0(prefix, ".count"), ncol(w))
  put(paste0(prefix, ".scale"), rep$scale)
  put(paste0(prefix, ".rscales.sum"), sum(rep$rscales))
  m <- svymean(~sat, rep); put(paste0(prefix, ".se.sat"), SE(m))
  m <- svymean(~idx, rep); put(paste0(prefix, ".se.idx"), SE(m))
  b <- svyby(~idx, ~district, rep, svymean)
  for (k in seq_len(nrow(b))) put(sprintf("%s.d%02d.se.idx", prefix, b$district[k]), b$se[k])
}
pop.sex <- data.frame(sex = 1:2, Freq = c(172800, 187200))
pop.age <- data.frame(agegrp = 1:3, Freq = c(108000, 144000, 108000))
tight <- list(maxit = 100, epsilon = 1e-12)

d2n <- svydesign(ids = ~psu, strata = ~stratum, weights = ~wc, nest = TRUE, data = df)
d2 <- svydesign(ids = ~psu, strata = ~stratum, weights = ~wc, fpc = ~NPSU, nest = TRUE, data = df)
per_replicate("JKn", as.svrepdesign(d2n, type = "JKn"))
per_replicate("JKnfpc", as.svrepdesign(d2, type = "JKn"))
per_replicate("JKnraked", rake(as.svrepdesign(d2n, type = "JKn"), list(~sex, ~agegrp),
                               list(pop.sex, pop.age), control = tight))
per_replicate("JKnps", postStratify(as.svrepdesign(d2n, type = "JKn"), ~agegrp, pop.age))

options(survey.lonely.psu = "adjust")
df3 <- df
df3$psu[df3$stratum == 8] <- 1
d3 <- svydesign(ids = ~psu, strata = ~stratum, weights = ~wc, nest = TRUE, data = df3)
r3 <- as.svrepdesign(d3, type = "JKn")
m <- svymean(~sat, r3); put("JKnadjust.se.sat", SE(m)); put("JKnadjust.count", ncol(weights(r3, "analysis")))

## the bootstrap's draws come from R's RNG: only its constants are compared
set.seed(1)
put("BOOT.scale", as.svrepdesign(d2n, type = "bootstrap", replicates = 50)$scale)
write.csv(do.call(rbind, out), "repweights_r.csv", row.names = FALSE)
