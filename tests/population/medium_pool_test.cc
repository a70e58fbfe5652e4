// tests/population/medium_pool_test.cc
//
// The medium pools against closed-form answers: mass balance of a closed
// binding pool, exponential clearance, constant secretion into a clearing
// pool, the pM conversion, medium changes (also inside one interval), and the
// RANKL + OPG ⇄ RANKL:OPG equilibrium against the quadratic solution.
#include "engine/population/medium_pool.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/network_io.h"
#include "engine/model/fate_rules.h"
#include "engine/model/medium_rules.h"
#include "engine/population/population.h"
#include "proto/network.pb.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

// A one-gene cell network; `medium` is the medium section's body.
const std::string kCell = R"pb(
  name: "cell" time_unit: h
  species { name: "M" initial_count: 4 role: mrna }
  parameter { name: "k" value: 0.1 }
  parameter { name: "s" value: 10 }
  parameter { name: "X_med" value: 0 }
  parameter { name: "kon" value: 0.0036 }
  parameter { name: "koff" value: 0.36 }
  reaction { name: "decay" reactant { species: "M" } k_param: "k" }
)pb";

struct Medium {
  grnsim::v1::Network net;
  std::shared_ptr<const CompiledModel> model;
  std::shared_ptr<const MediumSpec> spec;
};

Medium Load(const std::string& medium) {
  Medium out;
  out.net = test_support::ParseNetwork(kCell + "medium { " + medium + " }");
  for (const Diagnostic& d : ValidateMedium(out.net)) ADD_FAILURE() << d.message;
  PrepareMediumNetwork(&out.net);
  StatusOr<CompiledModel> model = Compile(out.net);
  EXPECT_TRUE(model.ok()) << model.status().message();
  if (!model.ok()) return out;
  out.model = std::make_shared<const CompiledModel>(std::move(*model));
  StatusOr<MediumSpec> spec = CompileMedium(out.net, *out.model);
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  if (spec.ok()) out.spec = std::make_shared<const MediumSpec>(std::move(*spec));
  return out;
}

std::unique_ptr<MediumPool> Make(const Medium& m, double seeded_cells) {
  auto pool = MediumPool::Create(m.spec, seeded_cells);
  EXPECT_TRUE(pool.ok()) << pool.status().message();
  return pool.ok() ? std::move(*pool) : nullptr;
}

const std::vector<double> kNone(8, 0.0);

TEST(MediumPoolTest, ClosedBindingPoolConservesMass) {
  const Medium m = Load(R"pb(
    pool { name: "L" unit: pM fresh: "50" }
    pool { name: "O" unit: pM fresh: "80" }
    pool { name: "C" unit: pM fresh: "5" }
    reaction { name: "bind" reactant: "L" reactant: "O" product: "C" rate: "kon * L * O - koff * C" })pb");
  ASSERT_TRUE(m.spec);
  auto medium = Make(m, 10);
  ASSERT_TRUE(medium);
  for (double t = 0.25; t <= 48.0; t += 0.25) {
    ASSERT_TRUE(medium->Advance(t, std::span(kNone).first(3), std::span(kNone).first(3)).ok());
    const auto v = medium->values();
    // Total RANKL and total OPG are conserved (no source, no loss).
    EXPECT_NEAR(v[0] + v[2], 55.0, 1e-6);
    EXPECT_NEAR(v[1] + v[2], 85.0, 1e-6);
  }
  EXPECT_GT(medium->steps(), 0u);
}

// dy/dt = −c·y: y(t) = y0·e^{−ct}.
TEST(MediumPoolTest, ClearanceIsExponentialDecay) {
  const Medium m = Load(R"pb(pool { name: "X" unit: pM fresh: "100" clearance: "0.3" })pb");
  ASSERT_TRUE(m.spec);
  auto medium = Make(m, 1);
  for (double t : {0.5, 1.0, 2.0, 5.0, 10.0}) {
    ASSERT_TRUE(medium->Advance(t, std::span(kNone).first(1), std::span(kNone).first(1)).ok());
    EXPECT_NEAR(medium->values()[0], 100.0 * std::exp(-0.3 * t), 1e-6 * 100.0) << t;
  }
}

