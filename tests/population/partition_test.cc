// tests/population/partition_test.cc
#include "engine/population/partition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace grn {
namespace {

TEST(PartitionTest, EveryDivisionConservesMoleculesExactly) {
  Rng rng(5);
  const std::vector<double> mother = {0, 1, 2, 7, 100, 12345, 1e9, 3};
  const std::vector<char> copy = {0, 0, 0, 0, 0, 0, 0, 1};
  std::vector<double> a(mother.size()), b(mother.size());
  for (int trial = 0; trial < 1000; ++trial) {
    PartitionAtDivision(mother, copy, rng, a, b);
    for (std::size_t i = 0; i + 1 < mother.size(); ++i) {
      ASSERT_EQ(a[i] + b[i], mother[i]) << "species " << i;
      ASSERT_GE(a[i], 0);
      ASSERT_EQ(a[i], std::floor(a[i]));
    }
    // A copied species (a gene) goes whole to both daughters.
    ASSERT_EQ(a.back(), 3);
    ASSERT_EQ(b.back(), 3);
  }
}

TEST(PartitionTest, EachDaughterGetsHalfInExpectationWithBinomialVariance) {
  // a ~ Binomial(n, 1/2): mean n/2, variance n/4. n = 400, 20000 divisions:
  // the mean's sd is sqrt(100/20000) = 0.071, so 5 sd = 0.35.
  constexpr int kTrials = 20000;
  Rng rng(9);
  const std::vector<double> mother = {400};
  const std::vector<char> copy = {0};
  std::vector<double> a(1), b(1);
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < kTrials; ++i) {
    PartitionAtDivision(mother, copy, rng, a, b);
    sum += a[0];
    sum_sq += a[0] * a[0];
  }
  const double mean = sum / kTrials;
  const double var = sum_sq / kTrials - mean * mean;
  EXPECT_NEAR(mean, 200.0, 5 * std::sqrt(100.0 / kTrials));
  // Sample variance sd ≈ var·sqrt(2/n) = 1.0.
  EXPECT_NEAR(var, 100.0, 5 * 100.0 * std::sqrt(2.0 / kTrials));
}

}  // namespace
}  // namespace grn
