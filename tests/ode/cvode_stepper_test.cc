// tests/ode/cvode_stepper_test.cc
//
// The ODE method (engine/ode/cvode_stepper) against answers known without it:
//  * closed forms of linear and one nonlinear network, to 1e-6 relative with
//    rtol 1e-10 / atol 1e-12 (the integrator's own error is far smaller);
//  * a Hill feedback loop against its steady state found by bisection;
//  * expression laws (time-dependent, summed Hill) and parameter edits;
//  * the analytic Jacobian against central differences of the RHS;
//  * the exact SSA ensemble mean of a linear network (equal to the ODE for
//    zero- and first-order kinetics), within a z-bound;
//  * the DSMTS / SBML stochastic test suite cases 00001–00003 and 00020,
//    whose `mean` column is the analytic mean of linear birth–death models,
//    to the number of digits each file carries;
//  * failures: CVODE's own (max_steps), a rate that overflows, cancellation;
//  * invariants: counts never negative, Reset reproduces a run bit for bit,
//    a state edited between calls is honoured.
// Dense and Krylov linear solvers run the closed-form tests alike.
#include "engine/ode/cvode_stepper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sim/simulate.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::BirthDeathText;
using test_support::ChainText;
using test_support::CompileText;

MethodOptions TightOptions() {
  MethodOptions options;
  options.ode.rtol = 1e-10;
  options.ode.atol = 1e-12;
  return options;
}

// x(t_i) for every t_i, from the model's initial counts at t = 0.
std::vector<std::vector<double>> Integrate(std::shared_ptr<const CompiledModel> model,
                                           const std::vector<double>& times,
                                           const MethodOptions& options = TightOptions(),
                                           CvodeLinearSolver solver = CvodeLinearSolver::kAuto) {
  std::vector<std::vector<double>> out;
  auto made = MakeCvodeStepper(model, options, solver);
  EXPECT_TRUE(made.ok()) << made.status().message();
  if (!made.ok()) return out;
  Stepper& stepper = **made;
  Rng rng(1);
  State state{0.0, model->initial_counts()};
  Status status = stepper.Reset(state, rng);
  EXPECT_TRUE(status.ok()) << status.message();
  for (double t : times) {
    status = stepper.AdvanceTo(t, state, rng);
    EXPECT_TRUE(status.ok()) << status.message();
    if (!status.ok()) break;
    out.push_back(state.x);
  }
  return out;
}

std::vector<double> Grid(double t_end, int steps) {
  std::vector<double> t;
  for (int i = 0; i <= steps; ++i) t.push_back(t_end * i / steps);
  return t;
}

// |got − want| <= 1e-6·|want|, plus a floor for values near zero.
void ExpectRelative(double got, double want, double floor, const std::string& what) {
  EXPECT_LE(std::abs(got - want), 1e-6 * std::abs(want) + floor)
      << what << ": got " << got << ", want " << want;
}

