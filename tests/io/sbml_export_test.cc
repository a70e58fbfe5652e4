// tests/io/sbml_export_test.cc
//
// SBML export: the document passes libsbml's consistency checks, holds no
// annotation, and imports back (engine/io/sbml_import) to a network that
// simulates to the same numbers with the same seed: every bundled network,
// every test network, the fuzz seed networks and a network using every
// feature of the schema, plus the DSMTS cases (imported, exported, imported
// again). Expressions are translated in their exact evaluation order, so a
// set of tricky ones must evaluate to the same doubles after the round trip.
// Unsupported constructs are refused by name, and `grnsim convert` writes
// SBML by extension.
#include "engine/io/sbml_export.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/network_io.h"
#include "engine/io/sbml_import.h"
#include "engine/kinetics/propensity.h"
#include "engine/model/validate.h"
#include "engine/sim/simulate.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using grnsim::v1::Network;
using test_support::MakeTempDir;
using test_support::ParseNetwork;
using test_support::ReadFile;
using test_support::WriteFile;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Exports `net`, checks the document, writes it to `dir` and imports it.
StatusOr<Network> RoundTrip(const Network& net, const std::string& dir, const std::string& what) {
  StatusOr<std::string> xml = ExportSbml(net);
  if (!xml.ok()) return xml.status();
  for (const std::string& problem : SbmlConsistencyErrors(*xml)) {
    ADD_FAILURE() << what << ": libsbml: " << problem;
  }
  EXPECT_FALSE(Contains(*xml, "<annotation")) << what << ": the export must stand on its own";
  const std::string path = dir + "/roundtrip.xml";
  WriteFile(path, *xml);
  return ImportSbml(path);
}

std::shared_ptr<const CompiledModel> CompileOrFail(const Network& net, const std::string& what) {
  for (const Diagnostic& d : Validate(net)) ADD_FAILURE() << what << ": " << d.message;
  StatusOr<CompiledModel> compiled = Compile(net);
  if (!compiled.ok()) {
    ADD_FAILURE() << what << ": " << compiled.status().message();
    return nullptr;
  }
  return std::make_shared<const CompiledModel>(std::move(*compiled));
}

struct Trajectories {
  std::vector<double> samples;  // run-major, then time, then species
  Status status;
};

Trajectories Simulate(const std::shared_ptr<const CompiledModel>& model, MethodKind method,
                      double t_end, int runs) {
  Trajectories out;
  SimulationOptions options;
  options.method = method;
  options.t_end = t_end;
  options.steps = 20;
  options.seed = 7;
  options.method_options.max_events = 2'000'000;
  for (int run = 0; run < runs && out.status.ok(); ++run) {
    out.status = SimulateTrajectory(
        model, options, run,
        [&out](double, std::span<const double> x) {
          out.samples.insert(out.samples.end(), x.begin(), x.end());
          return Status::OK();
        });
  }
  return out;
}

// The two models give the same ensemble means at every output time (within
// 1e-12 relative: propensities written as formulas may round differently in
// the last bit from the structured fast path, which could move an event
// time by an ulp); `identical_runs` counts the trajectories equal to the bit.
void ExpectSameSimulation(const Network& original, const Network& imported, double t_end,
                          const std::string& what) {
  auto a = CompileOrFail(original, what + " (original)");
  auto b = CompileOrFail(imported, what + " (imported)");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->num_species(), b->num_species()) << what;
  for (std::size_t s = 0; s < a->num_species(); ++s) {
    EXPECT_EQ(a->species_names()[s], b->species_names()[s]) << what;
  }
  constexpr int kRuns = 20;
  for (MethodKind method : {MethodKind::kDirect, MethodKind::kNextReaction}) {
    const Trajectories x = Simulate(a, method, t_end, kRuns);
    const Trajectories y = Simulate(b, method, t_end, kRuns);
    ASSERT_EQ(x.status.ok(), y.status.ok()) << what << ": " << x.status.message() << " vs "
                                            << y.status.message();
    ASSERT_EQ(x.samples.size(), y.samples.size()) << what;
    if (x.samples.empty()) continue;
    const std::size_t per_run = x.samples.size() / kRuns;
    int identical_runs = 0;
    for (int run = 0; run < kRuns; ++run) {
      identical_runs += std::equal(x.samples.begin() + run * per_run,
                                   x.samples.begin() + (run + 1) * per_run,
                                   y.samples.begin() + run * per_run);
    }
    for (std::size_t i = 0; i < per_run; ++i) {
      double mx = 0, my = 0;
      for (int run = 0; run < kRuns; ++run) {
        mx += x.samples[run * per_run + i];
        my += y.samples[run * per_run + i];
      }
      EXPECT_LE(std::fabs(mx - my), 1e-12 * std::max(std::fabs(mx), 1.0))
          << what << ": mean differs at value " << i << ": " << mx / kRuns << " vs " << my / kRuns;
    }
    EXPECT_EQ(identical_runs, kRuns) << what << ": runs differing in some sample";
  }
}

