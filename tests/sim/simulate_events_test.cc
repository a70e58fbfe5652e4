// tests/sim/simulate_events_test.cc
//
// Events, assignment rules, initial assignments and propensity expressions as
// the run driver (engine/sim/simulate.cc) and the exact steppers see them:
// exact outcomes where the answer is certain, clear errors where the model is
// impossible.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/model/validate.h"
#include "engine/sim/make_stepper.h"
#include "engine/sim/simulate.h"
#include "tests/support/print_method.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;
using test_support::ParseNetwork;

class EventsTest : public ::testing::TestWithParam<MethodKind> {
 protected:
  StatusOr<EnsembleResult> Run(std::shared_ptr<const CompiledModel> model, double t_end,
                               std::uint32_t steps, std::uint64_t runs) {
    SimulationOptions options;
    options.method = GetParam();
    options.t_end = t_end;
    options.steps = steps;
    options.runs = runs;
    options.seed = 5;
    return SimulateEnsemble(std::move(model), options);
  }
};

constexpr char kImmigrationDeath[] = R"pb(
  name: "imm" time_unit: s
  species { name: "X" initial_count: 0 }
  parameter { name: "Alpha" value: 1 }
  parameter { name: "Mu" value: 0.1 }
  reaction { name: "immigration" product { species: "X" } propensity: "Alpha" }
  reaction { name: "death" reactant { species: "X" } k_param: "Mu" }
)pb";

TEST_P(EventsTest, TimedEventSetsTheCountAtItsTime) {
  auto model = CompileText(std::string(kImmigrationDeath) +
                           R"pb(event { name: "reset" at_time: 25 assign { target: "X" value: "50" } })pb");
  ASSERT_NE(model, nullptr);
  auto result = Run(model, 50, 10, 200);
  ASSERT_TRUE(result.ok()) << result.status().message();
  // The output at t = 25 is taken after the event: every run holds exactly 50.
  EXPECT_EQ(result->stats.mean(5, 0), 50.0);
  EXPECT_EQ(result->stats.sd(5, 0), 0.0);
  EXPECT_LT(result->stats.mean(6, 0), 50.0);
}

TEST_P(EventsTest, EventOffTheGridFiresBetweenOutputs) {
  // Nothing happens until the event switches immigration on at t = 2.5.
  auto model = CompileText(R"pb(
    name: "switch" time_unit: s
    species { name: "X" initial_count: 0 }
    parameter { name: "k" value: 0 }
    reaction { name: "birth" product { species: "X" } k_param: "k" }
    event { name: "on" at_time: 2.5 assign { target: "k" value: "1000" } }
  )pb");
  ASSERT_NE(model, nullptr);
  auto result = Run(model, 3, 3, 50);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->stats.mean(2, 0), 0.0);  // t = 2
  // t = 3: Poisson(1000 · 0.5) = 500 ± 22 per run; the mean of 50 runs ± 3.2.
  EXPECT_NEAR(result->stats.mean(3, 0), 500.0, 5 * std::sqrt(500.0 / 50));
}

TEST_P(EventsTest, ConditionEventFiresWhenItBecomesTrueAndAgain) {
  // Pure birth at rate 100 with a reset to 0 whenever X reaches 10: X stays
  // below 10 at every output, and the reset must fire many times.
  auto model = CompileText(R"pb(
    name: "sawtooth" time_unit: s
    species { name: "X" initial_count: 0 }
    species { name: "resets" initial_count: 0 }
    reaction { name: "birth" product { species: "X" } k: 100 }
    event { name: "reset" when: "X >= 10"
            assign { target: "X" value: "0" }
            assign { target: "resets" value: "resets + 1" } }
  )pb");
  ASSERT_NE(model, nullptr);
  auto result = Run(model, 10, 20, 20);
  ASSERT_TRUE(result.ok()) << result.status().message();
  for (std::size_t i = 0; i <= 20; ++i) EXPECT_LT(result->stats.mean(i, 0), 10.0);
  // About 1000 births in 10 s: about 100 resets.
  EXPECT_NEAR(result->stats.mean(20, 1), 100.0, 10.0);
}

