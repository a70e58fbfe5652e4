// tests/model/compiled_model_test.cc
//
// Compile: indices in file order, 1/Π m_i! folded into c, the closed-form
// mass-action shapes, Hill kinds with precomputed 1/K, stoichiometry without
// constant species, and the dependency rows the exact loop relies on.
#include "engine/model/compiled_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::CompileText;
using test_support::ParseNetwork;

std::vector<std::uint32_t> Row(const CompiledModel& m, ReactionIndex r) {
  auto row = m.dependents(r);
  return {row.begin(), row.end()};
}

// Net stoichiometry of r as (species, delta) pairs.
std::vector<std::pair<SpeciesIndex, double>> Stoich(const CompiledModel& m, ReactionIndex r) {
  std::vector<std::pair<SpeciesIndex, double>> out;
  for (std::uint32_t i = m.stoich_begin(r); i < m.stoich_end(r); ++i)
    out.push_back({m.stoich_species()[i], m.stoich_delta()[i]});
  return out;
}

// One reaction of each mass-action shape, plus the folded constants.
const char* const kShapes = R"pb(
  name: "shapes"
  time_unit: min
  species { name: "X" initial_count: 5 }
  species { name: "Y" initial_count: 7 }
  parameter { name: "c_dim" value: 0.3 }
  reaction { name: "make" product { species: "X" } k: 2 }
  reaction { name: "decay" reactant { species: "X" } k: 0.7 }
  reaction { name: "dimer" reactant { species: "X" stoichiometry: 2 } product { species: "Y" } k_param: "c_dim" }
  reaction { name: "bind" reactant { species: "X" } reactant { species: "Y" } k: 4 }
  reaction { name: "trimer" reactant { species: "X" stoichiometry: 3 } product { species: "Y" } k: 1.2 }
  reaction { name: "mixed" reactant { species: "X" stoichiometry: 2 } reactant { species: "Y" } k: 5 }
  reaction { name: "split" reactant { species: "X" } reactant { species: "X" } product { species: "Y" } k: 8 }
)pb";

TEST(CompiledModelTest, NamesIndicesAndInitialState) {
  auto m = CompileText(kShapes);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->name(), "shapes");
  EXPECT_EQ(m->time_unit(), "min");
  EXPECT_EQ(m->num_species(), 2u);
  EXPECT_EQ(m->num_reactions(), 7u);
  EXPECT_EQ(m->species_names(), (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(m->reaction_names(), (std::vector<std::string>{"make", "decay", "dimer", "bind",
                                                           "trimer", "mixed", "split"}));
  EXPECT_EQ(m->initial_counts(), (std::vector<double>{5, 7}));
}

TEST(CompiledModelTest, MassActionShapesAndFoldedConstants) {
  auto m = CompileText(kShapes);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->kinetics(0).shape, MassActionKind::kZeroOrder);
  EXPECT_EQ(m->kinetics(0).c, 2.0);

  EXPECT_EQ(m->kinetics(1).shape, MassActionKind::kFirstOrder);
  EXPECT_EQ(m->kinetics(1).s0, 0u);
  EXPECT_EQ(m->kinetics(1).c, 0.7);

  // 2X: C(x,2) = x(x−1)/2, so c/2 (from a parameter).
  EXPECT_EQ(m->kinetics(2).shape, MassActionKind::kHomodimer);
  EXPECT_EQ(m->kinetics(2).s0, 0u);
  EXPECT_DOUBLE_EQ(m->kinetics(2).c, 0.3 / 2);
  EXPECT_DOUBLE_EQ(m->kinetics(2).c_deterministic, 0.3 / 2);

  EXPECT_EQ(m->kinetics(3).shape, MassActionKind::kHeterodimer);
  EXPECT_EQ(m->kinetics(3).s0, 0u);
  EXPECT_EQ(m->kinetics(3).s1, 1u);
  EXPECT_EQ(m->kinetics(3).c, 4.0);

  // 3X: C(x,3) = x(x−1)(x−2)/6, so c/6.
  EXPECT_EQ(m->kinetics(4).shape, MassActionKind::kGeneral);
  EXPECT_DOUBLE_EQ(m->kinetics(4).c, 1.2 / 6);

  // 2X + Y: c/2.
  EXPECT_EQ(m->kinetics(5).shape, MassActionKind::kGeneral);
  EXPECT_DOUBLE_EQ(m->kinetics(5).c, 5.0 / 2);

  // X listed twice is merged into 2X: a homodimer with c/2.
  EXPECT_EQ(m->kinetics(6).shape, MassActionKind::kHomodimer);
  EXPECT_DOUBLE_EQ(m->kinetics(6).c, 8.0 / 2);
}