// Every network file of the repository that validates and compiles.
std::vector<std::string> RepositoryNetworks() {
  std::vector<std::string> paths;
  for (const char* dir : {"networks", "tests/testdata", "tests/fuzz/corpus/network_text_fuzz"}) {
    const std::string full = std::string(GRN_SOURCE_DIR) + "/" + dir;
    if (!std::filesystem::is_directory(full)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(full)) {
      if (entry.path().extension() == ".textproto") paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(SbmlExport, RepositoryNetworksRoundTrip) {
  const std::string dir = MakeTempDir();
  int exported = 0;
  for (const std::string& path : RepositoryNetworks()) {
    StatusOr<NetworkFile> file = ReadNetworkFile(path);
    if (!file.ok() || !ValidateNetworkFile(*file).ok() || !Compile(file->network).ok()) continue;
    SCOPED_TRACE(path);
    StatusOr<Network> back = RoundTrip(file->network, dir, path);
    ASSERT_TRUE(back.ok()) << back.status().message();
    ExpectSameSimulation(file->network, *back, 5.0, path);
    ++exported;
  }
  EXPECT_GE(exported, 3);  // networks/ and tests/testdata/ at least
}

// Every construct of the schema that SBML can carry.
constexpr const char* kEverything = R"pb(
  name: "everything" description: "all <features> & more" time_unit: h
  species { name: "G" initial_count: 1 role: gene description: "a gene" }
  species { name: "M" initial_count: 3 role: mrna }
  species { name: "P" initial_count: 40 role: protein }
  species { name: "P2" initial_count: 2 role: complex }
  species { name: "S" initial_count: 300 role: signal constant: true }
  species { name: "D" initial_count: 5 constant: true }
  species { name: "T" }
  parameter { name: "k_tx" value: 6 unit: "1/h" description: "transcription" }
  parameter { name: "K" value: 200 }
  parameter { name: "n" value: 2.5 }
  parameter { name: "k_var" value: 0.3 }
  parameter { name: "eps" value: 0.1 }
  reaction { name: "tx" reactant { species: "G" } product { species: "G" } product { species: "M" }
             k_param: "k_tx"
             modifier { hill_activation { species: "S" k_param: "K" n: 2 } }
             modifier { hill_repression { species: "P2" k: 1000 n_param: "n" } } }
  reaction { name: "tl" reactant { species: "M" } product { species: "M" } product { species: "P" }
             k: 6 modifier { michaelis_menten { species: "S" k: 100 } } }
  reaction { name: "dim" reactant { species: "P" stoichiometry: 2 } product { species: "P2" } k: 0.001 }
  reaction { name: "tri" reactant { species: "P" } reactant { species: "P" stoichiometry: 2 }
             reactant { species: "M" } product { species: "P2" } k: 1e-5 }
  reaction { name: "undim" reactant { species: "P2" } product { species: "P" stoichiometry: 2 } k_param: "k_var" }
  reaction { name: "dm" reactant { species: "M" } propensity: "0.08 * M * piecewise(2, P > 50 && !(M < 1), 1)" }
  reaction { name: "dp" reactant { species: "P" } propensity: "eps * P + min(P, 3) / 10 + log10(1 + P) * (P >= 45) + 2" }
  reaction { name: "use_d" reactant { species: "D" } reactant { species: "M" } product { species: "D" } k: 0.01 }
  assignment_rule { variable: "T" expression: "2 * P2 + P" }
  initial_assignment { variable: "k_tx" expression: "3 * 2" }
  event { name: "dose" description: "a dose" at_time: 1.5 assign { target: "P" value: "P + 100" } }
  event { name: "clamp" at_time: 2 assign { target: "D" value: "D * 2" } assign { target: "k_var" value: "k_var / 2" } }
  event { name: "switch" when: "P2 > 20" true_before_start: true
          assign { target: "k_var" value: "max(k_var - 0.1, 0)" } }
  event { name: "drop" when: "M" assign { target: "M" value: "floor(M / 2)" } }
)pb";

TEST(SbmlExport, EveryFeatureRoundTrips) {
  const Network net = ParseNetwork(kEverything);
  for (const Diagnostic& d : Validate(net)) FAIL() << d.message;
  const std::string dir = MakeTempDir();
  StatusOr<Network> back = RoundTrip(net, dir, "everything");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->time_unit(), Network::h);
  EXPECT_EQ(back->name(), "everything");
  for (const auto& r : back->reaction()) {
    if (r.name() == "undim") {
      // An event changes k_var, so it is not a constant SBML parameter and
      // the law stays a formula.
      EXPECT_EQ(r.propensity(), "k_var * P2");
    }
    if (r.name() == "tl") {
      EXPECT_TRUE(r.has_propensity());  // a modifier: a formula
    }
  }
  ExpectSameSimulation(net, *back, 4.0, "everything");
}

// Numbers used as truth values and truth values used as numbers, operator
// precedence and associativity, every function: the imported law evaluates to
// exactly the original at every state tried.
TEST(SbmlExport, ExpressionsKeepTheirValues) {
  const std::vector<std::string> laws = {
      "2^3^2 * X", "-X^2 + 100", "-(2)^2 + X", "X - Y - 1", "X / Y / 2", "X * (Y > 2)",
      "(X > 1) + (Y > 1) + (X == Y) + (X != Y)", "piecewise(X, X > Y, Y, Y > 5, 7)",
      "piecewise(1, X, 2)", "X && Y || !Y", "!X + 3", "!(X > 2) * 5", "max(X, Y, 3) - min(X, 1, Y)",
      "exp(-X / 10) + log(1 + X) + log10(1 + Y) + sqrt(X) + abs(Y - 4) + floor(X / 3) + ceil(Y / 3)",
      "pow(X, 1.5) + X^-2 * 10 + X^0.5", "k * X * (X - 1) / 2", "1e-06 * X + 1e300 / 1e299 * Y",
      "piecewise(2, X < 3 && Y < 3, 4) * (X >= 1) * (Y <= 10)", "time * 0 + X"};
  for (const std::string& law : laws) {
    SCOPED_TRACE(law);
    const Network net = ParseNetwork(
        "name: \"laws\" time_unit: s species { name: \"X\" initial_count: 4 } "
        "species { name: \"Y\" initial_count: 2 } parameter { name: \"k\" value: 0.5 } "
        "reaction { name: \"r\" reactant { species: \"X\" } propensity: \"" + law + "\" }");
    ASSERT_TRUE(Validate(net).empty()) << Validate(net)[0].message;
    StatusOr<Network> back = RoundTrip(net, MakeTempDir(), law);
    ASSERT_TRUE(back.ok()) << back.status().message();
    auto a = CompileOrFail(net, law);
    auto b = CompileOrFail(*back, law);
    ASSERT_TRUE(a && b);
    for (double x : {0.0, 1.0, 2.0, 3.0, 4.0, 7.0, 100.0}) {
      for (double y : {0.0, 1.0, 3.0, 6.0, 11.0}) {
        const double counts[] = {x, y};
        const double va = SlowStochasticPropensity(*a, 0, counts, a->initial_parameters().data(), 1.5);
        const double vb = SlowStochasticPropensity(*b, 0, counts, b->initial_parameters().data(), 1.5);
        if (std::isnan(va)) {
          EXPECT_TRUE(std::isnan(vb)) << "X=" << x << " Y=" << y;
        } else {
          EXPECT_EQ(va, vb) << "X=" << x << " Y=" << y << ": imported as "
                            << back->reaction(0).propensity();
        }
      }
    }
  }
}

TEST(SbmlExport, RefusesWhatSbmlCannotCarry) {
  Network periodic = ParseNetwork(R"pb(
    name: "p" time_unit: h species { name: "X" initial_count: 1 }
    reaction { name: "d" reactant { species: "X" } k: 1 }
    event { name: "pulse" at_time: 1 period: 24 assign { target: "X" value: "X + 10" } })pb");
  StatusOr<std::string> xml = ExportSbml(periodic);
  ASSERT_FALSE(xml.ok());
  EXPECT_EQ(xml.status().code(), StatusCode::kNotSupported);
  EXPECT_TRUE(Contains(xml.status().message(), "event 'pulse': it repeats (period 24)"))
      << xml.status().message();

  // Found by the fuzz smoke stage: a subnormal parameter value (valid here)
  // that libsbml writes in a form it cannot read back.
  Network tiny = ParseNetwork(R"pb(
    name: "t" time_unit: s species { name: "X" initial_count: 1 }
    parameter { name: "k" value: 2e-317 }
    reaction { name: "d" reactant { species: "X" } k_param: "k" })pb");
  xml = ExportSbml(tiny);
  ASSERT_FALSE(xml.ok());
  EXPECT_EQ(xml.status().code(), StatusCode::kNotSupported);
  EXPECT_TRUE(Contains(xml.status().message(), "parameter 'k': value 2e-317 is subnormal"))
      << xml.status().message();
  // The same number as a reaction's literal constant goes into MathML as
  // e-notation, which the schema accepts (libsbml reads it back as
  // 2.00000046e-317: subnormals keep few digits): the export stands.
  Network literal = ParseNetwork(R"pb(
    name: "t" time_unit: s species { name: "X" initial_count: 1 }
    reaction { name: "d" reactant { species: "X" } k: 2e-317 })pb");
  xml = ExportSbml(literal);
  EXPECT_TRUE(xml.ok()) << xml.status().message();
}

TEST(SbmlExport, WritesAtomicallyAndNamesTheFile) {
  const std::string dir = MakeTempDir();
  Network periodic = ParseNetwork(R"pb(
    name: "p" time_unit: h species { name: "X" initial_count: 1 }
    reaction { name: "d" reactant { species: "X" } k: 1 }
    event { name: "pulse" at_time: 1 period: 2 assign { target: "X" value: "1" } })pb");
  const Status s = WriteSbmlFile(dir + "/p.xml", periodic);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), dir + "/p.xml: SBML export: event 'pulse'")) << s.message();
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.xml"));
  EXPECT_TRUE(WriteSbmlFile(dir + "/ok.sbml", ParseNetwork(test_support::ChainText())).ok());
  EXPECT_TRUE(SbmlConsistencyErrors(ReadFile(dir + "/ok.sbml")).empty());
}

