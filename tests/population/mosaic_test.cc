// tests/population/mosaic_test.cc
//
// Mosaic populations (Scenario.mosaic / PopulationConfig.mosaic, V7): which
// seeded cells get the settings, that nothing else of the run changes, that
// daughters inherit, and the errors of bad mosaics.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "engine/io/network_io.h"
#include "engine/model/fate_rules.h"
#include "engine/model/scenario.h"
#include "engine/population/population.h"
#include "proto/network.pb.h"
#include "tests/support/population_models.h"

namespace grn {
namespace {

using Loaded = test_support::LoadedPopulation;

grnsim::v1::Network Toggle() {
  auto file = ReadNetworkFile(std::string(GRN_SOURCE_DIR) +
                              "/tests/testdata/population/toggle.textproto");
  EXPECT_TRUE(file.ok()) << file.status().message();
  return file.ok() ? file->network : grnsim::v1::Network();
}

grnsim::v1::Scenario ParseScenario(const std::string& text) {
  grnsim::v1::Scenario scenario;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &scenario)) << text;
  return scenario;
}

// The toggle network with a scenario's mosaic entries applied.
grnsim::v1::Network WithMosaic(const std::string& scenario_text) {
  grnsim::v1::Network net = Toggle();
  const Status s = ApplyScenario(net, ParseScenario(scenario_text), "test");
  EXPECT_TRUE(s.ok()) << s.message();
  return net;
}

// k1 (the A promoter's activation) is 1 in the toggle; the mosaic sets it to 0.
constexpr char kHalfKnockout[] = R"pb(mosaic { fraction: 0.5 set { name: "k1" value: 0 } })pb";

std::unique_ptr<Population> RunToggle(const grnsim::v1::Network& net, std::uint64_t cells, double t,
                                unsigned threads = 1, SpatialMode mode = SpatialMode::kLattice) {
  const Loaded loaded = test_support::LoadPopulationNetwork(net);
  if (!loaded.model) return nullptr;
  PopulationOptions options;
  options.initial_cells = cells;
  options.seed = 7;
  options.replicate = 2;
  options.threads = threads;
  options.mode = mode;
  auto p = Population::Create(loaded.model, loaded.rules, options);
  EXPECT_TRUE(p.ok()) << p.status().message();
  if (!p.ok()) return nullptr;
  const Status s = (*p)->AdvanceTo(t);
  EXPECT_TRUE(s.ok()) << s.message();
  return std::move(*p);
}