// The real root of g(p) = 0 in [lo, hi] by bisection (g changes sign once).
template <class G>
double Bisect(G g, double lo, double hi) {
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if ((g(lo) > 0) == (g(mid) > 0)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

class OdeClosedFormTest : public ::testing::TestWithParam<CvodeLinearSolver> {};

std::string SolverName(const ::testing::TestParamInfo<CvodeLinearSolver>& info) {
  return info.param == CvodeLinearSolver::kDense ? "Dense" : "Krylov";
}

INSTANTIATE_TEST_SUITE_P(Solvers, OdeClosedFormTest,
                         ::testing::Values(CvodeLinearSolver::kDense, CvodeLinearSolver::kKrylov),
                         SolverName);

// X → ∅ at k·x: x(t) = x0·e^{−kt}.
TEST_P(OdeClosedFormTest, FirstOrderDecay) {
  auto model = CompileText(R"pb(
    name: "decay" time_unit: s
    species { name: "X" initial_count: 1000 }
    reaction { name: "decay" reactant { species: "X" } k: 0.7 }
  )pb");
  ASSERT_NE(model, nullptr);
  const std::vector<double> t = Grid(10.0, 20);
  const auto x = Integrate(model, t, TightOptions(), GetParam());
  ASSERT_EQ(x.size(), t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    ExpectRelative(x[i][0], 1000.0 * std::exp(-0.7 * t[i]), 0.0, "t=" + std::to_string(t[i]));
  }
}

// ∅ → X at k, X → ∅ at γ·x, x0 = 0: x(t) = k/γ·(1 − e^{−γt}).
TEST_P(OdeClosedFormTest, BirthDeathMean) {
  auto model = CompileText(BirthDeathText(/*k=*/5.0, /*gamma=*/0.1, /*x0=*/0.0));
  ASSERT_NE(model, nullptr);
  const std::vector<double> t = Grid(60.0, 30);
  const auto x = Integrate(model, t, TightOptions(), GetParam());
  ASSERT_EQ(x.size(), t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    ExpectRelative(x[i][0], 50.0 * (1.0 - std::exp(-0.1 * t[i])), 0.0,
                   "t=" + std::to_string(t[i]));
  }
}

// A ⇄ B with kf = 2, kb = 0.5 from A0 = 100, B0 = 0: A relaxes to
// N·kb/(kf+kb) = 20 at rate kf + kb; A + B = 100 throughout.
TEST_P(OdeClosedFormTest, ReversibleIsomerization) {
  auto model = CompileText(R"pb(
    name: "isomerization" time_unit: s
    species { name: "A" initial_count: 100 }
    species { name: "B" initial_count: 0 }
    reaction { name: "fwd" reactant { species: "A" } product { species: "B" } k: 2 }
    reaction { name: "bwd" reactant { species: "B" } product { species: "A" } k: 0.5 }
  )pb");
  ASSERT_NE(model, nullptr);
  const std::vector<double> t = Grid(5.0, 25);
  const auto x = Integrate(model, t, TightOptions(), GetParam());
  ASSERT_EQ(x.size(), t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double a = 20.0 + 80.0 * std::exp(-2.5 * t[i]);
    ExpectRelative(x[i][0], a, 0.0, "A at t=" + std::to_string(t[i]));
    ExpectRelative(x[i][1], 100.0 - a, 0.0, "B at t=" + std::to_string(t[i]));
  }
}

// 2A → B with stochastic constant c: the CME propensity c·A(A−1)/2 becomes
// c·A²/2, and each firing removes two A, so dA/dt = −c·A², A = A0/(1 + c·A0·t),
// and B = (A0 − A)/2. A factor 2 error in the mapping would be off by ~50%.
TEST_P(OdeClosedFormTest, DimerizationUsesDeterministicConvention) {
  auto model = CompileText(R"pb(
    name: "dimerization" time_unit: s
    species { name: "A" initial_count: 1000 }
    species { name: "B" initial_count: 0 }
    reaction { name: "dimerize" reactant { species: "A" stoichiometry: 2 }
               product { species: "B" } k: 0.01 }
  )pb");
  ASSERT_NE(model, nullptr);
  const std::vector<double> t = Grid(2.0, 20);
  const auto x = Integrate(model, t, TightOptions(), GetParam());
  ASSERT_EQ(x.size(), t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double a = 1000.0 / (1.0 + 0.01 * 1000.0 * t[i]);
    ExpectRelative(x[i][0], a, 0.0, "A at t=" + std::to_string(t[i]));
    ExpectRelative(x[i][1], (1000.0 - a) / 2.0, 0.0, "B at t=" + std::to_string(t[i]));
  }
}

// Production regulated by a constant input S through Michaelis–Menten and Hill
// factors is a constant rate q, so P(t) = q/γ·(1 − e^{−γt}) in closed form.
TEST_P(OdeClosedFormTest, ConstantInputThroughModifiers) {
  auto model = CompileText(R"pb(
    name: "modifiers" time_unit: s
    species { name: "S" initial_count: 30 constant: true }
    species { name: "P" initial_count: 0 }
    species { name: "Q" initial_count: 0 }
    reaction { name: "make_p" product { species: "P" } k: 8
               modifier { michaelis_menten { species: "S" k: 10 } }
               modifier { hill_repression { species: "S" k: 20 n: 2.5 } } }
    reaction { name: "make_q" product { species: "Q" } k: 3
               modifier { hill_activation { species: "S" k: 15 n: 3 } } }
    reaction { name: "decay_p" reactant { species: "P" } k: 0.2 }
    reaction { name: "decay_q" reactant { species: "Q" } k: 0.4 }
  )pb");
  ASSERT_NE(model, nullptr);
  const double qp = 8.0 * (30.0 / 40.0) / (1.0 + std::pow(30.0 / 20.0, 2.5));
  const double qq = 3.0 * 8.0 / 9.0;  // (30/15)^3 = 8: 8/(1+8)
  const std::vector<double> t = Grid(20.0, 20);
  const auto x = Integrate(model, t, TightOptions(), GetParam());
  ASSERT_EQ(x.size(), t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(x[i][0], 30.0);  // constant species never change
    ExpectRelative(x[i][1], qp / 0.2 * (1.0 - std::exp(-0.2 * t[i])), 0.0, "P");
    ExpectRelative(x[i][2], qq / 0.4 * (1.0 - std::exp(-0.4 * t[i])), 0.0, "Q");
  }
}

// Equal-rate chain X0 → X1 → … → X_{n−1} → ∅, all at rate k, from X0 = N:
// X_i(t) = N·(kt)^i·e^{−kt}/i! (the Erlang/Poisson ladder). With n = 300 the
// automatic choice is the Krylov solver; both solvers are checked.
TEST_P(OdeClosedFormTest, LongLinearChain) {
  constexpr int kSpecies = 300;
  std::string text = "name: \"chain\" time_unit: s\n";
  for (int i = 0; i < kSpecies; ++i) {
    text += "species { name: \"X" + std::to_string(i) + "\" initial_count: " +
            (i == 0 ? "1000" : "0") + " }\n";
  }
  for (int i = 0; i < kSpecies; ++i) {
    text += "reaction { name: \"r" + std::to_string(i) + "\" reactant { species: \"X" +
            std::to_string(i) + "\" }";
    if (i + 1 < kSpecies) text += " product { species: \"X" + std::to_string(i + 1) + "\" }";
    text += " k: 1 }\n";
  }
  auto model = CompileText(text);
  ASSERT_NE(model, nullptr);
  const std::vector<double> t = {0.0, 1.0, 5.0, 20.0};
  const auto x = Integrate(model, t, TightOptions(), GetParam());
  ASSERT_EQ(x.size(), t.size());
  for (std::size_t s = 0; s < t.size(); ++s) {
    for (int i = 0; i < kSpecies; ++i) {
      // log of N·(kt)^i·e^{−kt}/i!, via lgamma to stay finite.
      const double want =
          t[s] == 0.0 ? (i == 0 ? 1000.0 : 0.0)
                      : std::exp(std::log(1000.0) + i * std::log(t[s]) - t[s] - std::lgamma(i + 1.0));
      // Absolute floor 1e-8 (of N = 1000): the far tail is below atol's reach.
      std::ostringstream what;  // (not string +: GCC 12 -Wrestrict false positive)
      what << "X" << i << " at t=" << t[s];
      ExpectRelative(x[s][i], want, 1e-8, what.str());
    }
  }
}

// kAuto: dense up to kCvodeDenseMaxSpecies species, Krylov above.
TEST(CvodeStepperTest, AutoChoosesSolverBySize) {
  for (std::size_t n : {kCvodeDenseMaxSpecies, kCvodeDenseMaxSpecies + 1}) {
    std::string text = "name: \"many\" time_unit: s\n";
    for (std::size_t i = 0; i < n; ++i) {
      std::ostringstream line;
      line << "species { name: \"X" << i << "\" initial_count: 1 }\n"
           << "reaction { name: \"d" << i << "\" reactant { species: \"X" << i << "\" } k: 1 }\n";
      text += line.str();
    }
    auto model = CompileText(text);
    ASSERT_NE(model, nullptr);
    auto made = MakeCvodeStepper(model, MethodOptions{});
    ASSERT_TRUE(made.ok()) << made.status().message();
    EXPECT_EQ(GetOdeCounters(**made)->krylov, n > kCvodeDenseMaxSpecies) << n << " species";
  }
}

// Negative and positive Hill feedback on P itself: the ODE's long-time value
// must solve the algebraic steady-state equation, found here by bisection.
TEST(CvodeStepperTest, HillFeedbackReachesAlgebraicSteadyState) {
  // Repression, real n = 2.5: kmax/(1 + (P/K)^n) = γ·P.
  auto repression = CompileText(R"pb(
    name: "autorepression" time_unit: s
    species { name: "P" initial_count: 0 }
    reaction { name: "make" product { species: "P" } k: 20
               modifier { hill_repression { species: "P" k: 40 n: 2.5 } } }
    reaction { name: "decay" reactant { species: "P" } k: 0.1 }
  )pb");
  ASSERT_NE(repression, nullptr);
  const double p_rep = Bisect(
      [](double p) { return 20.0 / (1.0 + std::pow(p / 40.0, 2.5)) - 0.1 * p; }, 0.0, 200.0);
  const auto x = Integrate(repression, {500.0});
  ASSERT_EQ(x.size(), 1u);
  ExpectRelative(x[0][0], p_rep, 0.0, "autorepression steady state");

  // Activation, integer n = 2, with a basal rate: k0 + kmax·P²/(K² + P²) = γ·P.
  // The parameters give a single positive root (checked by the sign scan).
  auto activation = CompileText(R"pb(
    name: "autoactivation" time_unit: s
    species { name: "P" initial_count: 5 }
    reaction { name: "basal" product { species: "P" } k: 1 }
    reaction { name: "make" product { species: "P" } k: 10
               modifier { hill_activation { species: "P" k: 50 n: 2 } } }
    reaction { name: "decay" reactant { species: "P" } k: 0.1 }
  )pb");
  ASSERT_NE(activation, nullptr);
  auto g = [](double p) { return 1.0 + 10.0 * p * p / (2500.0 + p * p) - 0.1 * p; };
  int sign_changes = 0;
  for (double p = 0.0; p < 1000.0; p += 0.5) sign_changes += (g(p) > 0) != (g(p + 0.5) > 0);
  ASSERT_EQ(sign_changes, 1);
  const double p_act = Bisect(g, 0.0, 1000.0);
  const auto y = Integrate(activation, {800.0});
  ASSERT_EQ(y.size(), 1u);
  ExpectRelative(y[0][0], p_act, 0.0, "autoactivation steady state");
}

// Every rate-law shape and factor kind in one network; the analytic Jacobian
// must match central differences of the RHS (which is exact arithmetic on the
// same laws), entry by entry.
TEST(CvodeStepperTest, AnalyticJacobianMatchesFiniteDifferences) {
  auto model = CompileText(R"pb(
    name: "all_laws" time_unit: s
    species { name: "A" initial_count: 0 }
    species { name: "B" initial_count: 0 }
    species { name: "C" initial_count: 0 }
    species { name: "D" initial_count: 0 }
    reaction { name: "zero" product { species: "A" } k: 3
               modifier { hill_activation { species: "C" k: 20 n: 2 } }
               modifier { hill_repression { species: "D" k: 7 n: 1.7 } } }
    reaction { name: "first" reactant { species: "A" } product { species: "B" } k: 0.3
               modifier { michaelis_menten { species: "B" k: 12 } } }
    reaction { name: "homodimer" reactant { species: "B" stoichiometry: 2 }
               product { species: "C" } k: 0.01 }
    reaction { name: "heterodimer" reactant { species: "A" } reactant { species: "C" }
               product { species: "D" } k: 0.002
               modifier { hill_activation { species: "A" k: 15 n: 0.6 } } }
    reaction { name: "trimer" reactant { species: "D" stoichiometry: 3 }
               product { species: "A" } k: 1e-4 }
    reaction { name: "mixed" reactant { species: "A" stoichiometry: 2 } reactant { species: "B" }
               product { species: "D" } k: 1e-5
               modifier { hill_repression { species: "B" k: 30 n: 4 } } }
  )pb");
  ASSERT_NE(model, nullptr);
  const std::vector<double> x = {17.0, 23.0, 11.0, 9.0};
  const std::size_t n = x.size();
  const std::vector<double> jac = OdeJacobian(*model, x);
  ASSERT_EQ(jac.size(), n * n);
  double scale = 0.0;
  for (double v : jac) scale = std::max(scale, std::abs(v));
  ASSERT_GT(scale, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const double h = 1e-4 * x[j];
    std::vector<double> up = x, down = x;
    up[j] += h;
    down[j] -= h;
    const std::vector<double> fu = OdeRightHandSide(*model, up);
    const std::vector<double> fd = OdeRightHandSide(*model, down);
    for (std::size_t i = 0; i < n; ++i) {
      const double fd_ij = (fu[i] - fd[i]) / (2 * h);
      EXPECT_NEAR(jac[i * n + j], fd_ij, 1e-6 * scale + 1e-6 * std::abs(fd_ij))
          << "d f_" << i << " / d x_" << j;
    }
  }
  // The RHS itself, by hand for species A: + zero − first − heterodimer
  // + trimer − 2·mixed.
  const std::vector<double> f = OdeRightHandSide(*model, x);
  const double zero = 3.0 * (121.0 / (400.0 + 121.0)) / (1.0 + std::pow(9.0 / 7.0, 1.7));
  const double first = 0.3 * 17.0 * 23.0 / (12.0 + 23.0);
  const double act = std::pow(17.0 / 15.0, 0.6);
  const double hetero = 0.002 * 17.0 * 11.0 * act / (1.0 + act);
  const double trimer = 1e-4 / 6.0 * 9.0 * 9.0 * 9.0;
  const double mixed = 1e-5 / 2.0 * 17.0 * 17.0 * 23.0 / (1.0 + std::pow(23.0 / 30.0, 4.0));
  EXPECT_NEAR(f[0], zero - first - hetero + trimer - 2.0 * mixed, 1e-12);
}

// At a zero count the Hill slope is 0 (n > 1), 1/K (n = 1) or a large finite
// secant (n < 1, where the true slope is infinite): never inf or NaN.
TEST(CvodeStepperTest, JacobianIsFiniteAtZeroCounts) {
  auto model = CompileText(R"pb(
    name: "zero" time_unit: s
    species { name: "A" initial_count: 0 }
    species { name: "B" initial_count: 0 }
    reaction { name: "r1" product { species: "B" } k: 1
               modifier { hill_activation { species: "A" k: 5 n: 0.5 } } }
    reaction { name: "r2" product { species: "B" } k: 1
               modifier { hill_activation { species: "A" k: 5 n: 1 } } }
    reaction { name: "r3" product { species: "B" } k: 1
               modifier { hill_repression { species: "A" k: 5 n: 3.5 } } }
  )pb");
  ASSERT_NE(model, nullptr);
  const std::vector<double> jac = OdeJacobian(*model, {0.0, 0.0});
  for (double v : jac) EXPECT_TRUE(std::isfinite(v)) << v;
  EXPECT_GT(jac[1 * 2 + 0], 0.2);  // ∂f_B/∂A >= 1/K from r2 alone
}

// For zero- and first-order kinetics the CME mean obeys the rate equations
// exactly, so the exact SSA ensemble mean must agree with the ODE within its
// standard error. Chain A → B → C → ∅ (rates 1, 2, 0.5) from A = 100.
TEST(CvodeStepperTest, MatchesExactSsaMeanOnLinearNetwork) {
  auto model = CompileText(ChainText());
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = MethodKind::kDirect;
  options.t_end = 4.0;
  options.steps = 8;
  options.runs = 4000;
  options.seed = 20240607;
  StatusOr<EnsembleResult> ssa = SimulateEnsemble(model, options);
  ASSERT_TRUE(ssa.ok()) << ssa.status().message();
  const auto ode = Integrate(model, ssa->times);
  ASSERT_EQ(ode.size(), ssa->times.size());
  const double n = static_cast<double>(options.runs);
  for (std::size_t i = 1; i < ssa->times.size(); ++i) {
    for (std::size_t s = 0; s < model->num_species(); ++s) {
      const double se = ssa->stats.sd(i, s) / std::sqrt(n);
      // 5 standard errors: per check P(|z| > 5) ≈ 6e-7 for a correct engine.
      EXPECT_LE(std::abs(ssa->stats.mean(i, s) - ode[i][s]), 5.0 * se + 1e-9)
          << model->species_names()[s] << " at t=" << ssa->times[i] << ": SSA mean "
          << ssa->stats.mean(i, s) << " ± " << se << ", ODE " << ode[i][s];
    }
  }
}

// Expression laws: a time-dependent input (rate 2·t, so P = t²), and a
// summed Hill law k0 + kmax·K²/(K² + P²) − decay, against its steady state.
// Both use CVODE's difference-quotient Jacobian.
TEST_P(OdeClosedFormTest, ExpressionLaws) {
  auto model = CompileText(R"pb(
    name: "expressions" time_unit: s
    species { name: "P" initial_count: 0 }
    species { name: "Q" initial_count: 0 }
    parameter { name: "k0" value: 2 }
    parameter { name: "kmax" value: 30 }
    reaction { name: "ramp" product { species: "P" } propensity: "2 * time" }
    reaction { name: "make_q" product { species: "Q" }
               propensity: "k0 + kmax * 40^2 / (40^2 + Q^2)" }
    reaction { name: "decay_q" reactant { species: "Q" } k: 0.1 }
  )pb");
  ASSERT_NE(model, nullptr);
  const std::vector<double> t = {1.0, 3.0, 10.0, 400.0};
  const auto x = Integrate(model, t, TightOptions(), GetParam());
  ASSERT_EQ(x.size(), t.size());
  for (std::size_t i = 0; i < t.size(); ++i) ExpectRelative(x[i][0], t[i] * t[i], 0.0, "P = t^2");
  const double q = Bisect(
      [](double v) { return 2.0 + 30.0 * 1600.0 / (1600.0 + v * v) - 0.1 * v; }, 0.0, 1000.0);
  ExpectRelative(x.back()[1], q, 0.0, "Q steady state");
}

// A parameter changed between AdvanceTo calls (as an event does, in State::p)
// takes effect from that time: X → ∅ at k·X, k doubled at t = 1.
TEST(CvodeStepperTest, HonoursParameterEditedBetweenCalls) {
  auto model = CompileText(R"pb(
    name: "param" time_unit: s
    species { name: "X" initial_count: 1000 }
    parameter { name: "k" value: 0.5 }
    reaction { name: "decay" reactant { species: "X" } propensity: "k * X" }
    # Makes k a live parameter (Compile folds the ones no event changes); the
    # driver applies events, here the test does it by hand.
    event { name: "double_k" at_time: 1 assign { target: "k" value: "2 * k" } }
  )pb");
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(model->initial_parameters().size(), 1u);
  auto made = MakeCvodeStepper(model, TightOptions());
  ASSERT_TRUE(made.ok());
  Rng rng(1);
  State state(0.0, model->initial_counts(), model->initial_parameters());
  ASSERT_TRUE((*made)->Reset(state, rng).ok());
  ASSERT_TRUE((*made)->AdvanceTo(1.0, state, rng).ok());
  state.p[0] = 1.0;
  ASSERT_TRUE((*made)->AdvanceTo(2.0, state, rng).ok());
  ExpectRelative(state.x[0], 1000.0 * std::exp(-0.5 - 1.0), 0.0, "after k doubled");
}

// --- DSMTS (SBML stochastic test suite) ------------------------------------

// The DSMTS folder under GRN_SHARED_DIR, or "" if it is missing.
std::string DsmtsDir() {
  const std::filesystem::path dir = std::filesystem::path(GRN_SHARED_DIR) / "conformance" /
                                    "sbml-stochastic";
  return std::filesystem::is_directory(dir) ? dir.string() : "";
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

struct MeanRow {
  double time;
  double mean;
  double half_ulp;  // half a unit in the last printed digit of `mean`
};

// Reads `time,X-mean,X-sd` rows; the precision of each mean is that of its
// printed decimals (files mix 5 and 7 decimals).
std::vector<MeanRow> ReadMeans(const std::string& path) {
  std::vector<MeanRow> rows;
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return rows;
  EXPECT_EQ(line.rfind("time,X-mean,", 0), 0u) << path << ": header " << line;
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") continue;
    std::stringstream fields(line);
    std::string time, mean;
    std::getline(fields, time, ',');
    std::getline(fields, mean, ',');
    const std::size_t dot = mean.find('.');
    const int decimals = dot == std::string::npos ? 0 : static_cast<int>(mean.size() - dot - 1);
    rows.push_back({std::stod(time), std::stod(mean), 0.5 * std::pow(10.0, -decimals)});
  }
  return rows;
}

struct DsmtsCase {
  const char* id;
  const char* network;  // the .mod model as a grnsim network
};

// 00001/00002: X → 2X at λ·X (λ = 0.1), X → ∅ at μ·X (μ = 0.11), X0 = 100
// (00002 declares the constants locally; same model). 00003: λ = 1, μ = 1.1.
// 00020: ∅ → X at α = 1, X → ∅ at μ·X (μ = 0.1), X0 = 0. All linear, so
// the mean is exactly the ODE solution.
constexpr const char* kBirthDeath01 = R"pb(
  name: "BirthDeath01" time_unit: s
  species { name: "X" initial_count: 100 }
  parameter { name: "Lambda" value: 0.1 }
  parameter { name: "Mu" value: 0.11 }
  reaction { name: "Birth" reactant { species: "X" } product { species: "X" stoichiometry: 2 }
             k_param: "Lambda" }
  reaction { name: "Death" reactant { species: "X" } k_param: "Mu" }
)pb";
constexpr const char* kBirthDeath03 = R"pb(
  name: "BirthDeath03" time_unit: s
  species { name: "X" initial_count: 100 }
  reaction { name: "Birth" reactant { species: "X" } product { species: "X" stoichiometry: 2 } k: 1 }
  reaction { name: "Death" reactant { species: "X" } k: 1.1 }
)pb";
constexpr const char* kImmigrationDeath01 = R"pb(
  name: "ImmigrationDeath01" time_unit: s
  species { name: "X" initial_count: 0 }
  reaction { name: "Immigration" product { species: "X" } k: 1 }
  reaction { name: "Death" reactant { species: "X" } k: 0.1 }
)pb";