// Constant secretion S into a clearing pool: y(t) = S/c·(1 − e^{−ct}); with
// uptake U per cell the loss rate is c + ΣU/N.
TEST(MediumPoolTest, SecretionAndUptakeMatchTheLinearSolution) {
  const Medium m = Load(R"pb(
    pool { name: "E" unit: copies_per_cell secretion: "s * M / 4" uptake: "k" clearance: "0.2" })pb");
  ASSERT_TRUE(m.spec);
  auto medium = Make(m, 4);  // four seeded cells
  State cell(0.0, m.model->initial_counts(), m.model->initial_parameters());
  std::vector<double> secretion(1, 0.0), uptake(1, 0.0);
  for (int i = 0; i < 4; ++i) medium->AddCell(cell, secretion, uptake);
  EXPECT_DOUBLE_EQ(secretion[0], 4 * 10.0);  // s·M/4 = 10 copies per cell per h
  EXPECT_DOUBLE_EQ(uptake[0], 4 * 0.1);
  // S = 40 / 4 seeded = 10 per h; loss = 0.2 + 0.4/4 = 0.3 per h.
  ASSERT_TRUE(medium->Advance(7.0, secretion, uptake).ok());
  EXPECT_NEAR(medium->values()[0], 10.0 / 0.3 * (1 - std::exp(-0.3 * 7.0)), 1e-6);
}

// 1 pM in 1 nL is 602.214076 molecules: 20 nL per cell and 602.214076 × 20
// molecules per cell per hour raise the pool by 1 pM per hour.
TEST(MediumPoolTest, MoleculesBecomePicomolarWithTheVolume) {
  const Medium m = Load(R"pb(
    volume_per_cell: "20"
    pool { name: "P" unit: pM secretion: "12044.28152" })pb");
  ASSERT_TRUE(m.spec);
  EXPECT_DOUBLE_EQ(m.spec->volume_per_cell, 20.0);
  auto medium = Make(m, 3);
  State cell(0.0, m.model->initial_counts(), m.model->initial_parameters());
  std::vector<double> secretion(1, 0.0), uptake(1, 0.0);
  for (int i = 0; i < 3; ++i) medium->AddCell(cell, secretion, uptake);
  ASSERT_TRUE(medium->Advance(5.0, secretion, uptake).ok());
  EXPECT_NEAR(medium->values()[0], 5.0, 1e-8);
}

TEST(MediumPoolTest, MediumChangeResetsToFreshValues) {
  const Medium m = Load(R"pb(
    change_period: "72"
    pool { name: "Y" unit: copies_per_cell fresh: "3" secretion: "1" })pb");
  ASSERT_TRUE(m.spec);
  auto medium = Make(m, 1);
  const std::vector<double> one(1, 1.0), zero(1, 0.0);
  ASSERT_TRUE(medium->Advance(71.5, one, zero).ok());
  EXPECT_NEAR(medium->values()[0], 3 + 71.5, 1e-6);
  // The change at 72 falls inside the interval: reset there, then 0.5 h more.
  ASSERT_TRUE(medium->Advance(72.5, one, zero).ok());
  EXPECT_NEAR(medium->values()[0], 3 + 0.5, 1e-8);
  // Ending exactly on a change: the value just after it.
  ASSERT_TRUE(medium->Advance(144.0, one, zero).ok());
  EXPECT_NEAR(medium->values()[0], 3.0, 1e-12);
  ASSERT_TRUE(medium->Advance(145.0, one, zero).ok());
  EXPECT_NEAR(medium->values()[0], 4.0, 1e-8);
}

// RANKL + OPG ⇄ RANKL:OPG at equilibrium: with totals L, O and Kd = koff/kon,
// free RANKL r solves r² − (L − O − Kd)·r − Kd·L = 0, the positive root.
TEST(MediumPoolTest, BindingReachesTheQuadraticEquilibrium) {
  const Medium m = Load(R"pb(
    pool { name: "RANKL" unit: pM fresh: "50" }
    pool { name: "OPG" unit: pM fresh: "80" }
    pool { name: "RANKL_OPG" unit: pM }
    reaction { name: "binding" reactant: "RANKL" reactant: "OPG" product: "RANKL_OPG"
               rate: "kon * RANKL * OPG - koff * RANKL_OPG" })pb");
  ASSERT_TRUE(m.spec);
  auto medium = Make(m, 1);
  const double kd = 0.36 / 0.0036, total_l = 50, total_o = 80;
  const double b = total_l - total_o - kd;
  const double free_l = 0.5 * (b + std::sqrt(b * b + 4 * kd * total_l));
  // Relaxation rate koff + kon(L + O) > 0.6 /h: 100 h is e^-60 away.
  ASSERT_TRUE(medium->Advance(100.0, std::span(kNone).first(3), std::span(kNone).first(3)).ok());
  const auto v = medium->values();
  EXPECT_NEAR(v[0], free_l, 1e-6 * free_l);
  EXPECT_NEAR(v[1], total_o - (total_l - free_l), 1e-6 * total_o);
  EXPECT_NEAR(v[2], total_l - free_l, 1e-6 * total_l);
}

