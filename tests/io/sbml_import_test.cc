// tests/io/sbml_import_test.cc
//
// SBML import: every DSMTS case (00001–00039 of the SBML Test Suite, in
// ../shared/conformance) imports and validates, a handful import to exactly
// the network expected (mass action as the structured fast path, volume
// semantics, local-parameter shadowing, rules, events, general propensities,
// stoichiometry), and everything unsupported is refused by name rather than
// approximated. Small models are written inline as SBML text. The
// `grnsim convert` command is run as a subprocess for its exit codes.
//
// The DSMTS tests need ../shared: they fail when it is missing and CI=true,
// and are skipped otherwise.
#include "engine/io/sbml_import.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>

#include "engine/io/network_io.h"
#include "engine/model/validate.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using grnsim::v1::Network;
using test_support::MakeTempDir;
using test_support::ParseNetwork;
using test_support::WriteFile;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The DSMTS folder, or "" when ../shared is missing (then the caller skips,
// or fails under CI).
std::string DsmtsDir() {
  const std::string dir = std::string(GRN_SHARED_DIR) + "/conformance/sbml-stochastic";
  return std::filesystem::is_directory(dir) ? dir : "";
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

#define REQUIRE_DSMTS(dir)                                                              \
  const std::string dir = DsmtsDir();                                                   \
  if (dir.empty()) {                                                                    \
    if (InCi()) FAIL() << GRN_SHARED_DIR "/conformance is missing (required when CI=true)"; \
    GTEST_SKIP() << GRN_SHARED_DIR "/conformance is missing";                          \
  }

std::string CasePath(const std::string& dir, int number) {
  char id[8];
  std::snprintf(id, sizeof id, "%05d", number);
  return dir + "/" + id + "/" + id + "-sbml-l3v1.xml";
}

// Descriptions carry SBML names and provenance; the tests compare structure.
void ClearDescriptions(Network* n) {
  n->clear_description();
  for (auto& s : *n->mutable_species()) s.clear_description();
  for (auto& p : *n->mutable_parameter()) p.clear_description();
  for (auto& r : *n->mutable_reaction()) r.clear_description();
  for (auto& e : *n->mutable_event()) e.clear_description();
}

// Imports `path` and compares it (descriptions aside) with `expected_text`.
void ExpectImports(const std::string& path, const std::string& expected_text) {
  StatusOr<Network> got = ImportSbml(path);
  ASSERT_TRUE(got.ok()) << got.status().message();
  Network actual = *got;
  ClearDescriptions(&actual);
  const Network expected = ParseNetwork(expected_text);
  google::protobuf::util::MessageDifferencer diff;
  std::string report;
  diff.ReportDifferencesToString(&report);
  EXPECT_TRUE(diff.Compare(expected, actual)) << path << ":\n" << report << "\nactual:\n"
                                              << actual.DebugString();
}

// --- the DSMTS cases ---------------------------------------------------------

TEST(SbmlImportDsmts, EveryCaseImportsAndValidates) {
  REQUIRE_DSMTS(dir);
  for (int c = 1; c <= 39; ++c) {
    const std::string path = CasePath(dir, c);
    StatusOr<Network> net = ImportSbml(path);
    ASSERT_TRUE(net.ok()) << net.status().message();
    EXPECT_EQ(net->time_unit(), Network::s) << path;
    for (const Diagnostic& d : Validate(*net)) ADD_FAILURE() << path << ": " << d.message;
  }
}

TEST(SbmlImportDsmts, BirthDeathIsStructuredMassAction) {  // 00001
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 1), R"pb(
    name: "BirthDeath01" time_unit: s
    species { name: "X" initial_count: 100 }
    parameter { name: "Lambda" value: 0.1 }
    parameter { name: "Mu" value: 0.11 }
    reaction { name: "Birth" reactant { species: "X" } product { species: "X" stoichiometry: 2 }
               k_param: "Lambda" }
    reaction { name: "Death" reactant { species: "X" } k_param: "Mu" })pb");
}

