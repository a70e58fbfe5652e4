// tests/statistical/exact_methods_test.cc
//
// Statistical tests of every exact SSA method against closed-form or exactly
// computed answers (the JumpProcesses idea: all aggregators run the same
// tests). Each model is simulated through the public engine API
// (Compile → MakeStepper, run k on Rng(seed).Split(k)) and its sample means and
// variances are turned into z-scores (stat_support.h). A test passes when the
// largest |z| is below kMaxAbsZ.
//
// Every model has a negative control: the same code, run count and seed on a
// model with one rate perturbed (×1.05, or the dimer's 1/2 dropped), scored
// against the *unperturbed* answer, must exceed kMaxAbsZ. It shows the run
// counts are large enough that the test would catch an error of that size.
//
// Seeds are fixed, so the outcome is deterministic; the threshold still
// matters because it should not take a lucky seed to pass.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "engine/sim/simulate.h"
#include "engine/sim/stepper.h"
#include "tests/statistical/stat_support.h"
#include "tests/support/test_size.h"

namespace grn {

// Names the method in gtest output and in ctest's test names (found by ADL).
void PrintTo(MethodKind kind, std::ostream* os) { *os << MethodName(kind); }

namespace {

using stat_test::BinomialMoments;
using stat_test::BirthDeathChain;
using stat_test::Expectation;
using stat_test::Moments;
using stat_test::PoissonMoments;

// Each test makes 9–12 z checks per method. For N(0, 1) statistics
// P(|z| >= 4.5) = 6.8e-6 per check, so with a correct engine a test fails with
// probability below 1e-4 whatever the seed (below 6e-4 for all eight positive
// tests together), while the negative controls reach |z| = 14–120 at the run
// counts used (4.5 sits far from both).
constexpr double kMaxAbsZ = 4.5;

// Runs per model: the CI and full sizes are the same; at smoke size
// (tests/support/test_size.h, the sanitizer build) a few hundred runs go
// through every code path and the z thresholds are printed, not asserted.
std::uint64_t Runs() { return test_size::SmokeSize() ? 300 : 10000; }

void ExpectBelowThreshold(double max_abs_z) {
  if (test_size::SkipStatisticalAssertionAtSmokeSize("max |z| < 4.5")) return;
  EXPECT_LT(max_abs_z, kMaxAbsZ);
}

// A negative control: the perturbed model must be detected.
void ExpectDetected(double max_abs_z) {
  if (test_size::SkipStatisticalAssertionAtSmokeSize("control max |z| >= 4.5")) return;
  EXPECT_GE(max_abs_z, kMaxAbsZ);
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

Expectation Exact(std::size_t time_index, const std::string& species, const Moments& m) {
  return {time_index, species, m.mean, m.variance, m.mu4};
}

// Simulates `network_text` and returns the largest |z| against `expected`
// (NaN, with a test failure, if the engine returns an error, so that neither
// a positive test nor a control can pass by accident). Prints the z table.
double MaxAbsZ(const std::string& what, const std::string& network_text, MethodKind method,
               const std::vector<double>& times, std::uint64_t runs, std::uint64_t seed,
               const std::vector<Expectation>& expected) {
  const double kNaN = std::numeric_limits<double>::quiet_NaN();
  auto model = stat_test::CompileText(network_text);
  if (!model.ok()) {
    ADD_FAILURE() << model.status().ToString();
    return kNaN;
  }
  auto report = stat_test::ScoreEnsemble(*model, method, times, runs, seed, expected);
  if (!report.ok()) {
    ADD_FAILURE() << report.status().ToString();
    return kNaN;
  }
  std::printf("[%s, %s, %llu runs] max |z| = %.2f\n%s", what.c_str(), MethodName(method),
              static_cast<unsigned long long>(runs), report->MaxAbs(), report->ToString().c_str());
  return report->MaxAbs();
}

class ExactMethodTest : public ::testing::TestWithParam<MethodKind> {};

// ---------------------------------------------------------------------------
// 1. Birth–death ∅ → X (k), X → ∅ (γ·x), X(0) = 0.
// The CME solution from a point mass at 0 is Poisson at all times with mean
// μ(t) = k/γ·(1 − e^{−γt}) (the immigration–death process; e.g. Gardiner,
// "Stochastic Methods", §11.2, or Jahnke & Huisinga 2007 for the general
// monomolecular case). With k = 5, γ = 0.1: stationary Poisson(50); the
// sample times cover μ = 9.1 … 50, and t = 100 is stationary to e^{−10}.
struct BirthDeath {
  double k = 5.0;
  double gamma = 0.1;
};
constexpr BirthDeath kBirthDeath;

std::string BirthDeathText(const BirthDeath& p) {
  return R"pb(
           name: "birth_death"
           time_unit: s
           species { name: "X" initial_count: 0 }
           reaction { name: "birth"
                      product { species: "X" }
                      k:)pb" +
         Num(p.k) + R"pb(}
                         reaction { name: "death" reactant { species: "X" } k: )pb" +
         Num(p.gamma) + " }\n";
}

double BirthDeathMaxAbsZ(MethodKind method, const BirthDeath& simulated) {
  const std::vector<double> times = {2, 5, 10, 20, 40, 100};
  std::vector<Expectation> expected;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double mu =
        kBirthDeath.k / kBirthDeath.gamma * (1.0 - std::exp(-kBirthDeath.gamma * times[i]));
    expected.push_back(Exact(i, "X", PoissonMoments(mu)));
  }
  return MaxAbsZ("birth-death", BirthDeathText(simulated), method, times, Runs(),
                 /*seed=*/101, expected);
}

TEST_P(ExactMethodTest, BirthDeathIsPoisson) {
  ExpectBelowThreshold(BirthDeathMaxAbsZ(GetParam(), kBirthDeath));
}

TEST_P(ExactMethodTest, BirthDeathControlBirthRateOff5PercentIsDetected) {
  BirthDeath perturbed = kBirthDeath;
  perturbed.k *= 1.05;
  ExpectDetected(BirthDeathMaxAbsZ(GetParam(), perturbed));
}

// ---------------------------------------------------------------------------
// 2. Reversible isomerization A ⇄ B (k1·a, k2·b), A(0) = N, B(0) = 0.
// Molecules convert independently, each a two-state Markov chain that is in A
// at time t with p(t) = k2/(k1+k2) + k1/(k1+k2)·e^{−(k1+k2)t}, so
// A(t) ~ Binomial(N, p(t)). N = 100, k1 = 1, k2 = 2: p goes from 1 to 2/3
// (mean 66.7, variance 22.2); t = 5 is stationary to e^{−15}.
struct Isomerization {
  double n = 100;
  double k1 = 1.0;
  double k2 = 2.0;
};
constexpr Isomerization kIsomerization;

std::string IsomerizationText(const Isomerization& p) {
  return R"pb(
           name: "isomerization"
           time_unit: s
           species { name: "A" initial_count:)pb" +
         Num(p.n) + R"pb(}
                         species { name: "B" initial_count: 0 }
    reaction { name: "forward" reactant { species: "A" } product { species: "B" } k: )pb" +
         Num(p.k1) +
         R"pb(}
              reaction { name: "back" reactant { species: "B" } product { species: "A" } k: )pb" +
         Num(p.k2) + " }\n";
}

double IsomerizationMaxAbsZ(MethodKind method, const Isomerization& simulated) {
  const std::vector<double> times = {0.05, 0.2, 0.5, 1, 5};
  const Isomerization& p = kIsomerization;
  const double ksum = p.k1 + p.k2;
  std::vector<Expectation> expected;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double prob_a = p.k2 / ksum + p.k1 / ksum * std::exp(-ksum * times[i]);
    expected.push_back(Exact(i, "A", BinomialMoments(p.n, prob_a)));
  }
  return MaxAbsZ("isomerization", IsomerizationText(simulated), method, times, Runs(),
                 /*seed=*/202, expected);
}

TEST_P(ExactMethodTest, IsomerizationIsBinomial) {
  ExpectBelowThreshold(IsomerizationMaxAbsZ(GetParam(), kIsomerization));
}

TEST_P(ExactMethodTest, IsomerizationControlForwardRateOff5PercentIsDetected) {
  Isomerization perturbed = kIsomerization;
  perturbed.k1 *= 1.05;
  ExpectDetected(IsomerizationMaxAbsZ(GetParam(), perturbed));
}

// ---------------------------------------------------------------------------
// 3. Telegraph gene: G_off ⇄ G_on (kon, koff), G_on → G_on + M (s),
// M → ∅ (d·m); G_off(0) = 1, G_on(0) = 0, M(0) = 0. λ = kon + koff.
//  * G_on(t) is Bernoulli with p(t) = kon/λ·(1 − e^{−λt}) (a two-state chain
//    started off), at every t.
//  * The mRNA mean solves m' = s·p(t) − d·m exactly (the model is linear):
//    m(t) = s·kon/λ·[(1 − e^{−dt})/d + (e^{−dt} − e^{−λt})/(d − λ)]; its
//    transient variance has no short closed form, so those means are scored
//    with the sample sd.
//  * Stationary mRNA (Peccoud & Ycart 1995, Theor. Popul. Biol. 48:222):
//    mean s·kon/(λd), Fano factor 1 + s·koff/(λ(λ + d)). The 4th moment is
//    not used (sample μ4 instead).
// kon = koff = 5, s = 100, d = 1: mean 50, Fano 1 + 500/110 = 5.545 (variance
// 277.3, far from Poisson). t = 25 is stationary to e^{−25} (burn-in 25/d).
struct Telegraph {
  double kon = 5.0;
  double koff = 5.0;
  double s = 100.0;
  double d = 1.0;
};
constexpr Telegraph kTelegraph;

std::string TelegraphText(const Telegraph& p) {
  return R"pb(
           name: "telegraph"
           time_unit: min
           species { name: "G_off" initial_count: 1 role: gene }
           species { name: "G_on" initial_count: 0 role: gene }
           species { name: "M" initial_count: 0 role: mrna }
           reaction { name: "on"
                      reactant { species: "G_off" }
                      product { species: "G_on" }
                      k:)pb" +
         Num(p.kon) +
         R"pb(}
              reaction { name: "off" reactant { species: "G_on" } product { species: "G_off" } k: )pb" +
         Num(p.koff) + R"pb(}
                            reaction { name: "transcribe" reactant { species: "G_on" }
               product { species: "G_on" } product { species: "M" } k: )pb" +
         Num(p.s) + R"pb(}
                         reaction { name: "decay" reactant { species: "M" } k: )pb" +
         Num(p.d) + " }\n";
}

double TelegraphMaxAbsZ(MethodKind method, const Telegraph& simulated) {
  const std::vector<double> times = {0.05, 0.1, 0.2, 1, 2, 5, 25};
  const std::size_t stationary = times.size() - 1;
  const Telegraph& p = kTelegraph;
  const double lambda = p.kon + p.koff;
  const double p_on = p.kon / lambda;
  std::vector<Expectation> expected;
  for (std::size_t i : {0u, 1u, 2u, 6u}) {
    Expectation e =
        Exact(i, "G_on", BinomialMoments(1, p_on * (1.0 - std::exp(-lambda * times[i]))));
    e.score_variance = false;  // a 0/1 count: its variance adds nothing to its mean
    expected.push_back(e);
  }
  for (std::size_t i : {3u, 4u, 5u}) {
    const double t = times[i];
    const double m = p.s * p_on *
                     ((1.0 - std::exp(-p.d * t)) / p.d +
                      (std::exp(-p.d * t) - std::exp(-lambda * t)) / (p.d - lambda));
    expected.push_back({i, "M", m});
  }
  const double mean = p.s * p_on / p.d;
  const double fano = 1.0 + p.s * p.koff / (lambda * (lambda + p.d));
  expected.push_back({stationary, "M", mean, fano * mean});
  return MaxAbsZ("telegraph", TelegraphText(simulated), method, times, Runs(),
                 /*seed=*/303, expected);
}

TEST_P(ExactMethodTest, TelegraphMatchesPeccoudYcart) {
  ExpectBelowThreshold(TelegraphMaxAbsZ(GetParam(), kTelegraph));
}

TEST_P(ExactMethodTest, TelegraphControlTranscriptionRateOff5PercentIsDetected) {
  Telegraph perturbed = kTelegraph;
  perturbed.s *= 1.05;
  ExpectDetected(TelegraphMaxAbsZ(GetParam(), perturbed));
}

// ---------------------------------------------------------------------------
// 4. Dimerization 2A ⇄ B with the stochastic constant c1 (propensity
// c1·C(a, 2) = c1·a(a−1)/2) and c2·b; A(0) = N = 20, B(0) = 0, so
// A + 2B = N and the state is j = B ∈ {0..10}, a = N − 2j. It is a
// birth–death chain in j with up[j] = c1·a(a−1)/2 and down[j] = c2·j:
//  * stationary law by detailed balance, π(j+1)/π(j) = up[j]/down[j+1];
//  * transient laws by uniformization of that 11-state chain from j = 0
//    (stat_support.h), exact to ~1e-15.
// c1 = 0.1, c2 = 1: the deterministic balance 0.05a² = (20 − a)/2 gives
// a = 10. t = 20 is stationary to far below the sampling error.
struct Dimer {
  int n = 20;
  double c1 = 0.1;
  double c2 = 1.0;
};
constexpr Dimer kDimer;

std::string DimerText(const Dimer& p) {
  return R"pb(
           name: "dimerization"
           time_unit: s
           species { name: "A" initial_count:)pb" +
         Num(p.n) + R"pb(}
                         species { name: "B" initial_count: 0 }
    reaction { name: "bind" reactant { species: "A" stoichiometry: 2 }
               product { species: "B" } k: )pb" +
         Num(p.c1) + R"pb(}
                          reaction { name: "unbind" reactant { species: "B" }
               product { species: "A" stoichiometry: 2 } k: )pb" +
         Num(p.c2) + " }\n";
}

BirthDeathChain DimerChain(const Dimer& p) {
  BirthDeathChain chain;
  for (int j = 0; 2 * j <= p.n; ++j) {
    const double a = p.n - 2 * j;
    chain.up.push_back(p.c1 * a * (a - 1.0) / 2.0);
    chain.down.push_back(p.c2 * j);
  }
  return chain;
}

// Moments of A = N − 2j under a pmf over j.
Moments DimerMomentsOfA(const Dimer& p, const std::vector<double>& pmf_of_b) {
  std::vector<double> a;
  for (std::size_t j = 0; j < pmf_of_b.size(); ++j) a.push_back(p.n - 2.0 * j);
  return stat_test::MomentsOfPmf(pmf_of_b, a);
}

// Uniformization and detailed balance must agree once the chain has relaxed:
// this checks the reference answer itself, not the engine.
TEST(DimerReference, UniformizationConvergesToDetailedBalance) {
  const BirthDeathChain chain = DimerChain(kDimer);
  std::vector<double> p(chain.up.size(), 0.0);
  p[0] = 1.0;
  stat_test::Uniformize(chain, 60.0, p);
  const std::vector<double> pi = stat_test::StationaryPmf(chain);
  double total = 0.0;
  for (std::size_t j = 0; j < p.size(); ++j) {
    EXPECT_NEAR(p[j], pi[j], 1e-12) << "j = " << j;
    total += p[j];
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  const Moments m = DimerMomentsOfA(kDimer, pi);
  std::printf("dimer stationary A: mean %.6f variance %.6f mu4 %.6f\n", m.mean, m.variance, m.mu4);
}

double DimerMaxAbsZ(MethodKind method, const Dimer& simulated) {
  const std::vector<double> times = {0.05, 0.2, 0.5, 1, 2, 20};
  const BirthDeathChain chain = DimerChain(kDimer);
  std::vector<Expectation> expected;
  std::vector<double> pmf(chain.up.size(), 0.0);
  pmf[0] = 1.0;
  double t = 0.0;
  for (std::size_t i = 0; i + 1 < times.size(); ++i) {
    stat_test::Uniformize(chain, times[i] - t, pmf);
    t = times[i];
    expected.push_back(Exact(i, "A", DimerMomentsOfA(kDimer, pmf)));
  }
  expected.push_back(
      Exact(times.size() - 1, "A", DimerMomentsOfA(kDimer, stat_test::StationaryPmf(chain))));
  return MaxAbsZ("dimerization", DimerText(simulated), method, times, Runs(),
                 /*seed=*/404, expected);
}

TEST_P(ExactMethodTest, DimerizationMatchesExactLaw) {
  ExpectBelowThreshold(DimerMaxAbsZ(GetParam(), kDimer));
}

// An engine that forgot the 1/2 in C(a, 2) would fire 2A → B at c1·a(a−1):
// simulating with 2·c1 reproduces exactly that mistake.
TEST_P(ExactMethodTest, DimerizationControlMissingHalfIsDetected) {
  Dimer perturbed = kDimer;
  perturbed.c1 *= 2.0;
  ExpectDetected(DimerMaxAbsZ(GetParam(), perturbed));
}

// ---------------------------------------------------------------------------
// SimulateEnsemble's sd is the sample sd (n − 1 denominator) over exactly the
// runs Rng(seed).Split(k) produces: recompute it two-pass from the same runs.
// 37 runs span three blocks of the ensemble (16 runs each), so the pairwise
// merge is exercised; at n = 37 the n and n − 1 versions differ by 1.4%,
// far beyond rounding.
TEST_P(ExactMethodTest, EnsembleSdIsSampleSd) {
  auto model = stat_test::CompileText(BirthDeathText(kBirthDeath));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  SimulationOptions options;
  options.method = GetParam();
  options.t_end = 20.0;
  options.steps = 4;
  options.runs = 37;
  options.seed = 505;
  options.threads = 2;
  auto ensemble = SimulateEnsemble(*model, options);
  ASSERT_TRUE(ensemble.ok()) << ensemble.status().ToString();
  ASSERT_EQ(ensemble->stats.runs(), options.runs);

  auto samples =
      stat_test::SampleEnsemble(*model, GetParam(), ensemble->times, options.runs, options.seed);
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  for (std::size_t i = 1; i < ensemble->times.size(); ++i) {
    const stat_test::SampleMoments m = stat_test::ComputeSampleMoments((*samples)[i]);
    const double sd_n_minus_1 = std::sqrt(m.variance);
    const double sd_n = std::sqrt(m.variance * (m.n - 1.0) / m.n);
    ASSERT_GT(sd_n_minus_1, 0.0);
    EXPECT_NEAR(ensemble->stats.mean(i, 0), m.mean, 1e-12 * m.mean) << "t = " << ensemble->times[i];
    EXPECT_NEAR(ensemble->stats.sd(i, 0), sd_n_minus_1, 1e-12 * sd_n_minus_1)
        << "t = " << ensemble->times[i];
    EXPECT_GT(std::abs(ensemble->stats.sd(i, 0) - sd_n), 1e-3 * sd_n)
        << "t = " << ensemble->times[i];
  }
}

INSTANTIATE_TEST_SUITE_P(AllExact, ExactMethodTest, ::testing::ValuesIn(kAllExactMethods),
                         [](const ::testing::TestParamInfo<MethodKind>& info) {
                           return std::string(MethodName(info.param));
                         });

}  // namespace
}  // namespace grn
