// tests/validation/module_isolation_test.cc
//
// Module isolation (BIOLOGY.md §2.8 and the §4 model-property list): module F
// alone with the stubs of §2.7.1 (networks/standalone/F_alone.textproto),
// stochastic form of the mean-field attractor check. Runs start from three
// states (progenitor = the file's initial counts; adipo: PPARG 2,100, CEBPA
// 2,300 with their mRNAs at the matching level protein/60 = δ_p/k_tl; osteo:
// RUNX2 2,500, OSX 2,600, likewise) and each run's state at day 14 is
// classified from its means over 312-336 h with the §3.2 markers:
//   osteo: RUNX2 >= 1,100 and PPARG < 600;
//   adipo: PPARG >= 1,500 and CEBPA >= 1,500 and RUNX2 < 900.
// Checks (differences of fractions between arms with common random numbers):
//   growth medium (OI = AI = 0) monostable: most adipo starts leave adipo;
//   OI = 1 monostable osteo: progenitor and adipo starts mostly end osteo;
//   AI = 1 monostable adipo: progenitor and osteo starts mostly end adipo;
//   mixed OI = AI = 0.5 bistable: progenitor and adipo starts stay apart;
//   aged (AGE = 1, mixed): the progenitor falls into adipo.
// The last two hold in direction only (see the tests).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/validation/validation_support.h"