// hasOnlySubstanceUnits=false in a compartment of size 2: X in the law means
// X/2, folded into the constant (expected mean 77.88 at t = 50, not 60.65).
TEST(SbmlImportDsmts, ConcentrationSpeciesDivideByVolume) {  // 00011
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 11), R"pb(
    name: "BirthDeath11" time_unit: s
    species { name: "X" initial_count: 100 }
    parameter { name: "Lambda" value: 0.1 }
    parameter { name: "Mu" value: 0.11 }
    reaction { name: "Birth" reactant { species: "X" } product { species: "X" stoichiometry: 2 }
               k: 0.05 }
    reaction { name: "Death" reactant { species: "X" } k: 0.055 })pb");
}

TEST(SbmlImportDsmts, AssignmentRule) {  // 00019
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 19), R"pb(
    name: "BirthDeath01" time_unit: s  # sic: 00019's model id
    species { name: "X" initial_count: 100 }
    species { name: "y" initial_count: 0 }
    parameter { name: "Lambda" value: 0.1 }
    parameter { name: "Mu" value: 0.11 }
    reaction { name: "Birth" reactant { species: "X" } product { species: "X" stoichiometry: 2 }
               k_param: "Lambda" }
    reaction { name: "Death" reactant { species: "X" } k_param: "Mu" }
    assignment_rule { variable: "y" expression: "2 * X" })pb");
}

TEST(SbmlImportDsmts, LocalParameterShadowsGlobal) {  // 00022
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 22), R"pb(
    name: "ImmigrationDeath03" time_unit: s
    species { name: "X" initial_count: 0 }
    parameter { name: "Alpha" value: 10 }
    parameter { name: "Mu" value: 0.1 }
    parameter { name: "Immigration_Alpha" value: 5 }
    reaction { name: "Immigration" product { species: "X" } k_param: "Immigration_Alpha" }
    reaction { name: "Death" reactant { species: "X" } k_param: "Mu" })pb");
}

TEST(SbmlImportDsmts, TwoLocalsShadowOneGlobal) {  // 00027
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 27), R"pb(
    name: "ImmigrationDeath08" time_unit: s
    species { name: "X" initial_count: 0 }
    parameter { name: "k" value: 2 }
    parameter { name: "Immigration_k" value: 1 }
    parameter { name: "Death_k" value: 0.1 }
    reaction { name: "Immigration" product { species: "X" } k_param: "Immigration_k" }
    reaction { name: "Death" reactant { species: "X" } k_param: "Death_k" })pb");
}

TEST(SbmlImportDsmts, TimedEventsBecomeAtTime) {  // 00028, 00029
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 28), R"pb(
    name: "ImmigrationDeath09" time_unit: s
    species { name: "X" initial_count: 0 }
    parameter { name: "Alpha" value: 1 }
    parameter { name: "Mu" value: 0.1 }
    reaction { name: "Immigration" product { species: "X" } k_param: "Alpha" }
    reaction { name: "Death" reactant { species: "X" } k_param: "Mu" }
    event { name: "reset" at_time: 25 assign { target: "X" value: "50" } })pb");
  StatusOr<Network> n29 = ImportSbml(CasePath(dir, 29));
  ASSERT_TRUE(n29.ok()) << n29.status().message();
  ASSERT_EQ(n29->event_size(), 1);
  EXPECT_EQ(n29->event(0).at_time(), 22.5);
  ASSERT_EQ(n29->event(0).assign_size(), 1);
  EXPECT_EQ(n29->event(0).assign(0).value(), "20");
}

TEST(SbmlImportDsmts, StateEventBecomesWhen) {  // 00033
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 33), R"pb(
    name: "Dimerisation04" time_unit: s
    species { name: "P" initial_count: 100 }
    species { name: "P2" initial_count: 0 }
    parameter { name: "k1" value: 0.001 }
    parameter { name: "k2" value: 0.01 }
    reaction { name: "Dimerisation" reactant { species: "P" stoichiometry: 2 }
               product { species: "P2" } propensity: "k1 * P * (P - 1) / 2" }
    reaction { name: "Disassociation" reactant { species: "P2" }
               product { species: "P" stoichiometry: 2 } k_param: "k2" }
    event { name: "reset" when: "P2 > 30" true_before_start: false
            assign { target: "P" value: "100" } assign { target: "P2" value: "0" } })pb");
}

