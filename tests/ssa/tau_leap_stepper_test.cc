// tests/ssa/tau_leap_stepper_test.cc
//
// TauLeapStepper's guarantees (tau_leap_stepper.h): counts never negative
// (leaps rejected, never clamped), no leap past t_end, cancellation, seeded
// determinism, errors naming the reaction, no allocation in AdvanceTo, and
// EstimateTauLeapSpeedup against a hand-computed CGP step. Its accuracy is
// tested in tests/statistical/tau_leap_test.cc.
#include "engine/ssa/tau_leap_stepper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/alloc_counter.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;

std::unique_ptr<Stepper> MakeTau(std::shared_ptr<const CompiledModel> model,
                                 MethodOptions options = {}) {
  auto made = MakeTauLeapStepper(std::move(model), options);
  EXPECT_TRUE(made.ok()) << made.status().message();
  return made.ok() ? std::move(made).value() : nullptr;
}

// Options that make leaps overshoot: a loose ε, no critical reactions and no
// exact fallback, so only the reject-and-halve rule keeps counts >= 0.
MethodOptions Reckless() {
  MethodOptions options;
  options.tau.epsilon = 0.5;
  options.tau.critical_threshold = 0;
  options.tau.min_leap_in_ssa_steps = 0.0;
  return options;
}

const char* const kFastDecay = R"pb(
  name: "fast_decay" time_unit: s
  species { name: "X" initial_count: 1000 }
  reaction { name: "decay" reactant { species: "X" } k: 200 }
)pb";

// 2X → ∅ removes two at a time: from 1001 the count must end at exactly 1,
// and a leap that fired it once too often would reach −1.
const char* const kAnnihilation = R"pb(
  name: "annihilation" time_unit: s
  species { name: "X" initial_count: 1001 }
  reaction { name: "annihilate" reactant { species: "X" stoichiometry: 2 } k: 5 }
)pb";

TEST(TauLeapStepperTest, CountsNeverGoNegative) {
  for (const char* text : {kFastDecay, kAnnihilation}) {
    auto model = CompileText(text);
    ASSERT_NE(model, nullptr);
    SCOPED_TRACE(model->name());
    for (const MethodOptions& options : {MethodOptions{}, Reckless()}) {
      auto stepper = MakeTau(model, options);
      ASSERT_NE(stepper, nullptr);
      for (std::uint64_t run = 0; run < 50; ++run) {
        Rng rng = Rng(17).Split(run);
        State s{0.0, model->initial_counts()};
        ASSERT_TRUE(stepper->Reset(s, rng).ok());
        for (int i = 1; i <= 400; ++i) {
          ASSERT_TRUE(stepper->AdvanceTo(i * 0.005, s, rng).ok());
          ASSERT_GE(s.x[0], 0.0) << "run " << run << " t = " << s.t;
          ASSERT_EQ(s.x[0], std::floor(s.x[0]));
        }
        // After 2 time units both models have fired everything they can:
        // 1000·e^{−400} molecules left, resp. one unpaired molecule.
        EXPECT_EQ(s.x[0], model->name() == "fast_decay" ? 0.0 : 1.0) << "run " << run;
      }
      // Every molecule removed is one firing (decay) or half of one.
      const double removed_per_run = model->name() == "fast_decay" ? 1000.0 : 500.0;
      EXPECT_EQ(stepper->stats().events, static_cast<std::uint64_t>(50 * removed_per_run));
      if (options.tau.critical_threshold == 0) {
        // The reckless settings must really have overshot, and been caught.
        EXPECT_GT(stepper->stats().rejections, 0u);
      }
    }
  }
}