TEST(CompiledModelTest, ReactantRangesHoldSpeciesAndOrders) {
  auto m = CompileText(kShapes);
  ASSERT_NE(m, nullptr);
  const ReactionKinetics& mixed = m->kinetics(5);
  ASSERT_EQ(mixed.reactant_end - mixed.reactant_begin, 2u);
  EXPECT_EQ(m->reactant_species()[mixed.reactant_begin], 0u);
  EXPECT_EQ(m->reactant_order()[mixed.reactant_begin], 2u);
  EXPECT_EQ(m->reactant_species()[mixed.reactant_begin + 1], 1u);
  EXPECT_EQ(m->reactant_order()[mixed.reactant_begin + 1], 1u);
  const ReactionKinetics& make = m->kinetics(0);
  EXPECT_EQ(make.reactant_begin, make.reactant_end);
}

TEST(CompiledModelTest, NetStoichiometry) {
  auto m = CompileText(kShapes);
  ASSERT_NE(m, nullptr);
  using P = std::vector<std::pair<SpeciesIndex, double>>;
  EXPECT_EQ(Stoich(*m, 0), (P{{0, 1}}));
  EXPECT_EQ(Stoich(*m, 1), (P{{0, -1}}));
  EXPECT_EQ(Stoich(*m, 2), (P{{0, -2}, {1, 1}}));
  EXPECT_EQ(Stoich(*m, 3), (P{{0, -1}, {1, -1}}));
  EXPECT_EQ(Stoich(*m, 4), (P{{0, -3}, {1, 1}}));
  EXPECT_EQ(Stoich(*m, 5), (P{{0, -2}, {1, -1}}));
}

TEST(CompiledModelTest, ZeroNetChangeAndConstantSpeciesLeaveStoichiometry) {
  // gene is constant: transcription reads it but never changes it, even
  // though it is listed as reactant and product. Catalysis E + S → E + P
  // changes only S and P.
  auto m = CompileText(R"pb(
    name: "n" time_unit: h
    species { name: "gene" initial_count: 2 constant: true }
    species { name: "mrna" initial_count: 0 }
    species { name: "E" initial_count: 1 }
    species { name: "S" initial_count: 10 }
    species { name: "P" initial_count: 0 }
    reaction { name: "tx" reactant { species: "gene" } product { species: "gene" } product { species: "mrna" } k: 1 }
    reaction { name: "cat" reactant { species: "E" } reactant { species: "S" } product { species: "E" } product { species: "P" } k: 1 }
  )pb");
  ASSERT_NE(m, nullptr);
  using P = std::vector<std::pair<SpeciesIndex, double>>;
  EXPECT_EQ(Stoich(*m, 0), (P{{1, 1}}));
  EXPECT_EQ(Stoich(*m, 1), (P{{3, -1}, {4, 1}}));
  // The constant species is still read: tx is first order in gene.
  EXPECT_EQ(m->kinetics(0).shape, MassActionKind::kFirstOrder);
  EXPECT_EQ(m->kinetics(0).s0, 0u);
}

