// tests/sim/ensemble_stats_test.cc
//
// EnsembleStats: Welford's streaming mean/variance against a two-pass
// computation, and the Chan–Golub–LeVeque merge of blocks against one pass;
// extrema; CountHistogram bins and quantiles; BlockReduction's independence of
// how the blocks were split (threads, MPI ranks).
#include "engine/sim/ensemble_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
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


// --- min and max ----------------------------------------------------------------

TEST(EnsembleStatsTest, MinAndMaxAreExactAndMergeInAnyOrder) {
  EnsembleStats a(1, 2), b(1, 2);
  a.AddRun(std::vector<double>{3, -1});
  a.AddRun(std::vector<double>{7, 4});
  b.AddRun(std::vector<double>{5, 9});
  EnsembleStats ab = a, ba = b;
  ab.Merge(b);
  ba.Merge(a);
  for (const EnsembleStats* s : {&ab, &ba}) {
    EXPECT_EQ(s->min(0, 0), 3.0);
    EXPECT_EQ(s->max(0, 0), 7.0);
    EXPECT_EQ(s->min(0, 1), -1.0);
    EXPECT_EQ(s->max(0, 1), 9.0);
  }
}

// --- CountHistogram --------------------------------------------------------------

TEST(CountHistogramTest, BinsAreExactBelow512AndNarrowAbove) {
  for (double v : {0.0, 1.0, 255.0, 256.0, 511.0}) {
    const std::uint32_t b = CountHistogram::BinOf(v);
    EXPECT_EQ(CountHistogram::BinLow(b), v);
    EXPECT_EQ(CountHistogram::BinHigh(b), v);
  }
  EXPECT_EQ(CountHistogram::BinOf(2.7), 2u);  // rounded down
  // 512..1023 in bins of 2, 1024..2047 in bins of 4, ...
  EXPECT_EQ(CountHistogram::BinLow(CountHistogram::BinOf(513)), 512.0);
  EXPECT_EQ(CountHistogram::BinHigh(CountHistogram::BinOf(513)), 513.0);
  EXPECT_EQ(CountHistogram::BinLow(CountHistogram::BinOf(3611)), 3608.0);
  EXPECT_EQ(CountHistogram::BinHigh(CountHistogram::BinOf(3611)), 3615.0);
  // Every bin covers what BinOf puts in it; bins tile the line in order; the
  // width is at most 1/256 of the low end.
  double expected_low = 0;
  for (std::uint32_t b = 0; b < CountHistogram::kNumBins; ++b) {
    const double low = CountHistogram::BinLow(b), high = CountHistogram::BinHigh(b);
    ASSERT_EQ(low, expected_low) << b;
    ASSERT_EQ(CountHistogram::BinOf(low), b);
    ASSERT_EQ(CountHistogram::BinOf(high), b);
    ASSERT_LE(high - low + 1, std::max(1.0, low / 256)) << b;
    expected_low = high + 1;
  }
  EXPECT_EQ(expected_low, 9007199254740992.0);  // 2^53
  EXPECT_EQ(CountHistogram::BinOf(1e300), CountHistogram::kNumBins - 1);
}

TEST(CountHistogramTest, QuantilesOfSmallCountsAreExact) {
  // 1..100: the q-quantile (smallest v with ⌈100q⌉ values <= v) is ⌈100q⌉.
  CountHistogram h;
  for (int v = 100; v >= 1; --v) h.Add(v);
  EXPECT_EQ(h.total(), 100u);
  EXPECT_EQ(h.Quantile(0.0, 1, 100), 1.0);
  EXPECT_EQ(h.Quantile(0.05, 1, 100), 5.0);
  EXPECT_EQ(h.Quantile(0.5, 1, 100), 50.0);
  EXPECT_EQ(h.Quantile(0.951, 1, 100), 96.0);
  EXPECT_EQ(h.Quantile(1.0, 1, 100), 100.0);
}

TEST(CountHistogramTest, LargeValuesWithinBinError) {
  CountHistogram h;
  for (int i = 0; i < 1000; ++i) h.Add(100000 + 37 * i);
  const double q = h.Quantile(0.5, 100000, 100000 + 37 * 999);
  const double exact = 100000 + 37 * 499;
  EXPECT_LE(std::abs(q - exact), exact / 512 + 1) << q;
}

TEST(CountHistogramTest, NegativeValuesAndMerge) {
  CountHistogram a, b;
  a.Add(-2.5);
  a.Add(10);
  b.Add(700);
  b.Add(3);
  a.Merge(b);
  EXPECT_EQ(a.total(), 4u);
  EXPECT_EQ(a.negative(), 1u);
  EXPECT_EQ(a.first_bin(), 3u);
  EXPECT_EQ(a.Quantile(0.25, -2.5, 700), -2.5);  // among the negatives: the minimum
  EXPECT_EQ(a.Quantile(0.5, -2.5, 700), 3.0);
  // Merge order does not matter: the counts are integers.
  CountHistogram c = b;
  CountHistogram neg;
  neg.Add(-2.5);
  neg.Add(10);
  c.Merge(neg);
  EXPECT_EQ(c.counts(), a.counts());
  EXPECT_EQ(c.first_bin(), a.first_bin());
}