TEST(SbmlImportDsmts, GeneralLawBecomesPropensityText) {  // 00034
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 34), R"pb(
    name: "Dimerisation05" time_unit: s
    species { name: "P2" initial_count: 0 }
    parameter { name: "k1" value: 0.001 }
    parameter { name: "k2" value: 0.01 }
    reaction { name: "Dimerisation" product { species: "P2" }
               propensity: "0.5 * k1 * (100 - 2 * P2) * (99 - 2 * P2)" }
    reaction { name: "Disassociation" reactant { species: "P2" } k_param: "k2" })pb");
}

TEST(SbmlImportDsmts, ProductStoichiometryFive) {  // 00037
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 37), R"pb(
    name: "BatchImmigrationDeath01" time_unit: s
    species { name: "X" initial_count: 0 }
    parameter { name: "Alpha" value: 1 }
    parameter { name: "Mu" value: 0.2 }
    reaction { name: "Immigration" product { species: "X" stoichiometry: 5 } k_param: "Alpha" }
    reaction { name: "Death" reactant { species: "X" } k_param: "Mu" })pb");
}

// Boundary species are constant and not multiplied into a law that ignores
// them (00024: Source → X at rate Alpha, with Source = 0).
TEST(SbmlImportDsmts, BoundarySpeciesAreConstant) {  // 00024
  REQUIRE_DSMTS(dir);
  ExpectImports(CasePath(dir, 24), R"pb(
    name: "ImmigrationDeath05" time_unit: s
    species { name: "X" initial_count: 0 }
    species { name: "Source" initial_count: 0 constant: true }
    species { name: "Sink" initial_count: 0 constant: true }
    parameter { name: "Alpha" value: 10 }
    parameter { name: "Mu" value: 0.1 }
    reaction { name: "Immigration" product { species: "X" } k_param: "Alpha" }
    reaction { name: "Death" reactant { species: "X" } product { species: "Sink" }
               k_param: "Mu" })pb");
}

TEST(SbmlImportDsmts, DistribPackageIsRefused) {  // 00040
  REQUIRE_DSMTS(dir);
  char id[8];
  std::snprintf(id, sizeof id, "%05d", 40);
  const std::string path = dir + "/" + id + "/" + id + "-sbml-l3v1.xml";
  StatusOr<Network> net = ImportSbml(path);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(net.status().message(),
            path + ": SBML package 'distrib' is not supported (grnsim reads SBML core only)");
}

// --- small inline models -------------------------------------------------------

const char* const kMathNs = "http://www.w3.org/1998/Math/MathML";

std::string Math(const std::string& inner) {
  return std::string("<math xmlns=\"") + kMathNs + "\">" + inner + "</math>";
}

// An SBML L3V1 document around `model_body` (the inside of <model>).
std::string L3(const std::string& model_body, const std::string& sbml_attributes = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<sbml xmlns=\"http://www.sbml.org/sbml/level3/version1/core\" level=\"3\" version=\"1\"" +
         sbml_attributes + ">\n<model id=\"m\">\n" + model_body + "\n</model>\n</sbml>\n";
}

std::string Compartment(const std::string& size = "2") {
  return "<listOfCompartments><compartment id=\"C\" size=\"" + size +
         "\" constant=\"true\"/></listOfCompartments>";
}

std::string Species(const std::string& id, const std::string& amount, bool only_substance = true,
                    bool boundary = false) {
  return "<species id=\"" + id + "\" compartment=\"C\" initialAmount=\"" + amount +
         "\" hasOnlySubstanceUnits=\"" + (only_substance ? "true" : "false") +
         "\" boundaryCondition=\"" + (boundary ? "true" : "false") + "\" constant=\"false\"/>";
}

std::string Parameter(const std::string& id, const std::string& value) {
  return "<parameter id=\"" + id + "\" value=\"" + value + "\" constant=\"true\"/>";
}

// A reaction X → ∅ (or whatever `sides` says) with the given MathML law.
std::string Reaction(const std::string& id, const std::string& law_mathml,
                     const std::string& attributes = "reversible=\"false\" fast=\"false\"",
                     const std::string& sides =
                         "<listOfReactants><speciesReference species=\"X\" stoichiometry=\"1\" "
                         "constant=\"true\"/></listOfReactants>",
                     const std::string& locals = "") {
  return "<reaction id=\"" + id + "\" " + attributes + ">" + sides + "<kineticLaw>" +
         Math(law_mathml) +
         (locals.empty() ? "" : "<listOfLocalParameters>" + locals + "</listOfLocalParameters>") +
         "</kineticLaw></reaction>";
}

