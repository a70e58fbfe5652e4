// tests/statistical/tau_leap_test.cc
//
// Tau-leaping against exact laws on high-copy networks, with the DSMTS
// guide's ratio check (Evans, Gillespie & Wilkinson, "The SBML discrete
// stochastic models test suite", Bioinformatics 24:285, 2008): the sample
// mean and standard deviation over the runs, divided by the exact ones, must
// both lie in [0.98, 1.02]. Run k uses Rng(seed).Split(k), as
// SimulateEnsemble does.
//
// Choice of ε. Explicit tau-leaping inflates the variance near a stable
// equilibrium: for a linear relaxation at rate λ a leap of τ gives the
// stationary variance σ²/(1 − λτ/2) (Rathinam, Petzold, Cao & Gillespie,
// J. Chem. Phys. 119:12784, 2003; for birth–death the recursion
// V = (1 − γτ)²V + kτ + γτ·x̄ gives it directly). CGP's step is
// τ ≈ (εx)²/σ_x² near balance, so λτ ≈ ε²·x/2 in both models below: at the
// default ε = 0.03 and x = 1e4 the sd would be off by ~1.6x. Each test
// therefore sets ε so that λτ/4, the predicted sd bias, is about 0.13%, far
// inside the ±2% band, and the run count so that 3.5 standard errors of the
// sd ratio (1/√(2n)) stay under 1.6% (n = 25000–30000, about 2–4 s each).
// The mean is unbiased for these linear networks at any ε.
//
// Negative control for each model: one rate ×1.05, scored against the
// *unperturbed* answer with the same runs and seed, must fail the check.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/ssa/tau_leap_stepper.h"
#include "tests/statistical/stat_support.h"
#include "tests/support/test_size.h"

