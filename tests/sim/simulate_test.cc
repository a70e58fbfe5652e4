// tests/sim/simulate_test.cc
//
// Simulate: the sample grid, reproducibility of single trajectories, and the
// determinism contract of ensembles — the same seed gives bit-identical means
// and sds for any thread count, and run k of an ensemble is exactly
// SimulateTrajectory(k).
#include "engine/sim/simulate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <vector>

#include "tests/support/print_method.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;

class SimulateTest : public ::testing::TestWithParam<MethodKind> {};

TEST(SampleTimesTest, Endpoints) {
  const std::vector<double> t = SampleTimes(10.0, 4);
  EXPECT_EQ(t, (std::vector<double>{0.0, 2.5, 5.0, 7.5, 10.0}));
  const std::vector<double> one = SampleTimes(3.0, 1);
  EXPECT_EQ(one, (std::vector<double>{0.0, 3.0}));
  // A t_end whose multiples round: the last time is still exactly t_end.
  const std::vector<double> odd = SampleTimes(0.3, 7);
  ASSERT_EQ(odd.size(), 8u);
  EXPECT_EQ(odd.front(), 0.0);
  EXPECT_EQ(odd.back(), 0.3);
  for (std::size_t i = 1; i < odd.size(); ++i) EXPECT_GT(odd[i], odd[i - 1]);
}

std::vector<std::vector<double>> Trajectory(std::shared_ptr<const CompiledModel> model,
                                            const SimulationOptions& options,
                                            std::uint64_t run, std::uint64_t* events = nullptr,
                                            std::vector<double>* times = nullptr) {
  std::vector<std::vector<double>> rows;
  const Status s = SimulateTrajectory(
      model, options, run,
      [&](double t, std::span<const double> x) {
        if (times != nullptr) times->push_back(t);
        rows.emplace_back(x.begin(), x.end());
        return Status::OK();
      },
      events);
  EXPECT_TRUE(s.ok()) << s.message();
  return rows;
}

TEST_P(SimulateTest, TrajectorySamplesAtGridAndIsReproducible) {
  auto model = CompileText(test_support::BirthDeathText(10, 0.5, 3));
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = GetParam();
  options.t_end = 4.0;
  options.steps = 8;
  options.seed = 99;
  std::vector<double> times;
  std::uint64_t events = 0;
  const auto rows = Trajectory(model, options, 0, &events, &times);
  EXPECT_EQ(times, SampleTimes(4.0, 8));
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0], (std::vector<double>{3}));  // t = 0 is the initial state
  EXPECT_GT(events, 10u);
  EXPECT_EQ(Trajectory(model, options, 0), rows);
  EXPECT_NE(Trajectory(model, options, 1), rows);  // another run, another stream
}

TEST_P(SimulateTest, SampleCallbackErrorStopsTheRun) {
  auto model = CompileText(test_support::BirthDeathText(10, 0.5, 3));
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = GetParam();
  int calls = 0;
  const Status s = SimulateTrajectory(model, options, 0, [&](double, std::span<const double>) {
    return ++calls == 3 ? IOError("disk full") : Status::OK();
  });
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(calls, 3);
}

// The determinism contract: compare every number with ==, not a tolerance.
TEST_P(SimulateTest, EnsembleIsBitIdenticalForAnyThreadCount) {
  auto model = CompileText(test_support::ChainText());
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = GetParam();
  options.t_end = 3.0;
  options.steps = 6;
  options.runs = 150;  // not a multiple of the block size
  options.seed = 2024;

  std::vector<EnsembleResult> results;
  for (unsigned threads : {1u, 2u, 8u}) {
    options.threads = threads;
    StatusOr<EnsembleResult> r = SimulateEnsemble(model, options);
    ASSERT_TRUE(r.ok()) << r.status().message();
    results.push_back(std::move(*r));
  }
  const EnsembleResult& ref = results[0];
  EXPECT_EQ(ref.stats.runs(), 150u);
  EXPECT_EQ(ref.times, SampleTimes(3.0, 6));
  EXPECT_GT(ref.events, 150u * 10);
  for (std::size_t k = 1; k < results.size(); ++k) {
    const EnsembleResult& other = results[k];
    EXPECT_EQ(other.stats.runs(), ref.stats.runs());
    EXPECT_EQ(other.events, ref.events) << "result " << k;
    EXPECT_EQ(other.times, ref.times);
    for (std::size_t i = 0; i < ref.times.size(); ++i) {
      for (std::size_t s = 0; s < model->num_species(); ++s) {
        // Bitwise equality (== would also accept −0 vs +0; both are fine).
        EXPECT_EQ(other.stats.mean(i, s), ref.stats.mean(i, s))
            << "result " << k << " sample " << i << " species " << s;
        EXPECT_EQ(other.stats.sd(i, s), ref.stats.sd(i, s))
            << "result " << k << " sample " << i << " species " << s;
      }
    }
  }
  // Sanity: A decays at rate 1 from 100, so the mean at t = 3 is 100·e^−3 ≈ 5
  // (binomial sd √(100·p(1−p)) ≈ 2.2 per run, /√150 for the mean).
  EXPECT_NEAR(ref.stats.mean(6, 0), 100 * std::exp(-3.0), 5 * 2.2 / std::sqrt(150.0));
  EXPECT_GT(ref.stats.sd(6, 0), 0.0);
}