// Found by network_binary_fuzz: a description holding a NUL byte made the
// document ill-formed XML. Characters XML 1.0 forbids become spaces.
TEST(SbmlExport, DescriptionsWithControlCharactersStayWellFormed) {
  Network net = ParseNetwork(test_support::ChainText());
  const std::string odd("per-\xcf\x93X\0\x01` \xef\xbf\xbf\t rate", 20);
  net.set_description(odd);
  net.mutable_species(0)->set_description(odd);
  net.mutable_reaction(0)->set_description(odd);
  ASSERT_TRUE(Validate(net).empty());
  StatusOr<std::string> xml = ExportSbml(net);
  ASSERT_TRUE(xml.ok()) << xml.status().message();
  EXPECT_TRUE(SbmlConsistencyErrors(*xml).empty());
  EXPECT_TRUE(Contains(*xml, "per-\xcf\x93X  `  \t rate")) << *xml;
  // The fuzzer's input itself is a seed of network_binary_fuzz.
  StatusOr<NetworkFile> file = ReadNetworkFile(
      std::string(GRN_SOURCE_DIR) +
      "/tests/fuzz/corpus/network_binary_fuzz/fuzz_crash_export_control_chars.binpb");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_TRUE(ExportSbml(file->network).ok());
}

// The consistency checker itself reports a broken document.
TEST(SbmlExport, ConsistencyCheckFindsErrors) {
  const std::string broken = R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="m">
    <listOfSpecies>
      <species id="X" compartment="nowhere" initialAmount="1" hasOnlySubstanceUnits="true"
               boundaryCondition="false" constant="false"/>
    </listOfSpecies>
  </model>
</sbml>
)";
  EXPECT_FALSE(SbmlConsistencyErrors(broken).empty());
}