TEST(CountHistogramTest, FromPartsRejectsOutOfRange) {
  EXPECT_FALSE(CountHistogram::FromParts(CountHistogram::kNumBins, {1}, 0).ok());
  EXPECT_FALSE(CountHistogram::FromParts(CountHistogram::kNumBins - 1, {1, 1}, 0).ok());
  EXPECT_TRUE(CountHistogram::FromParts(CountHistogram::kNumBins - 1, {1}, 0).ok());
}

// Memory is bounded by the value range, never by the number of runs.
TEST(CountHistogramTest, StorageIndependentOfRuns) {
  Rng rng(3);
  CountHistogram h;
  std::size_t after_1e3 = 0;
  for (int i = 1; i <= 100000; ++i) {
    h.Add(std::floor(rng.Uniform01() * 2000));
    if (i == 1000) after_1e3 = h.counts().size();
  }
  EXPECT_EQ(h.total(), 100000u);
  EXPECT_LE(h.counts().size(), after_1e3 + 2);
  EXPECT_LE(h.counts().size(), 512u + 256 + 256);
}

// --- BlockReduction ----------------------------------------------------------------

// The statistics of `runs` split in blocks of 16, reduced over the block
// ranges [cuts[i], cuts[i+1]) separately and combined in order.
EnsembleStats ReduceInParts(const std::vector<std::vector<double>>& runs, std::size_t samples,
                            std::size_t species, const std::vector<std::uint64_t>& cuts) {
  const std::vector<std::uint32_t> hist = {1};
  BlockReduction total(samples, species, hist, 0);
  for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
    BlockReduction part(samples, species, hist, cuts[p]);
    for (std::uint64_t b = cuts[p]; b < cuts[p + 1]; ++b) {
      EnsembleStats block(samples, species);
      std::vector<double> raw;
      for (std::size_t r = b * 16; r < std::min<std::size_t>(runs.size(), b * 16 + 16); ++r) {
        block.AddRun(runs[r]);
        raw.insert(raw.end(), runs[r].begin(), runs[r].end());
      }
      part.PushBlock(block, raw);
    }
    for (const BlockReduction::Node& node : part.nodes()) EXPECT_TRUE(total.PushNode(node).ok());
    total.MergeOrderFree(part.order_free());
  }
  EXPECT_EQ(total.runs(), runs.size());
  return total.Result();
}

TEST(BlockReductionTest, AnySplitGivesBitIdenticalStatistics) {
  const std::size_t samples = 2, species = 2;
  const auto runs = RandomRuns(16 * 37 + 5, samples * species, 41);  // 38 blocks, the last short
  const EnsembleStats one = ReduceInParts(runs, samples, species, {0, 38});
  for (const auto& cuts : std::vector<std::vector<std::uint64_t>>{
           {0, 19, 38}, {0, 1, 38}, {0, 37, 38}, {0, 5, 6, 17, 32, 38}, {0, 0, 13, 38, 38}}) {
    const EnsembleStats split = ReduceInParts(runs, samples, species, cuts);
    for (std::size_t i = 0; i < samples; ++i) {
      for (std::size_t s = 0; s < species; ++s) {
        ASSERT_EQ(split.mean(i, s), one.mean(i, s));
        ASSERT_EQ(split.sd(i, s), one.sd(i, s));
        ASSERT_EQ(split.min(i, s), one.min(i, s));
        ASSERT_EQ(split.max(i, s), one.max(i, s));
        if (s == 1) {
          ASSERT_EQ(split.quantile(i, s, 0.3), one.quantile(i, s, 0.3));
        }
      }
    }
  }
  // And the tree gives the one-pass numbers to rounding.
  EnsembleStats pass(samples, species);
  for (const auto& run : runs) pass.AddRun(run);
  EXPECT_NEAR(one.mean(1, 1), pass.mean(1, 1), 1e-9 * pass.mean(1, 1));
  EXPECT_NEAR(one.sd(1, 1), pass.sd(1, 1), 1e-9 * pass.sd(1, 1));
}

TEST(BlockReductionTest, OpenNodesStayLogarithmic) {
  BlockReduction r(1, 1, {}, 0);
  EnsembleStats block(1, 1);
  block.AddRun(std::vector<double>{1});
  std::size_t most = 0;
  for (int b = 0; b < 5000; ++b) {
    r.PushBlock(block, {});
    most = std::max(most, r.nodes().size());
  }
  EXPECT_LE(most, 13u);  // popcount of any count below 2^13
  EXPECT_EQ(r.end_block(), 5000u);
}

TEST(BlockReductionTest, PushNodeRefusesGapsAndMisalignment) {
  BlockReduction r(1, 1, {}, 0);
  EXPECT_FALSE(r.PushNode({1, 0, Moments(1)}).ok());  // gap
  EXPECT_FALSE(r.PushNode({0, 0, Moments(2)}).ok());  // wrong size
  EXPECT_TRUE(r.PushNode({0, 0, Moments(1)}).ok());
  EXPECT_FALSE(r.PushNode({1, 1, Moments(1)}).ok());  // level 1 must start at an even block
  EXPECT_FALSE(r.PushNode({1, 70, Moments(1)}).ok());
}

}  // namespace
}  // namespace grn
