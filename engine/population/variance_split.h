// engine/population/variance_split.h
//
// Replicate-to-replicate variance split into intrinsic and extrinsic parts
// (BIOLOGY.md §3.9 item 2). The design is nested: K parameter sets (each a
// draw of every seeded cell's heterogeneity factors), m replicates per set
// that share those parameters and differ in every other draw. A replicate
// readout y_sj (set s, replicate j) is read as the one-way random-effects
// model y_sj = μ + a_s + e_sj, Var(a) = extrinsic, Var(e) = intrinsic, and the
// two are estimated by the ANOVA (method-of-moments) estimators
//   intrinsic = MSW,  extrinsic = max(0, (MSB − MSW) / m),
// MSW = Σ_s Σ_j (y_sj − ȳ_s)² / (K(m − 1)), MSB = m Σ_s (ȳ_s − ȳ)² / (K − 1)
// (Searle, Casella & McCulloch 1992, "Variance Components", §3.5). MSB/MSW is
// F-distributed with (K − 1, K(m − 1)) degrees of freedom when the extrinsic
// part is zero, which gives the test of "parameters matter". The extrinsic
// share is the intraclass correlation ρ = extrinsic / (extrinsic + intrinsic);
// its interval is the exact one of the one-way model with normal effects
// (Searle 1971, "Linear Models", §9.7; ICC(1) of Shrout & Fleiss 1979):
// F_lo = F / F_{(1+c)/2}, F_hi = F / F_{(1−c)/2} (quantiles of F(K − 1,
// K(m − 1))), ρ = (F_x − 1)/(F_x + m − 1), clipped to [0, 1]. A bootstrap
// over sets was tried first and is unusable with few sets: resamples that
// repeat one set have no between-set variance, so its lower bound sat at 0
// whatever the data (4 sets: share 0.89, interval [0.00, 0.94]).
#ifndef GRN_ENGINE_POPULATION_VARIANCE_SPLIT_H_
#define GRN_ENGINE_POPULATION_VARIANCE_SPLIT_H_

#include <vector>

#include "engine/base/status.h"
#include "engine/population/bootstrap.h"

namespace grn {

struct VarianceSplit {
  std::size_t sets = 0, replicates_per_set = 0;
  double mean = 0.0;
  double intrinsic = 0.0;  // within-set variance (MSW)
  double extrinsic = 0.0;  // between-set variance component, clipped at 0
  // extrinsic / (intrinsic + extrinsic); NaN when both are 0 (all equal).
  double extrinsic_share = 0.0;
  // The share's interval at the confidence asked for ([1, 1] when the sets
  // differ and their replicates agree; NaN when the share is).
  Interval share_ci;
  // MSB / MSW and P(F >= it) under "no extrinsic part"; NaN when MSW = 0
  // (then the F statistic is +inf if MSB > 0: p = 0; both 0: NaN).
  double f_statistic = 0.0, p_value = 0.0;
};

// values[s][j]: replicate j of parameter set s. Needs at least 2 sets, the
// same number (>= 2) of replicates in each, and finite values.
// REQUIRES: 0 < confidence < 1.
StatusOr<VarianceSplit> SplitVariance(const std::vector<std::vector<double>>& values,
                                      double confidence = 0.95);


}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_VARIANCE_SPLIT_H_
