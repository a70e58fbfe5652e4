// tests/ssa/composition_rejection_selector_test.cc
//
// CompositionRejectionSelector and its PowerOfTwoGroups table: reaction r is
// chosen with probability a_r/a0 at an Exp(a0) time however the propensities
// spread over binades; updates move reactions between groups (and out of
// them at zero) without losing or duplicating any; a zero total gives +inf.
#include "engine/ssa/composition_rejection_selector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "tests/ssa/selector_test_util.h"

namespace grn {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(CompositionRejectionSelectorTest, SelectionFrequenciesFollowPropensities) {
  test_support::ExpectFirstEventLaw<CompositionRejectionSelector>({1.0, 2.0, 0.0, 7.0, 1.5}, 0.0,
                                                                  100000, 31);
}

TEST(CompositionRejectionSelectorTest, PropensitiesOverManyBinades) {
  // Same group (1.0, 1.5, 1.99), group edges (2.0, 4.0), far groups (1e-3, 5e4).
  test_support::ExpectFirstEventLaw<CompositionRejectionSelector>(
      {1.0, 1.5, 1.99, 2.0, 4.0, 1e-3, 0.0, 5e4, 3e4, 0.7}, 3.0, 200000, 32);
}

TEST(CompositionRejectionSelectorTest, ZeroTotalGivesInfiniteTime) {
  CompositionRejectionSelector s;
  Rng rng(1);
  s.Reset(std::vector<double>{0.0, 0.0}, 0.0, rng);
  EXPECT_EQ(s.Next(0.0, rng).time, kInf);
  CompositionRejectionSelector empty;
  empty.Reset(std::vector<double>{}, 0.0, rng);
  EXPECT_EQ(empty.Next(0.0, rng).time, kInf);
}

// After many random moves between groups (and to and from zero), the table
// must sample exactly like one built afresh from the final values.
TEST(CompositionRejectionSelectorTest, UpdatesMoveReactionsBetweenGroups) {
  Rng values(5);
  std::vector<double> a(40);
  for (double& v : a) v = std::ldexp(values.Uniform01(), static_cast<int>(values.NextU64() % 20) - 10);
  CompositionRejectionSelector s;
  Rng rng(6);
  s.Reset(a, 0.0, rng);
  for (int i = 0; i < 20000; ++i) {
    const auto r = static_cast<ReactionIndex>(values.NextU64() % a.size());
    const double v = values.NextU64() % 5 == 0
                         ? 0.0
                         : std::ldexp(values.Uniform01(), static_cast<int>(values.NextU64() % 30) - 15);
    a[r] = v;
    s.Update(r, v, 0.0, rng);
  }
  const double a0 = std::accumulate(a.begin(), a.end(), 0.0);
  std::vector<int> count(a.size(), 0);
  const int draws = 200000;
  double wait = 0.0;
  for (int i = 0; i < draws; ++i) {
    const Event e = s.Next(0.0, rng);
    ASSERT_LT(e.reaction, a.size());
    ++count[e.reaction];
    wait += e.time;
  }
  for (std::size_t r = 0; r < a.size(); ++r) {
    const double p = a[r] / a0;
    if (p == 0.0) {
      EXPECT_EQ(count[r], 0) << "reaction " << r;
      continue;
    }
    EXPECT_NEAR(count[r], draws * p, 5.0 * std::sqrt(draws * p * (1 - p)) + 1) << "reaction " << r;
  }
  EXPECT_NEAR(wait / draws, 1.0 / a0, 5.0 / (a0 * std::sqrt(draws)));
}

TEST(CompositionRejectionSelectorTest, AllToZeroThenBack) {
  CompositionRejectionSelector s;
  Rng rng(7);
  s.Reset(std::vector<double>{3.0, 0.25}, 0.0, rng);
  s.Update(0, 0.0, 0.0, rng);
  s.Update(1, 0.0, 0.0, rng);
  EXPECT_EQ(s.Next(0.0, rng).time, kInf);
  s.Update(1, 8.0, 0.0, rng);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(s.Next(0.0, rng).reaction, 1u);
}

TEST(PowerOfTwoGroupsTest, RejectionRateIsBelowOneHalf) {
  PowerOfTwoGroups g;
  std::vector<double> a(1000);
  Rng values(8);
  for (double& v : a) v = 1.0 + values.Uniform01();  // one group: [1, 2)
  g.Reset(a);
  Rng rng(9);
  const int draws = 100000;
  for (int i = 0; i < draws; ++i) g.Sample(g.Total(), rng);
  // Acceptance is a/2 >= 1/2, here 3/4 on average: about 1/3 rejections per draw.
  EXPECT_LT(static_cast<double>(g.rejections()) / draws, 0.45);
}

}  // namespace
}  // namespace grn
