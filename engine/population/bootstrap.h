// engine/population/bootstrap.h
//
// Percentile bootstrap confidence intervals over replicates (Efron &
// Tibshirani 1993, "An Introduction to the Bootstrap", ch. 13): resample the
// replicate values with replacement, take the mean of each resample, and
// report the (1 − c)/2 and (1 + c)/2 quantiles of those means. The caller
// passes the Rng, so a fixed seed gives a fixed interval, and two conditions
// bootstrapped with the same seed use the same resamples (common random
// numbers).
#ifndef GRN_ENGINE_POPULATION_BOOTSTRAP_H_
#define GRN_ENGINE_POPULATION_BOOTSTRAP_H_

#include <span>

#include "engine/base/rng.h"

namespace grn {

struct Interval {
  double lo = 0.0, hi = 0.0;
};

double Mean(std::span<const double> values);

// The q-quantile (0 <= q <= 1) of `sorted` by linear interpolation between
// order statistics (Hyndman & Fan 1996, type 7). REQUIRES: sorted, non-empty.
double Quantile(std::span<const double> sorted, double q);

// REQUIRES: values non-empty, resamples >= 1, 0 < confidence < 1.
Interval BootstrapMeanInterval(std::span<const double> values, int resamples, double confidence,
                               Rng& rng);

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_BOOTSTRAP_H_
