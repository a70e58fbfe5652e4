// tests/ssa/rssa_selector_test.cc
//
// RSSA (linear and composition–rejection search): whatever the bounds, the
// accepted candidate is reaction r with probability a_r(x)/a0 and the waiting
// time is Exp(a0) — the thinning is exact. Checked at the initial state and
// after the state has moved (so intervals were left and bounds rebuilt), on a
// network with every fast-path shape (zero order, first order, homodimer,
// heterodimer) and a Hill-modified law (exact bounds).
#include "engine/ssa/rssa_selector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "engine/kinetics/propensity.h"
#include "engine/sim/make_stepper.h"
#include "engine/ssa/exact_stepper.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

constexpr char kNetwork[] = R"pb(
  name: "shapes" time_unit: s
  species { name: "A" initial_count: 30 }
  species { name: "B" initial_count: 7 }
  species { name: "C" initial_count: 200 }
  species { name: "G" initial_count: 1 constant: true }
  reaction { name: "make_a" product { species: "A" } k: 5 }
  reaction { name: "a_to_b" reactant { species: "A" } product { species: "B" } k: 0.3 }
  reaction { name: "dimer" reactant { species: "C" stoichiometry: 2 } product { species: "A" } k: 0.002 }
  reaction { name: "bind" reactant { species: "A" } reactant { species: "B" } product { species: "C" } k: 0.01 }
  reaction { name: "decay_c" reactant { species: "C" } k: 0.05 }
  reaction {
    name: "express" reactant { species: "G" } product { species: "G" } product { species: "B" } k: 4
    modifier { hill_repression { species: "B" k: 10 n: 2 } }
  }
)pb";

// Draws the first event from `state` many times with selector S (a fresh
// Reset on its own stream each time) and compares with the exact a(x).
template <class S>
void ExpectFirstEventLawAt(const std::shared_ptr<const CompiledModel>& model, const State& state,
                           int draws, std::uint64_t seed) {
  const std::size_t m = model->num_reactions();
  std::vector<double> a(m);
  for (ReactionIndex r = 0; r < m; ++r) {
    a[r] = Propensity<Regime::kStochastic>(*model, r, state.x.data(), model->initial_parameters().data(),
                                           state.t);
  }
  const double a0 = std::accumulate(a.begin(), a.end(), 0.0);
  std::vector<int> count(m, 0);
  double wait = 0.0;
  const Rng root(seed);
  // The working counts with the 1.0 slot, as ExactStepper binds them.
  std::vector<double> x(state.x);
  x.push_back(1.0);
  const std::vector<double> p = model->initial_parameters();
  for (int i = 0; i < draws; ++i) {
    Rng rng = root.Split(static_cast<std::uint64_t>(i));
    S selector;
    selector.Bind(*model, x.data(), p.data());
    selector.Reset(a, state.t, rng);
    const Event e = selector.Next(state.t, rng);
    ASSERT_LT(e.reaction, m);
    ++count[e.reaction];
    wait += e.time - state.t;
  }
  for (std::size_t r = 0; r < m; ++r) {
    const double p = a[r] / a0;
    if (p == 0.0) {
      EXPECT_EQ(count[r], 0) << model->reaction_names()[r];
      continue;
    }
    EXPECT_NEAR(count[r], draws * p, 5.0 * std::sqrt(draws * p * (1 - p))) << model->reaction_names()[r];
  }
  EXPECT_NEAR(wait / draws, 1.0 / a0, 5.0 / (a0 * std::sqrt(draws)));
}

template <class S>
class RssaSelectorTest : public ::testing::Test {};
using Selectors = ::testing::Types<RssaSelector, RssaCrSelector>;
TYPED_TEST_SUITE(RssaSelectorTest, Selectors);

TYPED_TEST(RssaSelectorTest, FirstEventFollowsExactPropensities) {
  auto model = test_support::CompileText(kNetwork);
  ASSERT_NE(model, nullptr);
  State state;
  state.x = model->initial_counts();
  ExpectFirstEventLawAt<TypeParam>(model, state, 100000, 41);
}

TYPED_TEST(RssaSelectorTest, SmallCountsAndZeros) {
  auto model = test_support::CompileText(kNetwork);
  ASSERT_NE(model, nullptr);
  State state;
  state.x = {0, 1, 1, 1};  // homodimer and heterodimer at zero; lower bounds 0
  ExpectFirstEventLawAt<TypeParam>(model, state, 100000, 42);
}