// DSMTS: SBML → network → SBML → network simulates the same as the first
// import (the second import is of our own export).
TEST(SbmlExport, DsmtsCasesRoundTrip) {
  const std::string cases = std::string(GRN_SHARED_DIR) + "/conformance/sbml-stochastic";
  if (!std::filesystem::is_directory(cases)) GTEST_SKIP() << cases << " is missing";
  const std::string dir = MakeTempDir();
  int done = 0;
  for (int c = 1; c <= 39; ++c) {
    char id[8];
    std::snprintf(id, sizeof id, "%05d", c);
    const std::string path = cases + "/" + id + "/" + id + "-sbml-l3v1.xml";
    if (!std::filesystem::exists(path)) continue;
    SCOPED_TRACE(path);
    StatusOr<Network> first = ImportSbml(path);
    ASSERT_TRUE(first.ok()) << first.status().message();
    StatusOr<Network> second = RoundTrip(*first, dir, path);
    ASSERT_TRUE(second.ok()) << second.status().message();
    ExpectSameSimulation(*first, *second, 10.0, path);
    ++done;
  }
  EXPECT_EQ(done, 39);
}

int RunGrnsim(const std::string& dir, const std::string& args, std::string* err) {
  const std::string err_path = dir + "/stderr.txt";
  const int raw = std::system((std::string(GRNSIM_BINARY) + " " + args + " 2> " + err_path).c_str());
  *err = ReadFile(err_path);
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

TEST(SbmlExport, ConvertWritesSbml) {
  const std::string dir = MakeTempDir();
  const std::string in = dir + "/chain.textproto";
  WriteFile(in, test_support::ChainText());
  std::string err;
  ASSERT_EQ(RunGrnsim(dir, "convert " + in + " -o " + dir + "/chain.xml", &err), 0) << err;
  EXPECT_TRUE(SbmlConsistencyErrors(ReadFile(dir + "/chain.xml")).empty());
  ASSERT_EQ(RunGrnsim(dir, "convert " + dir + "/chain.xml -o " + dir + "/back.textproto", &err), 0)
      << err;
  // Periodic events cannot be exported: exit 2, nothing written.
  WriteFile(dir + "/periodic.textproto", R"pb(
    name: "p" time_unit: h species { name: "X" initial_count: 1 }
    reaction { name: "d" reactant { species: "X" } k: 1 }
    event { name: "pulse" at_time: 1 period: 24 assign { target: "X" value: "X + 10" } })pb");
  EXPECT_EQ(RunGrnsim(dir, "convert " + dir + "/periodic.textproto -o " + dir + "/p.sbml", &err), 2);
  EXPECT_TRUE(Contains(err, "event 'pulse'")) << err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.sbml"));
}

}  // namespace
}  // namespace grn
