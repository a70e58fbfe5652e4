// tests/kinetics/propensity_test.cc
//
// Propensity<Regime> for each MassActionKind and each FactorKind against
// values computed by hand from the formulas in propensity.h:
//   stochastic:    a = c · Π C(x_i, m_i) · Π f(x)
//   deterministic: a = c · Π x_i^{m_i} / m_i! · Π f(x)
#include "engine/kinetics/propensity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;

constexpr Regime kSto = Regime::kStochastic;
constexpr Regime kDet = Regime::kDeterministic;

// Species X, Y, Z; one reaction of each mass-action shape.
const char* const kMassAction = R"pb(
  name: "ma" time_unit: s
  species { name: "X" initial_count: 0 }
  species { name: "Y" initial_count: 0 }
  species { name: "Z" initial_count: 0 }
  reaction { name: "zero" product { species: "X" } k: 3.5 }
  reaction { name: "first" reactant { species: "Y" } k: 0.25 }
  reaction { name: "homo" reactant { species: "X" stoichiometry: 2 } product { species: "Z" } k: 0.5 }
  reaction { name: "hetero" reactant { species: "X" } reactant { species: "Y" } product { species: "Z" } k: 2 }
  reaction { name: "tri" reactant { species: "X" stoichiometry: 3 } product { species: "Z" } k: 6 }
  reaction { name: "gen" reactant { species: "X" stoichiometry: 2 } reactant { species: "Y" } product { species: "Z" } k: 4 }
)pb";

class MassActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = CompileText(kMassAction);
    ASSERT_NE(model_, nullptr);
  }
  double Sto(ReactionIndex r, std::vector<double> x) const {
    return Propensity<kSto>(*model_, r, x.data());
  }
  double Det(ReactionIndex r, std::vector<double> x) const {
    return Propensity<kDet>(*model_, r, x.data());
  }
  std::shared_ptr<const CompiledModel> model_;
};

TEST_F(MassActionTest, ZeroOrder) {
  ASSERT_EQ(model_->kinetics(0).shape, MassActionKind::kZeroOrder);
  EXPECT_EQ(Sto(0, {0, 0, 0}), 3.5);
  EXPECT_EQ(Sto(0, {100, 5, 1}), 3.5);
  EXPECT_EQ(Det(0, {100, 5, 1}), 3.5);
}

TEST_F(MassActionTest, FirstOrder) {
  ASSERT_EQ(model_->kinetics(1).shape, MassActionKind::kFirstOrder);
  EXPECT_EQ(Sto(1, {9, 12, 0}), 3.0);  // 0.25 · 12
  EXPECT_EQ(Sto(1, {9, 0, 0}), 0.0);
  EXPECT_EQ(Det(1, {9, 12, 0}), 3.0);
}

TEST_F(MassActionTest, Homodimer) {
  ASSERT_EQ(model_->kinetics(2).shape, MassActionKind::kHomodimer);
  // Stochastic: c · C(10, 2) = 0.5 · 45 = 22.5.
  EXPECT_DOUBLE_EQ(Sto(2, {10, 0, 0}), 22.5);
  EXPECT_EQ(Sto(2, {1, 0, 0}), 0.0);  // one molecule cannot dimerise
  EXPECT_EQ(Sto(2, {0, 0, 0}), 0.0);
  // Deterministic: c · x² / 2 = 0.5 · 100 / 2 = 25.
  EXPECT_DOUBLE_EQ(Det(2, {10, 0, 0}), 25.0);
}

TEST_F(MassActionTest, Heterodimer) {
  ASSERT_EQ(model_->kinetics(3).shape, MassActionKind::kHeterodimer);
  EXPECT_EQ(Sto(3, {3, 7, 0}), 42.0);  // 2 · 3 · 7
  EXPECT_EQ(Sto(3, {0, 7, 0}), 0.0);
  EXPECT_EQ(Det(3, {3, 7, 0}), 42.0);
}

TEST_F(MassActionTest, GeneralTrimer) {
  ASSERT_EQ(model_->kinetics(4).shape, MassActionKind::kGeneral);
  // Stochastic: 6 · C(5, 3) = 6 · 10 = 60.
  EXPECT_DOUBLE_EQ(Sto(4, {5, 0, 0}), 60.0);
  EXPECT_EQ(Sto(4, {2, 0, 0}), 0.0);  // fewer than 3 molecules
  EXPECT_EQ(Sto(4, {1, 0, 0}), 0.0);
  EXPECT_EQ(Sto(4, {0, 0, 0}), 0.0);
  // Deterministic: 6 · 5³ / 3! = 125.
  EXPECT_DOUBLE_EQ(Det(4, {5, 0, 0}), 125.0);
}

