// tests/sim/ensemble_stats_test.cc
//
// EnsembleStats: Welford's streaming mean/variance against a two-pass
// computation, and the Chan–Golub–LeVeque merge of blocks against one pass.
#include "engine/sim/ensemble_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/base/rng.h"

namespace grn {
namespace {

// runs × (samples × species) values with a large offset, the case where the
// naive Σx² − n·mean² formula loses its digits.
std::vector<std::vector<double>> RandomRuns(int runs, std::size_t width, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<double>> out(runs, std::vector<double>(width));
  for (auto& run : out) {
    for (std::size_t i = 0; i < width; ++i)
      run[i] = 1e6 * static_cast<double>(i + 1) + std::floor(rng.Uniform01() * 1000.0);
  }
  return out;
}

TEST(EnsembleStatsTest, EmptyAndSingleRun) {
  EnsembleStats stats(2, 3);
  EXPECT_EQ(stats.runs(), 0u);
  EXPECT_EQ(stats.num_samples(), 2u);
  EXPECT_EQ(stats.num_species(), 3u);
  stats.AddRun(std::vector<double>{1, 2, 3, 4, 5, 6});
  EXPECT_EQ(stats.runs(), 1u);
  EXPECT_EQ(stats.mean(1, 2), 6.0);
  EXPECT_EQ(stats.mean(0, 1), 2.0);
  EXPECT_EQ(stats.sd(1, 2), 0.0);  // fewer than 2 runs
}

TEST(EnsembleStatsTest, HandComputedValues) {
  // Values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x−mean)² = 32, sample sd √(32/7).
  EnsembleStats stats(1, 1);
  for (double v : {2, 4, 4, 4, 5, 5, 7, 9}) stats.AddRun(std::vector<double>{v});
  EXPECT_DOUBLE_EQ(stats.mean(0, 0), 5.0);
  EXPECT_DOUBLE_EQ(stats.sd(0, 0), std::sqrt(32.0 / 7.0));
}

TEST(EnsembleStatsTest, WelfordMatchesTwoPass) {
  const std::size_t samples = 4, species = 3;
  const auto runs = RandomRuns(500, samples * species, 17);
  EnsembleStats stats(samples, species);
  for (const auto& run : runs) stats.AddRun(run);
  ASSERT_EQ(stats.runs(), 500u);
  for (std::size_t i = 0; i < samples; ++i) {
    for (std::size_t s = 0; s < species; ++s) {
      const std::size_t k = i * species + s;
      double sum = 0.0;
      for (const auto& run : runs) sum += run[k];
      const double mean = sum / runs.size();
      double ss = 0.0;
      for (const auto& run : runs) ss += (run[k] - mean) * (run[k] - mean);
      const double sd = std::sqrt(ss / (runs.size() - 1));
      EXPECT_NEAR(stats.mean(i, s), mean, 1e-12 * std::abs(mean)) << i << "," << s;
      EXPECT_NEAR(stats.sd(i, s), sd, 1e-9 * sd) << i << "," << s;
      EXPECT_GT(sd, 250.0);  // uniform on 0..999: sd ≈ 289
    }
  }
}

TEST(EnsembleStatsTest, MergeOfBlocksEqualsOnePass) {
  const std::size_t samples = 3, species = 2;
  const auto runs = RandomRuns(203, samples * species, 23);
  EnsembleStats one_pass(samples, species);
  for (const auto& run : runs) one_pass.AddRun(run);

  for (std::size_t block : {1u, 7u, 16u, 64u, 203u, 500u}) {
    EnsembleStats merged(samples, species);
    for (std::size_t first = 0; first < runs.size(); first += block) {
      EnsembleStats part(samples, species);
      for (std::size_t r = first; r < std::min(runs.size(), first + block); ++r)
        part.AddRun(runs[r]);
      merged.Merge(part);
    }
    ASSERT_EQ(merged.runs(), one_pass.runs()) << "block " << block;
    for (std::size_t i = 0; i < samples; ++i) {
      for (std::size_t s = 0; s < species; ++s) {
        const double m = one_pass.mean(i, s), sd = one_pass.sd(i, s);
        EXPECT_NEAR(merged.mean(i, s), m, 1e-12 * std::abs(m)) << "block " << block;
        EXPECT_NEAR(merged.sd(i, s), sd, 1e-12 * sd) << "block " << block;
      }
    }
  }
}

TEST(EnsembleStatsTest, MergeWithEmptySides) {
  EnsembleStats a(1, 1), empty(1, 1);
  a.AddRun(std::vector<double>{3});
  a.AddRun(std::vector<double>{5});
  a.Merge(empty);
  EXPECT_EQ(a.runs(), 2u);
  EXPECT_EQ(a.mean(0, 0), 4.0);
  EnsembleStats b(1, 1);
  b.Merge(a);
  EXPECT_EQ(b.runs(), 2u);
  EXPECT_EQ(b.mean(0, 0), 4.0);
  EXPECT_DOUBLE_EQ(b.sd(0, 0), std::sqrt(2.0));
}

// Constant data must give sd exactly 0, never a tiny NaN from sqrt(−ε).
TEST(EnsembleStatsTest, ConstantDataHasZeroSd) {
  EnsembleStats a(1, 1), b(1, 1);
  for (int i = 0; i < 10; ++i) a.AddRun(std::vector<double>{0.1});
  for (int i = 0; i < 13; ++i) b.AddRun(std::vector<double>{0.1});
  a.Merge(b);
  EXPECT_EQ(a.runs(), 23u);
  EXPECT_FALSE(std::isnan(a.sd(0, 0)));
  EXPECT_NEAR(a.sd(0, 0), 0.0, 1e-15);
  EXPECT_NEAR(a.mean(0, 0), 0.1, 1e-16);
}

}  // namespace
}  // namespace grn