// A one-species model X (in C of size 2) with parameter k and `reactions`.
std::string OneSpecies(const std::string& reactions, const std::string& extra = "",
                       bool only_substance = true) {
  return L3(Compartment() + "<listOfSpecies>" + Species("X", "10", only_substance) +
            "</listOfSpecies><listOfParameters>" + Parameter("k", "0.5") + Parameter("K", "3") +
            "</listOfParameters><listOfReactions>" + reactions + "</listOfReactions>" + extra);
}

const char* const kKTimesX = "<apply><times/><ci>k</ci><ci>X</ci></apply>";

class SbmlImportTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_ + "/" + name;
    WriteFile(path, contents);
    return path;
  }
  Network Import(const std::string& sbml) {
    StatusOr<Network> net = ImportSbml(Write("model.xml", sbml));
    EXPECT_TRUE(net.ok()) << net.status().message();
    return net.ok() ? *net : Network();
  }
  // Imports `sbml`, expecting failure with `code`; returns the message.
  std::string Refusal(const std::string& sbml, StatusCode code = StatusCode::kNotSupported) {
    path_ = Write("model.xml", sbml);
    StatusOr<Network> net = ImportSbml(path_);
    EXPECT_FALSE(net.ok()) << "imported but should not have:\n" << sbml;
    if (net.ok()) return "";
    EXPECT_EQ(net.status().code(), code) << net.status().message();
    EXPECT_EQ(net.status().message().rfind(path_ + ":", 0), 0u)
        << "message does not start with the path: " << net.status().message();
    return net.status().message();
  }
  std::string dir_;
  std::string path_;
};

TEST_F(SbmlImportTest, ReadNetworkFileDispatchesXmlAndSbml) {
  const std::string sbml = OneSpecies(Reaction("R1", kKTimesX));
  for (const char* name : {"a.xml", "a.sbml"}) {
    StatusOr<NetworkFile> f = ReadNetworkFile(Write(name, sbml));
    ASSERT_TRUE(f.ok()) << f.status().message();
    EXPECT_EQ(f->network.reaction(0).k_param(), "k");
    EXPECT_TRUE(ValidateNetworkFile(*f).ok());
  }
  EXPECT_EQ(ImportSbml(dir_ + "/missing.xml").status().code(), StatusCode::kNotFound);
}

// A concentration species (hasOnlySubstanceUnits=false) reads as count/size
// in a general law, and an event that sets it is scaled back to a count.
TEST_F(SbmlImportTest, ConcentrationSubstitutionInPropensityAndEvents) {
  const std::string law =
      "<apply><divide/><apply><times/><ci>k</ci><ci>X</ci><ci>X</ci></apply>"
      "<apply><plus/><ci>K</ci><ci>X</ci></apply></apply>";
  const std::string event =
      "<listOfEvents><event id=\"E\" useValuesFromTriggerTime=\"true\">"
      "<trigger initialValue=\"true\" persistent=\"true\">" +
      Math("<apply><lt/><ci>X</ci><cn>1</cn></apply>") +
      "</trigger><listOfEventAssignments><eventAssignment variable=\"X\">" +
      Math("<cn>5</cn>") + "</eventAssignment></listOfEventAssignments></event></listOfEvents>";
  Network n = Import(OneSpecies(Reaction("R1", law), event, /*only_substance=*/false));
  ASSERT_EQ(n.reaction_size(), 1);
  EXPECT_EQ(n.reaction(0).propensity(), "k * (X / C) * (X / C) / (K + (X / C))");
  ASSERT_EQ(n.event_size(), 1);
  EXPECT_EQ(n.event(0).when(), "(X / C) < 1");
  EXPECT_TRUE(n.event(0).true_before_start());
  EXPECT_EQ(n.event(0).assign(0).value(), "5 * C");
  // The compartment became a parameter holding its size.
  ASSERT_EQ(n.parameter_size(), 3);
  EXPECT_EQ(n.parameter(2).name(), "C");
  EXPECT_EQ(n.parameter(2).value(), 2.0);
  EXPECT_TRUE(Validate(n).empty());
}

