// tests/ssa/next_reaction_selector_test.cc
//
// NextReactionSelector: the earliest of independent Exp(a_r) clocks is
// reaction r with probability a_r/a0 at an Exp(a0) time; zero propensities
// never fire; Update rescales a waiting clock by a_old/a_new and redraws the
// one that fired (Gibson & Bruck 2000, eq. in section 3).
#include "engine/ssa/next_reaction_selector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tests/ssa/selector_test_util.h"

namespace grn {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(NextReactionSelectorTest, SelectionFrequenciesFollowPropensities) {
  test_support::ExpectFirstEventLaw<NextReactionSelector>({1.0, 2.0, 0.0, 7.0}, 0.0, 100000, 21);
}

TEST(NextReactionSelectorTest, SkewedPropensitiesAndNonZeroStartTime) {
  test_support::ExpectFirstEventLaw<NextReactionSelector>({0.0, 1e-3, 50.0, 0.0, 0.5}, 12.5,
                                                          100000, 22);
}

TEST(NextReactionSelectorTest, ZeroTotalGivesInfiniteTime) {
  NextReactionSelector s;
  Rng rng(1);
  s.Reset(std::vector<double>{0.0, 0.0, 0.0}, 2.0, rng);
  EXPECT_EQ(s.Next(0.0, rng).time, kInf);
  NextReactionSelector empty;
  empty.Reset(std::vector<double>{}, 0.0, rng);
  EXPECT_EQ(empty.Next(0.0, rng).time, kInf);
}

// Reset draws one Exp per reaction with positive propensity, in index order:
// T_r = t + E_r / a_r. Replaying the stream gives the exact clock times.
TEST(NextReactionSelectorTest, ResetTimesAndRescaling) {
  const std::vector<double> a = {2.0, 0.0, 4.0};
  Rng rng(9);
  Rng replay = rng;
  NextReactionSelector s;
  s.Reset(a, 1.0, rng);
  const double t0 = 1.0 + replay.Exp() / 2.0;
  const double t2 = 1.0 + replay.Exp() / 4.0;
  const Event first = s.Next(0.0, rng);
  EXPECT_EQ(first.reaction, t0 < t2 ? 0u : 2u);
  EXPECT_EQ(first.time, std::min(t0, t2));

  // Rescale the clock that did not fire: T ← t + (a_old/a_new)(T − t). A huge
  // new propensity brings it to the front, where Next reveals its time.
  const ReactionIndex other = first.reaction == 0 ? 2 : 0;
  const double t_other = other == 0 ? t0 : t2;
  const double a_old = a[other];
  const double now = 1.0;
  s.Update(other, 1e9, now, rng);
  const Event moved = s.Next(0.0, rng);
  EXPECT_EQ(moved.reaction, other);
  EXPECT_DOUBLE_EQ(moved.time, now + (a_old / 1e9) * (t_other - now));
}

TEST(NextReactionSelectorTest, FiredReactionDrawsFreshTime) {
  Rng rng(10);
  NextReactionSelector s;
  s.Reset(std::vector<double>{3.0}, 0.0, rng);
  const Event e = s.Next(0.0, rng);
  Rng replay = rng;
  s.Update(0, 3.0, e.time, rng);
  const Event next = s.Next(0.0, rng);
  EXPECT_EQ(next.reaction, 0u);
  EXPECT_EQ(next.time, e.time + replay.Exp() / 3.0);
}

TEST(NextReactionSelectorTest, UpdateToZeroAndBack) {
  Rng rng(11);
  NextReactionSelector s;
  s.Reset(std::vector<double>{1.0, 1.0}, 0.0, rng);
  const Event e = s.Next(0.0, rng);
  const ReactionIndex other = 1 - e.reaction;
  s.Update(e.reaction, 0.0, e.time, rng);  // the fired one drops to zero
  Event n = s.Next(0.0, rng);
  EXPECT_EQ(n.reaction, other);
  s.Update(other, 0.0, e.time, rng);  // now nothing can fire
  EXPECT_EQ(s.Next(0.0, rng).time, kInf);
  // A reaction whose propensity was 0 gets a fresh clock from `now`.
  Rng replay = rng;
  s.Update(other, 5.0, 7.0, rng);
  n = s.Next(0.0, rng);
  EXPECT_EQ(n.reaction, other);
  EXPECT_EQ(n.time, 7.0 + replay.Exp() / 5.0);
}

// Simulating with updates (every fired reaction keeps its propensity) must
// still give a_r/a0 frequencies: the rescaled clocks stay exponential.
TEST(NextReactionSelectorTest, ZeroPropensityNeverFiresOverManyEvents) {
  Rng rng(12);
  NextReactionSelector s;
  const std::vector<double> a = {1.0, 0.0, 3.0};
  s.Reset(a, 0.0, rng);
  int count[3] = {0, 0, 0};
  const int events = 60000;
  double t = 0.0;
  for (int i = 0; i < events; ++i) {
    const Event e = s.Next(0.0, rng);
    ASSERT_GE(e.time, t);
    t = e.time;
    ++count[e.reaction];
    s.Update(e.reaction, a[e.reaction], t, rng);
  }
  EXPECT_EQ(count[1], 0);
  EXPECT_NEAR(count[0], events * 0.25, 5 * std::sqrt(events * 0.25 * 0.75));
  // Total rate 4: `events` events take events/4 time units, sd √events/4.
  EXPECT_NEAR(t, events / 4.0, 5 * std::sqrt(events) / 4.0);
}

}  // namespace
}  // namespace grn
