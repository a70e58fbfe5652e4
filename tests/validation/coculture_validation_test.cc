// tests/validation/coculture_validation_test.cc
//
// The osteoclast claims of BIOLOGY.md §4 that need MSCs and osteoclast
// precursors (OCP) in one well, through the product path:
//   grnsim population networks/msc_population.textproto
//     --scenario scenarios/baseline_mixed.textproto
//     --scenario scenarios/coculture_rankl.textproto   (sRANKL 10 ng/mL)
//     [--scenario S]... --coculture networks/osteoclast_population.textproto
//     --ocp-cells N [--ocp-day D] --method hybrid
// every arm with the same --seed (common random numbers), read as the OC
// fraction of the precursors (ocp_oc_fraction) at the last day, 4 days after
// the precursors were plated (the C6 assay length).
//   V21  co-culture vs precursors alone (--cells 0), plated together at day 0:
//        OC fraction down >= 20% (relative); with MSCs that make no OPG
//        (opg_gene_knockout) at most 25% of that effect is left.
//   V4   E2 loss in co-culture (day 0): OC fraction up >= 30%.
//   V6   Wnt1 knockout in every MSC: OC fraction up; V8 the knockout in
//        committed osteoblasts only (wnt1_knockout_osteoblasts): at most half
//        of V6's increase. Both need an MSC layer that has had time to
//        differentiate, so the precursors are plated onto it at kLateOcpDay.
//        V6 acts through the OPG-independent Wnt route of module O (contact
//        WNT1 represses Nfatc1 activation; BIOLOGY §6.4); negative control:
//        without it (wnt_direct_off) V6's rule fails (full size only).
// Scoring: at CI size the point estimate must reach the minimum in the
// expected direction; at full size the §3.9 rule (CI excludes 0 and the
// minimum is met), and the two "at most a share" bounds on their point
// estimates (printed only at CI size). Negative control:
// V21's rule applied to the co-culture whose MSCs make no OPG must fail.
//
// Sizes (tests/support/test_size.h): smoke 20 MSC, 100 OCP, 2 replicates;
// CI 60 MSC, 500 OCP, 4 replicates (V6, V8: 200 MSC, 1,000 OCP, 4); full 200
// MSC, 1,000 OCP, 10 replicates.
// Runs are cached like the other population validation runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "tests/validation/population_support.h"