TEST_F(SbmlImportTest, InitialConcentrationTimesSize) {
  const std::string sbml = L3(
      Compartment("4") +
      "<listOfSpecies><species id=\"X\" compartment=\"C\" initialConcentration=\"2.5\" "
      "hasOnlySubstanceUnits=\"false\" boundaryCondition=\"false\" constant=\"false\"/>"
      "</listOfSpecies><listOfParameters>" + Parameter("k", "1") +
      "</listOfParameters><listOfReactions>" + Reaction("R1", kKTimesX) + "</listOfReactions>");
  Network n = Import(sbml);
  ASSERT_EQ(n.species_size(), 1);
  EXPECT_EQ(n.species(0).initial_count(), 10.0);
  EXPECT_EQ(n.reaction(0).k(), 0.25);  // k · X/4
}

TEST_F(SbmlImportTest, LocalParameterShadowsGlobalInsidePropensity) {
  const std::string law =
      "<apply><divide/><apply><times/><ci>k</ci><ci>X</ci></apply>"
      "<apply><plus/><ci>K</ci><ci>X</ci></apply></apply>";
  Network n = Import(OneSpecies(
      Reaction("R1", law, "reversible=\"false\" fast=\"false\"",
               "<listOfReactants><speciesReference species=\"X\" stoichiometry=\"1\" "
               "constant=\"true\"/></listOfReactants>",
               "<localParameter id=\"k\" value=\"7\"/>")));
  ASSERT_EQ(n.reaction_size(), 1);
  EXPECT_EQ(n.reaction(0).propensity(), "R1_k * X / (K + X)");
  ASSERT_EQ(n.parameter_size(), 3);
  EXPECT_EQ(n.parameter(2).name(), "R1_k");
  EXPECT_EQ(n.parameter(2).value(), 7.0);
}

TEST_F(SbmlImportTest, FunctionDefinitionsAreInlined) {
  const std::string fns =
      "<listOfFunctionDefinitions><functionDefinition id=\"hill\">" +
      Math("<lambda><bvar><ci>x</ci></bvar><bvar><ci>h</ci></bvar><apply><divide/>"
           "<apply><power/><ci>x</ci><ci>h</ci></apply><apply><plus/><cn>1</cn>"
           "<apply><power/><ci>x</ci><ci>h</ci></apply></apply></apply></lambda>") +
      "</functionDefinition></listOfFunctionDefinitions>";
  const std::string law =
      "<apply><times/><ci>k</ci><apply><ci>hill</ci><apply><divide/><ci>X</ci><ci>K</ci>"
      "</apply><cn type=\"integer\">2</cn></apply></apply>";
  const std::string sbml = L3(
      fns + Compartment() + "<listOfSpecies>" + Species("X", "10") + Species("Y", "0") +
      "</listOfSpecies><listOfParameters>" + Parameter("k", "0.5") + Parameter("K", "3") +
      "</listOfParameters><listOfReactions>" +
      Reaction("R1", law, "reversible=\"false\" fast=\"false\"",
               "<listOfProducts><speciesReference species=\"Y\" stoichiometry=\"1\" "
               "constant=\"true\"/></listOfProducts><listOfModifiers>"
               "<modifierSpeciesReference species=\"X\"/></listOfModifiers>") +
      "</listOfReactions>");
  Network n = Import(sbml);
  ASSERT_EQ(n.reaction_size(), 1);
  EXPECT_EQ(n.reaction(0).propensity(), "k * ((X / K)^2 / (1 + (X / K)^2))");
}

TEST_F(SbmlImportTest, ReversibleMassActionSplitsInTwo) {
  const std::string law =
      "<apply><minus/><apply><times/><ci>k</ci><ci>X</ci></apply>"
      "<apply><times/><ci>K</ci><ci>Y</ci></apply></apply>";
  const std::string sbml = L3(
      Compartment() + "<listOfSpecies>" + Species("X", "10") + Species("Y", "0") +
      "</listOfSpecies><listOfParameters>" + Parameter("k", "0.5") + Parameter("K", "3") +
      "</listOfParameters><listOfReactions>" +
      Reaction("R1", law, "reversible=\"true\" fast=\"false\"",
               "<listOfReactants><speciesReference species=\"X\" stoichiometry=\"1\" "
               "constant=\"true\"/></listOfReactants><listOfProducts><speciesReference "
               "species=\"Y\" stoichiometry=\"1\" constant=\"true\"/></listOfProducts>") +
      "</listOfReactions>");
  Network n = Import(sbml);
  ASSERT_EQ(n.reaction_size(), 2);
  EXPECT_EQ(n.reaction(0).name(), "R1_forward");
  EXPECT_EQ(n.reaction(0).reactant(0).species(), "X");
  EXPECT_EQ(n.reaction(0).product(0).species(), "Y");
  EXPECT_EQ(n.reaction(0).k_param(), "k");
  EXPECT_EQ(n.reaction(1).name(), "R1_reverse");
  EXPECT_EQ(n.reaction(1).reactant(0).species(), "Y");
  EXPECT_EQ(n.reaction(1).product(0).species(), "X");
  EXPECT_EQ(n.reaction(1).k_param(), "K");
}

