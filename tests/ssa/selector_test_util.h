// tests/ssa/selector_test_util.h
//
// Shared check for the selector tests: draw the first event many times from
// independent streams and compare the frequency of each reaction with a_r/a0
// (binomial z-bound) and the mean waiting time with 1/a0.
#ifndef GRN_TESTS_SSA_SELECTOR_TEST_UTIL_H_
#define GRN_TESTS_SSA_SELECTOR_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "engine/base/rng.h"
#include "engine/ssa/event.h"

namespace grn::test_support {

// Resets a fresh Selector from `a` at time t0 with stream Rng(seed).Split(i),
// i = 0..draws-1, and checks the first event's reaction and waiting time.
template <class Selector>
void ExpectFirstEventLaw(const std::vector<double>& a, double t0, int draws, std::uint64_t seed) {
  const double a0 = std::accumulate(a.begin(), a.end(), 0.0);
  std::vector<int> count(a.size(), 0);
  double wait_sum = 0.0;
  const Rng root(seed);
  for (int i = 0; i < draws; ++i) {
    Selector selector;
    Rng rng = root.Split(static_cast<std::uint64_t>(i));
    selector.Reset(a, t0, rng);
    const Event e = selector.Next(t0, rng);
    ASSERT_LT(e.reaction, a.size());
    ASSERT_GT(e.time, t0);
    ASSERT_TRUE(std::isfinite(e.time));
    ++count[e.reaction];
    wait_sum += e.time - t0;
  }
  for (std::size_t r = 0; r < a.size(); ++r) {
    const double p = a[r] / a0;
    if (p == 0.0) {
      EXPECT_EQ(count[r], 0) << "reaction " << r << " has zero propensity";
      continue;
    }
    // Binomial(draws, p): |count − draws·p| < 5 sd.
    const double sd = std::sqrt(draws * p * (1.0 - p));
    EXPECT_NEAR(count[r], draws * p, 5.0 * sd) << "reaction " << r;
  }
  // The waiting time is Exp(a0): mean 1/a0, sd of the sample mean 1/(a0·√N).
  EXPECT_NEAR(wait_sum / draws, 1.0 / a0, 5.0 / (a0 * std::sqrt(draws)));
}

}  // namespace grn::test_support

#endif  // GRN_TESTS_SSA_SELECTOR_TEST_UTIL_H_