// The index of a toggle parameter (a mosaic adds no parameter).
std::uint32_t ParameterIndex(const std::string& name) {
  const Loaded loaded = test_support::LoadPopulationNetwork(Toggle());
  const auto& names = loaded.model->parameter_names();
  for (std::uint32_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  ADD_FAILURE() << "no parameter " << name;
  return 0;
}

TEST(MosaicTest, FractionZeroGivesTheBytesOfTheRunWithoutMosaic) {
  for (SpatialMode mode : {SpatialMode::kLattice, SpatialMode::kMixed}) {
    auto plain = RunToggle(Toggle(), 120, 72.0, 1, mode);
    auto zero = RunToggle(WithMosaic(R"pb(mosaic { fraction: 0 set { name: "k1" value: 0 } })pb"), 120,
                    72.0, 1, mode);
    ASSERT_TRUE(plain && zero);
    ASSERT_GT(plain->Counts().divisions, 0u);
    EXPECT_EQ(test_support::PopulationFingerprint(*plain), test_support::PopulationFingerprint(*zero));
  }
}

TEST(MosaicTest, FractionOneFlagsEveryCellAndItsDaughters) {
  auto p = RunToggle(WithMosaic(R"pb(mosaic { fraction: 1 set { name: "k1" value: 0 } })pb"), 120, 72.0);
  ASSERT_TRUE(p);
  ASSERT_GT(p->Counts().divisions, 0u);
  const std::uint32_t k1 = ParameterIndex("k1");
  for (const Cell& c : p->cells()) {
    EXPECT_EQ(c.mosaic, 1u) << "cell " << c.lineage;
    EXPECT_EQ(c.state.p[k1], 0.0) << "cell " << c.lineage;
  }
}

// Binomial bounds: the flagged count of n seeded cells is within 4 SD of
// n·fraction. Negative control: the same check against 0.5 fails for a
// mosaic of fraction 0.25 at the same size and seed (75 expected, 8.7 SD of
// the check away; measured 121 flagged of 300 at fraction 0.35, too close).
bool FlaggedShareWithinBinomialBounds(const Population& p, double expected_fraction,
                                      std::string* report) {
  double n = 0, flagged = 0;
  for (const Cell& c : p.cells()) {
    n += 1;
    flagged += c.mosaic != 0;
  }
  const double mean = n * expected_fraction;
  const double sd = std::sqrt(n * expected_fraction * (1 - expected_fraction));
  *report = std::to_string(flagged) + " of " + std::to_string(n) + " flagged, expected " +
            std::to_string(mean) + " +- 4 x " + std::to_string(sd);
  return std::fabs(flagged - mean) <= 4 * sd;
}

TEST(MosaicTest, HalfTheSeededCellsAreFlaggedAndOnlyTheyCarryTheSetting) {
  auto p = RunToggle(WithMosaic(kHalfKnockout), 300, 0.0);
  ASSERT_TRUE(p);
  std::string report;
  EXPECT_TRUE(FlaggedShareWithinBinomialBounds(*p, 0.5, &report)) << report;
  const std::uint32_t k1 = ParameterIndex("k1");
  for (const Cell& c : p->cells()) {
    EXPECT_EQ(c.state.p[k1], c.mosaic != 0 ? 0.0 : 1.0) << "cell " << c.lineage;
  }
  auto control =
      RunToggle(WithMosaic(R"pb(mosaic { fraction: 0.25 set { name: "k1" value: 0 } })pb"), 300, 0.0);
  ASSERT_TRUE(control);
  EXPECT_FALSE(FlaggedShareWithinBinomialBounds(*control, 0.5, &report)) << report;
}

TEST(MosaicTest, DaughtersInheritTheFlagAndTheSetting) {
  const grnsim::v1::Network net = WithMosaic(kHalfKnockout);
  const Loaded loaded = test_support::LoadPopulationNetwork(net);
  ASSERT_TRUE(loaded.model);
  PopulationOptions options;
  options.initial_cells = 100;
  options.seed = 11;
  auto p = Population::Create(loaded.model, loaded.rules, options);
  ASSERT_TRUE(p.ok()) << p.status().message();
  const std::uint32_t k1 = ParameterIndex("k1");
  std::map<std::uint64_t, std::uint32_t> flag_of;  // every lineage seen
  std::uint64_t checked = 0;
  for (double t = 0; t <= 96.0; t += 6.0) {
    ASSERT_TRUE((*p)->AdvanceTo(t).ok());
    for (const Cell& c : (*p)->cells()) {
      if (c.parent != 0) {
        ASSERT_EQ(flag_of.count(c.parent), 1u) << "mother of " << c.lineage << " never seen";
        EXPECT_EQ(c.mosaic, flag_of[c.parent]) << "cell " << c.lineage;
        ++checked;
      }
      EXPECT_EQ(c.state.p[k1], c.mosaic != 0 ? 0.0 : 1.0) << "cell " << c.lineage;
      flag_of[c.lineage] = c.mosaic;
    }
  }
  EXPECT_GT(checked, 50u);
}

TEST(MosaicTest, IdenticalBytesForOneAndTwoThreads) {
  auto one = RunToggle(WithMosaic(kHalfKnockout), 120, 48.0, 1);
  auto two = RunToggle(WithMosaic(kHalfKnockout), 120, 48.0, 2);
  ASSERT_TRUE(one && two);
  EXPECT_EQ(test_support::PopulationFingerprint(*one), test_support::PopulationFingerprint(*two));
}

TEST(MosaicTest, FlagsDoNotDependOnTheSpatialMode) {
  auto lattice = RunToggle(WithMosaic(kHalfKnockout), 200, 0.0, 1, SpatialMode::kLattice);
  auto mixed = RunToggle(WithMosaic(kHalfKnockout), 200, 0.0, 1, SpatialMode::kMixed);
  ASSERT_TRUE(lattice && mixed);
  ASSERT_EQ(lattice->cells().size(), mixed->cells().size());
  for (std::size_t i = 0; i < lattice->cells().size(); ++i) {
    EXPECT_EQ(lattice->cells()[i].mosaic, mixed->cells()[i].mosaic) << "cell " << i + 1;
  }
}

TEST(MosaicTest, SeveralEntriesAreDrawnInOrderAndALaterOneWins) {
  auto p = RunToggle(WithMosaic(R"pb(mosaic { fraction: 1 set { name: "k1" value: 0 } }
                               mosaic { fraction: 0 set { name: "k0" value: 0 } }
                               mosaic { fraction: 1 set { name: "k1" value: 0.5 }
                                                    set { name: "A" value: 40 } })pb"),
               50, 0.0);
  ASSERT_TRUE(p);
  const std::uint32_t k1 = ParameterIndex("k1");
  for (const Cell& c : p->cells()) {
    EXPECT_EQ(c.mosaic, 0b101u);
    EXPECT_EQ(c.state.p[k1], 0.5);
  }
}

std::string ScenarioError(const grnsim::v1::Network& base, const std::string& text) {
  grnsim::v1::Network net = base;
  const Status s = ApplyScenario(net, ParseScenario(text), "mosaic.textproto");
  EXPECT_FALSE(s.ok()) << text;
  EXPECT_EQ(net.population().mosaic_size(), base.population().mosaic_size())
      << "network changed on error";
  return std::string(s.message());
}

TEST(MosaicTest, BadMosaicsAreRefusedNamingTheProblem) {
  const grnsim::v1::Network toggle = Toggle();
  EXPECT_NE(ScenarioError(toggle, R"pb(mosaic { fraction: 1.5 set { name: "k1" value: 0 } })pb")
                .find("mosaic #1 has fraction 1.5; expected a probability in [0, 1]"),
            std::string::npos);
  EXPECT_NE(ScenarioError(toggle, R"pb(mosaic { fraction: -0.1 set { name: "k1" value: 0 } })pb")
                .find("fraction -0.1"),
            std::string::npos);
  EXPECT_NE(ScenarioError(toggle, R"pb(mosaic { fraction: 0.5 set { name: "W1_GENE" value: 0 } })pb")
                .find("scenario sets in mosaic 'W1_GENE', which is not a species or parameter"),
            std::string::npos);
  EXPECT_NE(ScenarioError(toggle, R"pb(mosaic { fraction: 0.5 set { name: "A" value: 0.5 } })pb")
                .find("not a whole number"),
            std::string::npos);
  EXPECT_NE(ScenarioError(toggle, R"pb(mosaic { fraction: 0.5 })pb").find("sets nothing"),
            std::string::npos);
  // A network without a population section has no cells to flag.
  grnsim::v1::Network single = toggle;
  single.clear_fate();
  single.clear_coupling();
  single.clear_population();
  EXPECT_NE(ScenarioError(single, kHalfKnockout).find("needs a population network"),
            std::string::npos);
}

TEST(MosaicTest, ValidationRefusesACoupledParameterAndTooManyEntries) {
  grnsim::v1::Network net = Toggle();
  auto* m = net.mutable_population()->add_mosaic();
  m->set_fraction(0.5);
  auto* s = m->add_set();
  s->set_name("A_nb");  // coupled: the layer overwrites it at every sync point
  s->set_value(0);
  bool coupled = false;
  for (const Diagnostic& d : ValidatePopulationRules(net)) {
    coupled = coupled || d.message.find("'A_nb' is coupled or fed by the medium") != std::string::npos;
  }
  EXPECT_TRUE(coupled);
  s->set_name("k1");
  EXPECT_TRUE(ValidatePopulationRules(net).empty());
  for (int i = 0; i < kMaxMosaicEntries; ++i) *net.mutable_population()->add_mosaic() = *m;
  bool too_many = false;
  for (const Diagnostic& d : ValidatePopulationRules(net)) {
    too_many = too_many || d.message.find("at most 32") != std::string::npos;
  }
  EXPECT_TRUE(too_many);
}

}  // namespace
}  // namespace grn