namespace grn {
namespace {

using stat_test::Moments;

struct Ratios {
  double mean = 0.0;  // sample mean / exact mean
  double sd = 0.0;    // sample sd / exact sd
  bool Pass() const { return mean >= 0.98 && mean <= 1.02 && sd >= 0.98 && sd <= 1.02; }
};

// At smoke size (tests/support/test_size.h, the sanitizer build) 1% of the
// runs go through every code path; the ratio check is printed, not asserted.
std::uint64_t Runs(std::uint64_t ci_runs) { return test_size::SmokeSize() ? ci_runs / 100 : ci_runs; }

void ExpectPasses(const Ratios& r) {
  if (test_size::SkipStatisticalAssertionAtSmokeSize("DSMTS ratios in [0.98, 1.02]")) return;
  EXPECT_TRUE(r.Pass()) << "mean ratio " << r.mean << ", sd ratio " << r.sd;
}

// A negative control: the perturbed model must fail the check.
void ExpectFails(const Ratios& r) {
  if (test_size::SkipStatisticalAssertionAtSmokeSize("control outside [0.98, 1.02]")) return;
  EXPECT_FALSE(r.Pass()) << "mean ratio " << r.mean << ", sd ratio " << r.sd;
}

// Runs `runs` tau-leaping trajectories of `text` to time t with the given ε
// and returns the DSMTS ratios of species `species` (its index) against
// `exact`. Fails the test (and returns NaN ratios) on an engine error.
Ratios RunRatios(const char* what, const std::string& text, double epsilon, double t,
                 std::size_t species, const Moments& exact, std::uint64_t runs,
                 std::uint64_t seed) {
  const double kNaN = std::nan("");
  auto model = stat_test::CompileText(text);
  if (!model.ok()) {
    ADD_FAILURE() << model.status().ToString();
    return {kNaN, kNaN};
  }
  MethodOptions options;
  options.tau.epsilon = epsilon;
  auto stepper = MakeTauLeapStepper(*model, options);
  if (!stepper.ok()) {
    ADD_FAILURE() << stepper.status().ToString();
    return {kNaN, kNaN};
  }
  std::vector<double> samples(runs);
  const Rng root(seed);
  State state;
  for (std::uint64_t run = 0; run < runs; ++run) {
    Rng rng = root.Split(run);
    state.t = 0.0;
    state.x = (*model)->initial_counts();
    Status status = (*stepper)->Reset(state, rng);
    if (status.ok()) status = (*stepper)->AdvanceTo(t, state, rng);
    if (!status.ok()) {
      ADD_FAILURE() << status.ToString();
      return {kNaN, kNaN};
    }
    samples[run] = state.x[species];
  }
  const stat_test::SampleMoments m = stat_test::ComputeSampleMoments(samples);
  const Ratios r{m.mean / exact.mean, std::sqrt(m.variance / exact.variance)};
  const StepperStats stats = (*stepper)->stats();
  std::printf(
      "[%s, eps %g, %llu runs] mean/mu = %.5f  sd/sigma = %.5f  (z mean %+.2f)  "
      "%.0f leaps+steps/run, %.0f events/run, %llu rejections\n",
      what, epsilon, static_cast<unsigned long long>(runs), r.mean, r.sd,
      (m.mean - exact.mean) / std::sqrt(exact.variance / m.n),
      static_cast<double>(stats.steps) / static_cast<double>(runs),
      static_cast<double>(stats.events) / static_cast<double>(runs),
      static_cast<unsigned long long>(stats.rejections));
  return r;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// ---------------------------------------------------------------------------
// Birth–death ∅ → X (k), X → ∅ (γ·x) from X(0) = k/γ. X(t) is the sum of the
// survivors, Binomial(x0, e^{−γt}), and an independent Poisson(k/γ·(1 − e^{−γt}))
// of newcomers: mean k/γ, variance k/γ·(1 − e^{−2γt}) (→ stationary
// Poisson(1e4)). With k = 1e4, γ = 1, t = 1: variance 1e4·(1 − e^{−2}).
constexpr double kBirth = 1e4, kDeath = 1.0, kBdTime = 1.0;
// λ = γ = 1, x = 1e4: ε = 0.001 gives τ ≈ 0.005, sd bias ≈ 0.13%.
constexpr double kBdEpsilon = 0.001;
constexpr std::uint64_t kBdRuns = 30000;

std::string BirthDeathText(double k, double gamma, double x0) {
  return "name: \"birth_death\" time_unit: s\n"
         "species { name: \"X\" initial_count: " + Num(x0) + " }\n"
         "reaction { name: \"birth\" product { species: \"X\" } k: " + Num(k) + " }\n"
         "reaction { name: \"death\" reactant { species: \"X\" } k: " + Num(gamma) + " }\n";
}

Moments BirthDeathExact() {
  const double mean = kBirth / kDeath;
  return {mean, mean * -std::expm1(-2.0 * kDeath * kBdTime), 0.0};
}

TEST(TauLeapStatisticalTest, BirthDeathPassesDsmtsRatioCheck) {
  const Ratios r = RunRatios("birth-death", BirthDeathText(kBirth, kDeath, kBirth / kDeath),
                             kBdEpsilon, kBdTime, 0, BirthDeathExact(), Runs(kBdRuns), 101);
  ExpectPasses(r);
}

TEST(TauLeapStatisticalTest, BirthDeathControlFasterBirthFails) {
  const Ratios r = RunRatios("birth-death control k x1.05",
                             BirthDeathText(1.05 * kBirth, kDeath, kBirth / kDeath), kBdEpsilon,
                             kBdTime, 0, BirthDeathExact(), Runs(kBdRuns), 101);
  ExpectFails(r);
}

// ---------------------------------------------------------------------------
// Reversible isomerization A → B (k1·a), B → A (k2·b), N = 1e5 molecules,
// half of them B at t = 0. Molecules flip independently, so B(t) is the sum
// of Binomial(B0, q_BB) and Binomial(A0, q_AB) with, for κ = k1 + k2,
//   q_AB(t) = k1/κ·(1 − e^{−κt}),   q_BB(t) = k1/κ + k2/κ·e^{−κt},
// mean B0·q_BB + A0·q_AB, variance B0·q_BB(1 − q_BB) + A0·q_AB(1 − q_AB); it
// tends to the stationary Binomial(N, k1/κ). With k1 = k2 = 1, t = 2 this is
// within 2e-4 of Binomial(1e5, 1/2). (Starting from the balanced split rather
// than all-A skips the transient in which B is too small to leap: with a tiny
// ε a species needs about 10/ε molecules before a leap beats 10 exact steps.)
constexpr double kN = 1e5, kForward = 1.0, kBackward = 1.0, kIsoTime = 2.0;
// λ = k1 + k2 = 2, x ≈ N/2: λτ ≈ ε²·N/2; ε = 3.5e-4 gives sd bias ≈ 0.15%.
constexpr double kIsoEpsilon = 3.5e-4;
constexpr std::uint64_t kIsoRuns = 25000;

std::string IsomerizationText(double k1, double k2) {
  return "name: \"isomerization\" time_unit: s\n"
         "species { name: \"A\" initial_count: " + Num(kN / 2) + " }\n"
         "species { name: \"B\" initial_count: " + Num(kN / 2) + " }\n"
         "reaction { name: \"forward\" reactant { species: \"A\" }\n"
         "           product { species: \"B\" } k: " + Num(k1) + " }\n"
         "reaction { name: \"backward\" reactant { species: \"B\" }\n"
         "           product { species: \"A\" } k: " + Num(k2) + " }\n";
}

Moments IsomerizationExact() {
  const double kappa = kForward + kBackward;
  const double decay = std::exp(-kappa * kIsoTime);
  const double q_ab = kForward / kappa * (1.0 - decay);
  const double q_bb = kForward / kappa + kBackward / kappa * decay;
  const double half = kN / 2;
  return {half * q_bb + half * q_ab, half * q_bb * (1.0 - q_bb) + half * q_ab * (1.0 - q_ab),
          0.0};
}

TEST(TauLeapStatisticalTest, IsomerizationPassesDsmtsRatioCheck) {
  const Ratios r = RunRatios("isomerization B", IsomerizationText(kForward, kBackward),
                             kIsoEpsilon, kIsoTime, 1, IsomerizationExact(), Runs(kIsoRuns), 202);
  ExpectPasses(r);
}

TEST(TauLeapStatisticalTest, IsomerizationControlFasterForwardFails) {
  const Ratios r =
      RunRatios("isomerization B control k1 x1.05", IsomerizationText(1.05 * kForward, kBackward),
                kIsoEpsilon, kIsoTime, 1, IsomerizationExact(), Runs(kIsoRuns), 202);
  ExpectFails(r);
}

}  // namespace
}  // namespace grn