TEST_F(MassActionTest, GeneralMixed) {
  ASSERT_EQ(model_->kinetics(5).shape, MassActionKind::kGeneral);
  // Stochastic: 4 · C(4, 2) · C(3, 1) = 4 · 6 · 3 = 72.
  EXPECT_DOUBLE_EQ(Sto(5, {4, 3, 0}), 72.0);
  EXPECT_EQ(Sto(5, {1, 3, 0}), 0.0);
  EXPECT_EQ(Sto(5, {4, 0, 0}), 0.0);
  // Deterministic: 4 · 4² / 2 · 3 = 96.
  EXPECT_DOUBLE_EQ(Det(5, {4, 3, 0}), 96.0);
}

TEST_F(MassActionTest, EvaluateAllMatchesPropensity) {
  const std::vector<double> x = {6, 4, 2};
  std::vector<double> a(model_->num_reactions(), -1.0);
  EvaluateAll<kSto>(*model_, x.data(), a);
  for (ReactionIndex r = 0; r < model_->num_reactions(); ++r)
    EXPECT_EQ(a[r], Propensity<kSto>(*model_, r, x.data())) << "reaction " << r;
  EXPECT_EQ(a, (std::vector<double>{3.5, 1.0, 7.5, 48.0, 120.0, 240.0}));
  EvaluateAll<kDet>(*model_, x.data(), a);
  EXPECT_EQ(a, (std::vector<double>{3.5, 1.0, 9.0, 48.0, 216.0, 288.0}));
}

// One zero-order reaction per factor kind, so each propensity is c · f(x).
// Species A (activator) is index 0, R (repressor) index 1.
const char* const kFactors = R"pb(
  name: "factors" time_unit: s
  species { name: "A" initial_count: 0 }
  species { name: "R" initial_count: 0 }
  species { name: "P" initial_count: 0 }
  reaction { name: "act2" product { species: "P" } k: 10
             modifier { hill_activation { species: "A" k: 4 n: 2 } } }
  reaction { name: "rep3" product { species: "P" } k: 10
             modifier { hill_repression { species: "R" k: 2 n: 3 } } }
  reaction { name: "act_real" product { species: "P" } k: 10
             modifier { hill_activation { species: "A" k: 4 n: 1.5 } } }
  reaction { name: "rep_real" product { species: "P" } k: 10
             modifier { hill_repression { species: "R" k: 2 n: 0.5 } } }
  reaction { name: "mm" product { species: "P" } k: 10
             modifier { michaelis_menten { species: "A" k: 5 } } }
  reaction { name: "both" reactant { species: "P" } k: 2
             modifier { hill_activation { species: "A" k: 4 n: 2 } }
             modifier { hill_repression { species: "R" k: 2 n: 3 } } }
  reaction { name: "act8" product { species: "P" } k: 1
             modifier { hill_activation { species: "A" k: 1 n: 8 } } }
  reaction { name: "rep8" product { species: "P" } k: 1
             modifier { hill_repression { species: "R" k: 1 n: 8 } } }
)pb";

class FactorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = CompileText(kFactors);
    ASSERT_NE(model_, nullptr);
  }
  double Sto(ReactionIndex r, double a, double rep, double p = 0) const {
    const double x[] = {a, rep, p};
    return Propensity<kSto>(*model_, r, x);
  }
  double Det(ReactionIndex r, double a, double rep, double p = 0) const {
    const double x[] = {a, rep, p};
    return Propensity<kDet>(*model_, r, x);
  }
  FactorKind Kind(ReactionIndex r) const {
    return model_->factors()[model_->kinetics(r).factor_begin].kind;
  }
  std::shared_ptr<const CompiledModel> model_;
};

TEST_F(FactorTest, CompiledKinds) {
  EXPECT_EQ(Kind(0), FactorKind::kHillActivationInt);
  EXPECT_EQ(Kind(1), FactorKind::kHillRepressionInt);
  EXPECT_EQ(Kind(2), FactorKind::kHillActivation);
  EXPECT_EQ(Kind(3), FactorKind::kHillRepression);
  EXPECT_EQ(Kind(4), FactorKind::kMichaelisMenten);
}

TEST_F(FactorTest, HillActivationIntegerN) {
  // 10 · 6² / (4² + 6²) = 10 · 36/52.
  EXPECT_NEAR(Sto(0, 6, 0), 10.0 * 36.0 / 52.0, 1e-13);
  EXPECT_NEAR(Det(0, 6, 0), 10.0 * 36.0 / 52.0, 1e-13);
  EXPECT_NEAR(Sto(0, 4, 0), 5.0, 1e-13);  // x = K: half-maximal
}

TEST_F(FactorTest, HillRepressionIntegerN) {
  // 10 · 2³ / (2³ + 3³) = 10 · 8/35.
  EXPECT_NEAR(Sto(1, 0, 3), 10.0 * 8.0 / 35.0, 1e-13);
  EXPECT_NEAR(Det(1, 0, 3), 10.0 * 8.0 / 35.0, 1e-13);
  EXPECT_NEAR(Sto(1, 0, 2), 5.0, 1e-13);
}