TEST_P(EventsTest, AssignmentsUseValuesFromBeforeTheEvent) {
  // swap: A := B, B := A at t = 1 must exchange the counts, not copy one.
  auto model = CompileText(R"pb(
    name: "swap" time_unit: s
    species { name: "A" initial_count: 3 }
    species { name: "B" initial_count: 7 }
    species { name: "C" initial_count: 0 }
    reaction { name: "never" reactant { species: "C" } k: 1 }
    event { name: "swap" at_time: 1 assign { target: "A" value: "B" } assign { target: "B" value: "A" } }
  )pb");
  ASSERT_NE(model, nullptr);
  auto result = Run(model, 2, 2, 2);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->stats.mean(2, 0), 7.0);
  EXPECT_EQ(result->stats.mean(2, 1), 3.0);
}

TEST_P(EventsTest, EventsThatRetriggerForeverAreAnError) {
  auto model = CompileText(R"pb(
    name: "loop" time_unit: s
    species { name: "A" initial_count: 0 }
    species { name: "B" initial_count: 0 }
    reaction { name: "birth" product { species: "A" } k: 1 }
    event { name: "up" when: "A >= 1" assign { target: "A" value: "0" } assign { target: "B" value: "1" } }
    event { name: "down" when: "B >= 1" assign { target: "B" value: "0" } assign { target: "A" value: "1" } }
  )pb");
  ASSERT_NE(model, nullptr);
  auto result = Run(model, 100, 1, 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNumerical);
  EXPECT_NE(result.status().message().find("keeps re-triggering"), std::string::npos)
      << result.status().message();
}

TEST_P(EventsTest, EventSettingAFractionalCountIsAnError) {
  auto model = CompileText(std::string(kImmigrationDeath) +
                           R"pb(event { name: "halve" at_time: 1 assign { target: "X" value: "X / 2 + 0.25" } })pb");
  ASSERT_NE(model, nullptr);
  auto result = Run(model, 2, 2, 1);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("event 'halve' sets 'X' to"), std::string::npos)
      << result.status().message();
}