namespace grn::validation {
namespace {

constexpr double kTEnd = 336.0;
constexpr std::uint32_t kSteps = 336;
constexpr double kFrom = 312.0;

std::uint64_t Runs() { return SmokeSize() ? 4 : FullSize() ? 200 : 100; }

using Settings = std::vector<std::pair<std::string, double>>;

const Settings& AdipoStart() {
  static const Settings s = {{"PPARG", 2100}, {"CEBPA", 2300}, {"mPparg", 35}, {"mCebpa", 38}};
  return s;
}
const Settings& OsteoStart() {
  static const Settings s = {{"RUNX2", 2500}, {"OSX", 2600}, {"mRunx2_u", 25},
                              {"mRunx2_m6A", 17}, {"mOsx", 43}};
  return s;
}

struct Fates {
  std::vector<double> osteo, adipo;  // per run, 0/1
};

Fates RunF(Settings medium, const Settings& start, std::uint64_t seed) {
  medium.insert(medium.end(), start.begin(), start.end());
  const Trajectories t = Simulate(LoadArm({"standalone/F_alone.textproto", {}, medium}),
                                  {"RUNX2", "PPARG", "CEBPA"}, kTEnd, kSteps, Runs(), seed);
  Fates f;
  const auto runx2 = t.WindowMean("RUNX2", kFrom, kTEnd), pparg = t.WindowMean("PPARG", kFrom, kTEnd),
             cebpa = t.WindowMean("CEBPA", kFrom, kTEnd);
  for (std::size_t i = 0; i < runx2.size(); ++i) {
    f.osteo.push_back(runx2[i] >= 1100 && pparg[i] < 600 ? 1.0 : 0.0);
    f.adipo.push_back(pparg[i] >= 1500 && cebpa[i] >= 1500 && runx2[i] < 900 ? 1.0 : 0.0);
  }
  return f;
}

const Settings kGrowth = {{"OI", 0}, {"AI", 0}};
const Settings kOsteogenic = {{"OI", 1}, {"AI", 0}};
const Settings kAdipogenic = {{"OI", 0}, {"AI", 1}};
const Settings kMixed = {{"OI", 0.5}, {"AI", 0.5}};
const Settings kMixedAged = {{"OI", 0.5}, {"AI", 0.5}, {"AGE", 1}};

// A monostable medium: a fate fraction (from some start) is at least 0.5.
void ExpectMostly(const std::string& what, const std::vector<double>& fate) {
  const std::vector<double> none(fate.size(), 0.0);
  Check({"F-isolation", what, "high (>= 0.5)", +1, 0.5, "fraction"},
        PairedEffect(none, fate, EffectKind::kDifference), 0.0, Mean(fate), fate.size());
}

TEST(ModuleIsolation, F_GrowthMediumMonostableProgenitor) {
  const Fates adipo = RunF(kGrowth, AdipoStart(), 31);
  ASSERT_FALSE(HasFailure());
  std::vector<double> left(adipo.adipo.size());
  for (std::size_t i = 0; i < left.size(); ++i) left[i] = 1.0 - adipo.adipo[i];
  ExpectMostly("growth: adipo start not adipo at day 14", left);
}

TEST(ModuleIsolation, F_OsteogenicMediumMonostableOsteo) {
  const Fates progenitor = RunF(kOsteogenic, {}, 32), adipo = RunF(kOsteogenic, AdipoStart(), 32);
  ASSERT_FALSE(HasFailure());
  ExpectMostly("OI=1: osteo fraction from progenitor start", progenitor.osteo);
  ExpectMostly("OI=1: osteo fraction from adipo start", adipo.osteo);
}

TEST(ModuleIsolation, F_AdipogenicMediumMonostableAdipo) {
  const Fates progenitor = RunF(kAdipogenic, {}, 33), osteo = RunF(kAdipogenic, OsteoStart(), 33);
  ASSERT_FALSE(HasFailure());
  ExpectMostly("AI=1: adipo fraction from progenitor start", progenitor.adipo);
  ExpectMostly("AI=1: adipo fraction from osteo start", osteo.adipo);
}

// Measured at full size (200 runs): the starts stay measurably apart (adipo
// fraction 0.18 vs 0.045, osteo 0.33 vs 0.53) but far less than the mean-field
// picture (every adipo start stays adipo): noise moves cells between the two
// basins within 14 days. The direction is asserted; the a-priori minimum 0.5
// is not reached and is reported as FAIL (kReportOnly), not weakened.
TEST(ModuleIsolation, F_MixedMediumBistable) {
  const Fates progenitor = RunF(kMixed, {}, 34), adipo = RunF(kMixed, AdipoStart(), 34);
  ASSERT_FALSE(HasFailure());
  const std::size_t n = adipo.adipo.size();
  const Estimate adipo_effect = PairedEffect(progenitor.adipo, adipo.adipo, EffectKind::kDifference);
  const Estimate osteo_effect = PairedEffect(progenitor.osteo, adipo.osteo, EffectKind::kDifference);
  Check({"F-isolation", "mixed: adipo fraction, adipo - progenitor start", "starts differ (> 0)", +1, 0.0,
         "difference"},
        adipo_effect, Mean(progenitor.adipo), Mean(adipo.adipo), n);
  Check({"F-isolation", "mixed: adipo fraction, adipo - progenitor start, size",
         "starts stay apart (>= 0.5)", +1, 0.5, "difference"},
        adipo_effect, Mean(progenitor.adipo), Mean(adipo.adipo), n, Assertion::kReportOnly);
  Check({"F-isolation", "mixed: osteo fraction, adipo - progenitor start", "starts differ (< 0)", -1, 0.0,
         "difference"},
        osteo_effect, Mean(progenitor.osteo), Mean(adipo.osteo), n);
  Check({"F-isolation", "mixed: osteo fraction, adipo - progenitor start, size",
         "starts stay apart (<= -0.5)", -1, 0.5, "difference"},
        osteo_effect, Mean(progenitor.osteo), Mean(adipo.osteo), n, Assertion::kReportOnly);
}

// Measured at full size: 0.385 of aged progenitors end adipo vs 0.03 young.
// Direction asserted; the a-priori minimum 0.5 is reported (FAIL), not weakened.
TEST(ModuleIsolation, F_AgedProgenitorGoesAdipo) {
  const Fates young = RunF(kMixed, {}, 35), aged = RunF(kMixedAged, {}, 35);
  ASSERT_FALSE(HasFailure());
  const Estimate effect = PairedEffect(young.adipo, aged.adipo, EffectKind::kDifference);
  Check({"F-isolation", "mixed: adipo fraction, aged - young progenitor", "up (> 0)", +1, 0.0,
         "difference"},
        effect, Mean(young.adipo), Mean(aged.adipo), aged.adipo.size());
  Check({"F-isolation", "mixed: adipo fraction, aged - young progenitor, size", "up (>= 0.5)", +1, 0.5,
         "difference"},
        effect, Mean(young.adipo), Mean(aged.adipo), aged.adipo.size(), Assertion::kReportOnly);
}

}  // namespace
}  // namespace grn::validation
