// tests/population/cell_cycle_test.cc
//
// The Erlang clock, run in sync intervals as the population runs it, must
// give cycle lengths with the Erlang(k, T) mean T and variance T²/k whatever
// the interval (the overshoot carried to the next cycle removes the
// rounding to sync points). A clock with T × 1.05 must fail the same check at
// the same size and seed (negative control).
#include "engine/population/cell_cycle.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace grn {
namespace {

struct Moments {
  double mean, variance;
};

// Cycle lengths of `cycles` successive cycles of one lineage at a constant
// rate, measured from the division instants the clock reports.
Moments CycleLengths(double mean_cycle, std::uint32_t shape, double dt, int cycles,
                     std::uint64_t seed) {
  Rng rng(seed);
  CellCycle clock;
  clock.Begin(rng);
  const double rate = shape / mean_cycle;
  double t = 0.0, last_division = 0.0;
  std::vector<double> lengths;
  while (static_cast<int>(lengths.size()) < cycles) {
    t += dt;
    double overshoot = 0.0;
    if (clock.Advance(dt, rate, shape, rng, &overshoot)) {
      const double division = t - overshoot;
      lengths.push_back(division - last_division);
      last_division = division;
      clock.Begin(rng, overshoot);
    }
  }
  double sum = 0.0;
  for (double x : lengths) sum += x;
  const double mean = sum / cycles;
  double ss = 0.0;
  for (double x : lengths) ss += (x - mean) * (x - mean);
  return {mean, ss / (cycles - 1)};
}

// 20000 cycles: the mean's sd is T/sqrt(k·n) = 0.127 h; the sample variance's
// sd is var·sqrt((2 + 6/k)/n) = 4.3 h² (Erlang excess kurtosis 6/k).
constexpr int kCycles = 20000;

bool MatchesErlang(const Moments& m, double mean, double shape) {
  const double var = mean * mean / shape;
  return std::fabs(m.mean - mean) < 5 * mean / std::sqrt(shape * kCycles) &&
         std::fabs(m.variance - var) < 5 * var * std::sqrt((2 + 6 / shape) / kCycles);
}

TEST(CellCycleTest, ErlangMeanAndVarianceAtAnySyncInterval) {
  for (double dt : {0.1, 0.25, 1.0, 6.0}) {
    const Moments m = CycleLengths(36.0, 4, dt, kCycles, 11);
    EXPECT_TRUE(MatchesErlang(m, 36.0, 4)) << "dt " << dt << ": mean " << m.mean << " var "
                                           << m.variance << " (expected 36, 324)";
  }
}

TEST(CellCycleTest, NegativeControlSlowerCycleFails) {
  // The same check, size and seed against a cycle 5% longer must fail.
  const Moments m = CycleLengths(36.0 * 1.05, 4, 0.25, kCycles, 11);
  EXPECT_FALSE(MatchesErlang(m, 36.0, 4)) << "mean " << m.mean << " var " << m.variance;
}

TEST(CellCycleTest, NegativeControlWrongShapeFails) {
  const Moments m = CycleLengths(36.0, 3, 0.25, kCycles, 11);
  EXPECT_FALSE(MatchesErlang(m, 36.0, 4)) << "mean " << m.mean << " var " << m.variance;
}

TEST(CellCycleTest, ArrestedClockKeepsItsPlace) {
  Rng rng(3);
  CellCycle clock;
  clock.Begin(rng);
  const CellCycle before = clock;
  double overshoot = -1;
  EXPECT_FALSE(clock.Advance(100.0, 0.0, 4, rng, &overshoot));
  EXPECT_EQ(clock.phase, before.phase);
  EXPECT_EQ(clock.hazard_left, before.hazard_left);
}

TEST(CellCycleTest, HeldClockDividesAtTheNextChance) {
  Rng rng(3);
  CellCycle clock;
  clock.Begin(rng);
  double overshoot = 0;
  while (!clock.Advance(1.0, 1.0, 4, rng, &overshoot)) {
  }
  clock.Hold();
  EXPECT_FALSE(clock.Advance(1.0, 0.0, 4, rng, &overshoot));  // still no room to grow
  EXPECT_TRUE(clock.Advance(1.0, 0.5, 4, rng, &overshoot));
  EXPECT_EQ(overshoot, 0.0);
}

}  // namespace
}  // namespace grn
