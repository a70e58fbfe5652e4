// tests/model/scenario_test.cc
//
// Scenario overlays (engine/model/scenario.h): set, then scale, then the
// additions; unknown names, impossible results and name clashes refused with
// the setting's location, leaving the network unchanged.
#include "engine/model/scenario.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using grnsim::v1::Network;
using grnsim::v1::Scenario;
using test_support::ParseNetwork;

Scenario ParseScenario(const std::string& text) {
  Scenario s;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &s)) << text;
  return s;
}

// "S:<field>#<index>" for a field of the scenario.
std::string Locate(const FieldPath& where) {
  std::string out = "S";
  for (const auto& [name, index] : where) out += ":" + name + "#" + std::to_string(index);
  return out;
}

const char* const kNet = R"pb(
  name: "net" time_unit: h
  species { name: "G" initial_count: 2 role: gene }
  species { name: "X" initial_count: 0 }
  parameter { name: "k" value: 4 range { min: 0 max: 100 } }
  parameter { name: "p" value: 1 }
  parameter { name: "q" value: 1 }
  reaction { name: "make" reactant { species: "G" } product { species: "G" } product { species: "X" } k_param: "k" }
  assignment_rule { variable: "p" expression: "2 * k" }
)pb";

TEST(ScenarioTest, SetThenScaleThenAdd) {
  Network net = ParseNetwork(kNet);
  const Status s = ApplyScenario(net, ParseScenario(R"pb(
    name: "oe"
    scale { name: "k" value: 3 }
    set { name: "k" value: 5 }
    scale { name: "G" value: 1.5 }
    add_species { name: "D" initial_count: 7 }
    add_event { name: "dose" at_time: 24 period: 24 assign { target: "X" value: "X + 10" } }
  )pb"), "oe.textproto", Locate);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(net.parameter(0).value(), 15.0);  // set to 5, then scaled by 3
  EXPECT_EQ(net.species(0).initial_count(), 3.0);
  ASSERT_EQ(net.species_size(), 3);
  EXPECT_EQ(net.species(2).name(), "D");
  ASSERT_EQ(net.event_size(), 1);
  EXPECT_EQ(net.event(0).period(), 24.0);
}

TEST(ScenarioTest, RefusesEveryProblemWithItsLocationAndChangesNothing) {
  Network net = ParseNetwork(kNet);
  const std::string before = net.DebugString();
  const Status s = ApplyScenario(net, ParseScenario(R"pb(
    set { name: "k_tx" value: 1 }
    set { name: "make" value: 1 }
    set { name: "k" value: 200 }
    set { name: "p" value: 3 }
    set { name: "q" value: -1 }
    set { name: "q" value: 2 }
    scale { name: "G" value: 0.25 }
    add_species { name: "X" }
    add_reaction { name: "make" product { species: "X" } k: 1 }
  )pb"), "bad.textproto", Locate);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "S:set#0: scenario sets 'k_tx', which is not a species or parameter of network 'net'\n"
            "S:set#1: scenario sets 'make', which is not a species or parameter of network 'net' "
            "(it is a reaction)\n"
            "S:set#2:value#-1: scenario sets parameter 'k' to 200, outside its range [0, 100]\n"
            "S:set#3: scenario sets parameter 'p', which an assignment rule defines; the setting "
            "would have no effect\n"
            "S:set#4:value#-1: scenario sets 'q' to -1; expected a finite number >= 0\n"
            "S:set#5: scenario sets 'q' twice in `set`\n"
            "S:scale#0:value#-1: scenario scales the initial count of species 'G' to 0.5, not a "
            "whole number of molecules below 2^53\n"
            "S:add_species#0:name#-1: scenario adds species 'X', but network 'net' already has a "
            "species of that name\n"
            "S:add_reaction#0:name#-1: scenario adds reaction 'make', but network 'net' already "
            "has a reaction of that name");
  EXPECT_EQ(net.DebugString(), before);
}

// A conditional knockout: the settings join the fate's on_commit (a name it
// already sets takes the scenario's value); the network's own values stay.
TEST(ScenarioTest, OnCommitJoinsTheFatesSettings) {
  Network net = ParseNetwork(std::string(kNet) + R"pb(
    fate { name: "osteo" condition: "X > 5" on_commit { name: "q" value: 2 } }
    fate { name: "adipo" condition: "X < 1" }
  )pb");
  const Status s = ApplyScenario(net, ParseScenario(R"pb(
    on_commit { fate: "osteo" set { name: "k" value: 0 } set { name: "q" value: 3 } }
    on_commit { fate: "adipo" set { name: "X" value: 4 } }
  )pb"), "cko.textproto", Locate);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(net.parameter(0).value(), 4.0);  // k itself unchanged
  ASSERT_EQ(net.fate(0).on_commit_size(), 2);
  EXPECT_EQ(net.fate(0).on_commit(0).name(), "q");
  EXPECT_EQ(net.fate(0).on_commit(0).value(), 3.0);
  EXPECT_EQ(net.fate(0).on_commit(1).name(), "k");
  EXPECT_EQ(net.fate(0).on_commit(1).value(), 0.0);
  ASSERT_EQ(net.fate(1).on_commit_size(), 1);
  EXPECT_EQ(net.fate(1).on_commit(0).value(), 4.0);
}

TEST(ScenarioTest, OnCommitRefusesUnknownFatesAndBadSettings) {
  Network net = ParseNetwork(std::string(kNet) + R"pb(
    fate { name: "osteo" condition: "X > 5" }
  )pb");
  const std::string before = net.DebugString();
  const Status s = ApplyScenario(net, ParseScenario(R"pb(
    on_commit { fate: "oc" set { name: "k" value: 0 } }
    on_commit { fate: "osteo"
                set { name: "nope" value: 1 }
                set { name: "k" value: 101 }
                set { name: "p" value: 1 }
                set { name: "X" value: 1.5 }
                set { name: "X" value: 1 } }
  )pb"), "bad.textproto", Locate);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "S:on_commit#0:fate#-1: scenario's on_commit names fate 'oc', which network 'net' does "
            "not declare (its fates: osteo)\n"
            "S:on_commit#1:set#0: scenario sets on commitment 'nope', which is not a species or "
            "parameter of network 'net'\n"
            "S:on_commit#1:set#1:value#-1: scenario sets on commitment parameter 'k' to 101, "
            "outside its range [0, 100]\n"
            "S:on_commit#1:set#2: scenario sets on commitment parameter 'p', which an assignment "
            "rule defines; the setting would have no effect\n"
            "S:on_commit#1:set#3:value#-1: scenario sets on commitment the count of species 'X' "
            "to 1.5, not a whole number of molecules below 2^53\n"
            "S:on_commit#1:set#4: scenario sets on commitment 'X' twice in `on_commit`");
  EXPECT_EQ(net.DebugString(), before);

  Network single = ParseNetwork(kNet);
  const Status none = ApplyScenario(single, ParseScenario(R"pb(
    on_commit { fate: "osteo" set { name: "k" value: 0 } }
  )pb"), "cko.textproto", Locate);
  EXPECT_EQ(none.message(),
            "S:on_commit#0:fate#-1: scenario's on_commit names fate 'osteo', which network 'net' "
            "does not declare (it declares no fates; population networks do)");
}

// Extrinsic noise as an overlay: the rules join the network's population {
// heterogeneity }, a parameter it already lists takes the scenario's cv.
TEST(ScenarioTest, HeterogeneityJoinsThePopulationRules) {
  Network net = ParseNetwork(std::string(kNet) + R"pb(
    fate { name: "osteo" condition: "X > 5" }
    population { heterogeneity { parameter: "k" cv: 0.1 } }
  )pb");
  Network other = ParseNetwork(std::string(kNet) + R"pb(
    fate { name: "osteo" condition: "X > 5" }
  )pb");
  const Scenario noise = ParseScenario(R"pb(
    heterogeneity { parameter: "k" cv: 0.3 }
  )pb");
  ASSERT_TRUE(ApplyScenario(net, noise, "noise.textproto", Locate).ok());
  ASSERT_EQ(net.population().heterogeneity_size(), 1);
  EXPECT_EQ(net.population().heterogeneity(0).cv(), 0.3);
  ASSERT_TRUE(ApplyScenario(other, noise, "noise.textproto", Locate).ok());
  ASSERT_EQ(other.population().heterogeneity_size(), 1);
  EXPECT_EQ(other.population().heterogeneity(0).parameter(), "k");
}

TEST(ScenarioTest, HeterogeneityRefusesSpeciesUnknownNamesAndSingleCellNetworks) {
  Network net = ParseNetwork(std::string(kNet) + R"pb(
    fate { name: "osteo" condition: "X > 5" }
  )pb");
  const std::string before = net.DebugString();
  const Status s = ApplyScenario(net, ParseScenario(R"pb(
    heterogeneity { parameter: "nope" cv: 0.2 }
    heterogeneity { parameter: "X" cv: 0.2 }
    heterogeneity { parameter: "p" cv: 0.2 }
    heterogeneity { parameter: "k" cv: 0.2 }
    heterogeneity { parameter: "k" cv: 0.3 }
    heterogeneity { parameter: "q" cv: 0 }
  )pb"), "bad.textproto", Locate);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "S:heterogeneity#0:parameter#-1: scenario varies 'nope', which is not a species or "
            "parameter of network 'net'\n"
            "S:heterogeneity#1:parameter#-1: scenario varies 'X', a species; heterogeneity "
            "applies to parameters\n"
            "S:heterogeneity#2:parameter#-1: scenario varies parameter 'p', which an assignment "
            "rule defines; the setting would have no effect\n"
            "S:heterogeneity#4:parameter#-1: scenario varies 'k' twice in `heterogeneity`\n"
            "S:heterogeneity#5:cv#-1: scenario varies 'q' with cv 0; expected a coefficient of "
            "variation in (0, 10]");
  EXPECT_EQ(net.DebugString(), before);
  Network single = ParseNetwork(kNet);
  const Status refused = ApplyScenario(single, ParseScenario(R"pb(
    heterogeneity { parameter: "k" cv: 0.2 }
  )pb"), "noise.textproto", Locate);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("needs a population network"), std::string::npos)
      << refused.message();
}

TEST(ScenarioTest, WithoutLocatorNamesTheFile) {
  Network net = ParseNetwork(kNet);
  const Status s = ApplyScenario(net, ParseScenario(R"pb(set { name: "nope" value: 1 })pb"),
                                 "s.textproto");
  EXPECT_EQ(s.message(), "s.textproto: scenario sets 'nope', which is not a species or parameter "
                         "of network 'net'");
}

}  // namespace
}  // namespace grn
