// tests/model/fate_rules_test.cc
#include "engine/model/fate_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "proto/network.pb.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

const std::string kBase = R"pb(
  name: "base" time_unit: h
  species { name: "G" initial_count: 2 role: gene }
  species { name: "X" initial_count: 5 role: protein }
  species { name: "C" initial_count: 1 constant: true role: signal }
  parameter { name: "k" value: 1 }
  parameter { name: "X_nb" value: 0 }
  parameter { name: "AGE" value: 1 }
  reaction { name: "make" reactant { species: "G" } product { species: "G" } product { species: "X" } k_param: "k" }
)pb";

std::vector<std::string> Problems(const std::string& extra) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ValidatePopulationRules(test_support::ParseNetwork(kBase + extra))) {
    out.push_back(d.where.empty() ? d.message : d.where.front().first + ": " + d.message);
  }
  return out;
}

TEST(FateRulesTest, AcceptsAGoodDeclaration) {
  EXPECT_TRUE(Problems(R"pb(
    fate { name: "osteo" condition: "X >= 10 && k > 0" dwell: 24 on_commit { name: "k" value: 2 }
           cycle_time_factor: 1.5 }
    fate { name: "adipo" condition: "X < 2" dwell: 0 max_divisions: 1 death_rate_factor: 0.5 }
    coupling { parameter: "X_nb" species: "X" }
    population { cycle_time: "36 * (1 + 0.7 * AGE)" lattice_width: 10 copy_at_division: "X" }
  )pb").empty());
}

TEST(FateRulesTest, ReportsEveryProblemWithItsField) {
  const std::vector<std::string> p = Problems(R"pb(
    fate { name: "osteo" condition: "RUNX2 >= 10" dwell: -1 }
    fate { name: "osteo" condition: "X >" }
    fate { name: "uncommitted" condition: "X > 1" on_commit { name: "nope" value: 1 } }
    fate { name: "f" condition: "X > 1" on_commit { name: "X" value: 1.5 } cycle_time_factor: 0 }
    coupling { parameter: "X" species: "Y" }
    coupling { parameter: "X_nb" species: "X" }
    coupling { parameter: "X_nb" species: "X" }
    population { lattice_width: 2 death_rate: "q" copy_at_division: "Q" cycle_shape: 5000 }
  )pb");
  const std::vector<std::string> want_parts = {
      "fate: fate 'osteo' condition: ",           // unknown RUNX2
      "fate: fate 'osteo': dwell -1 must be finite and >= 0",
      "fate: duplicate fate 'osteo'",
      "fate: fate 'uncommitted': the name is reserved",
      "fate: fate 'uncommitted': on_commit target 'nope' is not a species or parameter",
      "fate: fate 'f': on_commit sets species 'X' to 1.5",
      "fate: fate 'f': cycle_time_factor 0 must be > 0",
      "coupling: coupling of 'X': 'X' is not a parameter of the network (it is a species)",
      "coupling: coupling of 'X': 'Y' is not a species",
      "coupling: coupling of 'X_nb': the parameter is coupled twice",
      "population: population lattice_width 2 must be in [3, 4096]",
      "population: population death_rate: ",
      "population: population copy_at_division: 'Q' is not a species",
      "population: population cycle_shape 5000",
  };
  std::string all;
  for (const std::string& s : p) all += s + "\n";
  for (const std::string& part : want_parts) {
    EXPECT_NE(all.find(part), std::string::npos) << "missing: " << part << "\nin:\n" << all;
  }
  EXPECT_NE(all.find("RUNX2"), std::string::npos) << all;
}

TEST(FateRulesTest, CompilesDefaultsInTheNetworksTimeUnit) {
  std::string text = kBase;
  text.replace(text.find("time_unit: h"), 12, "time_unit: min");
  grnsim::v1::Network net = test_support::ParseNetwork(text + R"pb(
    fate { name: "osteo" condition: "X >= 10" dwell: 30 }
  )pb");
  PreparePopulationNetwork(&net);
  StatusOr<CompiledModel> model = Compile(net);
  ASSERT_TRUE(model.ok()) << model.status().message();
  StatusOr<PopulationRules> rules = CompilePopulationRules(net, *model);
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  EXPECT_DOUBLE_EQ(rules->hours_per_time_unit, 1.0 / 60);
  EXPECT_DOUBLE_EQ(rules->cycle_time, 36 * 60);
  EXPECT_DOUBLE_EQ(rules->death_rate, 0.0005 / 60);
  EXPECT_EQ(rules->cycle_shape, 4u);
  EXPECT_EQ(rules->lattice_width, 40u);
  EXPECT_EQ(rules->FateIndex("osteo"), 0);
  EXPECT_EQ(rules->FateIndex("adipo"), -1);
  // G (gene) and C (constant) are copied at division; X is split.
  EXPECT_EQ(rules->copy_at_division, (std::vector<char>{1, 0, 1}));
}

TEST(FateRulesTest, PopulationSettingsAreExpressionsOverParameters) {
  grnsim::v1::Network net = test_support::ParseNetwork(kBase + R"pb(
    population { cycle_time: "36 * (1 + 0.7 * AGE)" senescent_fraction: "0.05 + 0.2 * AGE" }
  )pb");
  StatusOr<CompiledModel> model = Compile(net);
  ASSERT_TRUE(model.ok());
  StatusOr<PopulationRules> rules = CompilePopulationRules(net, *model);
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  EXPECT_DOUBLE_EQ(rules->cycle_time, 36 * 1.7);
  EXPECT_DOUBLE_EQ(rules->senescent_fraction, 0.25);

  net.mutable_population()->set_senescent_fraction("1 + AGE");
  StatusOr<PopulationRules> bad = CompilePopulationRules(net, *model);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("senescent_fraction: '1 + AGE' evaluates to 2"),
            std::string::npos)
      << bad.status().message();
}

TEST(FateRulesTest, PreparedParametersAreReadLive) {
  grnsim::v1::Network net = test_support::ParseNetwork(kBase + R"pb(
    fate { name: "osteo" condition: "X >= 10" on_commit { name: "k" value: 3 } }
    coupling { parameter: "X_nb" species: "X" }
  )pb");
  PreparePopulationNetwork(&net);
  ASSERT_EQ(net.event_size(), 2);
  PreparePopulationNetwork(&net);  // idempotent
  EXPECT_EQ(net.event_size(), 2);
  StatusOr<CompiledModel> model = Compile(net);
  ASSERT_TRUE(model.ok()) << model.status().message();
  // `make` has the constant k_param k: prepared, it is compiled to code that
  // reads the parameter, so a changed k changes the propensity.
  EXPECT_TRUE(model->kinetics(0).slow || model->kinetics(0).shape == MassActionKind::kExpression)
      << "k must not be folded into a constant";
}

}  // namespace
}  // namespace grn