TEST_P(SimulateTest, EnsembleRunZeroEqualsTrajectoryZero) {
  auto model = CompileText(test_support::ChainText());
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = GetParam();
  options.t_end = 2.0;
  options.steps = 4;
  options.runs = 1;
  options.seed = 77;
  StatusOr<EnsembleResult> ens = SimulateEnsemble(model, options);
  ASSERT_TRUE(ens.ok()) << ens.status().message();
  std::uint64_t events = 0;
  const auto rows = Trajectory(model, options, 0, &events);
  ASSERT_EQ(rows.size(), ens->times.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t s = 0; s < model->num_species(); ++s)
      EXPECT_EQ(ens->stats.mean(i, s), rows[i][s]) << "sample " << i << " species " << s;
  }
  EXPECT_EQ(ens->events, events);
}

// With two runs the mean is (x0 + x1)/2 exactly: run k of the ensemble is
// SimulateTrajectory(k) for every k, not only the first.
TEST_P(SimulateTest, EnsembleOfTwoIsAverageOfTrajectories) {
  auto model = CompileText(test_support::BirthDeathText(20, 1, 0));
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = GetParam();
  options.t_end = 2.0;
  options.steps = 2;
  options.runs = 2;
  options.seed = 5;
  StatusOr<EnsembleResult> ens = SimulateEnsemble(model, options);
  ASSERT_TRUE(ens.ok());
  const auto r0 = Trajectory(model, options, 0);
  const auto r1 = Trajectory(model, options, 1);
  for (std::size_t i = 0; i < r0.size(); ++i) {
    EXPECT_EQ(ens->stats.mean(i, 0), (r0[i][0] + r1[i][0]) / 2) << "sample " << i;
    EXPECT_DOUBLE_EQ(ens->stats.sd(i, 0), std::abs(r0[i][0] - r1[i][0]) / std::sqrt(2.0));
  }
}

TEST_P(SimulateTest, ProgressReportsEveryRunInOrder) {
  auto model = CompileText(test_support::BirthDeathText(5, 1, 0));
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = GetParam();
  options.t_end = 1.0;
  options.steps = 1;
  options.runs = 100;
  options.threads = 2;
  std::vector<std::uint64_t> seen;
  options.on_progress = [&](std::uint64_t done, std::uint64_t) { seen.push_back(done); };
  ASSERT_TRUE(SimulateEnsemble(model, options).ok());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), 100u);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i], seen[i - 1]);
}

TEST_P(SimulateTest, CancelledEnsembleReportsCancelled) {
  auto model = CompileText(test_support::BirthDeathText(1e5, 1.0, 1e5));
  ASSERT_NE(model, nullptr);
  std::atomic<bool> cancel{true};
  SimulationOptions options;
  options.method = GetParam();
  options.t_end = 1000.0;
  options.steps = 1;
  options.runs = 4;
  options.threads = 2;
  options.cancel = &cancel;
  StatusOr<EnsembleResult> r = SimulateEnsemble(model, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
}

TEST_P(SimulateTest, NumericalErrorPropagatesFromEnsemble) {
  auto model = CompileText(R"pb(
    name: "overflow" time_unit: s
    species { name: "X" initial_count: 9007199254740000 }
    reaction { name: "burst" product { species: "X" stoichiometry: 1000 } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = GetParam();
  options.runs = 40;
  options.threads = 2;
  StatusOr<EnsembleResult> r = SimulateEnsemble(model, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNumerical);
  EXPECT_NE(r.status().message().find("reaction 'burst'"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(AllExact, SimulateTest, ::testing::ValuesIn(kAllExactMethods),
                         [](const ::testing::TestParamInfo<MethodKind>& info) {
                           return std::string(MethodName(info.param));
                         });

}  // namespace
}  // namespace grn