TEST(MediumPoolTest, FeedsTheCellsParameters) {
  const Medium m = Load(R"pb(pool { name: "X" unit: pM fresh: "42" feeds: "X_med" })pb");
  ASSERT_TRUE(m.spec);
  auto medium = Make(m, 1);
  State cell(0.0, m.model->initial_counts(), m.model->initial_parameters());
  medium->Feed(cell);
  const auto& names = m.model->parameter_names();
  const auto at = std::find(names.begin(), names.end(), "X_med") - names.begin();
  EXPECT_EQ(cell.p[at], 42.0);
}

TEST(MediumPoolTest, RefusesNegativeSecretion) {
  const Medium m = Load(R"pb(pool { name: "X" unit: pM })pb");
  auto medium = Make(m, 1);
  const std::vector<double> negative(1, -1.0), zero(1, 0.0);
  const Status s = medium->Advance(1.0, negative, zero);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("medium pool 'X'"), std::string::npos) << s.message();
}

std::vector<std::string> Problems(const std::string& medium) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ValidateMedium(test_support::ParseNetwork(kCell + medium))) {
    out.push_back(d.message);
  }
  return out;
}

TEST(MediumRulesTest, ErrorsNameThePoolOrReaction) {
  EXPECT_TRUE(Problems(R"pb(medium { pool { name: "A" unit: pM secretion: "s * M" feeds: "X_med" } })pb")
                  .empty());
  auto has = [](const std::vector<std::string>& problems, const std::string& text) {
    for (const std::string& p : problems) {
      if (p.find(text) != std::string::npos) return true;
    }
    return false;
  };
  auto p = Problems(R"pb(medium {
    pool { name: "A" unit: pM feeds: "nope" }
    pool { name: "B" fresh: "-1" }
    pool { name: "M" unit: pM }
    pool { name: "D" unit: pM clearance: "M" }
    pool { name: "E" unit: copies_per_cell secretion: "missing" }
    reaction { name: "r" reactant: "A" product: "Z" rate: "kon * A" }
    reaction { name: "mix" reactant: "A" product: "E" rate: "1" }
  })pb");
  EXPECT_TRUE(has(p, "medium pool 'A' feeds 'nope', which is not a parameter")) << p.size();
  EXPECT_TRUE(has(p, "medium pool 'B': no unit"));
  EXPECT_TRUE(has(p, "medium pool 'B' fresh: '-1' is -1"));
  EXPECT_TRUE(has(p, "medium pool 'M': the name is already a species or parameter"));
  EXPECT_TRUE(has(p, "medium pool 'D' clearance: 'M' is a species"));
  EXPECT_TRUE(has(p, "medium pool 'E' secretion:"));
  EXPECT_TRUE(has(p, "medium reaction 'r': product 'Z' is not a medium pool"));
  EXPECT_TRUE(has(p, "medium reaction 'mix': its pools mix units"));
  // A fed parameter written by something else.
  p = Problems(R"pb(
    event { name: "e" at_time: 1 assign { target: "X_med" value: "1" } }
    medium { pool { name: "A" unit: pM feeds: "X_med" } pool { name: "B" unit: pM feeds: "X_med" } })pb");
  EXPECT_TRUE(has(p, "medium pool 'A' feeds 'X_med', which an event also sets"));
  EXPECT_TRUE(has(p, "which pool 'A' already feeds"));
}

TEST(MediumRulesTest, LiveFedParametersAndScenarioValues) {
  grnsim::v1::Network net = test_support::ParseNetwork(
      kCell + R"pb(medium { pool { name: "A" unit: pM fresh: "s * 2" feeds: "X_med" } })pb");
  PrepareMediumNetwork(&net);
  PrepareMediumNetwork(&net);  // idempotent: one event per fed parameter
  int writes = 0;
  for (const auto& ev : net.event()) writes += ev.name().rfind("medium_writes_", 0) == 0;
  EXPECT_EQ(writes, 1);
  net.mutable_parameter(1)->set_value(7);  // s, as a scenario would set it
  StatusOr<CompiledModel> model = Compile(net);
  ASSERT_TRUE(model.ok());
  StatusOr<MediumSpec> spec = CompileMedium(net, *model);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->pools[0].fresh, 14.0);
  EXPECT_EQ(spec->volume_per_cell, kDefaultMediumNanolitresPerCell);
  EXPECT_EQ(spec->change_period, 0.0);
}

