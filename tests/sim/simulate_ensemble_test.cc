// tests/sim/simulate_ensemble_test.cc
//
// SimulateEnsemble at scale: every statistic (moments, extrema, quantiles,
// histograms, events) is bit-identical for 1, 2 and 8 threads and for any
// split of the blocks into ranges (MPI ranks); saved runs arrive in run
// order; an ensemble stopped by `cancel` and resumed from its checkpoint
// equals an uninterrupted one; a checkpoint that does not fit is refused.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <vector>

#include "engine/sim/mpi_ensemble.h"
#include "engine/sim/simulate.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;

SimulationOptions ChainOptions(std::uint64_t runs) {
  SimulationOptions options;
  options.method = MethodKind::kDirect;
  options.t_end = 3.0;
  options.steps = 6;
  options.runs = runs;
  options.seed = 77;
  options.species = {2, 1};              // C, B
  options.histogram_columns = {0, 1};
  return options;
}

void ExpectSameStats(const EnsembleResult& a, const EnsembleResult& b) {
  ASSERT_EQ(a.stats.runs(), b.stats.runs());
  ASSERT_EQ(a.stats.num_species(), 2u);
  EXPECT_EQ(a.events, b.events);
  for (std::size_t i = 0; i < a.times.size(); ++i) {
    for (std::size_t s = 0; s < 2; ++s) {
      ASSERT_EQ(a.stats.mean(i, s), b.stats.mean(i, s)) << i << "," << s;
      ASSERT_EQ(a.stats.sd(i, s), b.stats.sd(i, s)) << i << "," << s;
      ASSERT_EQ(a.stats.min(i, s), b.stats.min(i, s));
      ASSERT_EQ(a.stats.max(i, s), b.stats.max(i, s));
      for (double q : {0.05, 0.5, 0.95}) ASSERT_EQ(a.stats.quantile(i, s, q), b.stats.quantile(i, s, q));
      ASSERT_EQ(a.stats.histogram(i, s)->counts(), b.stats.histogram(i, s)->counts());
    }
  }
}

TEST(SimulateEnsembleTest, IdenticalFor1And2And8ThreadsWithHistograms) {
  auto model = CompileText(test_support::ChainText());
  SimulationOptions options = ChainOptions(203);
  options.threads = 1;
  auto one = SimulateEnsemble(model, options);
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(one->stats.runs(), 203u);
  // Column 1 is B: starts at 0 in every run.
  EXPECT_EQ(one->stats.max(0, 1), 0.0);
  EXPECT_EQ(one->stats.histogram(0, 1)->total(), 203u);
  for (unsigned threads : {2u, 8u}) {
    options.threads = threads;
    auto other = SimulateEnsemble(model, options);
    ASSERT_TRUE(other.ok());
    ExpectSameStats(*one, *other);
  }
}

