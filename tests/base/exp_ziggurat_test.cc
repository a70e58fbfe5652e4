// tests/base/exp_ziggurat_test.cc
//
// The ziggurat must be an exact Exp(1) sampler: every layer, every wedge and
// the tail. Checked by Kolmogorov–Smirnov over 10^6 draws, by tail
// frequencies, and by moments; each with a negative control that a slightly
// wrong sampler (rate ×1.05, or the tail dropped) must fail at the same seed.
#include "engine/base/exp_ziggurat.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/base/rng.h"

namespace grn {
namespace {

constexpr int kDraws = 1000000;

std::vector<double> Draw(std::uint64_t seed, double scale) {
  Rng rng(seed);
  std::vector<double> x(kDraws);
  for (double& v : x) v = rng.Exp() * scale;
  return x;
}

// √n·D, the scaled Kolmogorov–Smirnov distance to the Exp(1) CDF.
double KsStatistic(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  double d = 0.0;
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double cdf = 1.0 - std::exp(-x[i]);
    d = std::max({d, (i + 1) / n - cdf, cdf - i / n});
  }
  return std::sqrt(n) * d;
}

// z-score of the count of draws above `t` against n·e^{−t}.
double TailZ(const std::vector<double>& x, double t) {
  const double p = std::exp(-t);
  const double expected = kDraws * p;
  const double count = static_cast<double>(std::count_if(x.begin(), x.end(), [t](double v) { return v > t; }));
  return (count - expected) / std::sqrt(kDraws * p * (1 - p));
}

// The Kolmogorov distribution puts P(√n·D > 1.95) at about 0.001.
constexpr double kKsCritical = 1.95;
// Tail counts: a handful of z checks, so |z| < 4 keeps false alarms < 1e-3.
constexpr double kMaxZ = 4.0;

TEST(ExpZigguratTest, MatchesExponentialCdf) {
  EXPECT_LT(KsStatistic(Draw(11, 1.0)), kKsCritical);
}

TEST(ExpZigguratTest, KsControlRateOff5PercentFails) {
  EXPECT_GT(KsStatistic(Draw(11, 1.05)), kKsCritical);
}

TEST(ExpZigguratTest, TailFrequenciesMatch) {
  const std::vector<double> x = Draw(12, 1.0);
  // Layer edges near the base, the tail start r = 7.697 and beyond it.
  for (double t : {0.5, 2.0, 5.0, 7.0, 7.69711747013104972, 8.5, 10.0}) {
    EXPECT_LT(std::abs(TailZ(x, t)), kMaxZ) << "t = " << t;
  }
}

TEST(ExpZigguratTest, TailControlFailsWithoutTheTail) {
  // A sampler that never returns the tail (x > r = 7.697) has no draws above
  // 8, where n·e^{-8} ≈ 335 are expected, about 18 sd: the check must see it.
  std::vector<double> x = Draw(12, 1.0);
  for (double& v : x) v = std::min(v, 7.69711747013104972);
  EXPECT_GT(std::abs(TailZ(x, 8.0)), kMaxZ);
}

TEST(ExpZigguratTest, MeanAndVarianceAreOne) {
  const std::vector<double> x = Draw(13, 1.0);
  double mean = 0, m2 = 0;
  for (double v : x) mean += v;
  mean /= kDraws;
  for (double v : x) m2 += (v - mean) * (v - mean);
  const double var = m2 / (kDraws - 1);
  // Exp(1): sd of the mean 1/√n; of the sample variance √(μ4 − 1)/√n = √8/√n.
  EXPECT_LT(std::abs(mean - 1.0) / (1.0 / std::sqrt(kDraws)), kMaxZ);
  EXPECT_LT(std::abs(var - 1.0) / (std::sqrt(8.0) / std::sqrt(kDraws)), kMaxZ);
}

TEST(ExpZigguratTest, TablesAreConsistent) {
  const ExpZigguratTables& z = kExpZiggurat;
  // x_i increase with i; acceptance thresholds are fractions of 2^53.
  for (int i = 2; i < 256; ++i) {
    EXPECT_GT(z.w[i], z.w[i - 1]) << i;
    EXPECT_LT(z.f[i], z.f[i - 1]) << i;
    EXPECT_LE(z.k[i], 1ull << 53) << i;
  }
  EXPECT_EQ(z.k[1], 0u);
  EXPECT_NEAR(z.w[255] * 9007199254740992.0, 7.69711747013104972, 1e-12);
}

}  // namespace
}  // namespace grn