// The medium is summed serially in lineage order: the population's bytes
// (cells and pools) do not depend on the thread count. The pool feeds back
// into every cell (k0, the basal activation).
TEST(MediumPopulationTest, IdenticalBytesForOneTwoAndThreeThreads) {
  auto file = ReadNetworkFile(std::string(GRN_SOURCE_DIR) +
                              "/tests/testdata/population/toggle.textproto");
  ASSERT_TRUE(file.ok()) << file.status().message();
  grnsim::v1::Network net = file->network;
  grnsim::v1::Network extra = test_support::ParseNetwork(R"pb(
    medium { change_period: "24"
             pool { name: "P" unit: copies_per_cell fresh: "0.02" secretion: "0.0002 * mA"
                    clearance: "0.05" feeds: "k0" }
             pool { name: "Q" unit: pM secretion: "100 * mB" uptake: "0.01" } })pb");
  *net.mutable_medium() = extra.medium();
  ASSERT_TRUE(ValidateMedium(net).empty());
  ASSERT_TRUE(ValidatePopulationRules(net).empty());
  PreparePopulationNetwork(&net);
  PrepareMediumNetwork(&net);
  StatusOr<CompiledModel> compiled = Compile(net);
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  auto model = std::make_shared<const CompiledModel>(std::move(*compiled));
  StatusOr<PopulationRules> rules = CompilePopulationRules(net, *model);
  ASSERT_TRUE(rules.ok());
  StatusOr<MediumSpec> spec = CompileMedium(net, *model);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto shared_rules = std::make_shared<const PopulationRules>(std::move(*rules));
  auto shared_spec = std::make_shared<const MediumSpec>(std::move(*spec));
  std::string reference;
  for (unsigned threads : {1u, 2u, 3u}) {
    PopulationOptions options;
    options.initial_cells = 40;
    options.seed = 9;
    options.threads = threads;
    options.mode = SpatialMode::kMixed;
    options.medium = shared_spec;
    auto p = Population::Create(model, shared_rules, options);
    ASSERT_TRUE(p.ok()) << p.status().message();
    ASSERT_TRUE((*p)->AdvanceTo(36.0).ok());
    const MediumPool* medium = (*p)->medium();
    ASSERT_NE(medium, nullptr);
    EXPECT_GT(medium->values()[0], 0.0);
    EXPECT_GT(medium->values()[1], 0.0);
    std::string bytes(reinterpret_cast<const char*>(medium->values().data()),
                      medium->values().size() * sizeof(double));
    for (const Cell& c : (*p)->cells()) {
      bytes.append(reinterpret_cast<const char*>(c.state.x.data()), c.state.x.size() * sizeof(double));
      bytes.append(reinterpret_cast<const char*>(c.state.p.data()), c.state.p.size() * sizeof(double));
    }
    if (threads == 1) {
      reference = bytes;
    } else {
      EXPECT_TRUE(bytes == reference) << threads << " threads differ from 1";
    }
  }
}

// `grnsim population --output DIR` writes DIR/medium.csv when the network has
// a medium; a bad pool is refused with exit 2, file:line:col and its name.
TEST(MediumCliTest, WritesMediumCsvAndRefusesBadPools) {
  const std::string dir = test_support::MakeTempDir();
  auto grnsim = [&dir](const std::string& args) {
    const std::string command = std::string(GRNSIM_BINARY) + " " + args + " > " + dir +
                                "/out.txt 2> " + dir + "/err.txt < /dev/null";
    const int raw = std::system(command.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  };
  ASSERT_EQ(grnsim("population " + std::string(GRN_SOURCE_DIR) +
                   "/networks/msc_population.textproto --cells 5 --days 0.5 "
                   "--replicates 2 --seed 3 --threads 1 --quiet --output " + dir + "/run"),
            0)
      << test_support::ReadFile(dir + "/err.txt");
  const std::string csv = test_support::ReadFile(dir + "/run/medium.csv");
  EXPECT_EQ(csv.rfind("# grnsim ", 0), 0u) << csv;  // provenance first
  EXPECT_NE(csv.find("\nreplicate,day,OPG,RANKL,RANKL_OPG,DKK1,SFRP,EXO_MIR29,EXO_MIR218,"
                     "EXO_MIR214\n0,0,0,0,0,0,0,0,0,0\n0,0.5,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\n1,0.5,"), std::string::npos) << csv;

  std::string bad = test_support::ReadFile(std::string(GRN_SOURCE_DIR) +
                                           "/tests/testdata/population/toggle.textproto");
  bad += "medium {\n  pool { name: \"P\" unit: pM feeds: \"nope\" }\n}\n";
  test_support::WriteFile(dir + "/bad.textproto", bad);
  EXPECT_EQ(grnsim("population " + dir + "/bad.textproto --cells 5 --days 1 --quiet"), 2);
  const std::string err = test_support::ReadFile(dir + "/err.txt");
  EXPECT_NE(err.find("bad.textproto:"), std::string::npos) << err;
  EXPECT_NE(err.find("medium pool 'P' feeds 'nope', which is not a parameter"), std::string::npos)
      << err;
}

}  // namespace
}  // namespace grn
