// tests/sim/periodic_event_test.cc
//
// Periodic timed events (Event.period): an at_time event with a period fires
// at at_time + k·period for k = 0, 1, 2, ... under every method (the run
// driver schedules them, not the steppers).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/model/validate.h"
#include "engine/sim/simulate.h"
#include "tests/support/print_method.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;
using test_support::ParseNetwork;

StatusOr<EnsembleResult> RunEnsemble(std::shared_ptr<const CompiledModel> model, MethodKind method,
                             double t_end, std::uint32_t steps, std::uint64_t runs) {
  SimulationOptions options;
  options.method = method;
  options.t_end = t_end;
  options.steps = steps;
  options.runs = runs;
  options.seed = 11;
  return SimulateEnsemble(std::move(model), options);
}

class PeriodicEventTest : public ::testing::TestWithParam<MethodKind> {};

// A counter that only the event changes: after t it holds the number of
// firings in [0, t], exactly, for every method.
TEST_P(PeriodicEventTest, FiresAtEveryPeriod) {
  auto model = CompileText(R"pb(
    name: "tick" time_unit: h
    species { name: "C" initial_count: 0 }
    species { name: "X" initial_count: 10 }
    reaction { name: "decay" reactant { species: "X" } k: 0.01 }
    event { name: "tick" at_time: 0.5 period: 2 assign { target: "C" value: "C + 1" } }
  )pb");
  ASSERT_NE(model, nullptr);
  auto result = RunEnsemble(model, GetParam(), 10, 10, 1);
  ASSERT_TRUE(result.ok()) << result.status().message();
  // Firings at 0.5, 2.5, 4.5, 6.5, 8.5: the count at t = 0, 1, ..., 10.
  const double expected[] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
  for (int i = 0; i <= 10; ++i) EXPECT_EQ(result->stats.mean(i, 0), expected[i]) << "t=" << i;
}

// The design's PTH schedule: a parameter raised for 1 h every 24 h. X is
// made only during a pulse (rate 100/h) and never lost, so its mean after
// day d is 100·(pulses so far): 100 per pulse, visible in the trajectory.
TEST_P(PeriodicEventTest, DailyPulseShowsInTheMeanTrajectory) {
  auto model = CompileText(R"pb(
    name: "pulse" time_unit: h
    species { name: "X" initial_count: 0 }
    parameter { name: "k" value: 0 }
    reaction { name: "make" product { species: "X" } k_param: "k" }
    event { name: "on"  at_time: 6 period: 24 assign { target: "k" value: "100" } }
    event { name: "off" at_time: 7 period: 24 assign { target: "k" value: "0" } }
  )pb");
  ASSERT_NE(model, nullptr);
  const int runs = GetParam() == MethodKind::kOde ? 1 : 200;
  auto result = RunEnsemble(model, GetParam(), 96, 16, runs);  // outputs every 6 h
  ASSERT_TRUE(result.ok()) << result.status().message();
  for (int i = 0; i <= 16; ++i) {
    const double t = 6.0 * i;
    const int pulses = t < 7 ? 0 : static_cast<int>((t - 7) / 24) + 1;  // completed ones
    // Each pulse adds Poisson(100): the mean of `runs` runs is within
    // 5·sqrt(100·pulses/runs) of 100·pulses; the ODE gives it to its tolerance.
    const double tolerance = GetParam() == MethodKind::kOde
                                 ? 1e-3 * pulses + 1e-9
                                 : 5 * std::sqrt(100.0 * pulses / runs) + 1e-9;
    EXPECT_NEAR(result->stats.mean(i, 0), 100.0 * pulses, tolerance) << "t=" << t;
  }
}

INSTANTIATE_TEST_SUITE_P(AllMethods, PeriodicEventTest,
                         ::testing::Values(MethodKind::kDirect, MethodKind::kNextReaction,
                                           MethodKind::kTauLeap, MethodKind::kOde));

TEST(PeriodicEventValidationTest, PeriodNeedsAtTimeAndMustBePositive) {
  const std::string head = R"pb(
    name: "bad" time_unit: h
    species { name: "X" initial_count: 0 }
    reaction { name: "make" product { species: "X" } k: 1 }
  )pb";
  auto messages = [&](const std::string& event) {
    std::string all;
    for (const Diagnostic& d : Validate(ParseNetwork(head + event))) all += d.message + "\n";
    return all;
  };
  EXPECT_EQ(messages(R"pb(event { name: "e" when: "X > 3" period: 2 assign { target: "X" value: "0" } })pb"),
            "event 'e': period repeats an at_time event; a `when` event fires each time its "
            "condition turns true\n");
  EXPECT_EQ(messages(R"pb(event { name: "e" at_time: 1 period: -2 assign { target: "X" value: "0" } })pb"),
            "event 'e': period -2 must be finite and > 0 (or left out: once)\n");
  EXPECT_EQ(messages(R"pb(event { name: "e" at_time: 1 period: 2 assign { target: "X" value: "0" } })pb"), "");
}

}  // namespace
}  // namespace grn
