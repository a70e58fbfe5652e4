// tests/population/variance_split_test.cc
#include "engine/population/variance_split.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/base/random_variates.h"

namespace grn {
namespace {

using Design = std::vector<std::vector<double>>;

// Two sets {1, 3} and {5, 7}: set means 2 and 6, grand mean 4; MSW = 4/2 = 2,
// MSB = 2·8/1 = 16, extrinsic = (16 − 2)/2 = 7, share 7/9, F = 8 on (1, 2)
// degrees of freedom. F(1, 2) is the square of Student's t with 2 df, whose
// tail is P(|T| > t) = 1 − t/√(t² + 2): p = 1 − √8/√10.
TEST(VarianceSplitTest, MatchesAHandComputedExample) {
  const StatusOr<VarianceSplit> split = SplitVariance({{1, 3}, {5, 7}});
  ASSERT_TRUE(split.ok()) << split.status().message();
  EXPECT_EQ(split->sets, 2u);
  EXPECT_EQ(split->replicates_per_set, 2u);
  EXPECT_DOUBLE_EQ(split->mean, 4.0);
  EXPECT_DOUBLE_EQ(split->intrinsic, 2.0);
  EXPECT_DOUBLE_EQ(split->extrinsic, 7.0);
  EXPECT_DOUBLE_EQ(split->extrinsic_share, 7.0 / 9.0);
  EXPECT_DOUBLE_EQ(split->f_statistic, 8.0);
  EXPECT_NEAR(split->p_value, 1.0 - std::sqrt(8.0 / 10.0), 1e-12);
}

TEST(VarianceSplitTest, EdgeCasesAreDefined) {
  // Sets that differ, replicates that do not: all extrinsic, F infinite.
  StatusOr<VarianceSplit> split = SplitVariance({{1, 1}, {2, 2}});
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->intrinsic, 0.0);
  EXPECT_EQ(split->extrinsic_share, 1.0);
  EXPECT_EQ(split->p_value, 0.0);
  EXPECT_EQ(split->share_ci.lo, 1.0);
  // Replicates that differ more than the sets: the component clips at 0.
  split = SplitVariance({{0, 10}, {1, 9}});
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->extrinsic, 0.0);
  EXPECT_EQ(split->extrinsic_share, 0.0);
  // Everything equal: no variance to split.
  split = SplitVariance({{3, 3}, {3, 3}});
  ASSERT_TRUE(split.ok());
  EXPECT_TRUE(std::isnan(split->extrinsic_share));
  EXPECT_TRUE(std::isnan(split->p_value));
}

TEST(VarianceSplitTest, RefusesDesignsItCannotSplit) {
  EXPECT_FALSE(SplitVariance({{1, 2, 3}}).ok());                 // one set
  EXPECT_FALSE(SplitVariance({{1}, {2}}).ok());                  // one replicate per set
  EXPECT_FALSE(SplitVariance({{1, 2}, {3, 4, 5}}).ok());         // unbalanced
  EXPECT_FALSE(SplitVariance({{1, NAN}, {3, 4}}).ok());          // not finite
  const Status s = SplitVariance({{1, 2}, {3, 4, 5}}).status();
  EXPECT_NE(s.message().find("set 1 has 3"), std::string::npos) << s.message();
}

// y_sj = a_s + e_sj with a ~ N(0, σa²), e ~ N(0, 1).
Design Simulate(std::size_t sets, std::size_t per_set, double sigma_a, Rng& rng) {
  Design d(sets, std::vector<double>(per_set));
  for (auto& set : d) {
    const double a = sigma_a * NormalVariate(rng);
    for (double& y : set) y = a + NormalVariate(rng);
  }
  return d;
}

// With no extrinsic part the F test rejects at 5% in 5% of data sets. 2,000
// data sets of 10 sets × 4: the rate's sd is 0.0049, so [0.035, 0.065] is
// ±3 sd. The negative control, a small extrinsic part (σa² = 0.25, a quarter
// of the intrinsic variance; E[F] ≈ 1 + 4·0.25 = 2), must fall outside it.
double RejectionRate(double sigma_a) {
  Rng rng(2026);
  int rejected = 0;
  constexpr int kDataSets = 2000;
  for (int d = 0; d < kDataSets; ++d) {
    const StatusOr<VarianceSplit> split = SplitVariance(Simulate(10, 4, sigma_a, rng));
    rejected += split.ok() && split->p_value < 0.05;
  }
  return static_cast<double>(rejected) / kDataSets;
}

