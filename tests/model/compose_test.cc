// tests/model/compose_test.cc
//
// The merge of networks by name (engine/model/compose.h): shared species and
// parameters defined once, external declarations resolved by a definition,
// every conflict listed with both origins, and problems located in the input
// that wrote them. Also the composition checks of Validate (external,
// range).
#include "engine/model/compose.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using grnsim::v1::Network;
using test_support::ParseNetwork;

// Locates a field of input `name` as "name:<kind>#<index>" (no real file).
Locator Fake(const std::string& name) {
  return [name](const FieldPath& where) {
    std::string out = name;
    if (!where.empty()) out += ":" + where.front().first + "#" + std::to_string(where.front().second);
    return out;
  };
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

const char* const kProducer = R"pb(
  name: "producer" time_unit: h
  species { name: "G" initial_count: 1 role: gene constant: true }
  species { name: "X" initial_count: 0 role: protein description: "made here" }
  parameter { name: "k_deg" value: 0.5 unit: "1/h" provenance: literature source: "a paper" }
  reaction { name: "make_x" reactant { species: "G" } product { species: "G" } product { species: "X" } k: 5 }
  reaction { name: "degrade_x" reactant { species: "X" } k_param: "k_deg" }
)pb";

const char* const kConsumer = R"pb(
  name: "consumer" time_unit: h
  species { name: "Y" initial_count: 0 role: protein }
  species { name: "X" external: true role: protein }
  parameter { name: "k_deg" value: 0.5 unit: "1/h" range { min: 0.1 max: 1 } }
  parameter { name: "K_X" external: true }
  reaction { name: "make_y" product { species: "Y" } propensity: "20 * X / (K_X + X)" }
  reaction { name: "degrade_y" reactant { species: "Y" } k_param: "k_deg" }
)pb";

TEST(ComposeTest, MergesSharedNamesOnceAndResolvesExternals) {
  // The consumer first: X is declared there, then defined by the producer.
  Composition c;
  c.Merge(ParseNetwork(kConsumer), "consumer", Fake("C"));
  const int producer = c.Merge(ParseNetwork(kProducer), "producer", Fake("P"));
  c.TakeHeaderFrom(ParseNetwork(kProducer), producer);
  ASSERT_TRUE(c.status().ok()) << c.status().message();
  const Network& net = c.network();
  EXPECT_EQ(net.name(), "producer");
  ASSERT_EQ(net.species_size(), 3);
  EXPECT_EQ(net.species(0).name(), "Y");
  // X keeps the position of its first appearance and takes the definition.
  EXPECT_EQ(net.species(1).name(), "X");
  EXPECT_FALSE(net.species(1).external());
  EXPECT_EQ(net.species(1).description(), "made here");
  EXPECT_EQ(net.species(2).name(), "G");
  ASSERT_EQ(net.parameter_size(), 2);
  // The same k_deg: provenance and source from one input, range from the other.
  EXPECT_EQ(net.parameter(0).name(), "k_deg");
  EXPECT_EQ(net.parameter(0).provenance(), grnsim::v1::Parameter::literature);
  EXPECT_EQ(net.parameter(0).source(), "a paper");
  EXPECT_EQ(net.parameter(0).range().max(), 1.0);
  // K_X is still only declared.
  EXPECT_TRUE(net.parameter(1).external());
  EXPECT_EQ(net.reaction_size(), 4);
  // Problems in the merged network are located in the input that wrote them.
  EXPECT_EQ(c.origins().Locate({{"species", 1}, {"initial_count", -1}}), "P:species#1");
  EXPECT_EQ(c.origins().Locate({{"species", 0}}), "C:species#0");
  EXPECT_EQ(c.origins().Locate({{"reaction", 2}}), "P:reaction#0");
  EXPECT_EQ(c.origins().Locate({{"parameter", 1}, {"external", -1}}), "C:parameter#1");
  EXPECT_EQ(c.origins().Locate({{"name", -1}}), "P:name#-1");
}

TEST(ComposeTest, ListsEveryConflictWithBothOrigins) {
  const Network other = ParseNetwork(R"pb(
    name: "other" time_unit: h
    species { name: "X" initial_count: 5 role: gene }
    parameter { name: "k_deg" value: 0.7 unit: "1/min" }
    parameter { name: "G" value: 1 }
    reaction { name: "degrade_x" reactant { species: "X" } k: 1 }
    event { name: "e" at_time: 1 assign { target: "X" value: "0" } }
  )pb");
  StatusOr<Network> merged = MergeNetworks(ParseNetwork(kProducer), other, "producer", "other",
                                           Fake("P"), Fake("O"));
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Lines(merged.status().message()),
            (std::vector<std::string>{
                "O:species#0: species 'X' is defined with initial_count 5 and role gene here, "
                "but P:species#1 defines it with initial_count 0 and role protein (a species "
                "defined in two modules must have the same definition)",
                "O:parameter#0: parameter 'k_deg' is defined with value 0.7 and unit \"1/min\" "
                "here, but P:parameter#0 defines it with value 0.5 and unit \"1/h\" (a "
                "parameter defined in two modules must have the same definition)",
                "O:parameter#1: 'G' is a parameter here, but P:species#0 defines it as a species",
                "O:reaction#0: reaction 'degrade_x' is defined again here; P:reaction#1 defines "
                "it first (reactions, events and rules must be unique across modules)"}));
}

