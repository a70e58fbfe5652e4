// tests/ssa/hybrid_stepper_test.cc
//
// HybridStepper's guarantees (hybrid_stepper.h): the partition by roles and
// counts (pinned species fire exactly, high-copy ones are leaped, reactions
// move between the sets as counts change), counts never negative (leaps
// rejected, never clamped), no leap past t_end, seeded determinism, errors
// naming the reaction, option checks, no allocation in AdvanceTo, and the
// factory wiring (--method hybrid, never exact). Its accuracy against exact
// SSA is tested in tests/statistical/hybrid_test.cc.
#include "engine/ssa/hybrid_stepper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/sim/make_stepper.h"
#include "tests/support/alloc_counter.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;

std::unique_ptr<Stepper> MakeHybrid(std::shared_ptr<const CompiledModel> model,
                                    MethodOptions options = {}) {
  auto made = MakeHybridStepper(std::move(model), options);
  EXPECT_TRUE(made.ok()) << made.status().message();
  return made.ok() ? std::move(made).value() : nullptr;
}

// A telegraph gene: promoter (G_off/G_on), mRNA M, protein P at ~1000.
const char* const kTelegraph = R"pb(
  name: "telegraph" time_unit: h
  species { name: "G_off" initial_count: 1 role: gene }
  species { name: "G_on" initial_count: 0 role: gene }
  species { name: "M" initial_count: 10 role: mrna }
  species { name: "P" initial_count: 1000 role: protein }
  reaction { name: "on" reactant { species: "G_off" } product { species: "G_on" } k: 1 }
  reaction { name: "off" reactant { species: "G_on" } product { species: "G_off" } k: 1 }
  reaction { name: "transcribe" reactant { species: "G_on" }
             product { species: "G_on" } product { species: "M" } k: 20 }
  reaction { name: "m_decay" reactant { species: "M" } k: 1 }
  reaction { name: "translate" reactant { species: "M" }
             product { species: "M" } product { species: "P" } k: 100 }
  reaction { name: "p_decay" reactant { species: "P" } k: 1 }
)pb";

std::vector<SpeciesRole> TelegraphRoles() {
  return {SpeciesRole::kGene, SpeciesRole::kGene, SpeciesRole::kMrna, SpeciesRole::kProtein};
}

MethodOptions WithRoles(std::vector<SpeciesRole> roles) {
  MethodOptions options;
  options.hybrid.roles = std::move(roles);
  return options;
}

TEST(HybridStepperTest, FactoryParsesAndNamesTheMethodAndNeverCallsItExact) {
  auto kind = ParseMethod("hybrid");
  ASSERT_TRUE(kind.ok());
  EXPECT_EQ(*kind, MethodKind::kHybrid);
  EXPECT_STREQ(MethodName(MethodKind::kHybrid), "hybrid");
  EXPECT_FALSE(IsExact(MethodKind::kHybrid));
  EXPECT_EQ(std::count(std::begin(kAllExactMethods), std::end(kAllExactMethods),
                       MethodKind::kHybrid),
            0);
  auto model = CompileText(kTelegraph);
  ASSERT_NE(model, nullptr);
  EXPECT_NE(ChooseExactMethod(*model), MethodKind::kHybrid);
  auto made = MakeStepper(MethodKind::kHybrid, model, WithRoles(TelegraphRoles()));
  EXPECT_TRUE(made.ok()) << made.status().message();
  EXPECT_NE(ParseMethod("bogus").status().message().find("hybrid"), std::string::npos);
}

TEST(HybridStepperTest, PinnedRolesFireExactlyAndProteinsAreLeaped) {
  auto model = CompileText(kTelegraph);
  ASSERT_NE(model, nullptr);
  auto stepper = MakeHybrid(model, WithRoles(TelegraphRoles()));
  ASSERT_NE(stepper, nullptr);
  State s{0.0, model->initial_counts()};
  Rng rng(11);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  for (int i = 1; i <= 200; ++i) {
    ASSERT_TRUE(stepper->AdvanceTo(i * 0.05, s, rng).ok());
    // The gene copy number is conserved and counts stay whole.
    EXPECT_EQ(s.x[0] + s.x[1], 1.0);
    for (double v : s.x) ASSERT_EQ(v, std::floor(v));
  }
  const StepperStats stats = stepper->stats();
  // About 1000 protein firings per hour against ~30 exact ones: the leaps
  // must carry most events.
  EXPECT_GT(stats.events, 10 * stats.steps) << stats.events << " events, " << stats.steps
                                              << " steps";
  EXPECT_GT(s.x[3], 100.0);
}