// Runs (not blocks) are handed out, so threads share the runs of one block
// and finish them out of order; the block still folds them in run order.
TEST(SimulateEnsembleTest, FewerRunsThanABlockIdenticalForAnyThreads) {
  auto model = CompileText(test_support::ChainText());
  SimulationOptions options = ChainOptions(5);
  options.threads = 1;
  auto one = SimulateEnsemble(model, options);
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(one->stats.runs(), 5u);
  for (unsigned threads : {2u, 5u, 8u}) {
    options.threads = threads;
    std::vector<std::uint64_t> saved;
    options.save_run = [&](std::uint64_t run, std::span<const double>) {
      saved.push_back(run);
      return Status::OK();
    };
    auto other = SimulateEnsemble(model, options);
    ASSERT_TRUE(other.ok());
    ExpectSameStats(*one, *other);
    EXPECT_EQ(saved, (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  }
}

TEST(SimulateEnsembleTest, BlockRangesCombineToTheWhole) {
  auto model = CompileText(test_support::ChainText());
  SimulationOptions options = ChainOptions(150);  // 10 blocks, the last of 6 runs
  options.threads = 2;
  auto whole = SimulateEnsemble(model, options);
  ASSERT_TRUE(whole.ok());
  for (int ranks : {2, 3, 7}) {
    EnsembleResult combined;
    for (int r = 0; r < ranks; ++r) {
      SimulationOptions part = options;
      std::tie(part.block_begin, part.block_end) = RankBlocks(NumBlocks(options.runs), r, ranks);
      auto result = SimulateEnsemble(model, part);
      ASSERT_TRUE(result.ok());
      if (r == 0) {
        combined = std::move(*result);
        continue;
      }
      for (const auto& node : result->reduction.nodes()) {
        ASSERT_TRUE(combined.reduction.PushNode(node).ok());
      }
      combined.reduction.MergeOrderFree(result->reduction.order_free());
      combined.events += result->events;
    }
    combined.stats = combined.reduction.Result();
    ExpectSameStats(*whole, combined);
  }
}

TEST(SimulateEnsembleTest, RankBlocksAreContiguousAndBalanced) {
  for (std::uint64_t blocks : {0u, 1u, 5u, 64u, 1001u}) {
    for (int ranks : {1, 2, 3, 8}) {
      std::uint64_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const auto [begin, end] = RankBlocks(blocks, r, ranks);
        EXPECT_EQ(begin, next);
        EXPECT_LE(end - begin, blocks / ranks + 1);
        EXPECT_GE(end - begin, blocks / ranks);
        next = end;
      }
      EXPECT_EQ(next, blocks);
    }
  }
}

TEST(SimulateEnsembleTest, SavedRunsArriveInRunOrderAndMatchTheStatistics) {
  auto model = CompileText(test_support::ChainText());
  SimulationOptions options = ChainOptions(100);
  options.threads = 2;
  std::vector<std::uint64_t> order;
  double sum_c_last = 0;
  options.save_run = [&](std::uint64_t run, std::span<const double> trajectory) {
    order.push_back(run);
    EXPECT_EQ(trajectory.size(), 7u * 2);
    sum_c_last += trajectory[6 * 2 + 0];
    return Status::OK();
  };
  auto result = SimulateEnsemble(model, options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(order.size(), 100u);
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_NEAR(result->stats.mean(6, 0), sum_c_last / 100, 1e-9);
}

TEST(SimulateEnsembleTest, CancelledWithCheckpointResumesToIdenticalResult) {
  auto model = CompileText(test_support::ChainText());
  SimulationOptions options = ChainOptions(400);
  options.threads = 2;
  auto reference = SimulateEnsemble(model, options);
  ASSERT_TRUE(reference.ok());

  // Interrupt after some blocks are merged: the runs in flight finish, and
  // the last checkpoint call carries them (partly run blocks included).
  std::atomic<bool> cancel{false};
  EnsembleCheckpoint saved;
  int calls = 0;
  SimulationOptions first = options;
  first.cancel = &cancel;
  first.checkpoint_every_seconds = 1e9;  // only the final call
  first.on_progress = [&](std::uint64_t done, std::uint64_t) {
    if (done >= 100) cancel = true;
  };
  first.checkpoint = [&](const EnsembleCheckpoint& c) {
    saved = c;
    ++calls;
    return Status::OK();
  };
  auto stopped = SimulateEnsemble(model, first);
  ASSERT_EQ(stopped.status().code(), StatusCode::kCancelled);
  ASSERT_EQ(calls, 1);
  EXPECT_GE(saved.merged.runs(), 100u);
  EXPECT_LT(saved.merged.runs(), 400u);

  SimulationOptions second = options;
  second.threads = 1;
  second.resume = &saved;
  auto resumed = SimulateEnsemble(model, second);
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  ExpectSameStats(*reference, *resumed);
}

TEST(SimulateEnsembleTest, ResumeFromPartlyRunBlocks) {
  // A checkpoint whose pending blocks are half run: continuing them from
  // their stored runs gives the numbers of running them whole.
  auto model = CompileText(test_support::ChainText());
  SimulationOptions options = ChainOptions(64);
  options.threads = 1;
  auto reference = SimulateEnsemble(model, options);
  ASSERT_TRUE(reference.ok());

  EnsembleCheckpoint c;
  c.merged = BlockReduction(7, 2, options.histogram_columns, 0);
  for (std::uint64_t index : {1u, 3u}) {
    EnsembleBlock block;
    block.index = index;
    block.stats = EnsembleStats(7, 2);
    std::uint64_t events = 0;
    for (std::uint64_t run = index * 16; run < index * 16 + 5; ++run) {
      std::vector<double> x;
      SimulationOptions one = options;
      ASSERT_TRUE(SimulateTrajectory(model, one, run,
                                     [&](double, std::span<const double> s) {
                                       x.push_back(s[2]);
                                       x.push_back(s[1]);
                                       return Status::OK();
                                     },
                                     &events)
                      .ok());
      block.stats.AddRun(x);
      block.runs.insert(block.runs.end(), x.begin(), x.end());
    }
    block.events = events;
    c.pending.push_back(std::move(block));
  }
  options.resume = &c;
  auto resumed = SimulateEnsemble(model, options);
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  ExpectSameStats(*reference, *resumed);
}

TEST(SimulateEnsembleTest, RefusesACheckpointOfAnotherShape) {
  auto model = CompileText(test_support::ChainText());
  SimulationOptions options = ChainOptions(64);
  EnsembleCheckpoint wrong_width;
  wrong_width.merged = BlockReduction(7, 3, {}, 0);
  options.resume = &wrong_width;
  EXPECT_EQ(SimulateEnsemble(model, options).status().code(), StatusCode::kInvalidArgument);

  EnsembleCheckpoint beyond;
  beyond.merged = BlockReduction(7, 2, options.histogram_columns, 0);
  EnsembleBlock block;
  block.index = 4;  // 64 runs are blocks 0..3
  block.stats = EnsembleStats(7, 2);
  beyond.pending.push_back(block);
  options.resume = &beyond;
  EXPECT_EQ(SimulateEnsemble(model, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace grn
