// tests/validation/population_validation_test.cc
//
// Population-level validation of the MSC network (networks/msc_population
// .textproto) against BIOLOGY.md §4: the fate readouts (log2 R, f_OB, f_AD at
// the last day) of V2, V3, V4, V5, V6, V9, V10, V11, V12, V13, V14, V15, V18,
// V20, V25, V26, V27 and V30, each scenario against its matched baseline with
// common random numbers, through the product path `grnsim population ... --method hybrid`
// (tests/validation/population_support.h). Every arm is the baseline "B"
// overlay (scenarios/baseline_mixed.textproto) plus the scenario files named,
// in order; all arms use one seed, so each baseline is computed once and
// shared (cached by command line and inputs).
//
// Sizes: CI 60 cells × 7 days × 8 replicates, direction only (the point
// estimate must have the expected sign), except the seed's miR-29a and
// miR-214 claims (V10, V11, V12, V15), which run at 100 cells × 14 days × 10
// replicates with the §3.9 rule (ClaimSize()); full (GRN_FULL=1) 200 cells ×
// 14 days × 10 replicates with the §3.9 rule (CI excludes 0 and the minimum
// is met); smoke 10 cells × 1 day × 2 replicates, verdicts printed only.
//
// The module parameters are not calibrated (C2–C4 do not hold; networks/
// README.md, "Population calibration"): a check the model does not reproduce
// is kept, measured and marked kReportOnly with its numbers, never weakened.
// Numbers in the comments (except V6's) were measured before the osteoblast
// promoter weights and at the earlier CI size of 4 replicates; the current
// ones are in networks/README.md's generated table. They give: effect [95%
// CI] at CI size, and at "14 d" = the
// same command with 60 cells x 14 days x 8 replicates, seed 20261126 (run by
// hand; full size, 200 cells x 14 d x 10, was not run: about 2-4 min per arm
// at 100 cells x 3 replicates, so hours for the 18 arms). A check is
// asserted only where the 14 d CI excludes 0 in the expected direction.
#include <gtest/gtest.h>

#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "tests/validation/population_support.h"

