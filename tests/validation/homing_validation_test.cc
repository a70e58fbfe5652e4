// tests/validation/homing_validation_test.cc
//
// Homing of infused MSCs (BIOLOGY.md §3.6) through the product path:
// `grnsim population networks/msc_population.textproto --scenario
// scenarios/baseline_mixed.textproto [--scenario S] --infuse N --method
// hybrid`, every arm with the same --seed (common random numbers: the donors
// of replicate r draw the same streams in every arm), reading
// DIR/replicates.csv at the last day.
//   V28  CXCR4 overexpression (CX_GENE = 5): homed fraction up >= 2x (the
//        paired bootstrap CI of log(mean homed OE / mean homed B) excludes 0
//        and the point estimate >= log 2); the per-infused-cell OPG flux of
//        the donor-derived cells up.
//   V29  SDF-1 blockade (SDF1 x 0.1): homed fraction down.
//   C9   baseline homing 1-3% (Devine 2003): the mean homed fraction in
//        [1%, 3%] at full size; at CI size its 95% CI overlaps [1%, 3%].
// Negative controls, same size and seed: CX_GENE = 1.05 fails the V28 >= 2x
// rule; SDF1 x 10 fails V29's "down"; CXCR4 overexpression fails C9.
//
// Sizes (tests/support/test_size.h): smoke 100 infused, 5 residents, 1 day,
// 2 replicates (verdicts printed only); CI 500 infused, 20 residents, 3 days,
// 4 replicates; full 2000 infused, 200 residents, 14 days, 10 replicates.
// Runs are cached like the other population validation runs
// (population_support.h, RunPopulationCached), by command line, binary and
// networks/.
//
// Measured (seed 20261126, full-size donors: 2000 infused x 10 replicates,
// cells 0, 0.25 d; the homed fraction does not depend on the residents):
// baseline 1.93% [95% CI 1.81%, 2.07%].
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "tests/validation/population_support.h"

namespace grn::validation {
namespace {

constexpr std::uint64_t kSeed = 20261126;

struct InfusionSize {
  std::uint64_t infused, cells;
  double days;
  std::uint64_t replicates;
};

InfusionSize CurrentInfusionSize() {
  if (SmokeSize()) return {100, 5, 1, 2};
  if (FullSize()) return {2000, 200, 14, 10};
  return {500, 20, 3, 4};
}

// One replicate at the last day.
struct HomingReplicate {
  double homed_fraction = 0, osteo_per_infused = 0, opg_per_infused = 0;
};

struct HomingRun {
  std::string label;
  std::vector<HomingReplicate> replicates;

