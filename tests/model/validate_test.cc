// tests/model/validate_test.cc
//
// Validate reports every problem at once, each naming the item and the value
// at fault. These tests pin the message text (a user reads it) and the field
// path (network_io turns it into file:line:col).
#include "engine/model/validate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::ParseNetwork;

std::vector<std::string> Messages(const std::string& text) {
  std::vector<std::string> out;
  for (const Diagnostic& d : Validate(ParseNetwork(text))) out.push_back(d.message);
  return out;
}

// A valid header and species block that tests append reactions to.
const char* const kHeader = R"pb(
  name: "net"
  time_unit: h
  species { name: "A" initial_count: 10 }
  species { name: "B" initial_count: 0 }
)pb";

std::string WithReaction(const std::string& reaction) {
  return std::string(kHeader) + "reaction { " + reaction + " }\n";
}

TEST(ValidateTest, ValidNetworkHasNoProblems) {
  EXPECT_TRUE(Validate(ParseNetwork(test_support::ChainText())).empty());
  EXPECT_TRUE(Validate(ParseNetwork(WithReaction(
                  R"(name: "r" reactant { species: "A" } product { species: "B" } k: 1
                     modifier { hill_repression { species: "B" k: 5 n: 2 } })")))
                  .empty());
}

TEST(ValidateTest, UnknownSpeciesInReactant) {
  const auto d = Validate(ParseNetwork(WithReaction(
      R"(name: "r" reactant { species: "Q" } product { species: "B" } k: 1)")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "reaction 'r': unknown species 'Q' in reactant");
  const FieldPath want = {{"reaction", 0}, {"reactant", 0}};
  EXPECT_EQ(d[0].where, want);
}

TEST(ValidateTest, UnknownSpeciesInProduct) {
  EXPECT_EQ(Messages(WithReaction(
                R"(name: "r" reactant { species: "A" } product { species: "Zed" } k: 1)")),
            std::vector<std::string>{"reaction 'r': unknown species 'Zed' in product"});
}

TEST(ValidateTest, UnknownSpeciesInModifier) {
  const auto d = Validate(ParseNetwork(WithReaction(
      R"(name: "r" product { species: "B" } k: 1
         modifier { hill_activation { species: "TF" k: 3 } })")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "reaction 'r': unknown species 'TF' in modifier");
  const FieldPath want = {{"reaction", 0}, {"modifier", 0}, {"hill_activation", -1}};
  EXPECT_EQ(d[0].where, want);
}

TEST(ValidateTest, UnknownSpeciesInMichaelisMenten) {
  EXPECT_EQ(Messages(WithReaction(R"(name: "r" product { species: "B" } k: 1
           modifier { michaelis_menten { species: "E" k: 3 } })")),
            std::vector<std::string>{"reaction 'r': unknown species 'E' in modifier"});
}

TEST(ValidateTest, DuplicateNames) {
  const auto d = Validate(ParseNetwork(R"pb(
    name: "net" time_unit: s
    species { name: "A" initial_count: 1 }
    species { name: "A" initial_count: 2 }
    parameter { name: "deg" value: 1 }
    reaction { name: "deg" reactant { species: "A" } k: 1 }
  )pb"));
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "duplicate name 'A': already used by a species");
  const FieldPath at_second = {{"species", 1}, {"name", -1}};
  EXPECT_EQ(d[0].where, at_second);
  // Species, parameters and reactions share one namespace.
  EXPECT_EQ(d[1].message, "duplicate name 'deg': already used by a parameter");
}

TEST(ValidateTest, NegativeRateConstant) {
  const auto d = Validate(ParseNetwork(WithReaction(
      R"(name: "decay" reactant { species: "A" } k: -0.5)")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "reaction 'decay': rate constant -0.5 must be finite and >= 0");
  const FieldPath want = {{"reaction", 0}, {"k", -1}};
  EXPECT_EQ(d[0].where, want);
}

TEST(ValidateTest, NegativeRateConstantThroughParameter) {
  EXPECT_EQ(Messages(std::string(kHeader) + R"pb(
              parameter { name: "kdeg" value: -2 }
              reaction { name: "decay" reactant { species: "A" } k_param: "kdeg" })pb"),
            std::vector<std::string>{"reaction 'decay': rate constant -2 must be finite and >= 0"});
}

TEST(ValidateTest, UnknownKParam) {
  const auto d = Validate(ParseNetwork(WithReaction(
      R"(name: "decay" reactant { species: "A" } k_param: "kdeg")")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message,
            "reaction 'decay': rate constant refers to unknown parameter 'kdeg'");
  const FieldPath want = {{"reaction", 0}, {"k_param", -1}};
  EXPECT_EQ(d[0].where, want);
}

TEST(ValidateTest, KParamNamingASpeciesSaysWhatItIs) {
  EXPECT_EQ(Messages(WithReaction(R"(name: "decay" reactant { species: "A" } k_param: "B")")),
            std::vector<std::string>{
                "reaction 'decay': rate constant refers to unknown parameter 'B' (it is a species)"});
}

TEST(ValidateTest, MissingRateConstant) {
  EXPECT_EQ(Messages(WithReaction(R"(name: "decay" reactant { species: "A" })")),
            std::vector<std::string>{"reaction 'decay': no rate (expected k: <number>, "
                                     "k_param: \"<parameter>\" or propensity: \"<expression>\")"});
}

std::string WithInitialCount(const std::string& count) {
  return R"pb(name: "net" time_unit: s species { name: "X" initial_count: )pb" + count +
         R"pb( } reaction { name: "decay" reactant { species: "X" } k: 1 })pb";
}

TEST(ValidateTest, NanInitialCount) {
  const auto d = Validate(ParseNetwork(WithInitialCount("nan")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "species 'X': initial_count nan must be a finite non-negative count");
  const FieldPath want = {{"species", 0}, {"initial_count", -1}};
  EXPECT_EQ(d[0].where, want);
}

TEST(ValidateTest, InfiniteInitialCount) {
  EXPECT_EQ(Messages(WithInitialCount("inf")),
            std::vector<std::string>{
                "species 'X': initial_count inf must be a finite non-negative count"});
}

TEST(ValidateTest, NegativeInitialCount) {
  EXPECT_EQ(Messages(WithInitialCount("-3")),
            std::vector<std::string>{
                "species 'X': initial_count -3 must be a finite non-negative count"});
}

TEST(ValidateTest, NonIntegerInitialCount) {
  EXPECT_EQ(Messages(WithInitialCount("2.5")),
            std::vector<std::string>{
                "species 'X': initial_count 2.5 is not a whole number of molecules"});
}

TEST(ValidateTest, InitialCountBeyondTwoToThe53) {
  EXPECT_EQ(Messages(WithInitialCount("1e17")),
            std::vector<std::string>{
                "species 'X': initial_count 1e+17 is not below 2^53, beyond which counts are not exact"});
  // 2^53 − 1 is the largest allowed count: 2^53 + 1 is not a double.
  EXPECT_TRUE(Messages(WithInitialCount("9007199254740991")).empty());
  EXPECT_EQ(Messages(WithInitialCount("9007199254740992")).size(), 1u);
}

TEST(ValidateTest, MissingTimeUnit) {
  const auto d = Validate(ParseNetwork(R"pb(
    name: "net"
    species { name: "X" initial_count: 1 }
    reaction { name: "decay" reactant { species: "X" } k: 1 }
  )pb"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "network has no time_unit (expected time_unit: s, min, h or d)");
  const FieldPath want = {{"time_unit", -1}};
  EXPECT_EQ(d[0].where, want);
}

TEST(ValidateTest, MissingOrBadNetworkName) {
  EXPECT_EQ(Messages(R"pb(time_unit: s species { name: "X" }
                         reaction { name: "d" reactant { species: "X" } k: 1 })pb"),
            std::vector<std::string>{"network has no name (expected name: \"...\")"});
  EXPECT_EQ(Messages(R"pb(name: "my net" time_unit: s species { name: "X" }
                         reaction { name: "d" reactant { species: "X" } k: 1 })pb"),
            std::vector<std::string>{
                "network name 'my net' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)"});
}

TEST(ValidateTest, EmptyNetwork) {
  EXPECT_EQ(Messages(R"pb(name: "empty" time_unit: d)pb"),
            (std::vector<std::string>{"network has no species", "network has no reactions"}));
}

TEST(ValidateTest, SpeciesButNoReactions) {
  EXPECT_EQ(Messages(R"pb(name: "n" time_unit: d species { name: "X" })pb"),
            std::vector<std::string>{"network has no reactions"});
}

TEST(ValidateTest, ReactionWithNoEffect) {
  const auto d = Validate(ParseNetwork(WithReaction(
      R"(name: "idle" reactant { species: "A" } product { species: "A" } k: 1)")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "reaction 'idle' has no effect: it changes no (non-constant) species");
  const FieldPath want = {{"reaction", 0}};
  EXPECT_EQ(d[0].where, want);
}

TEST(ValidateTest, ReactionChangingOnlyConstantSpeciesHasNoEffect) {
  EXPECT_EQ(Messages(R"pb(name: "n" time_unit: s
                         species { name: "G" initial_count: 1 constant: true }
                         reaction { name: "r" product { species: "G" } k: 1 })pb"),
            std::vector<std::string>{
                "reaction 'r' has no effect: it changes no (non-constant) species"});
}

TEST(ValidateTest, ReactionWithNoTerms) {
  EXPECT_EQ(Messages(WithReaction(R"(name: "nothing" k: 1)")),
            std::vector<std::string>{"reaction 'nothing' has no reactants and no products"});
}

TEST(ValidateTest, HillHalfMaxMustBePositive) {
  const auto d = Validate(ParseNetwork(WithReaction(
      R"(name: "tx" product { species: "B" } k: 1
         modifier { hill_activation { species: "A" k: 0 n: 2 } })")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "reaction 'tx': half-maximal constant K = 0 must be finite and > 0");
  const FieldPath want = {{"reaction", 0}, {"modifier", 0}, {"hill_activation", -1}, {"k", -1}};
  EXPECT_EQ(d[0].where, want);

  EXPECT_EQ(Messages(WithReaction(R"(name: "tx" product { species: "B" } k: 1
         modifier { hill_repression { species: "A" k: -4 } })")),
            std::vector<std::string>{
                "reaction 'tx': half-maximal constant K = -4 must be finite and > 0"});
}

TEST(ValidateTest, HillNeedsHalfMaxAndSaneCoefficient) {
  EXPECT_EQ(Messages(WithReaction(R"(name: "tx" product { species: "B" } k: 1
         modifier { hill_activation { species: "A" n: 2 } })")),
            std::vector<std::string>{"reaction 'tx': hill_activation needs k (or k_param), the "
                                     "half-maximal count"});
  EXPECT_EQ(Messages(WithReaction(R"(name: "tx" product { species: "B" } k: 1
         modifier { hill_activation { species: "A" k: 2 n: 0 } })")),
            std::vector<std::string>{"reaction 'tx': Hill coefficient n = 0 must be in (0, 100]"});
}

TEST(ValidateTest, EmptyModifier) {
  EXPECT_EQ(Messages(WithReaction(R"(name: "tx" product { species: "B" } k: 1 modifier {})")),
            std::vector<std::string>{
                "reaction 'tx': modifier #1 is empty (expected hill_activation, hill_repression "
                "or michaelis_menten)"});
}

TEST(ValidateTest, StoichiometryBounds) {
  EXPECT_EQ(
      Messages(WithReaction(
          R"(name: "r" reactant { species: "A" stoichiometry: 0 } product { species: "B" } k: 1)")),
      std::vector<std::string>{
          "reaction 'r': stoichiometry 0 of 'A' must be between 1 and 1000"});
}

// Every problem is listed, not just the first: nine independent faults here.
TEST(ValidateTest, ListsAllProblemsAtOnce) {
  const std::vector<std::string> messages = Messages(R"pb(
    name: "net"
    species { name: "A" initial_count: -1 }
    species { name: "B" initial_count: 0.5 }
    species { name: "A" initial_count: 1 }
    reaction { name: "r1" reactant { species: "Q" } k: 1 }
    reaction { name: "r2" reactant { species: "A" } k: -1 }
    reaction { name: "r3" reactant { species: "A" } k_param: "nope" }
    reaction { name: "r4" reactant { species: "B" } product { species: "B" } k: 1 }
    reaction {
      name: "r5" product { species: "A" } k: 1
      modifier { hill_repression { species: "B" k: 0 } }
    }
  )pb");
  const std::vector<std::string> expected = {
      "network has no time_unit (expected time_unit: s, min, h or d)",
      "species 'A': initial_count -1 must be a finite non-negative count",
      "species 'B': initial_count 0.5 is not a whole number of molecules",
      "duplicate name 'A': already used by a species",
      "reaction 'r1': unknown species 'Q' in reactant",
      "reaction 'r2': rate constant -1 must be finite and >= 0",
      "reaction 'r3': rate constant refers to unknown parameter 'nope'",
      "reaction 'r4' has no effect: it changes no (non-constant) species",
      "reaction 'r5': half-maximal constant K = 0 must be finite and > 0",
  };
  EXPECT_EQ(messages.size(), 9u);
  EXPECT_EQ(messages, expected);
}

TEST(ValidateTest, IsIdentifier) {
  EXPECT_TRUE(IsIdentifier("x"));
  EXPECT_TRUE(IsIdentifier("_a1"));
  EXPECT_TRUE(IsIdentifier("Runx2_mRNA"));
  EXPECT_FALSE(IsIdentifier(""));
  EXPECT_FALSE(IsIdentifier("2x"));
  EXPECT_FALSE(IsIdentifier("a-b"));
  EXPECT_FALSE(IsIdentifier("a b"));
  EXPECT_FALSE(IsIdentifier("β"));
}

}  // namespace
}  // namespace grn