TEST(CompiledModelTest, ApplyChangesCountsAndFlagsOverflow) {
  auto m = CompileText(kShapes);
  ASSERT_NE(m, nullptr);
  std::vector<double> x = {5, 7};
  EXPECT_TRUE(m->Apply(2, x.data()));  // 2X → Y
  EXPECT_EQ(x, (std::vector<double>{3, 8}));
  EXPECT_TRUE(m->Apply(4, x.data()));  // 3X → Y
  EXPECT_EQ(x, (std::vector<double>{0, 9}));
  x = {kMaxExactCount - 2, 0};
  EXPECT_TRUE(m->Apply(0, x.data()));  // 2^53 − 1: the largest exact count
  EXPECT_EQ(x[0], kMaxExactCount - 1);
  EXPECT_FALSE(m->Apply(0, x.data()));  // 2^53: its successor would round

  auto burst = CompileText(R"pb(
    name: "burst" time_unit: s
    species { name: "X" initial_count: 0 }
    reaction { name: "burst" product { species: "X" stoichiometry: 3 } k: 1 }
  )pb");
  ASSERT_NE(burst, nullptr);
  x = {kMaxExactCount - 4};
  EXPECT_TRUE(burst->Apply(0, x.data()));   // 2^53 − 1
  EXPECT_FALSE(burst->Apply(0, x.data()));  // 2^53 + 2
}

// From x = 2^53 a +1 change gives 2^53 + 1, which rounds back to 2^53 in a
// double: Apply must flag it rather than let the count silently stay put.
TEST(CompiledModelTest, ApplyFlagsIncrementPastTwoToThe53) {
  auto m = CompileText(kShapes);
  ASSERT_NE(m, nullptr);
  std::vector<double> x = {kMaxExactCount, 0};
  EXPECT_FALSE(m->Apply(0, x.data()));  // ∅ → X: 2^53 + 1 is not representable
}

TEST(CompiledModelTest, HillAndMichaelisMentenFactors) {
  auto m = CompileText(R"pb(
    name: "n" time_unit: h
    species { name: "A" initial_count: 0 }
    species { name: "R" initial_count: 0 }
    parameter { name: "KA" value: 4 }
    parameter { name: "nA" value: 2 }
    reaction {
      name: "tx" product { species: "A" } k: 1
      modifier { hill_activation { species: "A" k_param: "KA" n_param: "nA" } }
      modifier { hill_repression { species: "R" k: 8 n: 2.5 } }
      modifier { hill_repression { species: "R" k: 2 } }
      modifier { michaelis_menten { species: "A" k: 5 } }
    }
  )pb");
  ASSERT_NE(m, nullptr);
  const ReactionKinetics& k = m->kinetics(0);
  ASSERT_EQ(k.factor_end - k.factor_begin, 4u);
  const RateFactor* f = m->factors().data() + k.factor_begin;
  EXPECT_EQ(f[0].kind, FactorKind::kHillActivationInt);
  EXPECT_EQ(f[0].species, 0u);
  EXPECT_EQ(f[0].int_n, 2);
  EXPECT_DOUBLE_EQ(f[0].inv_k, 0.25);
  EXPECT_EQ(f[1].kind, FactorKind::kHillRepression);  // n = 2.5: real exponent
  EXPECT_EQ(f[1].species, 1u);
  EXPECT_DOUBLE_EQ(f[1].n, 2.5);
  EXPECT_DOUBLE_EQ(f[1].inv_k, 0.125);
  EXPECT_EQ(f[2].kind, FactorKind::kHillRepressionInt);  // n omitted: 1
  EXPECT_EQ(f[2].int_n, 1);
  EXPECT_EQ(f[3].kind, FactorKind::kMichaelisMenten);
  EXPECT_DOUBLE_EQ(f[3].inv_k, 0.2);
}

TEST(CompiledModelTest, InvalidNetworkListsEveryProblem) {
  StatusOr<CompiledModel> m = Compile(ParseNetwork(R"pb(
    name: "bad"
    species { name: "X" initial_count: 1 }
    reaction { name: "r" reactant { species: "Y" } k: -1 }
  )pb"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.status().message(),
            "network 'bad' is invalid:\n"
            "  network has no time_unit (expected time_unit: s, min, h or d)\n"
            "  reaction 'r': unknown species 'Y' in reactant\n"
            "  reaction 'r': rate constant -1 must be finite and >= 0");
}

