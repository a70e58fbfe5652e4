// tests/ssa/direct_selector_test.cc
//
// DirectSelector: reaction r is chosen with probability a_r/a0 and the waiting
// time is Exp(a0); a0 == 0 gives +inf; updates, cancellation in the running
// sum and the periodic recompute keep both right.
#include "engine/ssa/direct_selector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tests/ssa/selector_test_util.h"

namespace grn {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(DirectSelectorTest, SelectionFrequenciesFollowPropensities) {
  test_support::ExpectFirstEventLaw<DirectSelector>({1.0, 2.0, 0.0, 7.0}, 0.0, 100000, 11);
}

TEST(DirectSelectorTest, SkewedPropensitiesAndNonZeroStartTime) {
  test_support::ExpectFirstEventLaw<DirectSelector>({0.0, 1e-3, 50.0, 0.0, 0.5}, 12.5, 100000,
                                                    12);
}

TEST(DirectSelectorTest, ZeroTotalGivesInfiniteTime) {
  DirectSelector s;
  Rng rng(1);
  s.Reset(std::vector<double>{0.0, 0.0}, 3.0, rng);
  EXPECT_EQ(s.Next(3.0, rng).time, kInf);
  DirectSelector empty;
  empty.Reset(std::vector<double>{}, 0.0, rng);
  EXPECT_EQ(empty.Next(0.0, rng).time, kInf);
}

// Next(t) draws a fresh event after t each time it is called.
TEST(DirectSelectorTest, NextDrawsAfterGivenTime) {
  DirectSelector s;
  Rng rng(2);
  s.Reset(std::vector<double>{1.0, 1.0}, 0.0, rng);
  const Event a = s.Next(5.0, rng);
  const Event b = s.Next(5.0, rng);
  EXPECT_GE(a.time, 5.0);
  EXPECT_GE(b.time, 5.0);
  EXPECT_NE(a.time, b.time);
}

TEST(DirectSelectorTest, UpdateToZeroIsNeverChosen) {
  DirectSelector s;
  Rng rng(3);
  s.Reset(std::vector<double>{1.0, 1.0, 1.0}, 0.0, rng);
  s.Update(1, 0.0, 0.0, rng);
  double t = 0.0;
  for (int i = 0; i < 20000; ++i) {
    const Event e = s.Next(t, rng);
    ASSERT_NE(e.reaction, 1u);
    ASSERT_GE(e.time, t);
    t = e.time;
    s.Update(e.reaction, 1.0, t, rng);  // the fired reaction keeps its rate
  }
}

TEST(DirectSelectorTest, UpdateFromZeroMakesReactionPossible) {
  DirectSelector s;
  Rng rng(4);
  s.Reset(std::vector<double>{0.0, 0.0}, 1.0, rng);
  ASSERT_EQ(s.Next(1.0, rng).time, kInf);
  s.Update(1, 2.0, 1.5, rng);
  const Event e = s.Next(1.5, rng);
  EXPECT_EQ(e.reaction, 1u);
  EXPECT_GT(e.time, 1.5);
  EXPECT_TRUE(std::isfinite(e.time));
}

// a0 = (1e20 + 1) − 1e20 is 0 in floating point; the selector must notice the
// cancellation and recompute, not report a dead system or pick reaction 0.
TEST(DirectSelectorTest, RecomputesAfterCancellation) {
  DirectSelector s;
  Rng rng(5);
  s.Reset(std::vector<double>{1e20, 1.0}, 0.0, rng);
  s.Update(0, 0.0, 0.0, rng);
  for (int i = 0; i < 100; ++i) {
    const Event e = s.Next(0.0, rng);
    ASSERT_EQ(e.reaction, 1u);
    ASSERT_TRUE(std::isfinite(e.time));
    s.Update(1, 1.0, e.time, rng);
  }
}

// Large networks keep a0 incrementally; drift control must still rebuild it
// from scratch now and then (StochKit: every 10^4 updates), but not per event.
// 40 reactions is above any small-network "sum afresh every draw" shortcut.
TEST(DirectSelectorTest, PeriodicRecompute) {
  DirectSelector s;
  Rng rng(6);
  s.Reset(std::vector<double>(40, 1.0), 0.0, rng);
  const std::uint64_t after_reset = s.recomputes();
  EXPECT_GE(after_reset, 1u);
  double t = 0.0;
  for (int i = 0; i < 20000; ++i) {
    const Event e = s.Next(t, rng);
    t = e.time;
    s.Update(e.reaction, 1.0 + (i % 3), t, rng);
  }
  EXPECT_GE(s.recomputes(), after_reset + 1);
  EXPECT_LE(s.recomputes(), after_reset + 20);  // not on every event
}

// The same cancellation on a large network, where a0 is kept incrementally.
TEST(DirectSelectorTest, RecomputesAfterCancellationLargeNetwork) {
  std::vector<double> a(40, 1.0);
  a[0] = 1e20;
  DirectSelector s;
  Rng rng(15);
  s.Reset(a, 0.0, rng);
  s.Update(0, 0.0, 0.0, rng);
  a[0] = 0.0;
  test_support::ExpectFirstEventLaw<DirectSelector>(a, 0.0, 2000, 16);
  int count0 = 0;
  double t = 0.0;
  for (int i = 0; i < 2000; ++i) {
    const Event e = s.Next(t, rng);
    ASSERT_TRUE(std::isfinite(e.time));
    ASSERT_LT(e.reaction, 40u);
    count0 += e.reaction == 0;
    // Mean waiting time 1/39 whatever the drift did.
    t = e.time;
  }
  EXPECT_EQ(count0, 0);
  EXPECT_NEAR(t / 2000, 1.0 / 39, 5.0 / (39 * std::sqrt(2000.0)));
}

// After many updates the selection law must follow the *current* a.
TEST(DirectSelectorTest, FrequenciesFollowUpdatedPropensities) {
  DirectSelector s;
  Rng rng(7);
  s.Reset(std::vector<double>{5.0, 5.0, 5.0}, 0.0, rng);
  s.Update(0, 1.0, 0.0, rng);
  s.Update(2, 3.0, 0.0, rng);
  const int draws = 60000;
  int count[3] = {0, 0, 0};
  for (int i = 0; i < draws; ++i) {
    const Event e = s.Next(0.0, rng);
    ++count[e.reaction];
    s.Update(e.reaction, e.reaction == 0 ? 1.0 : e.reaction == 1 ? 5.0 : 3.0, 0.0, rng);
  }
  const double p[3] = {1.0 / 9, 5.0 / 9, 3.0 / 9};
  for (int r = 0; r < 3; ++r)
    EXPECT_NEAR(count[r], draws * p[r], 5 * std::sqrt(draws * p[r] * (1 - p[r]))) << r;
}

}  // namespace
}  // namespace grn
