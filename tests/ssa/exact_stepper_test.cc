// tests/ssa/exact_stepper_test.cc
//
// ExactStepper<Selector> for every selector: no heap allocation inside
// AdvanceTo, results independent of the sampling grid, count overflow and bad
// propensities reported by reaction name, cancellation.
#include "engine/ssa/exact_stepper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <sstream>
#include <string>

#include "engine/sim/make_stepper.h"
#include "engine/ssa/direct_selector.h"
#include "engine/ssa/next_reaction_selector.h"
#include "tests/support/alloc_counter.h"
#include "tests/support/print_method.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;

// Birth–death plus a Hill-regulated, dimerising branch, so AdvanceTo exercises
// every code path of the loop: zero/first order, homodimer, factors.
const char* const kMixed = R"pb(
  name: "mixed" time_unit: s
  species { name: "X" initial_count: 20 }
  species { name: "Y" initial_count: 0 }
  species { name: "D" initial_count: 0 }
  reaction { name: "make_x" product { species: "X" } k: 10 }
  reaction { name: "decay_x" reactant { species: "X" } k: 0.5 }
  reaction { name: "make_y" product { species: "Y" } k: 20
             modifier { hill_activation { species: "X" k: 15 n: 2 } }
             modifier { hill_repression { species: "D" k: 5 n: 1.5 } } }
  reaction { name: "dimerise" reactant { species: "Y" stoichiometry: 2 } product { species: "D" } k: 0.01 }
  reaction { name: "decay_d" reactant { species: "D" } k: 0.2 }
)pb";

MethodOptions WithCancel(const std::atomic<bool>* cancel) {
  MethodOptions options;
  options.cancel = cancel;
  return options;
}

class ExactStepperTest : public ::testing::TestWithParam<MethodKind> {
 protected:
  void ExpectGridIndependent(std::shared_ptr<const CompiledModel> model);

  std::unique_ptr<Stepper> Make(std::shared_ptr<const CompiledModel> model,
                                MethodOptions options = {}) {
    auto made = MakeStepper(GetParam(), std::move(model), options);
    EXPECT_TRUE(made.ok()) << made.status().message();
    return made.ok() ? std::move(made).value() : nullptr;
  }
};

// A hub species read by every reaction: long dependency rows, so the loop
// takes its general (unpadded) path, unlike the short rows of kMixed.
std::string WideText() {
  // (ostringstream: GCC 12 gives a false -Wrestrict on chained string +.)
  std::ostringstream text;
  text << R"pb(name: "wide" time_unit: s
    species { name: "H" initial_count: 50 }
    reaction { name: "make_h" product { species: "H" } k: 40 })pb";
  for (int i = 0; i < 12; ++i) {
    text << " species { name: \"P" << i << "\" initial_count: 0 }"
         << " reaction { name: \"use_P" << i << "\" reactant { species: \"H\" }"
         << " product { species: \"P" << i << "\" } k: 0.05 }"
         << " reaction { name: \"decay_P" << i << "\" reactant { species: \"P" << i << "\" }"
         << " k: 1 modifier { hill_repression { species: \"H\" k: 30 n: 2 } } }";
  }
  return text.str();
}

// The JumpProcesses allocations.jl check: once Reset has sized the caches,
// the event loop must not touch the heap (R7).
TEST_P(ExactStepperTest, AdvanceToDoesNotAllocate) {
  for (const std::string& text : {std::string(kMixed), WideText()}) {
    auto model = CompileText(text);
    ASSERT_NE(model, nullptr);
    SCOPED_TRACE(model->name());
    auto stepper = Make(model);
    ASSERT_NE(stepper, nullptr);
    State state{0.0, model->initial_counts()};
    Rng rng = Rng(5).Split(0);
    ASSERT_TRUE(stepper->Reset(state, rng).ok());

    std::uint64_t allocations = 0;
    bool all_ok = true;
    {
      test_support::AllocationScope scope;
      for (int i = 1; i <= 50; ++i) all_ok &= stepper->AdvanceTo(i * 1.0, state, rng).ok();
      allocations = scope.count();
    }
    EXPECT_TRUE(all_ok);
    EXPECT_EQ(allocations, 0u);
    EXPECT_GT(stepper->stats().events, 1000u);  // the loop really ran

    // A second run after Reset reuses the same caches.
    state = State{0.0, model->initial_counts()};
    ASSERT_TRUE(stepper->Reset(state, rng).ok());
    test_support::AllocationScope again;
    ASSERT_TRUE(stepper->AdvanceTo(20.0, state, rng).ok());
    EXPECT_EQ(again.count(), 0u);
  }
}