TEST_F(SbmlImportTest, ReservedWordIdsAreRenamed) {
  const std::string sbml = L3(
      Compartment() + "<listOfSpecies>" + Species("X", "10") +
      "</listOfSpecies><listOfParameters>" + Parameter("exp", "0.5") +
      "</listOfParameters><listOfReactions>" +
      Reaction("R1", "<apply><plus/><ci>exp</ci><csymbol encoding=\"text\" "
                     "definitionURL=\"http://www.sbml.org/sbml/symbols/time\">t</csymbol></apply>") +
      "</listOfReactions>");
  Network n = Import(sbml);
  ASSERT_EQ(n.parameter_size(), 1);
  EXPECT_EQ(n.parameter(0).name(), "exp_");
  EXPECT_TRUE(Contains(n.parameter(0).description(), "SBML id 'exp'"));
  EXPECT_EQ(n.reaction(0).propensity(), "exp_ + time");
}

TEST_F(SbmlImportTest, MinuteTimeUnits) {
  const std::string sbml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<sbml xmlns=\"http://www.sbml.org/sbml/level3/version1/core\" level=\"3\" version=\"1\">\n"
      "<model id=\"m\" timeUnits=\"minute\"><listOfUnitDefinitions><unitDefinition id=\"minute\">"
      "<listOfUnits><unit kind=\"second\" exponent=\"1\" scale=\"0\" multiplier=\"60\"/>"
      "</listOfUnits></unitDefinition></listOfUnitDefinitions>" +
      Compartment() + "<listOfSpecies>" + Species("X", "10") + "</listOfSpecies><listOfParameters>" +
      Parameter("k", "1") + "</listOfParameters><listOfReactions>" + Reaction("R1", kKTimesX) +
      "</listOfReactions></model></sbml>\n";
  EXPECT_EQ(Import(sbml).time_unit(), Network::min);
}

TEST_F(SbmlImportTest, Level2ModelImports) {
  const std::string sbml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<sbml xmlns=\"http://www.sbml.org/sbml/level2/version4\" level=\"2\" version=\"4\">\n"
      "<model id=\"l2\"><listOfCompartments><compartment id=\"C\"/></listOfCompartments>"
      "<listOfSpecies><species id=\"X\" compartment=\"C\" initialAmount=\"10\" "
      "hasOnlySubstanceUnits=\"true\"/></listOfSpecies><listOfReactions>"
      "<reaction id=\"R1\" reversible=\"false\"><listOfReactants><speciesReference species=\"X\"/>"
      "</listOfReactants><kineticLaw>" + Math(kKTimesX) +
      "<listOfParameters><parameter id=\"k\" value=\"0.3\"/></listOfParameters></kineticLaw>"
      "</reaction></listOfReactions></model></sbml>\n";
  Network n = Import(sbml);
  EXPECT_EQ(n.name(), "l2");
  ASSERT_EQ(n.reaction_size(), 1);
  EXPECT_EQ(n.reaction(0).k_param(), "R1_k");
  EXPECT_TRUE(Validate(n).empty());
}

// --- refusals ------------------------------------------------------------------

TEST_F(SbmlImportTest, RefusesAlgebraicRule) {
  const std::string rules =
      "<listOfRules><algebraicRule>" + Math("<apply><minus/><ci>X</ci><cn>3</cn></apply>") +
      "</algebraicRule></listOfRules>";
  const std::string m = Refusal(OneSpecies(Reaction("R1", kKTimesX), rules));
  EXPECT_TRUE(Contains(m, "algebraic rule #1: algebraic rules are not supported")) << m;
}