TEST(CompiledModelTest, DependentsAreSortedUniqueAndContainSelf) {
  auto m = CompileText(kShapes);
  ASSERT_NE(m, nullptr);
  for (ReactionIndex r = 0; r < m->num_reactions(); ++r) {
    const auto row = Row(*m, r);
    EXPECT_TRUE(std::is_sorted(row.begin(), row.end())) << "reaction " << r;
    EXPECT_EQ(std::adjacent_find(row.begin(), row.end()), row.end()) << "reaction " << r;
    EXPECT_TRUE(std::binary_search(row.begin(), row.end(), r)) << "reaction " << r;
  }
}

// Chain A → B → C → ∅ (reactions 0, 1, 2): firing a_to_b changes A and B, read
// by reactions 0 and 1; b_to_c changes B, C (read by 1, 2); c_decay changes C.
TEST(CompiledModelTest, DependentsOfAChain) {
  auto m = CompileText(test_support::ChainText());
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(Row(*m, 0), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(Row(*m, 1), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(Row(*m, 2), (std::vector<std::uint32_t>{2}));
}

// Modifiers count as reads: a repressor's production changes the target's rate.
TEST(CompiledModelTest, DependentsIncludeModifierReaders) {
  auto m = CompileText(R"pb(
    name: "n" time_unit: h
    species { name: "R" initial_count: 0 }
    species { name: "T" initial_count: 0 }
    reaction { name: "make_r" product { species: "R" } k: 1 }
    reaction { name: "make_t" product { species: "T" } k: 1
               modifier { hill_repression { species: "R" k: 10 n: 2 } } }
    reaction { name: "decay_t" reactant { species: "T" } k: 1 }
  )pb");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(Row(*m, 0), (std::vector<std::uint32_t>{0, 1}));
  // make_t changes T, read by decay_t only; make_t itself is zero-order in T.
  EXPECT_EQ(Row(*m, 1), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(Row(*m, 2), (std::vector<std::uint32_t>{2}));
}

}  // namespace
}  // namespace grn

namespace grn {
namespace {

// Propensity expressions that are exactly mass action over their reactants
// take the structured fast path; anything else stays an expression.
TEST(CompiledModelTest, RecognisesMassActionPropensities) {
  auto m = test_support::CompileText(R"pb(
    name: "ma" time_unit: s
    species { name: "P" initial_count: 10 }
    species { name: "Q" initial_count: 10 }
    parameter { name: "k1" value: 0.002 }
    reaction { name: "dim" reactant { species: "P" stoichiometry: 2 } product { species: "Q" }
               propensity: "k1 * P * (P - 1) / 2" }
    reaction { name: "uni" reactant { species: "Q" } propensity: "0.5 * Q" }
    reaction { name: "bi" reactant { species: "P" } reactant { species: "Q" } propensity: "Q * P * 3" }
    reaction { name: "not_ma" reactant { species: "Q" } propensity: "0.5 * Q + 1" }
    reaction { name: "squared" reactant { species: "P" } propensity: "P * P" }
  )pb");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->kinetics(0).shape, MassActionKind::kHomodimer);
  EXPECT_FALSE(m->kinetics(0).slow);
  EXPECT_DOUBLE_EQ(m->kinetics(0).c, 0.001);
  EXPECT_EQ(m->kinetics(1).shape, MassActionKind::kFirstOrder);
  EXPECT_DOUBLE_EQ(m->kinetics(1).c, 0.5);
  EXPECT_EQ(m->kinetics(2).shape, MassActionKind::kHeterodimer);
  EXPECT_DOUBLE_EQ(m->kinetics(2).c, 3);
  EXPECT_EQ(m->kinetics(3).shape, MassActionKind::kExpression);
  EXPECT_EQ(m->kinetics(4).shape, MassActionKind::kExpression);  // P² is not c·P
}

}  // namespace
}  // namespace grn