TEST_P(EventsTest, AssignmentRuleHoldsAtEveryOutput) {
  auto model = CompileText(std::string(kImmigrationDeath) +
                           R"pb(species { name: "Y" initial_count: 0 }
                                assignment_rule { variable: "Y" expression: "2 * X + 1" })pb");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->initial_counts()[1], 1.0);
  SimulationOptions options;
  options.method = GetParam();
  options.t_end = 20;
  options.steps = 20;
  options.seed = 3;
  Status s = SimulateTrajectory(model, options, 0, [](double, std::span<const double> x) {
    EXPECT_EQ(x[1], 2 * x[0] + 1);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_P(EventsTest, PropensityThatIgnoresItsReactantDrivesACountNegative) {
  // "1" stays positive at X = 0: the reaction would take X below zero.
  auto model = CompileText(R"pb(
    name: "bad" time_unit: s
    species { name: "X" initial_count: 0 }
    reaction { name: "leak" reactant { species: "X" } propensity: "1" }
  )pb");
  ASSERT_NE(model, nullptr);
  auto result = Run(model, 10, 1, 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNumerical);
  EXPECT_NE(result.status().message().find("reaction 'leak'"), std::string::npos)
      << result.status().message();
}

TEST_P(EventsTest, NegativePropensityIsReportedByName) {
  auto model = CompileText(R"pb(
    name: "neg" time_unit: s
    species { name: "X" initial_count: 5 }
    reaction { name: "weird" product { species: "X" } propensity: "3 - X" }
  )pb");
  ASSERT_NE(model, nullptr);
  auto result = Run(model, 100, 1, 1);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("reaction 'weird': propensity is -"), std::string::npos)
      << result.status().message();
}

INSTANTIATE_TEST_SUITE_P(AllExact, EventsTest, ::testing::ValuesIn(kAllExactMethods));

TEST(EventsCompileTest, InitialAssignmentsAreEvaluatedInDependencyOrder) {
  auto model = CompileText(R"pb(
    name: "ia" time_unit: s
    species { name: "X" initial_count: 0 }
    parameter { name: "a" value: 1 }
    parameter { name: "b" value: 1 }
    reaction { name: "d" reactant { species: "X" } k: 1 }
    initial_assignment { variable: "X" expression: "b * 10" }
    initial_assignment { variable: "b" expression: "a + 2" }
  )pb");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->initial_parameters()[1], 3.0);
  EXPECT_EQ(model->initial_counts()[0], 30.0);
}

TEST(EventsCompileTest, ExactMethodsRefuseTimeDependentPropensities) {
  auto model = CompileText(R"pb(
    name: "t" time_unit: s
    species { name: "X" initial_count: 0 }
    reaction { name: "pulse" product { species: "X" } propensity: "1 + time" }
  )pb");
  ASSERT_NE(model, nullptr);
  for (MethodKind kind : kAllExactMethods) {
    auto stepper = MakeStepper(kind, model, MethodOptions{});
    ASSERT_FALSE(stepper.ok());
    EXPECT_EQ(stepper.status().code(), StatusCode::kNotSupported);
    EXPECT_NE(stepper.status().message().find("reads time"), std::string::npos);
  }
}

std::vector<std::string> Problems(const std::string& text) {
  std::vector<std::string> out;
  for (const Diagnostic& d : Validate(ParseNetwork(text))) out.push_back(d.message);
  return out;
}

TEST(EventsValidateTest, RuleCycleIsNamed) {
  const auto problems = Problems(R"pb(
    name: "c" time_unit: s
    species { name: "X" initial_count: 1 }
    parameter { name: "a" value: 1 }
    parameter { name: "b" value: 1 }
    reaction { name: "d" reactant { species: "X" } propensity: "a * X" }
    assignment_rule { variable: "a" expression: "b + 1" }
    assignment_rule { variable: "b" expression: "a + 1" }
  )pb");
  ASSERT_FALSE(problems.empty());
  bool found = false;
  for (const auto& p : problems) found |= p.find("refer to each other in a cycle") != std::string::npos;
  EXPECT_TRUE(found) << ::testing::PrintToString(problems);
}

TEST(EventsValidateTest, BadEventsAndRulesAreListed) {
  const auto problems = Problems(R"pb(
    name: "v" time_unit: s
    species { name: "X" initial_count: 1 }
    species { name: "Y" initial_count: 0 }
    reaction { name: "d" reactant { species: "X" } product { species: "Y" } k: 1
               modifier { hill_activation { species: "X" k: 1 } } }
    reaction { name: "e" reactant { species: "X" } propensity: "X" modifier { michaelis_menten { species: "X" k: 1 } } }
    assignment_rule { variable: "Y" expression: "2 * X" }
    event { name: "ev" when: "time > 3" assign { target: "Q" value: "1" } }
    event { name: "ev2" at_time: -1 }
  )pb");
  const std::vector<std::string> expected = {
      "reaction 'e': modifiers apply to mass-action laws; write them into the propensity expression",
      "assignment rule for 'Y': reactions change 'Y'; a variable defined by a rule cannot also be "
      "changed by reactions",
      "event 'ev': the condition reads time; use at_time for events at a given time",
      "event 'ev': target 'Q' is not a species or parameter",
      "event 'ev2': at_time -1 must be finite and >= 0",
      "event 'ev2': assigns nothing",
  };
  EXPECT_EQ(problems, expected);
}

}  // namespace
}  // namespace grn