TEST_F(SbmlImportTest, RefusesRateRule) {
  const std::string sbml = L3(
      Compartment() + "<listOfSpecies>" + Species("X", "10") +
      "</listOfSpecies><listOfParameters><parameter id=\"k\" value=\"1\" constant=\"false\"/>"
      "</listOfParameters><listOfReactions>" + Reaction("R1", kKTimesX) +
      "</listOfReactions><listOfRules><rateRule variable=\"k\">" + Math("<cn>1</cn>") +
      "</rateRule></listOfRules>");
  const std::string m = Refusal(sbml);
  EXPECT_TRUE(Contains(m, "rate rule for 'k': rate rules")) << m;
}

TEST_F(SbmlImportTest, RefusesEventDelay) {
  const std::string events =
      "<listOfEvents><event id=\"E1\" useValuesFromTriggerTime=\"true\">"
      "<trigger initialValue=\"false\" persistent=\"true\">" +
      Math("<apply><gt/><ci>X</ci><cn>20</cn></apply>") + "</trigger><delay>" + Math("<cn>1</cn>") +
      "</delay><listOfEventAssignments><eventAssignment variable=\"X\">" + Math("<cn>0</cn>") +
      "</eventAssignment></listOfEventAssignments></event></listOfEvents>";
  const std::string m = Refusal(OneSpecies(Reaction("R1", kKTimesX), events));
  EXPECT_TRUE(Contains(m, ": event 'E1': event delays are not supported")) << m;
}

TEST_F(SbmlImportTest, RefusesFastReaction) {
  const std::string m =
      Refusal(OneSpecies(Reaction("R1", kKTimesX, "reversible=\"false\" fast=\"true\"")));
  EXPECT_TRUE(Contains(m, ": reaction 'R1': fast reactions")) << m;
}

TEST_F(SbmlImportTest, RefusesReversibleLawThatDoesNotSplit) {
  const std::string law =
      "<apply><divide/><apply><times/><ci>k</ci><ci>X</ci></apply>"
      "<apply><plus/><ci>K</ci><ci>X</ci></apply></apply>";
  const std::string m =
      Refusal(OneSpecies(Reaction("R1", law, "reversible=\"true\" fast=\"false\"")));
  EXPECT_TRUE(Contains(m, ": reaction 'R1': reversible reaction whose kinetic law")) << m;
}

TEST_F(SbmlImportTest, RefusesFunctionsOutsideTheExpressionSyntax) {
  const std::string m =
      Refusal(OneSpecies(Reaction("R1", "<apply><sin/><ci>X</ci></apply>")));
  EXPECT_TRUE(Contains(m, ": reaction 'R1': kinetic law: the MathML function 'sin' is not supported"))
      << m;
}

TEST_F(SbmlImportTest, RefusesPrioritiesAmongSeveralEvents) {
  auto event = [](const std::string& id) {
    return "<event id=\"" + id + "\" useValuesFromTriggerTime=\"true\">"
           "<trigger initialValue=\"false\" persistent=\"true\">" +
           Math("<apply><gt/><ci>X</ci><cn>20</cn></apply>") + "</trigger><priority>" +
           Math("<cn>1</cn>") + "</priority><listOfEventAssignments><eventAssignment "
           "variable=\"X\">" + Math("<cn>0</cn>") +
           "</eventAssignment></listOfEventAssignments></event>";
  };
  const std::string m = Refusal(OneSpecies(Reaction("R1", kKTimesX),
                                           "<listOfEvents>" + event("E1") + event("E2") +
                                               "</listOfEvents>"));
  EXPECT_TRUE(Contains(m, ": event 'E1': event priorities are not supported")) << m;
}

TEST_F(SbmlImportTest, RefusesCompPackage) {
  const std::string sbml = L3(
      Compartment() + "<listOfSpecies>" + Species("X", "10") + "</listOfSpecies>",
      " xmlns:comp=\"http://www.sbml.org/sbml/level3/version1/comp/version1\" comp:required=\"true\"");
  const std::string m = Refusal(sbml);
  EXPECT_TRUE(Contains(m, "SBML package 'comp' is not supported")) << m;
}