  std::vector<double> Per(double HomingReplicate::*field) const {
    std::vector<double> out;
    for (const HomingReplicate& r : replicates) out.push_back(r.*field);
    return out;
  }
};

bool ParseHoming(const std::string& text, std::vector<HomingReplicate>* out, std::string* error) {
  std::vector<std::vector<double>> rows;
  if (!population_internal::LastDayValues(
          text, {"homed_fraction", "donor_osteo_per_infused", "donor_opg_flux_per_infused"}, &rows,
          error)) {
    return false;
  }
  out->clear();
  for (const std::vector<double>& r : rows) out->push_back({r[0], r[1], r[2]});
  return true;
}

// Runs (or reuses) baseline_mixed + `scenarios` (paths) in infusion mode.
const HomingRun& Arm(const std::string& label, const std::vector<std::string>& scenarios) {
  static std::map<std::string, HomingRun> memo;
  const InfusionSize size = CurrentInfusionSize();
  std::vector<std::string> args = {NetworksDir() + "msc_population.textproto", "--scenario",
                                   NetworksDir() + "scenarios/baseline_mixed.textproto"};
  for (const std::string& s : scenarios) {
    args.push_back("--scenario");
    args.push_back(s);
  }
  for (const std::string& a :
       {std::string("--method"), std::string("hybrid"), std::string("--infuse"),
        std::to_string(size.infused), std::string("--cells"), std::to_string(size.cells),
        std::string("--days"), DaysArgument(size.days), std::string("--replicates"),
        std::to_string(size.replicates), std::string("--seed"), std::to_string(kSeed),
        std::string("--threads"), std::string("2")}) {
    args.push_back(a);
  }
  const std::string arguments = QuotedArguments(args);
  if (auto it = memo.find(arguments); it != memo.end()) return it->second;
  HomingRun& run = memo[arguments];
  run.label = label;
  std::string error;
  const std::string text = RunPopulationCached("homing " + label, arguments, &error);
  if (error.empty() && !ParseHoming(text, &run.replicates, &error)) run.replicates.clear();
  if (error.empty() && run.replicates.size() != size.replicates) {
    error = "expected " + std::to_string(size.replicates) + " replicates, got " +
            std::to_string(run.replicates.size());
    run.replicates.clear();
  }
  if (!error.empty()) ADD_FAILURE() << label << ": " << error;
  return run;
}

std::string Scenario(const std::string& file) { return NetworksDir() + "scenarios/" + file; }

const HomingRun& Baseline() { return Arm("B", {}); }
const HomingRun& Overexpression() {
  return Arm("B + cxcr4_overexpression", {Scenario("cxcr4_overexpression.textproto")});
}
const HomingRun& Blockade() { return Arm("B + sdf1_blockade", {Scenario("sdf1_blockade.textproto")}); }

constexpr auto kHomed = &HomingReplicate::homed_fraction;

// log(mean scenario / mean baseline) of the homed fraction, replicates
// resampled in pairs (common random numbers).
Estimate LogRatio(const HomingRun& baseline, const HomingRun& scenario) {
  const std::vector<double> b = baseline.Per(kHomed), s = scenario.Per(kHomed);
  if (b.size() != s.size() || b.empty()) return {NAN, NAN, NAN};
  return Bootstrap(b.size(), [&](std::span<const std::size_t> idx) {
    return std::log(MeanOf(s, idx) / MeanOf(b, idx));
  });
}

// The §3.9 rule on a log ratio: the CI excludes 0 in `direction` and the
// point estimate reaches `minimum` (a log) in that direction.
bool Passes(const Estimate& e, int direction, double minimum) {
  return std::isfinite(e.lo) && direction * e.lo > 0 && direction * e.hi > 0 &&
         direction * e.point >= minimum;
}

// Scores, prints and records one rule; asserts that it holds (`expect_pass`)
// or, for a negative control, that it fails.
void ExpectRule(const CheckSpec& spec, const Estimate& e, const HomingRun& baseline,
                const HomingRun& scenario, bool expect_pass) {
  const bool pass = Passes(e, spec.direction, spec.minimum);
  WriteResult(spec, e, Mean(baseline.Per(kHomed)), Mean(scenario.Per(kHomed)),
              baseline.replicates.size(), pass, Assertion::kAssert);
  if (test_size::SkipStatisticalAssertionAtSmokeSize(spec.id + " " + spec.check)) return;
  EXPECT_EQ(pass, expect_pass) << spec.id << " " << spec.check << ": log ratio " << e.point
                               << " CI [" << e.lo << ", " << e.hi << "]";
}

TEST(HomingValidation, V28_Cxcr4OverexpressionRaisesHomingAndTheDonorOpgFlux) {
  const HomingRun& b = Baseline();
  const HomingRun& oe = Overexpression();
  ASSERT_FALSE(HasFailure());
  ExpectRule({"V28", "homed fraction, log(OE / B)", "up >= 2x", +1, std::log(2.0), "log ratio"},
             LogRatio(b, oe), b, oe, true);
  // The donor-derived OPG flux per infused cell at the last day.
  constexpr auto kOpg = &HomingReplicate::opg_per_infused;
  const Estimate opg = PairedEffect(b.Per(kOpg), oe.Per(kOpg), EffectKind::kDifference);
  Check({"V28", "donor OPG flux per infused cell", "up", +1, 0.0, "molecules/h"}, opg,
        Mean(b.Per(kOpg)), Mean(oe.Per(kOpg)), b.replicates.size());
  // The donor-derived osteo-committed cells per infused cell: reported (few
  // donor cells commit by day 3 at CI size).
  constexpr auto kOsteo = &HomingReplicate::osteo_per_infused;
  const Estimate osteo = PairedEffect(b.Per(kOsteo), oe.Per(kOsteo), EffectKind::kDifference);
  Check({"V28", "donor osteo cells per infused cell", "up", +1, 0.0, "difference"}, osteo,
        Mean(b.Per(kOsteo)), Mean(oe.Per(kOsteo)), b.replicates.size(), Assertion::kReportOnly);

  // Negative control: a 5% rise of the Cxcr4 promoter must not pass >= 2x.
  const HomingRun& mild =
      Arm("B + CX_GENE 1.05", {WriteSettingsScenario({{"CX_GENE", 1.05}})});
  ASSERT_FALSE(HasFailure());
  ExpectRule({"V28 control", "homed fraction, log(CX_GENE 1.05 / B)", "fails up >= 2x", +1,
              std::log(2.0), "log ratio"},
             LogRatio(b, mild), b, mild, false);
}

TEST(HomingValidation, V29_Sdf1BlockadeLowersHoming) {
  const HomingRun& b = Baseline();
  const HomingRun& blocked = Blockade();
  ASSERT_FALSE(HasFailure());
  ExpectRule({"V29", "homed fraction, log(blockade / B)", "down", -1, 0.0, "log ratio"},
             LogRatio(b, blocked), b, blocked, true);
  // Negative control: ten times more SDF-1 must fail "down".
  const HomingRun& more = Arm("B + SDF1 20 nM", {WriteSettingsScenario({{"SDF1", 20.0}})});
  ASSERT_FALSE(HasFailure());
  ExpectRule({"V29 control", "homed fraction, log(SDF1 x10 / B)", "fails down", -1, 0.0,
              "log ratio"},
             LogRatio(b, more), b, more, false);
}

// C9: the mean homed fraction over replicates in [1%, 3%] (full size); at CI
// size its 95% bootstrap CI overlaps [1%, 3%].
bool C9Holds(const Estimate& e) {
  if (FullSize()) return e.point >= 0.01 && e.point <= 0.03;
  return std::isfinite(e.lo) && e.lo <= 0.03 && e.hi >= 0.01;
}

TEST(HomingValidation, C9_BaselineHomingIsOneToThreePercent) {
  const HomingRun& b = Baseline();
  const HomingRun& oe = Overexpression();
  ASSERT_FALSE(HasFailure());
  for (const HomingRun* run : {&b, &oe}) {
    const std::vector<double> homed = run->Per(kHomed);
    const Estimate e =
        Bootstrap(homed.size(), [&](std::span<const std::size_t> idx) { return MeanOf(homed, idx); });
    const bool control = run == &oe;
    const bool pass = C9Holds(e);
    WriteResult({control ? "C9 control" : "C9", "homed fraction (" + run->label + ")",
                 control ? "outside 1-3% (OE)" : "1-3%", +1, 0.0, "fraction"},
                e, e.point, e.point, homed.size(), pass, Assertion::kAssert);
    if (test_size::SkipStatisticalAssertionAtSmokeSize("C9 " + run->label)) continue;
    EXPECT_EQ(pass, !control) << run->label << ": homed fraction " << e.point << " CI [" << e.lo
                              << ", " << e.hi << "]";
  }
}

}  // namespace
}  // namespace grn::validation
