// tests/population/bimodality_test.cc
//
// Each diagnostic on a unimodal normal sample and on a well-separated
// two-component mixture (fixed seeds): the verdict must differ, so each case
// is the other's must-fail control.
#include "engine/population/bimodality.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "engine/base/rng.h"

namespace grn {
namespace {

double Normal(Rng& rng) {  // Box–Muller
  return std::sqrt(-2.0 * std::log(rng.Uniform01())) *
         std::cos(2.0 * std::numbers::pi * rng.Uniform01());
}

std::vector<double> NormalSample(int n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> v(n);
  for (double& x : v) x = 3.0 + 0.8 * Normal(rng);
  return v;
}

// 60% at N(2, 0.5²), 40% at N(6, 0.6²): like log counts of two fates.
std::vector<double> MixtureSample(int n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> v(n);
  for (double& x : v) x = rng.Uniform01() <= 0.6 ? 2.0 + 0.5 * Normal(rng) : 6.0 + 0.6 * Normal(rng);
  return v;
}

BimodalityOptions FastOptions() {
  BimodalityOptions options;
  options.dip_null_samples = 200;
  return options;
}

TEST(BimodalityTest, SarleCoefficientSeparatesUnimodalFromBimodal) {
  const double unimodal = BimodalityCoefficient(NormalSample(1000, 1));
  const double bimodal = BimodalityCoefficient(MixtureSample(1000, 2));
  EXPECT_LT(unimodal, 0.555);
  EXPECT_NEAR(unimodal, 1.0 / 3.0, 0.05);  // a normal's value
  EXPECT_GT(bimodal, 0.555);
}

TEST(BimodalityTest, SarleCoefficientOfAUniformGridIsFiveNinths) {
  std::vector<double> grid(20000);
  for (std::size_t i = 0; i < grid.size(); ++i) grid[i] = static_cast<double>(i);
  EXPECT_NEAR(BimodalityCoefficient(grid), 5.0 / 9.0, 1e-3);
}

TEST(BimodalityTest, DipOfKnownSamples) {
  // Evenly spaced points: the empirical CDF is as close to uniform as it can
  // be, the dip's minimum 1/(2n).
  std::vector<double> grid(100);
  for (std::size_t i = 0; i < grid.size(); ++i) grid[i] = static_cast<double>(i);
  EXPECT_NEAR(DipStatistic(grid), 1.0 / 200.0, 1e-12);
  // Two equal point masses: the dip's maximum, 1/4.
  std::vector<double> two_atoms(50, 0.0);
  two_atoms.resize(100, 1.0);
  EXPECT_NEAR(DipStatistic(two_atoms), 0.25, 1e-12);
  EXPECT_EQ(DipStatistic(std::vector<double>(10, 3.0)), 0.0);
}

TEST(BimodalityTest, DipTestSeparatesUnimodalFromBimodal) {
  const BimodalityOptions options = FastOptions();
  const BimodalityReport unimodal = AnalyseBimodality(NormalSample(500, 3), options);
  const BimodalityReport bimodal = AnalyseBimodality(MixtureSample(500, 4), options);
  EXPECT_GT(unimodal.dip_p, 0.05);
  EXPECT_LT(bimodal.dip_p, 0.01);
  EXPECT_GT(bimodal.dip, 2 * unimodal.dip);
}

TEST(BimodalityTest, DipNullIsReproducibleAndShrinksLikeOneOverRootN) {
  const std::vector<double> a = DipNullDistribution(400, 100, 7);
  EXPECT_EQ(a, DipNullDistribution(400, 100, 7));
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  const std::vector<double> b = DipNullDistribution(1600, 100, 7);
  // sqrt(n) * dip converges in distribution: the medians scale by ~1/2.
  const double ratio = b[50] / a[50];
  EXPECT_GT(ratio, 0.4);
  EXPECT_LT(ratio, 0.6);
  EXPECT_DOUBLE_EQ(DipPValue(1.0, a), 1.0 / 101.0);
  EXPECT_DOUBLE_EQ(DipPValue(0.0, a), 1.0);
}

TEST(BimodalityTest, MixtureBicFavoursTheRightNumberOfComponents) {
  const BimodalityOptions options = FastOptions();
  const BimodalityReport unimodal = AnalyseBimodality(NormalSample(1000, 5), options);
  const BimodalityReport bimodal = AnalyseBimodality(MixtureSample(1000, 6), options);
  EXPECT_LT(unimodal.delta_bic, 0.0);
  EXPECT_GT(bimodal.delta_bic, 10.0);
  ASSERT_EQ(bimodal.two.components.size(), 2u);
  EXPECT_NEAR(bimodal.two.components[0].mean, 2.0, 0.1);
  EXPECT_NEAR(bimodal.two.components[1].mean, 6.0, 0.1);
  EXPECT_NEAR(bimodal.two.components[0].weight, 0.6, 0.05);
  EXPECT_NEAR(std::sqrt(bimodal.two.components[1].variance), 0.6, 0.06);
  EXPECT_GT(bimodal.ashman_d, 2.0);
  EXPECT_TRUE(bimodal.valley_is_interior);
  EXPECT_GT(bimodal.valley, 3.0);
  EXPECT_LT(bimodal.valley, 5.0);
}

TEST(BimodalityTest, EmIsDeterministic) {
  const std::vector<double> v = MixtureSample(300, 8);
  const MixtureFit a = FitGaussianMixture(v, 2), b = FitGaussianMixture(v, 2);
  EXPECT_EQ(a.log_likelihood, b.log_likelihood);
  EXPECT_EQ(a.components[0].mean, b.components[0].mean);
  EXPECT_GT(a.log_likelihood, FitGaussianMixture(v, 1).log_likelihood);
}

MixtureFit TwoComponents(double w0, double m0, double s0, double m1, double s1) {
  MixtureFit fit;
  fit.components = {{w0, m0, s0 * s0}, {1.0 - w0, m1, s1 * s1}};
  return fit;
}

TEST(BimodalityTest, ValleyOfASymmetricMixtureIsTheMidpoint) {
  bool interior = false;
  EXPECT_NEAR(MixtureValley(TwoComponents(0.5, 1.0, 0.7, 5.0, 0.7), &interior), 3.0, 1e-6);
  EXPECT_TRUE(interior);
  // Unequal weights move the valley towards the smaller component.
  EXPECT_GT(MixtureValley(TwoComponents(0.8, 1.0, 0.7, 5.0, 0.7), &interior), 3.0);
  EXPECT_TRUE(interior);
  // Must fail: means 1 sd apart make a unimodal mixture, no interior valley.
  MixtureValley(TwoComponents(0.5, 0.0, 1.0, 1.0, 1.0), &interior);
  EXPECT_FALSE(interior);
  EXPECT_NEAR(AshmanD(TwoComponents(0.5, 0.0, 1.0, 1.0, 1.0)), 1.0, 1e-12);
}

TEST(BimodalityTest, DegenerateSamplesGiveNaN) {
  const BimodalityReport constant = AnalyseBimodality(std::vector<double>(20, 0.0));
  EXPECT_TRUE(std::isnan(constant.bimodality_coefficient));
  EXPECT_TRUE(std::isnan(constant.valley));
  EXPECT_EQ(constant.n, 20u);
  EXPECT_TRUE(std::isnan(AnalyseBimodality(std::vector<double>{1, 2, 3}).dip_p));
}

}  // namespace
}  // namespace grn