// Runs the selector through many events: every accepted reaction must have
// had a positive propensity (never a bound artefact), and the event count
// over a fixed horizon must match the direct method's in mean.
TYPED_TEST(RssaSelectorTest, LongRunMatchesDirectEventRate) {
  auto model = test_support::CompileText(kNetwork);
  ASSERT_NE(model, nullptr);
  auto run = [&](MethodKind kind, std::uint64_t seed) {
    auto stepper = MakeStepper(kind, model, MethodOptions{});
    EXPECT_TRUE(stepper.ok());
    double total = 0.0, total_sq = 0.0;
    const int runs = 200;
    for (int i = 0; i < runs; ++i) {
      Rng rng = Rng(seed).Split(i);
      State state;
      state.x = model->initial_counts();
      EXPECT_TRUE((*stepper)->Reset(state, rng).ok());
      const auto before = (*stepper)->stats().events;
      EXPECT_TRUE((*stepper)->AdvanceTo(20.0, state, rng).ok());
      for (double v : state.x) EXPECT_GE(v, 0.0);
      const double n = static_cast<double>((*stepper)->stats().events - before);
      total += n;
      total_sq += n * n;
    }
    const double mean = total / runs;
    return std::pair{mean, std::sqrt((total_sq / runs - mean * mean) / runs)};
  };
  const MethodKind kind = std::is_same_v<TypeParam, RssaSelector> ? MethodKind::kRssa
                                                                  : MethodKind::kRssaCr;
  const auto [ours, ours_se] = run(kind, 7);
  const auto [direct, direct_se] = run(MethodKind::kDirect, 8);
  EXPECT_NEAR(ours, direct, 5.0 * std::hypot(ours_se, direct_se));
}

TEST(RssaStepperTest, ReportsRejections) {
  auto model = test_support::CompileText(kNetwork);
  ASSERT_NE(model, nullptr);
  auto stepper = MakeStepper(MethodKind::kRssa, model, MethodOptions{});
  ASSERT_TRUE(stepper.ok());
  Rng rng(3);
  State state;
  state.x = model->initial_counts();
  ASSERT_TRUE((*stepper)->Reset(state, rng).ok());
  ASSERT_TRUE((*stepper)->AdvanceTo(200.0, state, rng).ok());
  const StepperStats stats = (*stepper)->stats();
  EXPECT_GT(stats.events, 1000u);
  // Bounds are 10-30% wide here: some candidates are refused, far fewer than fired.
  EXPECT_GT(stats.rejections, 0u);
  EXPECT_LT(stats.rejections, stats.events);
}

TEST(RssaStepperTest, BadPropensityIsReportedByName) {
  auto model = test_support::CompileText(R"pb(
    name: "neg" time_unit: s
    species { name: "X" initial_count: 20 }
    species { name: "Y" initial_count: 0 }
    reaction { name: "consume" reactant { species: "X" } k: 1 }
    reaction { name: "bad" product { species: "Y" } propensity: "X - 10" }
  )pb");
  ASSERT_NE(model, nullptr);
  for (MethodKind kind : {MethodKind::kRssa, MethodKind::kRssaCr}) {
    auto stepper = MakeStepper(kind, model, MethodOptions{});
    ASSERT_TRUE(stepper.ok());
    Rng rng(3);
    State state;
    state.x = model->initial_counts();
    ASSERT_TRUE((*stepper)->Reset(state, rng).ok());
    const Status status = (*stepper)->AdvanceTo(1000.0, state, rng);
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find("'bad'"), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace grn

namespace grn {
namespace {

// A chain X0 → X1 → ... of n reactions, each optionally Hill-repressed.
std::string ChainNetwork(int n, bool hill) {
  std::string text = "name: \"chain\" time_unit: s\n";
  for (int i = 0; i <= n; ++i) {
    text += "species { name: \"X" + std::to_string(i) + "\" initial_count: 10 }\n";
  }
  for (int i = 0; i < n; ++i) {
    text += "reaction { name: \"r" + std::to_string(i) + "\" reactant { species: \"X" +
            std::to_string(i) + "\" } product { species: \"X" + std::to_string(i + 1) + "\" } k: 1";
    if (hill) text += " modifier { hill_repression { species: \"X0\" k: 5 n: 2 } }";
    text += " }\n";
  }
  return text;
}

TEST(ChooseExactMethodTest, BySizeAndKindOfLaw) {
  auto small = test_support::CompileText(ChainNetwork(10, false));
  auto large = test_support::CompileText(ChainNetwork(150, false));
  auto regulated = test_support::CompileText(ChainNetwork(150, true));
  ASSERT_TRUE(small && large && regulated);
  EXPECT_EQ(ChooseExactMethod(*small), MethodKind::kDirect);
  EXPECT_EQ(ChooseExactMethod(*large), MethodKind::kRssaCr);
  EXPECT_EQ(ChooseExactMethod(*regulated), MethodKind::kCompositionRejection);
}

}  // namespace
}  // namespace grn