class DsmtsMeanTest : public ::testing::TestWithParam<DsmtsCase> {};

TEST_P(DsmtsMeanTest, OdeMatchesAnalyticMean) {
  const std::string dir = DsmtsDir();
  if (dir.empty()) {
    // CI must run these; a developer without ../shared may skip them.
    if (InCi()) FAIL() << "CI=true but " << GRN_SHARED_DIR << "/conformance/sbml-stochastic is missing";
    GTEST_SKIP() << GRN_SHARED_DIR << "/conformance/sbml-stochastic not found";
  }
  const std::string id = GetParam().id;
  const std::vector<MeanRow> rows = ReadMeans(dir + "/" + id + "/" + id + "-results.csv");
  ASSERT_EQ(rows.size(), 51u) << id << ": expected t = 0..50";
  auto model = CompileText(GetParam().network);
  ASSERT_NE(model, nullptr);
  std::vector<double> times;
  for (const MeanRow& row : rows) times.push_back(row.time);
  const auto x = Integrate(model, times);
  ASSERT_EQ(x.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    // The file's own rounding, plus 1e-9 relative for the integrator.
    EXPECT_LE(std::abs(x[i][0] - rows[i].mean), rows[i].half_ulp + 1e-9 * rows[i].mean)
        << id << " t=" << rows[i].time << ": ODE " << x[i][0] << ", file " << rows[i].mean;
  }
}