// Without roles and with low counts everything is exact: every step is one
// event, so steps == events.
TEST(HybridStepperTest, LowCountsWithoutRolesRunExactSteps) {
  auto model = CompileText(test_support::BirthDeathText(20.0, 1.0, 20.0));
  ASSERT_NE(model, nullptr);
  auto stepper = MakeHybrid(model);
  State s{0.0, model->initial_counts()};
  Rng rng(3);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  ASSERT_TRUE(stepper->AdvanceTo(20.0, s, rng).ok());
  EXPECT_EQ(s.t, 20.0);
  EXPECT_GT(stepper->stats().events, 400u);
  EXPECT_EQ(stepper->stats().events, stepper->stats().steps);
}

// A protein pinned as exact by an explicit role never leaps, however many
// copies it has; given role protein, the same network leaps.
TEST(HybridStepperTest, RolesPinSpeciesWhateverTheirCount) {
  auto model = CompileText(test_support::BirthDeathText(1e4, 1.0, 1e4));
  ASSERT_NE(model, nullptr);
  for (SpeciesRole role : {SpeciesRole::kComplex, SpeciesRole::kProtein}) {
    auto stepper = MakeHybrid(model, WithRoles({role}));
    ASSERT_NE(stepper, nullptr);
    State s{0.0, model->initial_counts()};
    Rng rng(5);
    ASSERT_TRUE(stepper->Reset(s, rng).ok());
    ASSERT_TRUE(stepper->AdvanceTo(0.5, s, rng).ok());
    const StepperStats stats = stepper->stats();
    if (role == SpeciesRole::kComplex) {
      EXPECT_EQ(stats.events, stats.steps);
    } else {
      EXPECT_GT(stats.events, 100 * stats.steps);
    }
  }
}