// The counter itself must see allocations, or the test above proves nothing.
TEST(AllocationCounterTest, CountsThisThreadsAllocations) {
  test_support::AllocationScope scope;
  auto p = std::make_unique<int>(3);
  auto v = std::make_unique<double[]>(10);
  std::string s(1000, 'x');
  EXPECT_GE(scope.count(), 3u);
  EXPECT_EQ(*p + static_cast<int>(s.size()) + static_cast<int>(v[0]), 1003);
}

// AdvanceTo keeps a pending event beyond t_end, so stopping at a fine grid
// must not change the event sequence (same seed → same state and events).
TEST_P(ExactStepperTest, ResultDoesNotDependOnSamplingGrid) {
  for (const std::string& text : {std::string(kMixed), WideText()}) {
    auto model = CompileText(text);
    ASSERT_NE(model, nullptr);
    SCOPED_TRACE(model->name());
    ExpectGridIndependent(model);
  }
}

void ExactStepperTest::ExpectGridIndependent(std::shared_ptr<const CompiledModel> model) {
  auto direct = Make(model);
  auto stepped = Make(model);
  ASSERT_NE(direct, nullptr);
  ASSERT_NE(stepped, nullptr);

  State a{0.0, model->initial_counts()};
  State b{0.0, model->initial_counts()};
  Rng rng_a = Rng(42).Split(3);
  Rng rng_b = Rng(42).Split(3);
  ASSERT_TRUE(direct->Reset(a, rng_a).ok());
  ASSERT_TRUE(stepped->Reset(b, rng_b).ok());

  ASSERT_TRUE(direct->AdvanceTo(10.0, a, rng_a).ok());
  for (int i = 1; i <= 100; ++i) {
    const double t = i == 100 ? 10.0 : 10.0 * i / 100;
    ASSERT_TRUE(stepped->AdvanceTo(t, b, rng_b).ok());
    ASSERT_EQ(b.t, t);
  }
  EXPECT_EQ(a.t, 10.0);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(direct->stats().events, stepped->stats().events);
  EXPECT_GT(direct->stats().events, 100u);
  // And the streams are in the same place afterwards.
  EXPECT_EQ(rng_a.NextU64(), rng_b.NextU64());
}