INSTANTIATE_TEST_SUITE_P(Dsmts, DsmtsMeanTest,
                         ::testing::Values(DsmtsCase{"00001", kBirthDeath01},
                                           DsmtsCase{"00002", kBirthDeath01},
                                           DsmtsCase{"00003", kBirthDeath03},
                                           DsmtsCase{"00020", kImmigrationDeath01}),
                         [](const ::testing::TestParamInfo<DsmtsCase>& info) {
                           return std::string("Case") + info.param.id;
                         });

// --- failures and invariants -------------------------------------------------

// A stiff pair (rates 1e4 and 1): one internal step per interval cannot reach
// t = 1, and CVODE's flag must come back as a clear kNumerical error.
TEST(CvodeStepperTest, TooMuchWorkIsANumericalError) {
  auto model = CompileText(R"pb(
    name: "stiff" time_unit: s
    species { name: "A" initial_count: 1000 }
    species { name: "B" initial_count: 0 }
    reaction { name: "fast" reactant { species: "A" } product { species: "B" } k: 10000 }
    reaction { name: "slow" reactant { species: "B" } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  MethodOptions options;
  options.ode.max_steps = 1;
  auto made = MakeCvodeStepper(model, options);
  ASSERT_TRUE(made.ok()) << made.status().message();
  Rng rng(1);
  State state{0.0, model->initial_counts()};
  ASSERT_TRUE((*made)->Reset(state, rng).ok());
  const Status status = (*made)->AdvanceTo(1.0, state, rng);
  EXPECT_EQ(status.code(), StatusCode::kNumerical);
  EXPECT_NE(status.message().find("CV_TOO_MUCH_WORK"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(" at t="), std::string::npos) << status.message();
}

// Fast decay (first and second order) with loose and default tolerances:
// CVODE's error control alone would let counts dip below zero near 0.
TEST(CvodeStepperTest, CountsNeverNegativeOnFastDecay) {
  auto model = CompileText(R"pb(
    name: "fast_decay" time_unit: s
    species { name: "X" initial_count: 1000000 }
    species { name: "Y" initial_count: 1000000 }
    species { name: "Z" initial_count: 0 }
    reaction { name: "x_decay" reactant { species: "X" } product { species: "Z" } k: 1000 }
    reaction { name: "y_pair" reactant { species: "Y" stoichiometry: 2 } k: 10 }
    reaction { name: "z_decay" reactant { species: "Z" } k: 50 }
  )pb");
  ASSERT_NE(model, nullptr);
  for (double tol : {1e-3, 1e-6}) {
    MethodOptions options;
    options.ode.rtol = tol;
    options.ode.atol = tol;
    const auto x = Integrate(model, Grid(10.0, 1000), options);
    ASSERT_EQ(x.size(), 1001u);
    for (const auto& row : x) {
      for (double v : row) ASSERT_GE(v, 0.0) << "tol " << tol;
    }
    // Y pairs off as Y0/(1 + c·Y0·t): still ~1e-4 at t = 10, not stuck at 0.
    EXPECT_NEAR(x.back()[1], 1e6 / (1.0 + 10.0 * 1e6 * 10.0), 1e-4 * tol * 1e3 + 1e-9);
  }
}

// A → B at 1e4, B → ∅ at 1, default tolerances. A decays to ~1e−30 within
// the first output interval; CVODE's inequality constraints failed here
// (CV_CONSTR_FAIL), the positivity-preserving clamp must not. Closed form:
// B = A0·k1/(k2 − k1)·(e^{−k1 t} − e^{−k2 t}).
TEST(CvodeStepperTest, StiffDecayToZeroAtDefaultTolerances) {
  auto model = CompileText(R"pb(
    name: "stiff" time_unit: s
    species { name: "A" initial_count: 1000 }
    species { name: "B" initial_count: 0 }
    reaction { name: "fast" reactant { species: "A" } product { species: "B" } k: 10000 }
    reaction { name: "slow" reactant { species: "B" } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  const auto x = Integrate(model, {0.5, 1.0}, MethodOptions{});
  ASSERT_EQ(x.size(), 2u);
  const double b = 1000.0 * 1e4 / (1.0 - 1e4) * (std::exp(-1e4) - std::exp(-1.0));
  EXPECT_GE(x[1][0], 0.0);
  EXPECT_LT(x[1][0], 1e-6);
  EXPECT_NEAR(x[1][1], b, 1e-4 * b);
}

// An autocatalytic pair 2X → 3X blows up in finite time (dx/dt = c·x²/2);
// the overflowing rate is reported by reaction name, not as a bare flag.
TEST(CvodeStepperTest, OverflowingRateNamesTheReaction) {
  auto model = CompileText(R"pb(
    name: "blow_up" time_unit: s
    species { name: "X" initial_count: 1000 }
    reaction { name: "autocatalysis" reactant { species: "X" stoichiometry: 2 }
               product { species: "X" stoichiometry: 3 } k: 1 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto made = MakeCvodeStepper(model, MethodOptions{});
  ASSERT_TRUE(made.ok());
  Rng rng(1);
  State state{0.0, model->initial_counts()};
  ASSERT_TRUE((*made)->Reset(state, rng).ok());
  const Status status = (*made)->AdvanceTo(1.0, state, rng);  // blow-up at t = 2e-3
  EXPECT_EQ(status.code(), StatusCode::kNumerical);
  EXPECT_NE(status.message().find("autocatalysis"), std::string::npos) << status.message();
  for (double v : state.x) EXPECT_GE(v, 0.0);

  // A rate that is already infinite is refused by Reset.
  State huge{0.0, {1e200}};
  const Status reset = (*made)->Reset(huge, rng);
  EXPECT_EQ(reset.code(), StatusCode::kNumerical);
  EXPECT_NE(reset.message().find("autocatalysis"), std::string::npos) << reset.message();
}

TEST(CvodeStepperTest, CancellationStopsTheRun) {
  auto model = CompileText(BirthDeathText(5.0, 0.1, 0.0));
  ASSERT_NE(model, nullptr);
  std::atomic<bool> cancel{true};
  MethodOptions options;
  options.cancel = &cancel;
  auto made = MakeCvodeStepper(model, options);
  ASSERT_TRUE(made.ok());
  Rng rng(1);
  State state{0.0, model->initial_counts()};
  ASSERT_TRUE((*made)->Reset(state, rng).ok());
  EXPECT_EQ((*made)->AdvanceTo(10.0, state, rng).code(), StatusCode::kCancelled);
}

TEST(CvodeStepperTest, RejectsBadOptions) {
  auto model = CompileText(BirthDeathText(5.0, 0.1, 0.0));
  ASSERT_NE(model, nullptr);
  MethodOptions options;
  options.ode.rtol = 0.0;
  EXPECT_EQ(MakeCvodeStepper(model, options).status().code(), StatusCode::kInvalidArgument);
  options = MethodOptions{};
  options.ode.atol = -1.0;
  EXPECT_EQ(MakeCvodeStepper(model, options).status().code(), StatusCode::kInvalidArgument);
  options = MethodOptions{};
  options.ode.max_steps = 0;
  EXPECT_EQ(MakeCvodeStepper(model, options).status().code(), StatusCode::kInvalidArgument);
}

// Reset makes the stepper reusable: a second run is bit-identical, and the
// counters keep growing across runs.
TEST(CvodeStepperTest, ResetReproducesRunAndCountsWork) {
  auto model = CompileText(ChainText());
  ASSERT_NE(model, nullptr);
  auto made = MakeCvodeStepper(model, MethodOptions{});
  ASSERT_TRUE(made.ok());
  Stepper& stepper = **made;
  Rng rng(1);
  std::vector<std::vector<double>> runs[2];
  std::uint64_t steps[2];
  for (int k = 0; k < 2; ++k) {
    State state{0.0, model->initial_counts()};
    ASSERT_TRUE(stepper.Reset(state, rng).ok());
    for (double t : Grid(5.0, 10)) {
      ASSERT_TRUE(stepper.AdvanceTo(t, state, rng).ok());
      runs[k].push_back(state.x);
    }
    steps[k] = stepper.stats().steps;
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_GT(steps[0], 0u);
  EXPECT_EQ(steps[1], 2 * steps[0]);
  const std::optional<OdeCounters> counters = GetOdeCounters(stepper);
  ASSERT_TRUE(counters.has_value());
  EXPECT_EQ(counters->steps, steps[1]);
  EXPECT_GT(counters->rhs_evals, counters->steps);
  EXPECT_GT(counters->jac_evals, 0u);
  EXPECT_FALSE(counters->krylov);
}

// The caller owns the state: a count edited between AdvanceTo calls (as an
// event would) is where integration continues.
TEST(CvodeStepperTest, HonoursStateEditedBetweenCalls) {
  auto model = CompileText(R"pb(
    name: "decay" time_unit: s
    species { name: "X" initial_count: 1000 }
    reaction { name: "decay" reactant { species: "X" } k: 0.5 }
  )pb");
  ASSERT_NE(model, nullptr);
  auto made = MakeCvodeStepper(model, TightOptions());
  ASSERT_TRUE(made.ok());
  Rng rng(1);
  State state{0.0, model->initial_counts()};
  ASSERT_TRUE((*made)->Reset(state, rng).ok());
  ASSERT_TRUE((*made)->AdvanceTo(1.0, state, rng).ok());
  ExpectRelative(state.x[0], 1000.0 * std::exp(-0.5), 0.0, "before the dose");
  state.x[0] += 500.0;  // a dose at t = 1
  const double dosed = state.x[0];
  ASSERT_TRUE((*made)->AdvanceTo(3.0, state, rng).ok());
  ExpectRelative(state.x[0], dosed * std::exp(-1.0), 0.0, "after the dose");
}

// The ODE through the same driver the CLI uses (Simulate's sampling loop).
TEST(CvodeStepperTest, RunsThroughSimulateTrajectory) {
  auto model = CompileText(BirthDeathText(5.0, 0.1, 0.0));
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = MethodKind::kOde;
  options.method_options = TightOptions();
  options.t_end = 30.0;
  options.steps = 6;
  std::vector<double> got;
  const Status status = SimulateTrajectory(model, options, 0, [&](double t, std::span<const double> x) {
    ExpectRelative(x[0], 50.0 * (1.0 - std::exp(-0.1 * t)), 0.0, "t=" + std::to_string(t));
    got.push_back(x[0]);
    return Status::OK();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(got.size(), 7u);
}

// Under --method ode counts are real-valued means, so an event may set a
// fractional value (the whole-number rule is for the stochastic methods).
TEST(CvodeStepperTest, RelativeDoseEventUnderOde) {
  auto model = CompileText(R"pb(
    name: "dose" time_unit: s
    species { name: "X" initial_count: 1000 }
    reaction { name: "decay" reactant { species: "X" } k: 0.5 }
    event { name: "dose" at_time: 1 assign { target: "X" value: "X + 500" } }
  )pb");
  ASSERT_NE(model, nullptr);
  SimulationOptions options;
  options.method = MethodKind::kOde;
  options.method_options = TightOptions();
  options.t_end = 2.0;
  options.steps = 2;
  std::vector<double> got;
  const Status status = SimulateTrajectory(model, options, 0, [&](double, std::span<const double> x) {
    got.push_back(x[0]);
    return Status::OK();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(got.size(), 3u);
  ExpectRelative(got[2], (1000.0 * std::exp(-0.5) + 500.0) * std::exp(-0.5), 0.0, "t=2");
}

}  // namespace
}  // namespace grn