// Pure birth: nothing bounds τ', so each AdvanceTo is one leap truncated at
// its t_end. A leap past t_end would show as too many molecules.
TEST(TauLeapStepperTest, LeapsStopExactlyAtTEnd) {
  auto model = CompileText(R"pb(
    name: "birth" time_unit: s
    species { name: "X" initial_count: 0 }
    reaction { name: "birth" product { species: "X" } k: 1e6 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = MakeTau(model);
  State s{0.0, model->initial_counts()};
  Rng rng(3);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  const std::vector<double> grid = {0.1, 0.25, 0.3, 1.0 / 3.0, 0.7, 1.0};
  double previous = 0.0, previous_x = 0.0;
  for (double t : grid) {
    ASSERT_TRUE(stepper->AdvanceTo(t, s, rng).ok());
    EXPECT_EQ(s.t, t);
    // Poisson(1e6·Δt) new molecules: within 6 sd.
    const double mean = 1e6 * (t - previous);
    EXPECT_NEAR(s.x[0] - previous_x, mean, 6.0 * std::sqrt(mean)) << "t = " << t;
    previous = t;
    previous_x = s.x[0];
  }
  EXPECT_EQ(stepper->stats().steps, grid.size());
  EXPECT_EQ(stepper->stats().events, static_cast<std::uint64_t>(s.x[0]));
  // AdvanceTo(t) with t == state.t is a no-op.
  ASSERT_TRUE(stepper->AdvanceTo(1.0, s, rng).ok());
  EXPECT_EQ(stepper->stats().steps, grid.size());
}

// Birth–death at 1e4 leaps; every stop lands exactly on the requested time,
// however the grid falls relative to the leaps.
TEST(TauLeapStepperTest, StateTimeIsTheRequestedTime) {
  auto model = CompileText(test_support::BirthDeathText(1e4, 1.0, 1e4));
  ASSERT_NE(model, nullptr);
  auto stepper = MakeTau(model);
  State s{0.0, model->initial_counts()};
  Rng rng(5);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  for (int i = 1; i <= 300; ++i) {
    const double t = i * 0.0137;
    ASSERT_TRUE(stepper->AdvanceTo(t, s, rng).ok());
    ASSERT_EQ(s.t, t);
  }
  // Leaps, not single events: far fewer steps than events.
  EXPECT_GT(stepper->stats().events, 20 * stepper->stats().steps);
}

// Few molecules: every reaction is critical or the leap too short, so the
// stepper runs exact steps, which fire exactly one reaction each.
TEST(TauLeapStepperTest, LowCountsRunExactSteps) {
  auto model = CompileText(test_support::ChainText());
  ASSERT_NE(model, nullptr);
  auto stepper = MakeTau(model);
  State s{0.0, model->initial_counts()};
  Rng rng(2);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  ASSERT_TRUE(stepper->AdvanceTo(1000.0, s, rng).ok());
  // Every A becomes B, then C, then decays: exactly 3 firings per molecule.
  EXPECT_EQ(s.x, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(stepper->stats().events, 300u);
  EXPECT_EQ(s.t, 1000.0);
}

TEST(TauLeapStepperTest, SameSeedSameTrajectoryDifferentSeedDiffers) {
  auto model = CompileText(test_support::BirthDeathText(1e4, 1.0, 0));
  ASSERT_NE(model, nullptr);
  auto run = [&](std::uint64_t seed) {
    auto stepper = MakeTau(model);
    State s{0.0, model->initial_counts()};
    Rng rng(seed);
    EXPECT_TRUE(stepper->Reset(s, rng).ok());
    for (int i = 1; i <= 10; ++i) EXPECT_TRUE(stepper->AdvanceTo(0.5 * i, s, rng).ok());
    return std::make_pair(s.x, rng.NextU64());
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1).first, run(2).first);
}

TEST(TauLeapStepperTest, CancellationFlagStopsTheRun) {
  auto model = CompileText(test_support::BirthDeathText(1e5, 1.0, 1e5));
  ASSERT_NE(model, nullptr);
  std::atomic<bool> cancel{true};
  MethodOptions options;
  options.cancel = &cancel;
  auto stepper = MakeTau(model, options);
  State s{0.0, model->initial_counts()};
  Rng rng(8);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  const Status status = stepper->AdvanceTo(1000.0, s, rng);
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_LT(s.t, 1000.0);
  EXPECT_EQ(stepper->stats().steps, 0u);

  cancel = false;
  EXPECT_TRUE(stepper->AdvanceTo(2.0, s, rng).ok());
  EXPECT_EQ(s.t, 2.0);
  EXPECT_GT(stepper->stats().steps, 0u);
}

TEST(TauLeapStepperTest, ResetReportsInfinitePropensityByName) {
  auto model = CompileText(R"pb(
    name: "huge" time_unit: s
    species { name: "X" initial_count: 9007199254740991 }
    species { name: "Y" initial_count: 9007199254740991 }
    reaction { name: "bind" reactant { species: "X" stoichiometry: 3 }
               reactant { species: "Y" stoichiometry: 3 } k: 1e300 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = MakeTau(model);
  State s{0.0, model->initial_counts()};
  Rng rng(1);
  const Status status = stepper->Reset(s, rng);
  EXPECT_EQ(status.code(), StatusCode::kNumerical);
  EXPECT_NE(status.message().find("reaction 'bind': propensity is inf"), std::string::npos)
      << status.message();
}

// X → 2X at c = 1e305: finite at X = 1, infinite once X passes ~1800. The
// error comes from inside AdvanceTo and names the reaction.
TEST(TauLeapStepperTest, PropensityBecomingInfiniteIsAnErrorNamingTheReaction) {
  auto model = CompileText(R"pb(
    name: "blowup" time_unit: s
    species { name: "X" initial_count: 1 }
    reaction { name: "hot" reactant { species: "X" }
               product { species: "X" stoichiometry: 2 } k: 1e305 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = MakeTau(model);
  State s{0.0, model->initial_counts()};
  Rng rng(1);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  const Status status = stepper->AdvanceTo(1.0, s, rng);
  EXPECT_EQ(status.code(), StatusCode::kNumerical);
  EXPECT_NE(status.message().find("reaction 'hot': propensity is inf"), std::string::npos)
      << status.message();
  EXPECT_LT(s.t, 1.0);
}

// ∅ → 1000 X from just under 2^53: one leap of Poisson(100) firings goes past.
TEST(TauLeapStepperTest, CountPastTwoToThe53IsAnErrorNamingTheReaction) {
  auto model = CompileText(R"pb(
    name: "overflow" time_unit: s
    species { name: "X" initial_count: 9007199254740000 }
    reaction { name: "burst" product { species: "X" stoichiometry: 1000 } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = MakeTau(model);
  State s{0.0, model->initial_counts()};
  Rng rng(4);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  const Status status = stepper->AdvanceTo(100.0, s, rng);
  ASSERT_EQ(status.code(), StatusCode::kNumerical);
  EXPECT_NE(status.message().find("reaction 'burst'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("2^53"), std::string::npos) << status.message();
  // The state is the last good one, not the overflowing trial.
  EXPECT_LT(s.x[0], kMaxExactCount);
}

TEST(TauLeapStepperTest, RejectsBadOptions) {
  auto model = CompileText(test_support::ChainText());
  ASSERT_NE(model, nullptr);
  MethodOptions options;
  options.tau.epsilon = 0.0;
  EXPECT_EQ(MakeTauLeapStepper(model, options).status().code(), StatusCode::kInvalidArgument);
  options.tau.epsilon = 0.03;
  options.tau.exact_steps_on_fallback = 0;
  EXPECT_EQ(MakeTauLeapStepper(model, options).status().code(), StatusCode::kInvalidArgument);
}

// High counts (leaps), low counts (exact steps and critical reactions), a
// homodimer and Hill/Michaelis–Menten modifiers: every path of the loop.
const char* const kMixed = R"pb(
  name: "mixed" time_unit: s
  species { name: "X" initial_count: 20000 }
  species { name: "Y" initial_count: 0 }
  species { name: "D" initial_count: 0 }
  species { name: "G" initial_count: 3 }
  reaction { name: "make_x" product { species: "X" } k: 2e4 }
  reaction { name: "decay_x" reactant { species: "X" } k: 1 }
  reaction { name: "make_y" product { species: "Y" } k: 5000
             modifier { hill_activation { species: "X" k: 15000 n: 2 } }
             modifier { hill_repression { species: "D" k: 500 n: 1.5 } } }
  reaction { name: "dimerise" reactant { species: "Y" stoichiometry: 2 }
             product { species: "D" } k: 0.001 }
  reaction { name: "decay_d" reactant { species: "D" } k: 0.2
             modifier { michaelis_menten { species: "X" k: 100 } } }
  reaction { name: "toggle_g" reactant { species: "G" } k: 0.5 }
  reaction { name: "make_g" product { species: "G" } k: 1 }
)pb";

TEST(TauLeapStepperTest, AdvanceToDoesNotAllocate) {
  auto model = CompileText(kMixed);
  ASSERT_NE(model, nullptr);
  auto stepper = MakeTau(model);
  State s{0.0, model->initial_counts()};
  Rng rng = Rng(5).Split(0);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  std::uint64_t allocations = 0;
  bool all_ok = true;
  {
    test_support::AllocationScope scope;
    for (int i = 1; i <= 50; ++i) all_ok &= stepper->AdvanceTo(i * 0.2, s, rng).ok();
    allocations = scope.count();
  }
  EXPECT_TRUE(all_ok);
  EXPECT_EQ(allocations, 0u);
  EXPECT_GT(stepper->stats().events, 100000u);            // the loop really ran
  EXPECT_GT(stepper->stats().events, 10 * stepper->stats().steps);  // and leapt
  for (double v : s.x) EXPECT_GE(v, 0.0);
}

// Birth–death at X = k/γ = 1e4: μ = k − γx = 0, σ² = k + γx = 2e4, g = 1, so
// τ' = (εx)²/σ² = (0.03·1e4)²/2e4 = 4.5 and a0·τ' = 2e4·4.5 = 9e4.
TEST(EstimateTauLeapSpeedupTest, MatchesHandComputedCgpStep) {
  auto model = CompileText(test_support::BirthDeathText(1e4, 1.0, 1e4));
  ASSERT_NE(model, nullptr);
  const std::vector<double> x = {1e4};
  EXPECT_NEAR(EstimateTauLeapSpeedup(*model, x, TauLeapOptions{}), 9e4, 1e-6);
  // Away from balance the mean bound decides: X = 5e3 gives μ = 5e3,
  // σ² = 1.5e4, τ' = min(150/5e3, 150²/1.5e4) = 0.03, a0·τ' = 450.
  const std::vector<double> x2 = {5e3};
  EXPECT_NEAR(EstimateTauLeapSpeedup(*model, x2, TauLeapOptions{}), 450.0, 1e-9);
}

// Homodimer: g = 2 + 1/(x − 1). 2X → ∅ at c = 0.002 (a = 0.001·x(x−1)) from
// x = 1001: a = 1001, μ = −2a, σ² = 4a, εx/g = 30.03/(2 + 1/1000);
// τ' = min(b/(2a), b²/(4a)) with b = 15.0075 → b/(2a), a0·τ' = b/2.
TEST(EstimateTauLeapSpeedupTest, HomodimerUsesCgpHighestOrderTerm) {
  auto model = CompileText(R"pb(
    name: "dimer" time_unit: s
    species { name: "X" initial_count: 1001 }
    reaction { name: "annihilate" reactant { species: "X" stoichiometry: 2 } k: 0.002 }
  )pb");
  ASSERT_NE(model, nullptr);
  const std::vector<double> x = {1001};
  const double b = 0.03 * 1001 / (2.0 + 1.0 / 1000.0);
  EXPECT_NEAR(EstimateTauLeapSpeedup(*model, x, TauLeapOptions{}), b / 2.0, 1e-9);
}

// Few molecules: tau-leaping would gain nothing (few events per leap).
TEST(EstimateTauLeapSpeedupTest, SmallForLowCounts) {
  auto model = CompileText(test_support::ChainText());
  ASSERT_NE(model, nullptr);
  const std::vector<double> x = {5, 3, 2};
  EXPECT_LT(EstimateTauLeapSpeedup(*model, x, TauLeapOptions{}), 10.0);
  const std::vector<double> none = {0, 0, 0};
  EXPECT_EQ(EstimateTauLeapSpeedup(*model, none, TauLeapOptions{}), 0.0);
}

}  // namespace
}  // namespace grn