namespace grn::validation {
namespace {

constexpr std::uint64_t kSeed = 20261126;

// Checks that the model reproduces at full size (200 cells x 14 d x 10, the
// §3.9 rule) but not at CI size (7 d, where the effect has not built up):
// asserted at full size, reported at the others.
Assertion AssertedAtFullSize() { return FullSize() ? Assertion::kAssert : Assertion::kReportOnly; }

const PopulationRun& Arm(const std::vector<std::string>& scenarios) {
  return RunPopulationArm(scenarios, kSeed);
}
const PopulationRun& Baseline() { return Arm({}); }

// The seed's miR-29a and miR-214 claims (V10, V11, V12, V15) build up only by
// day 14, so 7 days cannot show them. At CI size they run at the "claim size",
// 100 cells x 14 days x 10 replicates (1-3 min per arm on 2 cores, the dosed
// arms slowest: their miRNA events are exact; 7 arms, about 12 min), large
// enough for the §3.9 rule (CI clear of 0 and the minimum met), which is then
// applied there too; full size is the full size, smoke the smoke size.
PopulationSize ClaimSize() {
  if (FullSize() || SmokeSize()) return CurrentPopulationSize();
  return {100, 14, 10};
}
bool ClaimRule() { return !SmokeSize(); }
const PopulationRun& ClaimArm(const std::vector<std::string>& scenarios) {
  return RunPopulationArm(scenarios, kSeed, ClaimSize());
}

using Metric = std::vector<double> (PopulationRun::*)() const;
constexpr Metric kLog2Ratio = &PopulationRun::Log2Ratio;
constexpr Metric kOsteoFraction = &PopulationRun::OsteoFraction;
constexpr Metric kAdipoFraction = &PopulationRun::AdipoFraction;

// One directional check of `metric`, scenario against baseline.
bool Expect(const CheckSpec& spec, const PopulationRun& baseline, const PopulationRun& scenario,
            Metric metric, Assertion assertion = Assertion::kAssert,
            EffectKind kind = EffectKind::kDifference) {
  return CheckPopulation(spec, PopulationEffect(baseline, scenario, metric, kind),
                         (baseline.*metric)(), (scenario.*metric)(), assertion);
}

// One directional check of arms run at ClaimSize(), by the §3.9 rule.
bool ExpectClaim(const CheckSpec& spec, const PopulationRun& baseline, const PopulationRun& scenario,
                 Metric metric, Assertion assertion = Assertion::kAssert) {
  return CheckPopulation(spec, PopulationEffect(baseline, scenario, metric), (baseline.*metric)(),
                         (scenario.*metric)(), assertion, ClaimRule());
}

// V2: Mettl3 knockout: log2 R(day end) down >= 0.5, f_AD up.
// Measured (seed 20261126): CI size log2 R -1.17 [-2.16, +0.04], f_AD +0.005
// [-0.004, +0.013]; 60 cells x 14 d x 8 replicates -2.13 [-2.31, -1.89] and
// +0.073 [+0.060, +0.088] (adipo cells are rare by day 7, hence the wide CI).
TEST(PopulationValidation, V2_Mettl3Knockout) {
  const PopulationRun& b = Baseline();
  const PopulationRun& ko = Arm({"mettl3_knockout.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V2", "log2 R at the last day", "down >= 0.5", -1, 0.5, "difference"}, b, ko, kLog2Ratio);
  Expect({"V2", "f_AD at the last day", "up", +1, 0.0, "difference"}, b, ko, kAdipoFraction);
}

// V3: Mettl3 knockout blunts the PTH response: the intermittent-PTH response
// of f_OB (pth_pulses − none) in the knockout is at most 50% of the wild
// type's. Four arms with one seed; the two paired differences share their
// replicate seeds, so their ratio is bootstrapped over replicate indices
// jointly (as V5's share), and scored as the share of the WT response lost in
// the knockout, 1 − KO/WT, which must reach 50%.
// Not reproduced, so reported, not asserted: the WT response itself (V25's
// f_OB row) does not resolve, so the ratio has no meaning yet (seed 20261126;
// 14 d numbers from replicates.csv with a 2,000-resample paired percentile
// bootstrap outside the test):
//  * CI size: WT response +0.023 [-0.003, +0.051], KO response -0.009
//    [-0.028, +0.009]; share lost +1.39 [-0.11, +3.51] ("PASS [sign only]",
//    but only because the KO response has the wrong sign).
//  * 60 cells x 14 d x 8 replicates: WT +0.011 [-0.013, +0.034], KO -0.007
//    [-0.021, +0.007]; share lost +1.67 [-5.3, +9.3]; the difference of the
//    responses (KO - WT) -0.018 [-0.046, +0.008].
// Assert it once the PTH pulses move f_OB (V25) with a CI clear of 0.
TEST(PopulationValidation, V3_Mettl3KnockoutBluntsPthResponse) {
  const PopulationRun& b = Baseline();
  const PopulationRun& pth = Arm({"pth_pulses.textproto"});
  const PopulationRun& ko = Arm({"mettl3_knockout.textproto"});
  const PopulationRun& ko_pth = Arm({"mettl3_knockout.textproto", "pth_pulses.textproto"});
  ASSERT_FALSE(HasFailure());
  const std::vector<double> wt_none = b.OsteoFraction(), wt_pulsed = pth.OsteoFraction(),
                            ko_none = ko.OsteoFraction(), ko_pulsed = ko_pth.OsteoFraction();
  // The two responses, printed so that a ratio can be judged against them.
  const Estimate wt_response = PairedEffect(wt_none, wt_pulsed, EffectKind::kDifference);
  const Estimate ko_response = PairedEffect(ko_none, ko_pulsed, EffectKind::kDifference);
  std::printf("[V3] f_OB PTH response: WT %+.4f [%+.4f, %+.4f], Mettl3 KO %+.4f [%+.4f, %+.4f]\n",
              wt_response.point, wt_response.lo, wt_response.hi, ko_response.point, ko_response.lo,
              ko_response.hi);
  const Estimate lost = Bootstrap(wt_none.size(), [&](std::span<const std::size_t> idx) {
    return 1.0 - (MeanOf(ko_pulsed, idx) - MeanOf(ko_none, idx)) /
                     (MeanOf(wt_pulsed, idx) - MeanOf(wt_none, idx));
  });
  CheckPopulation({"V3", "share of the WT PTH response of f_OB lost in the Mettl3 KO", ">= 50%",
                   +1, 0.5, "relative"},
                  lost, wt_pulsed, ko_pulsed, Assertion::kReportOnly);
}

// V4 (fate row): estrogen loss: log2 R down (CI size -1.98; 14 d -2.64
// [-2.74, -2.53]).
TEST(PopulationValidation, V4_E2LossLowersRatio) {
  const PopulationRun& b = Baseline();
  const PopulationRun& e2 = Arm({"e2_loss.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V4", "log2 R at the last day", "down", -1, 0.0, "difference"}, b, e2, kLog2Ratio);
}

// V5: Mettl3 overexpression with E2 loss against E2 loss alone: log2 R up,
// recovering >= 30% of the gap between B (sham) and E2 loss (OVX).
// Measured: CI size +0.44 [-0.71, +1.59] (22% of the gap); 60 cells x 14 d x
// 8 replicates +1.20 [+1.05, +1.36], 45% [39%, 53%] of the gap.
TEST(PopulationValidation, V5_Mettl3OverexpressionInE2Loss) {
  const PopulationRun& b = Baseline();
  const PopulationRun& e2 = Arm({"e2_loss.textproto"});
  const PopulationRun& oe = Arm({"mettl3_overexpression_e2_loss.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V5", "log2 R vs E2 loss", "up", +1, 0.0, "difference"}, e2, oe, kLog2Ratio);
  const std::vector<double> sham = b.Log2Ratio(), ovx = e2.Log2Ratio(), rescued = oe.Log2Ratio();
  // The three arms share replicate seeds: resample replicate indices jointly.
  const Estimate recovered = Bootstrap(sham.size(), [&](std::span<const std::size_t> idx) {
    return (MeanOf(rescued, idx) - MeanOf(ovx, idx)) / (MeanOf(sham, idx) - MeanOf(ovx, idx));
  });
  CheckPopulation({"V5", "share of the B - E2 loss gap of log2 R recovered", ">= 30%", +1, 0.3,
                   "relative"},
                  recovered, ovx, rescued);
}

// V6 (fate row): Wnt1 knockout and heterozygote: log2 R down; the
// heterozygote's effect smaller than the knockout's (monotone in the dose).
// With the osteoblast promoter weights (OB_WEIGHT, §3.2) the knockout's
// effect is -0.28 [-0.44, -0.12] at 60 cells x 14 d x 8 replicates (CI size,
// 7 d: -0.23 [-0.74, +0.21], sign only). The heterozygote and the dose order
// are not resolved at 60 cells: het -0.17 [-0.41, +0.08], het - KO +0.12
// [-0.13, +0.36] at 14 d; -0.24 and -0.01 at CI size. Full size (200 cells x
// 14 d x 10, seed 20261126): KO -0.226 [-0.332, -0.120]; het -0.090 [-0.211,
// +0.035] (reported); het - KO +0.136 [+0.016, +0.274], so the dose order is
// asserted at full size.
TEST(PopulationValidation, V6_Wnt1KnockoutAndHeterozygote) {
  const PopulationRun& b = Baseline();
  const PopulationRun& ko = Arm({"wnt1_knockout.textproto"});
  const PopulationRun& het = Arm({"wnt1_heterozygote.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V6", "log2 R, KO", "down", -1, 0.0, "difference"}, b, ko, kLog2Ratio);
  Expect({"V6", "log2 R, het", "down", -1, 0.0, "difference"}, b, het, kLog2Ratio,
         Assertion::kReportOnly);
  // het − KO > 0: the heterozygote stays above the knockout.
  Expect({"V6", "log2 R, het - KO", "up (monotone dose)", +1, 0.0, "difference"}, ko, het,
         kLog2Ratio, AssertedAtFullSize());
}

// V9: aged donor: log2 R down >= 1 (2-fold). CI size -7.08 [-7.90, -6.22];
// 14 d -6.59 [-6.92, -6.27].
TEST(PopulationValidation, V9_AgedDonor) {
  const PopulationRun& b = Baseline();
  const PopulationRun& aged = Arm({"aged_donor.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V9", "log2 R at the last day", "down >= 1", -1, 1.0, "difference"}, b, aged, kLog2Ratio);
}

// V10: miR-29a exosomes (EXO29_DOSE = 100) in the young baseline: f_OB and
// log2 R up. V11: the same dose in aged MSCs: log2 R up against aged
// untreated (partial rescue), still below the young baseline. Claim size
// (ClaimSize(), §3.9 rule). Measured (seed 20261126):
//  * 7 days (60 cells x 8, the old CI size) does not show them: V10 f_OB
//    -0.024 [-0.044, +0.006], log2 R -0.10 [-0.41, +0.21]; by day 14 (60
//    cells x 8) log2 R +0.36 [+0.10, +0.62], f_OB -0.007 [-0.028, +0.019].
//  * Full size (200 cells x 14 d x 10): V10 f_OB +0.032 [+0.016, +0.048],
//    log2 R +0.37 [+0.22, +0.54]; V11 rescue +0.41 [+0.22, +0.57].
//  * Claim size (100 cells x 14 d x 10): V10 log2 R +0.40 [+0.30, +0.51],
//    V11 rescue +0.40 [+0.12, +0.65], still below B -6.18: asserted. V10
//    f_OB +0.014 [-0.007, +0.030] does not resolve at this size, so it is
//    asserted at full size only.
// The §4 V10 dose series (0-200, Spearman rho) and the aged-background
// +15% at dose 200: tests/validation/mir29a_dose_validation_test.cc.
TEST(PopulationValidation, V10_V11_Mir29aExosomes) {
  const PopulationRun& b = ClaimArm({});
  const PopulationRun& dosed = ClaimArm({"mir29a_exosome_dose.textproto"});
  const PopulationRun& aged = ClaimArm({"aged_donor.textproto"});
  const PopulationRun& aged_dosed = ClaimArm({"aged_donor.textproto", "mir29a_exosome_dose.textproto"});
  ASSERT_FALSE(HasFailure());
  ExpectClaim({"V10", "f_OB, dose 100", "up", +1, 0.0, "difference"}, b, dosed, kOsteoFraction,
              AssertedAtFullSize());
  ExpectClaim({"V10", "log2 R, dose 100", "up", +1, 0.0, "difference"}, b, dosed, kLog2Ratio);
  ExpectClaim({"V11", "log2 R, aged + dose 100 vs aged", "up (partial rescue)", +1, 0.0, "difference"},
              aged, aged_dosed, kLog2Ratio);
  ExpectClaim({"V11", "log2 R, aged + dose 100 vs young B", "down (still below B)", -1, 0.0,
               "difference"},
              b, aged_dosed, kLog2Ratio);
}

// Negative control of V10 at the same size and seed: a trace dose
// (EXO29_DOSE = 0.01 copies per cell per hour, a few copies per cell over the
// assay; tests/testdata/validation/exo29_trace_dose.textproto) perturbs every
// trajectory from its first import on but cannot move fate, so "log2 R up"
// and "f_OB up" must fail by the §3.9 rule (scored, not recorded). Dose 1 is
// no null: it raises MIR29 by about a quarter and gave log2 R +0.15 [+0.03,
// +0.28] at claim size.
TEST(PopulationValidation, NegativeControl_V10TraceDoseFails) {
  const PopulationRun& b = ClaimArm({});
  const PopulationRun& tiny =
      ClaimArm({std::string(GRN_SOURCE_DIR) + "/tests/testdata/validation/exo29_trace_dose.textproto"});
  ASSERT_FALSE(HasFailure());
  for (const auto& [name, metric] : {std::pair{"f_OB", kOsteoFraction}, std::pair{"log2 R", kLog2Ratio}}) {
    const CheckSpec spec{"control", std::string(name) + ", trace dose", "up (must FAIL)", +1, 0.0,
                         "difference"};
    const Estimate e = PopulationEffect(b, tiny, metric);
    const bool pass = PopulationVerdict(spec, e, ClaimRule());
    std::printf("[control] %s, EXO29_DOSE 0.01 - B: %+.4f  95%% CI [%+.4f, %+.4f]  check %s\n", name, e.point,
                e.lo, e.hi, pass ? "PASSES (wrong)" : "fails (as it must)");
    if (test_size::SkipStatisticalAssertionAtSmokeSize("V10 negative control fails")) return;
    EXPECT_FALSE(pass) << "the trace dose passed '" << name << " up': effect " << e.point;
  }
}

// V12: miR-214 inhibition: f_OB up. V15: overexpression: f_OB down. Claim
// size (ClaimSize(), §3.9 rule). Measured (seed 20261126): 7 days (60 cells
// x 8) V12 +0.001 [-0.028, +0.030]; 60 cells x 14 d x 8 +0.027 [-0.001,
// +0.052]; full size (200 cells x 14 d x 10) +0.039 [+0.025, +0.052], V15
// -0.319 [-0.333, -0.306]. The single-cell ATF4 and OSX rises of V12 are
// asserted in msc_validation_test.cc.
TEST(PopulationValidation, V12_V15_Mir214) {
  const PopulationRun& b = ClaimArm({});
  const PopulationRun& inhibited = ClaimArm({"mir214_inhibition.textproto"});
  const PopulationRun& overexpressed = ClaimArm({"mir214_overexpression.textproto"});
  ASSERT_FALSE(HasFailure());
  ExpectClaim({"V12", "f_OB at the last day", "up", +1, 0.0, "difference"}, b, inhibited,
              kOsteoFraction);
  ExpectClaim({"V15", "f_OB at the last day", "down (opposite of V12)", -1, 0.0, "difference"}, b,
              overexpressed, kOsteoFraction);
}

// V13: miR-214 inhibition in the E2-loss background against E2 loss alone:
// log2 R up (rescue toward sham); the share of the B (sham) − E2 loss gap of
// log2 R recovered is scored beside it, "> 0" (BIOLOGY gives no minimum;
// bootstrapped jointly over the replicate indices of the three arms, as V5's).
// Measured (seed 20261126): CI size log2 R +0.97 [+0.50, +1.45], 34% [23%,
// 45%] of the gap; 60 cells x 14 d x 8 replicates +0.62 [+0.43, +0.90], 22%
// [16%, 32%] of the gap (B 3.29, E2 loss 0.53, E2 loss + inhibition 1.15),
// through more osteoblasts (f_OB +0.072 [+0.055, +0.088]; day-14 cell means:
// MIR214 -90%, ATF4 +72%, OSX +78%). Control (agomir): CI size -2.33 [-3.48,
// -1.00], 14 d -2.76 [-3.10, -2.38].
TEST(PopulationValidation, V13_Mir214InhibitionInE2Loss) {
  const PopulationRun& b = Baseline();
  const PopulationRun& e2 = Arm({"e2_loss.textproto"});
  const PopulationRun& inhibited = Arm({"e2_loss.textproto", "mir214_inhibition.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V13", "log2 R vs E2 loss", "up (rescue toward sham)", +1, 0.0, "difference"}, e2,
         inhibited, kLog2Ratio);
  const std::vector<double> sham = b.Log2Ratio(), ovx = e2.Log2Ratio(), rescued = inhibited.Log2Ratio();
  const Estimate recovered = Bootstrap(sham.size(), [&](std::span<const std::size_t> idx) {
    return (MeanOf(rescued, idx) - MeanOf(ovx, idx)) / (MeanOf(sham, idx) - MeanOf(ovx, idx));
  });
  CheckPopulation({"V13", "share of the B - E2 loss gap of log2 R recovered", "> 0 (toward sham)",
                   +1, 0.0, "relative"},
                  recovered, ovx, rescued);
  // Negative control: miR-214 overexpression (the agomir of V15) in the same
  // background must fail "log2 R up vs E2 loss" at the same size and seed
  // (scored, not recorded in the table).
  const PopulationRun& overexpressed = Arm({"e2_loss.textproto", "mir214_overexpression.textproto"});
  ASSERT_FALSE(HasFailure());
  const CheckSpec spec{"control", "log2 R, E2 loss + miR-214 agomir vs E2 loss", "up (must FAIL)", +1,
                       0.0, "difference"};
  const Estimate e = PopulationEffect(e2, overexpressed, kLog2Ratio);
  const bool pass = PopulationVerdict(spec, e);
  std::printf("[control] log2 R, E2 loss + agomir - E2 loss: %+.4f  95%% CI [%+.4f, %+.4f]  (%s) check %s\n",
              e.point, e.lo, e.hi, SizeName(), pass ? "PASSES (wrong)" : "fails (as it must)");
  if (test_size::SkipStatisticalAssertionAtSmokeSize("V13 negative control fails")) return;
  EXPECT_FALSE(pass) << "the agomir passed 'log2 R up vs E2 loss': effect " << e.point;
}

// V14: mechanical loading in the E2-loss background against E2 loss: f_OB up.
// CI size +0.025 [+0.010, +0.040]; 14 d +0.059 [+0.044, +0.075].
TEST(PopulationValidation, V14_LoadingInE2Loss) {
  const PopulationRun& e2 = Arm({"e2_loss.textproto"});
  const PopulationRun& loaded = Arm({"e2_loss.textproto", "mechanical_loading.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V14", "f_OB vs E2 loss", "up", +1, 0.0, "difference"}, e2, loaded, kOsteoFraction);
}

// V18: miR-218 knockdown in MSCs (MIR218_GENE = 0.1): f_OB down, through
// more free Sfrp mRNA, more SFRP in the medium and less beta-catenin.
// Not reproduced, so reported, not asserted (seed 20261126): f_OB CI size
// +0.002 [-0.035, +0.037] (wrong sign), 60 cells x 14 d x 8 replicates
// -0.002 [-0.021, +0.018] (log2 R -0.09 [-0.26, +0.10]). The molecular steps
// up to the medium hold, the Wnt step does not move (14 d, cell means from
// --snapshot 14 and medium.csv): MIR218 -90%, free mSfrp +64% [+61%, +67%]
// (asserted in single cells, msc_validation_test.cc), medium SFRP +60% (2.6
// -> 4.2 nM), but BCAT only -0.4% [-0.7%, -0.1%] (day 7 -1.4%) and RUNX2
// +0.2%. Likely why: medium SFRP already sits at 13x SFRP_K (200 pM) and
// DKK1 at 2.3 nM (DKK_K 500 pM), so the receptor input is already blocked to
// a few percent and BCAT is near its Wnt-free floor (the design's G16,
// "miRNA -> Wnt loops are nearly inert", in another form); not investigated
// further. BCAT and medium SFRP are not scored here: RunPopulationArm reads
// only replicates.csv.
TEST(PopulationValidation, V18_Mir218KnockdownInMsc) {
  const PopulationRun& b = Baseline();
  const PopulationRun& knockdown = Arm({"mir218_knockdown_msc.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V18", "f_OB at the last day", "down", -1, 0.0, "difference"}, b, knockdown,
         kOsteoFraction, Assertion::kReportOnly);
}

// V20: OPG added to the MSC mixed assay: no change of log2 R (|Δ| < 0.2),
// a specificity check (OPG acts on RANKL, not on MSC fate). CI size 0.000
// (identical replicates); 14 d +0.034 [-0.007, +0.105].
TEST(PopulationValidation, V20_OpgAdditionDoesNotMoveRatio) {
  const PopulationRun& b = Baseline();
  const PopulationRun& opg = Arm({"opg_addition.textproto"});
  ASSERT_FALSE(HasFailure());
  const std::vector<double> lb = b.Log2Ratio(), lo = opg.Log2Ratio();
  CheckWithin({"V20", "log2 R, OPG 100 ng/mL", "no change (|d| < 0.2)", +1, 0.0, "difference"},
              PairedEffect(lb, lo, EffectKind::kDifference), -0.2, 0.2, Mean(lb), Mean(lo), lb.size());
}

// V25: intermittent PTH: f_OB up, f_AD down. Not resolved, so reported, not
// asserted: f_OB CI size +0.017 [-0.008, +0.042], 60 cells x 14 d x 8
// replicates +0.007 [-0.024, +0.036]; f_AD +0.002 [-0.008, +0.012] and
// -0.005 [-0.014, +0.004] (why the pulses barely move fate was not
// investigated; the module parameters are uncalibrated). Full size (200 cells
// x 14 d x 10): f_OB +0.020 [+0.002, +0.038], f_AD -0.008 [-0.014, -0.002]:
// both hold there, so they are asserted at full size.
TEST(PopulationValidation, V25_PthPulses) {
  const PopulationRun& b = Baseline();
  const PopulationRun& pth = Arm({"pth_pulses.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V25", "f_OB at the last day", "up", +1, 0.0, "difference"}, b, pth, kOsteoFraction,
         AssertedAtFullSize());
  Expect({"V25", "f_AD at the last day", "down", -1, 0.0, "difference"}, b, pth, kAdipoFraction,
         AssertedAtFullSize());
}

// V26: GSK3 inhibitor (constitutive beta-catenin): f_AD down >= 50%. CI size
// and 14 d: -100% (no adipocyte in any replicate).
TEST(PopulationValidation, V26_Gsk3Inhibitor) {
  const PopulationRun& b = Baseline();
  const PopulationRun& gsk3 = Arm({"gsk3_inhibitor.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V26", "f_AD at the last day", "down >= 50% (relative)", -1, 0.5, "relative"}, b, gsk3,
         kAdipoFraction, Assertion::kAssert, EffectKind::kRelative);
}

// V27: PPARgamma agonist: f_AD up. CI size +0.035 [+0.017, +0.047]; 14 d
// +0.233 [+0.218, +0.249].
TEST(PopulationValidation, V27_PpargAgonist) {
  const PopulationRun& b = Baseline();
  const PopulationRun& tzd = Arm({"pparg_agonist.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V27", "f_AD at the last day", "up", +1, 0.0, "difference"}, b, tzd, kAdipoFraction);
}

// V30: aged + E2 loss + Mettl3 knockout: log2 R below each single
// perturbation (additive or synergistic direction). CI size -3.16, -8.26,
// -9.06 (vs aged, E2 loss, Mettl3 KO); 14 d -4.71, -8.67, -9.18, every CI
// clear of 0.
TEST(PopulationValidation, V30_AgedE2LossMettl3Knockout) {
  const PopulationRun& aged = Arm({"aged_donor.textproto"});
  const PopulationRun& e2 = Arm({"e2_loss.textproto"});
  const PopulationRun& ko = Arm({"mettl3_knockout.textproto"});
  const PopulationRun& combined =
      Arm({"aged_donor.textproto", "e2_loss.textproto", "mettl3_knockout.textproto"});
  ASSERT_FALSE(HasFailure());
  Expect({"V30", "log2 R, combined vs aged", "down", -1, 0.0, "difference"}, aged, combined,
         kLog2Ratio);
  Expect({"V30", "log2 R, combined vs E2 loss", "down", -1, 0.0, "difference"}, e2, combined,
         kLog2Ratio);
  Expect({"V30", "log2 R, combined vs Mettl3 KO", "down", -1, 0.0, "difference"}, ko, combined,
         kLog2Ratio);
}

// Negative control: adipogenic medium (OI = 0, AI = 1) moves log2 R the other
// way, so the check "log2 R up" must fail at the same size and seed. Scored
// with the same verdict as the checks above but neither recorded in the
// validation table nor asserted as a claim. Measured: CI size -11.8, 14 d
// -12.2 [-13.4, -10.9].
TEST(PopulationValidation, NegativeControl_AdipogenicMediumFailsRatioUp) {
  const PopulationRun& b = Baseline();
  const PopulationRun& adipogenic = Arm({"adipogenic_medium.textproto"});
  ASSERT_FALSE(HasFailure());
  const CheckSpec spec{"control", "log2 R, adipogenic medium", "up (must FAIL)", +1, 0.0,
                       "difference"};
  const Estimate e = PopulationEffect(b, adipogenic, kLog2Ratio);
  const bool pass = PopulationVerdict(spec, e);
  std::printf("[control] log2 R, adipogenic - B: %+.4f  95%% CI [%+.4f, %+.4f]  (%s) check %s\n",
              e.point, e.lo, e.hi, SizeName(), pass ? "PASSES (wrong)" : "fails (as it must)");
  if (test_size::SkipStatisticalAssertionAtSmokeSize("negative control fails")) return;
  EXPECT_FALSE(pass) << "the opposite perturbation passed 'log2 R up': effect " << e.point;
}

}  // namespace
}  // namespace grn::validation