TEST_F(SbmlImportTest, MalformedXmlReportsLineAndColumn) {
  const std::string sbml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<sbml xmlns=\"http://www.sbml.org/sbml/level3/version1/core\" level=\"3\" version=\"1\">\n"
      "<model id=\"m\">\n"
      "  <listOfSpecies>\n"
      "</model>\n"
      "</sbml>\n";
  const std::string m = Refusal(sbml, StatusCode::kInvalidArgument);
  // Refusal() checked that m starts with "path:"; then comes line:col.
  const std::string rest = m.substr(std::min(m.size(), path_.size() + 1));
  EXPECT_TRUE(std::regex_search(rest, std::regex(R"(^[1-9][0-9]*:[1-9][0-9]*: .*libsbml error)"))) << m;
}

// --- grnsim convert --------------------------------------------------------------

// Runs `grnsim <args>` and returns its exit status; stderr goes to *err.
int RunGrnsim(const std::string& dir, const std::string& args, std::string* err) {
  const std::string err_path = dir + "/stderr.txt";
  const int raw = std::system((std::string(GRNSIM_BINARY) + " " + args + " 2> " + err_path).c_str());
  *err = test_support::ReadFile(err_path);
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

TEST_F(SbmlImportTest, ConvertWritesTheImportedNetwork) {
  const std::string in = Write("in.xml", OneSpecies(Reaction("R1", kKTimesX)));
  std::string err;
  for (const char* out_name : {"out.textproto", "out.binpb"}) {
    const std::string out = dir_ + "/" + out_name;
    ASSERT_EQ(RunGrnsim(dir_, "convert " + in + " -o " + out, &err), 0) << err;
    StatusOr<NetworkFile> back = ReadNetworkFile(out);
    ASSERT_TRUE(back.ok()) << back.status().message();
    StatusOr<Network> direct = ImportSbml(in);
    ASSERT_TRUE(direct.ok());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back->network, *direct)) << out_name;
  }
  // Text to binary works too.
  EXPECT_EQ(RunGrnsim(dir_, "convert " + dir_ + "/out.textproto --output " + dir_ + "/again.binpb", &err), 0)
      << err;
}

TEST_F(SbmlImportTest, ConvertExitCodes) {
  const std::string in = Write("in.xml", OneSpecies(Reaction("R1", kKTimesX)));
  std::string err;
  EXPECT_EQ(RunGrnsim(dir_, "convert --help > " + dir_ + "/help.txt", &err), 0);
  EXPECT_TRUE(Contains(test_support::ReadFile(dir_ + "/help.txt"), "grnsim convert IN -o OUT"));
  // SBML to SBML (import, then export).
  EXPECT_EQ(RunGrnsim(dir_, "convert " + in + " -o " + dir_ + "/x.xml", &err), 0) << err;
  EXPECT_TRUE(Contains(test_support::ReadFile(dir_ + "/x.xml"), "<sbml")) << err;
  // Usage errors.
  EXPECT_EQ(RunGrnsim(dir_, "convert " + in, &err), 2);
  EXPECT_TRUE(Contains(err, "no output file given")) << err;
  EXPECT_EQ(RunGrnsim(dir_, "convert -o " + dir_ + "/x.textproto", &err), 2);
  // Bad input: malformed, unsupported, missing.
  const std::string bad = Write("bad.xml", "<?xml version=\"1.0\"?>\n<sbml><model>\n</sbml>\n");
  EXPECT_EQ(RunGrnsim(dir_, "convert " + bad + " -o " + dir_ + "/x.textproto", &err), 2);
  EXPECT_TRUE(Contains(err, bad + ":")) << err;
  const std::string fast =
      Write("fast.xml", OneSpecies(Reaction("R1", kKTimesX, "reversible=\"false\" fast=\"true\"")));
  EXPECT_EQ(RunGrnsim(dir_, "convert " + fast + " -o " + dir_ + "/x.textproto", &err), 2);
  EXPECT_TRUE(Contains(err, fast + ": reaction 'R1': fast reactions")) << err;
  EXPECT_EQ(RunGrnsim(dir_, "convert " + dir_ + "/none.xml -o " + dir_ + "/x.textproto", &err), 2);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x.textproto"));
  // I/O failure: the output directory does not exist.
  EXPECT_EQ(RunGrnsim(dir_, "convert " + in + " -o " + dir_ + "/no/such/dir/x.textproto", &err), 1)
      << err;
}

}  // namespace
}  // namespace grn