TEST(ComposeTest, TimeUnitsMustAgree) {
  StatusOr<Network> merged =
      MergeNetworks(ParseNetwork(kProducer), ParseNetwork(R"pb(name: "m" time_unit: min)pb"),
                    "producer", "m", Fake("P"), Fake("M"));
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "M:time_unit#-1: time_unit min here, but P:time_unit#-1 uses h (every module must use "
            "the same time unit)");
  // A module without a time unit adopts the others'.
  EXPECT_TRUE(MergeNetworks(ParseNetwork(kProducer), ParseNetwork(R"pb(name: "m")pb"), "p", "m").ok());
}

TEST(ComposeTest, ConflictingRangesAndProvenanceAreConflicts) {
  StatusOr<Network> merged = MergeNetworks(
      ParseNetwork(R"pb(name: "a" parameter { name: "k" value: 1 provenance: assumption
                                              range { min: 0.5 max: 2 } })pb"),
      ParseNetwork(R"pb(name: "b" parameter { name: "k" value: 1 provenance: literature
                                              range { min: 0.1 max: 2 } })pb"),
      "a", "b");
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "b: parameter 'k' is defined with provenance literature and range [0.1, 2] here, but a "
            "defines it with provenance assumption and range [0.5, 2] (a parameter defined in two "
            "modules must have the same definition)");
}

TEST(ComposeTest, ExternalDeclarationMustAgreeWithTheDefinition) {
  StatusOr<Network> merged = MergeNetworks(
      ParseNetwork(R"pb(name: "a" species { name: "X" external: true role: mrna })pb"),
      ParseNetwork(kProducer), "a", "producer", Fake("A"), Fake("P"));
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "P:species#1: species 'X' is defined with role protein here, but A:species#0 declares "
            "it (external) with role mrna");
  // Two declarations of the same input stay one declaration.
  StatusOr<Network> both = MergeNetworks(ParseNetwork(kConsumer), ParseNetwork(kConsumer), "c1",
                                         "c2");
  EXPECT_FALSE(both.ok());  // the reactions are defined twice
  EXPECT_EQ(Lines(both.status().message()).size(), 2u);  // make_y, degrade_y; not X, K_X, k_deg
}

TEST(ComposeTest, RulesAndInitialAssignmentsAreUniqueByVariable) {
  StatusOr<Network> merged = MergeNetworks(
      ParseNetwork(R"pb(name: "a" assignment_rule { variable: "p" expression: "2" })pb"),
      ParseNetwork(R"pb(name: "b" assignment_rule { variable: "p" expression: "2" }
                                  initial_assignment { variable: "q" expression: "1" })pb"),
      "a", "b");
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "b: assignment rule for 'p' is defined again here; a defines it first (reactions, "
            "events and rules must be unique across modules)");
}

// Validate: a simulated network may not leave anything external; a module may.
TEST(ComposeValidateTest, UnresolvedExternalIsAnErrorOnlyWhenSimulated) {
  const Network consumer = ParseNetwork(kConsumer);
  std::vector<std::string> strict;
  for (const Diagnostic& d : Validate(consumer)) strict.push_back(d.message);
  EXPECT_EQ(strict,
            (std::vector<std::string>{
                "species 'X' is declared external (an input defined by another module), but no "
                "module of this network defines it; include a module that does, or define it "
                "here",
                "parameter 'K_X' is declared external (an input defined by another module), but "
                "no module of this network defines it; include a module that does, or define it "
                "here"}));
  EXPECT_EQ(Validate(consumer)[0].where, (FieldPath{{"species", 1}, {"external", -1}}));
  EXPECT_TRUE(Validate(consumer, ValidateOptions{.allow_external = true}).empty());
}

TEST(ComposeValidateTest, ValueOutsideItsRangeAndUnresolvedInclude) {
  std::vector<std::string> messages;
  for (const Diagnostic& d : Validate(ParseNetwork(R"pb(
         name: "n" time_unit: h
         include { path: "m.textproto" }
         species { name: "X" initial_count: 1 }
         parameter { name: "k" value: 3 range { min: 0.1 max: 2 } }
         parameter { name: "j" value: 1 range { min: 2 max: 1 } }
         reaction { name: "d" reactant { species: "X" } k_param: "k" }
       )pb"))) {
    messages.push_back(d.message);
  }
  EXPECT_EQ(messages,
            (std::vector<std::string>{
                "include 'm.textproto' is not resolved: compose the network first (reading it "
                "from a file does)",
                "parameter 'k': value 3 is outside its range [0.1, 2]",
                "parameter 'j': range [2, 1] must be finite with min <= max"}));
}

}  // namespace
}  // namespace grn