TEST_P(ExactStepperTest, SameSeedSameTrajectoryDifferentSeedDiffers) {
  auto model = CompileText(kMixed);
  ASSERT_NE(model, nullptr);
  auto run = [&](std::uint64_t seed) {
    auto stepper = Make(model);
    State s{0.0, model->initial_counts()};
    Rng rng(seed);
    EXPECT_TRUE(stepper->Reset(s, rng).ok());
    EXPECT_TRUE(stepper->AdvanceTo(5.0, s, rng).ok());
    return s.x;
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

// A species whose count can only fall reaches 0 and stays there; nothing
// goes negative and the pending time becomes +inf (no events after).
TEST_P(ExactStepperTest, PureDecayStopsAtZero) {
  auto model = CompileText(R"pb(
    name: "decay" time_unit: s
    species { name: "X" initial_count: 50 }
    reaction { name: "decay" reactant { species: "X" } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = Make(model);
  State s{0.0, model->initial_counts()};
  Rng rng(3);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  ASSERT_TRUE(stepper->AdvanceTo(1000.0, s, rng).ok());
  EXPECT_EQ(s.x[0], 0.0);
  EXPECT_EQ(stepper->stats().events, 50u);
  EXPECT_EQ(s.t, 1000.0);
}

// ∅ → 1000 X from just under 2^53: the first firing leaves the exact range.
TEST_P(ExactStepperTest, CountPastTwoToThe53IsANumericalErrorNamingTheReaction) {
  auto model = CompileText(R"pb(
    name: "overflow" time_unit: s
    species { name: "X" initial_count: 9007199254740000 }
    reaction { name: "burst" product { species: "X" stoichiometry: 1000 } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = Make(model);
  State s{0.0, model->initial_counts()};
  Rng rng(4);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  const Status status = stepper->AdvanceTo(100.0, s, rng);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kNumerical);
  EXPECT_NE(status.message().find("reaction 'burst'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("2^53"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("X="), std::string::npos) << status.message();
}

// A +1 change at x = 2^53 would round back to 2^53: the run must fail with
// kNumerical rather than continue with a count that silently stopped growing.
TEST_P(ExactStepperTest, UnitIncrementAtTwoToThe53IsAnError) {
  auto model = CompileText(R"pb(
    name: "overflow" time_unit: s
    species { name: "X" initial_count: 9007199254740990 }
    reaction { name: "birth" product { species: "X" } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = Make(model);
  State s{0.0, model->initial_counts()};
  Rng rng(4);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  const Status status = stepper->AdvanceTo(100.0, s, rng);
  EXPECT_EQ(status.code(), StatusCode::kNumerical) << "final X = " << s.x[0];
}

// Reset rejects an initial state whose propensity is not finite, by name.
TEST_P(ExactStepperTest, ResetReportsInfinitePropensity) {
  auto model = CompileText(R"pb(
    name: "huge" time_unit: s
    species { name: "X" initial_count: 9007199254740991 }
    species { name: "Y" initial_count: 9007199254740991 }
    reaction { name: "bind" reactant { species: "X" stoichiometry: 3 } reactant { species: "Y" stoichiometry: 3 } k: 1e300 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = Make(model);
  State s{0.0, model->initial_counts()};
  Rng rng(1);
  const Status status = stepper->Reset(s, rng);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kNumerical);
  EXPECT_NE(status.message().find("reaction 'bind': propensity is inf"), std::string::npos)
      << status.message();
}

TEST_P(ExactStepperTest, CancellationFlagStopsTheRun) {
  // About 10^5 events per time unit; the flag is polled every 2^16 events.
  auto model = CompileText(test_support::BirthDeathText(1e5, 1.0, 1e5));
  ASSERT_NE(model, nullptr);
  std::atomic<bool> cancel{true};
  auto stepper = Make(model, WithCancel(&cancel));
  State s{0.0, model->initial_counts()};
  Rng rng(8);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  const Status status = stepper->AdvanceTo(1000.0, s, rng);
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_LT(s.t, 1000.0);
  EXPECT_LE(stepper->stats().events, 1u << 17);

  // Without the flag the same interval runs to the end.
  cancel = false;
  auto free_stepper = Make(model, WithCancel(&cancel));
  State s2{0.0, model->initial_counts()};
  Rng rng2(8);
  ASSERT_TRUE(free_stepper->Reset(s2, rng2).ok());
  EXPECT_TRUE(free_stepper->AdvanceTo(2.0, s2, rng2).ok());
  EXPECT_EQ(s2.t, 2.0);
}

TEST_P(ExactStepperTest, StatsCountEventsAcrossCalls) {
  auto model = CompileText(test_support::ChainText());
  ASSERT_NE(model, nullptr);
  auto stepper = Make(model);
  State s{0.0, model->initial_counts()};
  Rng rng(2);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  ASSERT_TRUE(stepper->AdvanceTo(1000.0, s, rng).ok());
  // Every A becomes B, then C, then decays: exactly 3 events per molecule.
  EXPECT_EQ(s.x, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(stepper->stats().events, 300u);
}

INSTANTIATE_TEST_SUITE_P(AllExact, ExactStepperTest, ::testing::ValuesIn(kAllExactMethods),
                         [](const ::testing::TestParamInfo<MethodKind>& info) {
                           return std::string(MethodName(info.param));
                         });

// The stepper also works when instantiated directly on a selector type.
TEST(ExactStepperDirectTest, TemplateInstantiations) {
  auto model = CompileText(test_support::BirthDeathText(10, 1, 0));
  ASSERT_NE(model, nullptr);
  ExactStepper<DirectSelector> direct(model, {});
  ExactStepper<NextReactionSelector> nrm(model, {});
  State a{0.0, model->initial_counts()}, b{0.0, model->initial_counts()};
  Rng ra(1), rb(1);
  ASSERT_TRUE(direct.Reset(a, ra).ok());
  ASSERT_TRUE(nrm.Reset(b, rb).ok());
  ASSERT_TRUE(direct.AdvanceTo(3.0, a, ra).ok());
  ASSERT_TRUE(nrm.AdvanceTo(3.0, b, rb).ok());
  EXPECT_GT(direct.stats().events, 0u);
  EXPECT_GT(nrm.stats().events, 0u);
  EXPECT_GE(direct.stats().recomputes, 1u);
}

}  // namespace
}  // namespace grn