TEST(VarianceSplitTest, FTestHoldsItsLevelAndDetectsAnExtrinsicPart) {
  const double null_rate = RejectionRate(0.0);
  EXPECT_GE(null_rate, 0.035);
  EXPECT_LE(null_rate, 0.065);
  const double control_rate = RejectionRate(0.5);
  EXPECT_GT(control_rate, 0.065) << "the test cannot see an extrinsic variance of 0.25";
}

// The ANOVA estimators are unbiased (the clipping at 0 almost never acts at
// σa² = 1, m = 4: E[F] = 5). 2,000 data sets of 20 sets × 4: the mean
// extrinsic estimate has se ≈ 0.41/√2000 = 0.009, the intrinsic one 0.004;
// ±0.04 is > 4 se, and a 10% error (the same check on σa² = 1.1) fails it.
std::pair<double, double> MeanEstimates(double sigma_a2) {
  Rng rng(7);
  double extrinsic = 0, intrinsic = 0;
  constexpr int kDataSets = 2000;
  for (int d = 0; d < kDataSets; ++d) {
    const StatusOr<VarianceSplit> split =
        SplitVariance(Simulate(20, 4, std::sqrt(sigma_a2), rng));
    if (!split.ok()) return {NAN, NAN};
    extrinsic += split->extrinsic;
    intrinsic += split->intrinsic;
  }
  return {extrinsic / kDataSets, intrinsic / kDataSets};
}

TEST(VarianceSplitTest, EstimatesTheComponentsWithoutBias) {
  const auto [extrinsic, intrinsic] = MeanEstimates(1.0);
  EXPECT_NEAR(extrinsic, 1.0, 0.04);
  EXPECT_NEAR(intrinsic, 1.0, 0.02);
  const auto [control, unused] = MeanEstimates(1.1);
  EXPECT_GT(std::abs(control - 1.0), 0.04) << "a 10% larger extrinsic part is not resolved";
}

// The exact interval of the share (the intraclass correlation) covers the
// true ρ = σa²/(σa² + 1) in 95% of normal data sets. ρ = 0.5, 10 sets × 4,
// 2,000 data sets: coverage sd 0.005, so [0.93, 0.97] is ±4 sd. Negative
// control: the same intervals "cover" ρ = 0.6 far less often.
double Coverage(double claimed_share) {
  Rng rng(11);
  int covered = 0;
  constexpr int kDataSets = 2000;
  for (int d = 0; d < kDataSets; ++d) {
    const StatusOr<VarianceSplit> split = SplitVariance(Simulate(10, 4, 1.0, rng));
    if (!split.ok()) return NAN;
    covered += split->share_ci.lo <= claimed_share && claimed_share <= split->share_ci.hi;
  }
  return static_cast<double>(covered) / kDataSets;
}

TEST(VarianceSplitTest, ShareIntervalCoversTheTrueShare) {
  const double coverage = Coverage(0.5);
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.97);
  EXPECT_LT(Coverage(0.6), 0.93) << "the interval does not resolve a share 0.1 off";
}

TEST(VarianceSplitTest, ShareIntervalBracketsTheEstimate) {
  const StatusOr<VarianceSplit> split = SplitVariance({{1, 3}, {5, 7}, {2, 2.5}});
  ASSERT_TRUE(split.ok());
  EXPECT_LE(split->share_ci.lo, split->extrinsic_share);
  EXPECT_GE(split->share_ci.hi, split->extrinsic_share);
  EXPECT_GE(split->share_ci.lo, 0.0);
  EXPECT_LE(split->share_ci.hi, 1.0);
  const StatusOr<VarianceSplit> narrow = SplitVariance({{1, 3}, {5, 7}, {2, 2.5}}, 0.5);
  ASSERT_TRUE(narrow.ok());
  EXPECT_GE(narrow->share_ci.lo, split->share_ci.lo);
  EXPECT_LE(narrow->share_ci.hi, split->share_ci.hi);
}

}  // namespace
}  // namespace grn
