## Extra reference values for cases golden.R does not cover: domains of calibrated, lonely-PSU,
## replicate and zero-weight designs, domain totals and ratios, item non-response, composites.
## Run from this folder with R 4.2 / survey 4.1.1: Rscript golden_extra.R  -> golden_extra.csv
suppressMessages(library(survey))
source("synth.R")
df <- gen()
df$ge3 <- as.numeric(df$score >= 3)
df$s2 <- (df$id * 7) %% 5 + 1
df$s2[df$id %% 7 == 0] <- NA
df$idxna <- df$idx
df$idxna[df$id %% 11 == 0] <- NA
out <- list()
put <- function(name, value) { out[[length(out) + 1]] <<- data.frame(key = name, value = as.numeric(value)) }
## svyby names the design-effect column DEff or DEff.<variable>
column <- function(b, nm) if (nm == "DEff") b[[grep("^DEff", names(b))[1]]] else b[[nm]]
by30 <- function(prefix, b, cols) {
  for (k in seq_len(nrow(b))) for (nm in names(cols)) put(sprintf("%s.d%02d.%s", prefix, b$district[k], nm), column(b, cols[[nm]])[k])
}
d1 <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~N, data = df)
d1n <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = df)
d2 <- svydesign(ids = ~psu, strata = ~stratum, weights = ~wc, fpc = ~NPSU, nest = TRUE, data = df)
d2n <- svydesign(ids = ~psu, strata = ~stratum, weights = ~wc, nest = TRUE, data = df)

## domain totals and ratios with deff
b <- svyby(~sat, ~district, d1, svytotal, deff = TRUE)
by30("TOTby", b, list(est = "sat", se = "se", deff = "DEff"))
b <- svyby(~sat, ~district, denominator = ~ge3, design = d1, FUN = svyratio)
by30("RATby", b, list(est = "sat/ge3", se = "se.sat/ge3"))
## item non-response: na.rm=TRUE drops rows but keeps n_h
b <- svyby(~idxna, ~district, d1, svymean, na.rm = TRUE, deff = TRUE)
by30("NAby", b, list(est = "idxna", se = "se", deff = "DEff"))
m <- svymean(~idxna, d1, na.rm = TRUE, deff = TRUE)
put("NA.mean", coef(m)); put("NA.se", SE(m)); put("NA.deff", deff(m))
## cluster design: deff by district, two-way domains
b <- svyby(~sat, ~district, d2, svymean, deff = TRUE)
by30("D2by", b, list(deff = "DEff"))
b <- svyby(~idx, ~sex + agegrp, d2, svymean, deff = TRUE)
for (k in seq_len(nrow(b))) {
  put(sprintf("D2sexage.%d.%d.est", b$sex[k], b$agegrp[k]), b$idx[k])
  put(sprintf("D2sexage.%d.%d.se", b$sex[k], b$agegrp[k]), b$se[k])
  put(sprintf("D2sexage.%d.%d.deff", b$sex[k], b$agegrp[k]), column(b, "DEff")[k])
}
## calibrated designs: domains keep all rows (weight 0 outside)
pop.age <- data.frame(agegrp = 1:3, Freq = c(108000, 144000, 108000))
pop.sex <- data.frame(sex = 1:2, Freq = c(172800, 187200))
dps <- postStratify(d1n, ~agegrp, pop.age)
b <- svyby(~sat, ~district, dps, svymean, deff = TRUE)
by30("PSby", b, list(est = "sat", se = "se", deff = "DEff"))
drk <- rake(d1n, list(~sex, ~agegrp), list(pop.sex, pop.age), control = list(maxit = 100, epsilon = 1e-12))
b <- svyby(~idx, ~district, drk, svymean)
by30("RKby", b, list(est = "idx", se = "se"))
dcal <- calibrate(d1n, ~factor(sex) + factor(agegrp), population = c(360000, 187200, 144000, 108000), calfun = "linear")
b <- svyby(~sat, ~district, dcal, svymean)
by30("GREGby", b, list(est = "sat", se = "se"))
dcl <- calibrate(d2n, ~factor(sex) + score, population = c(360000, 187200, 1400000), calfun = "linear")
m <- svymean(~sat, dcl); put("GREGnum.mean", coef(m)); put("GREGnum.se", SE(m))
dps2 <- postStratify(d2n, ~agegrp, pop.age)
m <- svytotal(~sat, dps2); put("PS2.total", coef(m)); put("PS2.se.total", SE(m))
for (dd in c(1, 15, 29)) {
  ci <- svyciprop(~sat, subset(dps, district == dd), method = "beta")
  put(sprintf("PSbeta.d%02d.l", dd), attr(ci, "ci")[1]); put(sprintf("PSbeta.d%02d.u", dd), attr(ci, "ci")[2])
  put(sprintf("PSdegf.d%02d", dd), degf(subset(dps, district == dd)))
}
## lonely PSUs in domains
df3 <- df; df3$psu[df3$stratum == 8] <- 1
for (lp in c("adjust", "average", "remove")) {
  options(survey.lonely.psu = lp)
  d3 <- svydesign(ids = ~psu, strata = ~stratum, weights = ~wc, nest = TRUE, data = df3)
  b <- svyby(~sat, ~district, d3, svymean)
  by30(sprintf("D3%s", lp), b, list(se = "se"))
}
options(survey.lonely.psu = "fail")
## replicate design by domain
rj <- as.svrepdesign(d2n, type = "JKn")
b <- svyby(~sat, ~district, rj, svymean)
by30("JKnby", b, list(est = "sat", se = "se"))
m <- svytotal(~sat, rj); put("JKn.total", coef(m)); put("JKn.se.total", SE(m))
rjf <- as.svrepdesign(d2, type = "JKn")
m <- svymean(~sat, rjf); put("JKnfpc.se", SE(m))
## zero weights
dz <- df; dz$w[dz$id %% 13 == 0] <- 0
dzd <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = dz)
m <- svymean(~sat, dzd, deff = TRUE); put("ZW.mean", coef(m)); put("ZW.se", SE(m)); put("ZW.deff", deff(m)); put("ZW.degf", degf(dzd))
## composite of two item means with different respondents: covariances included
df$one <- 1; df$s2z <- ifelse(is.na(df$s2), 0, df$s2); df$r2 <- as.numeric(!is.na(df$s2))
d1c <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~N, data = df)
r <- svyratio(~score + s2z, ~one + r2, d1c, covmat = TRUE)
est <- c(r$ratio[1, 1], r$ratio[2, 2]); V <- r$vcov[c(1, 4), c(1, 4)]
a <- c(0.3, 0.7) * 100 / 4
put("COMP.est", sum(a * (est - 1))); put("COMP.se", sqrt(drop(t(a) %*% V %*% a)))

res <- do.call(rbind, out)
write.csv(res, "golden_extra.csv", row.names = FALSE)
cat(R.version.string, "survey", as.character(packageVersion("survey")), nrow(res), "values\n")