TEST_F(FactorTest, HillActivationRealN) {
  const double r = std::pow(9.0 / 4.0, 1.5);  // 3.375
  EXPECT_NEAR(Sto(2, 9, 0), 10.0 * r / (1.0 + r), 1e-13);
  EXPECT_NEAR(Sto(2, 9, 0), 10.0 * 3.375 / 4.375, 1e-13);
  EXPECT_NEAR(Det(2, 9, 0), 10.0 * 3.375 / 4.375, 1e-13);
}

TEST_F(FactorTest, HillRepressionRealN) {
  // 10 / (1 + (8/2)^0.5) = 10/3.
  EXPECT_NEAR(Sto(3, 0, 8), 10.0 / 3.0, 1e-13);
  EXPECT_NEAR(Det(3, 0, 8), 10.0 / 3.0, 1e-13);
}

TEST_F(FactorTest, MichaelisMenten) {
  // 10 · 15 / (5 + 15) = 7.5.
  EXPECT_NEAR(Sto(4, 15, 0), 7.5, 1e-13);
  EXPECT_NEAR(Det(4, 15, 0), 7.5, 1e-13);
  EXPECT_EQ(Sto(4, 0, 0), 0.0);
}

TEST_F(FactorTest, FactorsMultiplyWithMassAction) {
  // 2 · P · act(6; K=4, n=2) · rep(3; K=2, n=3) = 2 · 5 · 36/52 · 8/35.
  EXPECT_NEAR(Sto(5, 6, 3, 5), 2.0 * 5.0 * (36.0 / 52.0) * (8.0 / 35.0), 1e-12);
  EXPECT_NEAR(Det(5, 6, 3, 5), 2.0 * 5.0 * (36.0 / 52.0) * (8.0 / 35.0), 1e-12);
  EXPECT_EQ(Sto(5, 6, 3, 0), 0.0);
}

TEST_F(FactorTest, HillAtZero) {
  EXPECT_EQ(Sto(0, 0, 0), 0.0);   // activation, integer n
  EXPECT_EQ(Sto(2, 0, 0), 0.0);   // activation, real n
  EXPECT_EQ(Sto(1, 0, 0), 10.0);  // repression, integer n
  EXPECT_EQ(Sto(3, 0, 0), 10.0);  // repression, real n
  EXPECT_EQ(Sto(6, 0, 0), 0.0);
  EXPECT_EQ(Sto(7, 0, 0), 1.0);
}

// (x/K)^n overflows to +inf for huge x; the ratio form must still give the
// limits 1 (activation) and 0 (repression), never NaN.
TEST_F(FactorTest, HillAtHugeCountsStaysFinite) {
  for (double x : {1e15, 9007199254740992.0, 1e200, 1e308}) {
    for (ReactionIndex r : {0u, 2u, 4u, 6u}) {
      const double a = Sto(r, x, 0);
      EXPECT_TRUE(std::isfinite(a)) << "reaction " << r << " x " << x;
      EXPECT_NEAR(a, r == 6 ? 1.0 : 10.0, 1e-6) << "reaction " << r << " x " << x;
      EXPECT_TRUE(std::isfinite(Det(r, x, 0)));
    }
    for (ReactionIndex r : {1u, 3u, 7u}) {
      const double a = Sto(r, 0, x);
      EXPECT_TRUE(std::isfinite(a)) << "reaction " << r << " x " << x;
      EXPECT_GE(a, 0.0);
      EXPECT_LT(a, r == 3 ? 1e-6 : 1e-20) << "reaction " << r << " x " << x;
    }
  }
}

TEST(EvaluateFactorTest, DirectOnPods) {
  const double x[] = {3.0};
  RateFactor f{};
  f.species = 0;
  f.inv_k = 1.0;
  f.kind = FactorKind::kHillActivationInt;
  f.int_n = 1;
  EXPECT_DOUBLE_EQ(EvaluateFactor(f, x), 0.75);
  f.kind = FactorKind::kHillRepressionInt;
  EXPECT_DOUBLE_EQ(EvaluateFactor(f, x), 0.25);
  f.kind = FactorKind::kHillActivation;
  f.n = 2.0;
  EXPECT_DOUBLE_EQ(EvaluateFactor(f, x), 0.9);
  f.kind = FactorKind::kHillRepression;
  EXPECT_DOUBLE_EQ(EvaluateFactor(f, x), 0.1);
  f.kind = FactorKind::kMichaelisMenten;
  EXPECT_DOUBLE_EQ(EvaluateFactor(f, x), 0.75);
  EXPECT_EQ(IntPow(2.0, 8), 256.0);
  EXPECT_EQ(IntPow(-3.0, 3), -27.0);
}

}  // namespace
}  // namespace grn