// A species that falls below leap_min_count moves its reactions to the exact
// set: pure decay from 5000 leaps at first, then ends in exact steps, and
// reaches exactly 0.
TEST(HybridStepperTest, ReactionsMoveToTheExactSetAsCountsFall) {
  auto model = CompileText(R"pb(
    name: "decay" time_unit: s
    species { name: "X" initial_count: 5000 }
    reaction { name: "decay" reactant { species: "X" } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = MakeHybrid(model);
  State s{0.0, model->initial_counts()};
  Rng rng(9);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  ASSERT_TRUE(stepper->AdvanceTo(2.0, s, rng).ok());
  const StepperStats early = stepper->stats();
  EXPECT_GT(early.events, 10 * early.steps);  // leaping while X >= 100
  ASSERT_TRUE(stepper->AdvanceTo(40.0, s, rng).ok());
  EXPECT_EQ(s.x[0], 0.0);
  EXPECT_EQ(stepper->stats().events, 5000u);
  // At least the last 100 molecules (below leap_min_count) went one by one.
  EXPECT_GE(stepper->stats().steps - early.steps, 100u);
}

// Options that make leaps overshoot: a loose ε, no critical reactions and no
// exact fallback, so only the reject-and-halve rule keeps counts >= 0.
TEST(HybridStepperTest, CountsNeverGoNegative) {
  auto model = CompileText(R"pb(
    name: "annihilation" time_unit: s
    species { name: "X" initial_count: 1001 }
    reaction { name: "annihilate" reactant { species: "X" stoichiometry: 2 } k: 5 }
  )pb");
  ASSERT_NE(model, nullptr);
  MethodOptions reckless;
  reckless.tau.epsilon = 0.5;
  reckless.tau.critical_threshold = 0;
  reckless.tau.min_leap_in_ssa_steps = 0.0;
  reckless.hybrid.leap_min_count = 0.0;
  auto stepper = MakeHybrid(model, reckless);
  ASSERT_NE(stepper, nullptr);
  for (std::uint64_t run = 0; run < 50; ++run) {
    Rng rng = Rng(17).Split(run);
    State s{0.0, model->initial_counts()};
    ASSERT_TRUE(stepper->Reset(s, rng).ok());
    for (int i = 1; i <= 200; ++i) {
      ASSERT_TRUE(stepper->AdvanceTo(i * 0.01, s, rng).ok());
      ASSERT_GE(s.x[0], 0.0) << "run " << run << " t = " << s.t;
    }
    EXPECT_EQ(s.x[0], 1.0) << "run " << run;  // one unpaired molecule left
  }
  EXPECT_EQ(stepper->stats().events, 50u * 500u);
  EXPECT_GT(stepper->stats().rejections, 0u);  // it did overshoot, and was caught
}

// Pure birth: nothing bounds τ' and there is no exact set, so each AdvanceTo
// is one leap truncated at its t_end.
TEST(HybridStepperTest, LeapsStopExactlyAtTEnd) {
  auto model = CompileText(R"pb(
    name: "birth" time_unit: s
    species { name: "X" initial_count: 1000 }
    reaction { name: "birth" product { species: "X" } k: 1e6 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = MakeHybrid(model);
  State s{0.0, model->initial_counts()};
  Rng rng(3);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  const std::vector<double> grid = {0.1, 0.25, 0.3, 1.0 / 3.0, 0.7, 1.0};
  double previous = 0.0, previous_x = s.x[0];
  for (double t : grid) {
    ASSERT_TRUE(stepper->AdvanceTo(t, s, rng).ok());
    EXPECT_EQ(s.t, t);
    const double mean = 1e6 * (t - previous);
    EXPECT_NEAR(s.x[0] - previous_x, mean, 6.0 * std::sqrt(mean)) << "t = " << t;
    previous = t;
    previous_x = s.x[0];
  }
  EXPECT_EQ(stepper->stats().steps, grid.size());
}

TEST(HybridStepperTest, SameSeedSameTrajectoryDifferentSeedDiffers) {
  auto model = CompileText(kTelegraph);
  ASSERT_NE(model, nullptr);
  auto run = [&](std::uint64_t seed) {
    auto stepper = MakeHybrid(model, WithRoles(TelegraphRoles()));
    State s{0.0, model->initial_counts()};
    Rng rng(seed);
    EXPECT_TRUE(stepper->Reset(s, rng).ok());
    EXPECT_TRUE(stepper->AdvanceTo(5.0, s, rng).ok());
    return s.x;
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

TEST(HybridStepperTest, CancellationFlagStopsTheRun) {
  auto model = CompileText(kTelegraph);
  ASSERT_NE(model, nullptr);
  std::atomic<bool> cancel{true};
  MethodOptions options = WithRoles(TelegraphRoles());
  options.cancel = &cancel;
  auto stepper = MakeHybrid(model, options);
  State s{0.0, model->initial_counts()};
  Rng rng(1);
  ASSERT_TRUE(stepper->Reset(s, rng).ok());
  EXPECT_EQ(stepper->AdvanceTo(10.0, s, rng).code(), StatusCode::kCancelled);
}

TEST(HybridStepperTest, InfinitePropensityIsAnErrorNamingTheReaction) {
  auto model = CompileText(R"pb(
    name: "blowup" time_unit: s
    species { name: "X" initial_count: 0 }
    reaction { name: "explode" product { species: "X" } propensity: "1 / X" }
  )pb");
  ASSERT_NE(model, nullptr);
  auto stepper = MakeHybrid(model);
  State s{0.0, model->initial_counts()};
  Rng rng(1);
  const Status status = stepper->Reset(s, rng);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("explode"), std::string::npos) << status.message();
}

TEST(HybridStepperTest, RejectsBadOptions) {
  auto model = CompileText(kTelegraph);
  ASSERT_NE(model, nullptr);
  MethodOptions bad_epsilon;
  bad_epsilon.tau.epsilon = 0.0;
  MethodOptions bad_count;
  bad_count.hybrid.leap_min_count = std::nan("");
  MethodOptions bad_roles = WithRoles({SpeciesRole::kGene});
  for (const MethodOptions& options : {bad_epsilon, bad_count, bad_roles}) {
    auto made = MakeHybridStepper(model, options);
    EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  }
  auto made = MakeHybridStepper(model, WithRoles({SpeciesRole::kGene}));
  EXPECT_NE(made.status().message().find("1 species roles given for a network of 4"),
            std::string::npos)
      << made.status().message();
}

TEST(HybridStepperTest, AdvanceToDoesNotAllocate) {
  auto model = CompileText(kTelegraph);
  ASSERT_NE(model, nullptr);
  auto stepper = MakeHybrid(model, WithRoles(TelegraphRoles()));
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
  EXPECT_GT(stepper->stats().events, 5000u);  // the loop really ran
}

}  // namespace
}  // namespace grn