namespace grn::validation {
namespace {

constexpr std::uint64_t kSeed = 20261127;
constexpr double kAssayDays = 4;  // precursors plated to read-out
constexpr double kLateOcpDay = 3;

struct CocultureSize {
  std::uint64_t msc, ocp, replicates;
};

CocultureSize CurrentCocultureSize() {
  if (SmokeSize()) return {20, 100, 2};
  if (FullSize()) return {200, 1000, 10};
  return {60, 500, 4};
}

// V6 and V8 at CI size need the full-size layer: the Wnt route acts through
// contacts, and 60 MSCs grown for 3 days touch too few precursors (measured:
// Wnt1 KO -2% [-42%, +66%] with 60 MSCs, +34% with 200; 4 replicates each).
CocultureSize LateLayerSize() {
  if (SmokeSize() || FullSize()) return CurrentCocultureSize();
  return {200, 1000, 4};
}

// OC fraction of the precursors per replicate, at the last day.
struct CocultureRun {
  std::string label;
  std::vector<double> oc_fraction;
};

// Runs (or reuses) B + coculture_rankl + `scenarios` (files in scenarios/)
// with the precursors plated at `ocp_day` and read 4 days later; `msc` false:
// the precursors alone.
const CocultureRun& Arm(const std::vector<std::string>& scenarios, double ocp_day,
                        bool msc = true, CocultureSize size = CurrentCocultureSize()) {
  static std::map<std::string, CocultureRun> memo;
  std::vector<std::string> args = {NetworksDir() + "msc_population.textproto"};
  std::string label = msc ? "co-culture" : "OCP alone";
  std::vector<std::string> all = {"baseline_mixed.textproto", "coculture_rankl.textproto"};
  all.insert(all.end(), scenarios.begin(), scenarios.end());
  for (const std::string& s : all) {
    args.push_back("--scenario");
    args.push_back(NetworksDir() + "scenarios/" + s);
  }
  for (const std::string& s : scenarios) label += " + " + s.substr(0, s.find('.'));
  if (ocp_day > 0) label += ", plated day " + DaysArgument(ocp_day);
  for (const std::string& a :
       {std::string("--coculture"), NetworksDir() + "osteoclast_population.textproto",
        std::string("--ocp-cells"), std::to_string(size.ocp), std::string("--ocp-day"),
        DaysArgument(ocp_day), std::string("--method"), std::string("hybrid"),
        std::string("--cells"), std::to_string(msc ? size.msc : 0), std::string("--days"),
        DaysArgument(ocp_day + kAssayDays), std::string("--replicates"),
        std::to_string(size.replicates), std::string("--seed"), std::to_string(kSeed),
        std::string("--threads"), std::string("2")}) {
    args.push_back(a);
  }
  const std::string arguments = QuotedArguments(args);
  if (auto it = memo.find(arguments); it != memo.end()) return it->second;
  CocultureRun& run = memo[arguments];
  run.label = label;
  std::string error;
  const std::string text = RunPopulationCached(label, arguments, &error);
  std::vector<std::vector<double>> rows;
  if (error.empty() && population_internal::LastDayValues(text, {"ocp_oc_fraction"}, &rows, &error)) {
    for (const std::vector<double>& r : rows) run.oc_fraction.push_back(r[0]);
    if (run.oc_fraction.size() != size.replicates) {
      error = "expected " + std::to_string(size.replicates) + " replicates, got " +
              std::to_string(run.oc_fraction.size());
      run.oc_fraction.clear();
    }
  }
  if (!error.empty()) ADD_FAILURE() << label << ": " << error;
  return run;
}

// The verdict on a relative effect: at full size the §3.9 rule; at CI size
// the point estimate must reach the minimum in the expected direction (the
// precursor counts make the OC fraction precise enough for that, unlike the
// MSC fate fractions); smoke: printed only.
bool RelativeVerdict(const CheckSpec& spec, const Estimate& e) {
  if (FullSize()) return PopulationVerdict(spec, e);
  return std::isfinite(e.point) && spec.direction * e.point >= spec.minimum &&
         spec.direction * e.point > 0.0;
}

// Relative effect on the mean OC fraction, replicates resampled in pairs.
// `expect_pass` false: a negative control, which must fail.
bool ExpectRelative(const CheckSpec& spec, const CocultureRun& baseline,
                    const CocultureRun& scenario, bool expect_pass = true,
                    Assertion assertion = Assertion::kAssert) {
  const Estimate e =
      PairedEffect(baseline.oc_fraction, scenario.oc_fraction, EffectKind::kRelative);
  const bool pass = RelativeVerdict(spec, e);
  CheckSpec shown = spec;
  if (!FullSize()) shown.expected += " [point estimate]";
  if (expect_pass) {
    WriteResult(shown, e, Mean(baseline.oc_fraction), Mean(scenario.oc_fraction),
                baseline.oc_fraction.size(), pass, assertion);
  } else {
    std::printf("[control] %s: %+.4f  95%% CI [%+.4f, %+.4f]  (%s) check %s\n",
                spec.check.c_str(), e.point, e.lo, e.hi, SizeName(),
                pass ? "PASSES (wrong)" : "fails (as it must)");
  }
  if (assertion == Assertion::kAssert &&
      !test_size::SkipStatisticalAssertionAtSmokeSize(spec.id + " " + spec.check)) {
    EXPECT_EQ(pass, expect_pass) << spec.id << " " << spec.check << ": effect " << e.point
                                 << " CI [" << e.lo << ", " << e.hi << "], expected "
                                 << spec.expected;
  }
  return pass;
}

// The share of the effect of `full` (against `base`) that `partial` keeps:
// (partial − base)/(full − base) of the means, the three arms resampled
// jointly (they share replicate seeds). At full size asserted <= `bound`; at
// smaller sizes printed only.
void ExpectShareAtMost(const CheckSpec& spec, const CocultureRun& base, const CocultureRun& full,
                       const CocultureRun& partial, double bound,
                       Assertion assertion = Assertion::kAssert) {
  const std::vector<double>&b = base.oc_fraction, &f = full.oc_fraction, &p = partial.oc_fraction;
  ASSERT_EQ(b.size(), f.size());
  ASSERT_EQ(b.size(), p.size());
  const Estimate e = Bootstrap(b.size(), [&](std::span<const std::size_t> idx) {
    return (MeanOf(p, idx) - MeanOf(b, idx)) / (MeanOf(f, idx) - MeanOf(b, idx));
  });
  const bool pass = std::isfinite(e.point) && e.point <= bound;
  CheckSpec shown = spec;
  if (!FullSize()) shown.expected += " [reported]";
  const bool asserted = FullSize() && assertion == Assertion::kAssert;
  WriteResult(shown, e, Mean(f), Mean(p), b.size(), pass,
              asserted ? Assertion::kAssert : Assertion::kReportOnly);
  if (asserted) {
    EXPECT_TRUE(pass) << spec.id << " " << spec.check << ": share " << e.point << " CI [" << e.lo
                      << ", " << e.hi << "], expected <= " << bound;
  }
}

TEST(CocultureValidation, V21_MscCocultureSuppressesOsteoclastsThroughOpg) {
  const CocultureRun& alone = Arm({}, 0, /*msc=*/false);
  const CocultureRun& co = Arm({}, 0);
  const CocultureRun& no_opg = Arm({"opg_gene_knockout.textproto"}, 0);
  ASSERT_FALSE(HasFailure());
  ExpectRelative({"V21", "OC fraction, co-culture vs OCP alone", "down >= 20%", -1, 0.2, "relative"},
                 alone, co);
  ExpectShareAtMost({"V21", "share of that effect left without MSC OPG", "<= 25%", +1, 0.0,
                     "share"},
                    alone, co, no_opg, 0.25);
  // Without MSC OPG the co-culture has more osteoclasts than with it.
  ExpectRelative({"V21", "OC fraction, OPG-null MSCs vs co-culture", "up", +1, 0.0, "relative"},
                 co, no_opg);
}

TEST(CocultureValidation, V4_E2LossRaisesOsteoclastsInCoculture) {
  const CocultureRun& co = Arm({}, 0);
  const CocultureRun& e2 = Arm({"e2_loss.textproto"}, 0);
  ASSERT_FALSE(HasFailure());
  ExpectRelative({"V4", "OC fraction in co-culture, E2 loss", "up >= 30%", +1, 0.3, "relative"},
                 co, e2);
}

// V6's osteoclast arm holds through the OPG-independent Wnt route of module O
// (Nfatc1_w_WNT 0.1, Albers 2013; BIOLOGY §6.4). Through OPG alone (the
// design; scenarios/wnt_direct_off) it did not: a Wnt1 knockout lowers MSC
// Opg activation by only ~7% (D_OPG's H+(BCAT; 500, 2), BCAT 424 -> 305) and
// Rankl activation by ~4%, so at full size the OC fraction rose +9.0%
// [-2.1%, +20.3%]. Measured with the route (200 MSC + 1,000 precursors x 10,
// plated day 3, read day 7): 0.042 -> 0.052, +25% (seed 20261127). Precursors
// plated on the grown layer touch many MSCs, those of V21's day-0 plating few,
// so V21's OPG-null control still holds (share 15%, bound 25%).
TEST(CocultureValidation, V6_V8_Wnt1KnockoutRaisesOsteoclastsLessWhenLate) {
  const CocultureRun& co = Arm({}, kLateOcpDay, true, LateLayerSize());
  const CocultureRun& ko = Arm({"wnt1_knockout.textproto"}, kLateOcpDay, true, LateLayerSize());
  const CocultureRun& ob_ko =
      Arm({"wnt1_knockout_osteoblasts.textproto"}, kLateOcpDay, true, LateLayerSize());
  ASSERT_FALSE(HasFailure());
  ExpectRelative({"V6", "OC fraction in co-culture, Wnt1 KO", "up", +1, 0.0, "relative"}, co, ko);
  ExpectShareAtMost({"V8", "share of V6's OC increase, KO in osteoblasts only", "<= 50%", +1, 0.0,
                     "share"},
                    co, ko, ob_ko, 0.5);
}

// Negative control: without the Wnt route (the design's OPG route only) the
// same V6 check at the same size and seed must fail: the route carries it.
// Full size only, where V6 is judged by the §3.9 rule: the OPG route does
// raise the OC fraction a little (+9.0% [-2.1%, +20.3%] at full size; +7.6%
// at the CI size of V6), so under the CI-size point-estimate rule it is no
// null and would pass.
TEST(CocultureValidation, NegativeControl_V6WithoutWntRouteFails) {
  if (!FullSize()) GTEST_SKIP() << "full size only (GRN_FULL=1): see the comment";
  const CocultureRun& co = Arm({"wnt_direct_off.textproto"}, kLateOcpDay);
  const CocultureRun& ko = Arm({"wnt_direct_off.textproto", "wnt1_knockout.textproto"}, kLateOcpDay);
  ASSERT_FALSE(HasFailure());
  ExpectRelative({"control", "OC fraction, Wnt1 KO without the Wnt route", "up (must FAIL)", +1, 0.0,
                  "relative"},
                 co, ko, /*expect_pass=*/false);
}

// Negative control: V21's rule on the co-culture whose MSCs make no OPG must
// fail (the suppression is OPG's).
TEST(CocultureValidation, NegativeControl_OpgNullCocultureFailsV21) {
  const CocultureRun& alone = Arm({}, 0, /*msc=*/false);
  const CocultureRun& no_opg = Arm({"opg_gene_knockout.textproto"}, 0);
  ASSERT_FALSE(HasFailure());
  ExpectRelative({"control", "OC fraction, OPG-null co-culture vs alone", "down >= 20% (must FAIL)",
                  -1, 0.2, "relative"},
                 alone, no_opg, /*expect_pass=*/false);
}

}  // namespace
}  // namespace grn::validation
