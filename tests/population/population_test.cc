// tests/population/population_test.cc
#include "engine/population/population.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "engine/io/compose_io.h"
#include "engine/io/network_io.h"
#include "engine/model/fate_rules.h"
#include "engine/model/medium_rules.h"
#include "engine/model/validate.h"
#include "proto/network.pb.h"
#include "tests/support/population_models.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using Loaded = test_support::LoadedPopulation;

Loaded Load(grnsim::v1::Network net) { return test_support::LoadPopulationNetwork(std::move(net)); }

Loaded LoadText(const std::string& text) { return Load(test_support::ParseNetwork(text)); }

Loaded LoadToggle() {
  auto file = ReadNetworkFile(std::string(GRN_SOURCE_DIR) +
                              "/tests/testdata/population/toggle.textproto");
  EXPECT_TRUE(file.ok()) << file.status().message();
  return Load(file->network);
}

std::unique_ptr<Population> Make(const Loaded& l, const PopulationOptions& options) {
  auto p = Population::Create(l.model, l.rules, options);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? std::move(*p) : nullptr;
}

TEST(PopulationTest, IdenticalBytesForOneTwoAndThreeThreads) {
  const Loaded toggle = LoadToggle();
  ASSERT_TRUE(toggle.model);
  for (SpatialMode mode : {SpatialMode::kLattice, SpatialMode::kMixed}) {
    std::string reference;
    for (unsigned threads : {1u, 2u, 3u}) {
      PopulationOptions options;
      options.initial_cells = 50;
      options.seed = 42;
      options.replicate = 3;
      options.threads = threads;
      options.mode = mode;
      auto p = Make(toggle, options);
      ASSERT_TRUE(p);
      ASSERT_TRUE(p->AdvanceTo(48.0).ok());
      const std::string bytes = test_support::PopulationFingerprint(*p);
      if (threads == 1) {
        reference = bytes;
        EXPECT_GT(p->Counts().divisions, 0u);
        EXPECT_GT(p->events(), 0u);
      } else {
        EXPECT_TRUE(bytes == reference) << threads << " threads differ from 1";
      }
    }
  }
}

TEST(PopulationTest, ReplicatesAndSeedsGiveDifferentPopulations) {
  const Loaded toggle = LoadToggle();
  PopulationOptions options;
  options.initial_cells = 30;
  auto a = Make(toggle, options);
  options.replicate = 1;
  auto b = Make(toggle, options);
  ASSERT_TRUE(a->AdvanceTo(24).ok());
  ASSERT_TRUE(b->AdvanceTo(24).ok());
  EXPECT_NE(test_support::PopulationFingerprint(*a), test_support::PopulationFingerprint(*b));
}

// M is read by nothing and changed by nothing, so only division moves it.
constexpr char kInert[] = R"pb(
  name: "inert" time_unit: h
  species { name: "G" initial_count: 2 role: gene }
  species { name: "M" initial_count: 1001 role: protein }
  species { name: "Z" role: protein }
  reaction { name: "never" reactant { species: "Z" } k: 1 }
  population { cycle_time: "5" death_rate: "0" senescent_fraction: "0"
               senescence_per_division: "0" lattice_width: 6 lattice_height: 6 }
)pb";

TEST(PopulationTest, DivisionConservesMoleculesAndCopiesGenes) {
  const Loaded inert = LoadText(kInert);
  ASSERT_TRUE(inert.model);
  for (SpatialMode mode : {SpatialMode::kLattice, SpatialMode::kMixed}) {
    PopulationOptions options;
    options.initial_cells = 4;
    options.mode = mode;
    auto p = Make(inert, options);
    ASSERT_TRUE(p->AdvanceTo(40).ok());
    EXPECT_GT(p->cells().size(), 8u);
    double total = 0;
    for (const Cell& c : p->cells()) {
      total += c.state.x[1];
      EXPECT_EQ(c.state.x[0], 2) << "a gene is copied, not split";
    }
    EXPECT_GT(p->Counts().divisions, 4u);
    EXPECT_EQ(total, 4 * 1001.0);
  }
}

TEST(PopulationTest, ContactInhibitionFillsTheLatticeAndStops) {
  const Loaded inert = LoadText(kInert);
  for (SpatialMode mode : {SpatialMode::kLattice, SpatialMode::kMixed}) {
    PopulationOptions options;
    options.initial_cells = 3;
    options.mode = mode;
    auto p = Make(inert, options);
    std::uint64_t divisions_when_full = 0;
    for (double t = 10; t <= 400; t += 10) {
      ASSERT_TRUE(p->AdvanceTo(t).ok());
      ASSERT_LE(p->cells().size(), 36u);
      if (p->cells().size() == 36 && divisions_when_full == 0) {
        divisions_when_full = p->Counts().divisions;
      }
    }
    EXPECT_EQ(p->cells().size(), 36u) << "the 6x6 lattice fills";
    EXPECT_EQ(p->Counts().divisions, divisions_when_full) << "no division once full";
    if (mode == SpatialMode::kLattice) {
      std::vector<char> seen(36, 0);
      for (const Cell& c : p->cells()) {
        ASSERT_LT(c.site, 36u);
        EXPECT_FALSE(seen[c.site]) << "two cells on site " << c.site;
        seen[c.site] = 1;
      }
    }
  }
}

// `flag` is 1 from t = 2 to t = 5 (timed events); nothing divides or dies.
std::string Dwell(const std::string& fates, const std::string& population = "") {
  return R"pb(
    name: "dwell" time_unit: h
    species { name: "marker" }
    species { name: "Z" }
    parameter { name: "flag" value: 0 }
    reaction { name: "never" reactant { species: "Z" } k: 1 }
    event { name: "on" at_time: 2 assign { target: "flag" value: "1" } }
    event { name: "off" at_time: 5 assign { target: "flag" value: "0" } }
  )pb" + fates + "population { cycle_time: \"1e9\" death_rate: \"0\" senescent_fraction: \"" +
         (population.empty() ? "0" : population) + "\" }";
}

std::vector<std::uint64_t> FateCounts(const std::string& text, double t_end,
                                      double* committed_at = nullptr) {
  const Loaded l = LoadText(text);
  PopulationOptions options;
  options.initial_cells = 5;
  auto p = Make(l, options);
  EXPECT_TRUE(p->AdvanceTo(t_end).ok());
  if (committed_at != nullptr) *committed_at = p->cells()[0].committed_at;
  return p->Counts().per_fate;
}

TEST(PopulationTest, CommitsWhenTheConditionHeldForTheDwell) {
  double at = 0;
  const std::string fates = R"pb(
    fate { name: "early" condition: "flag > 0" dwell: 2 on_commit { name: "marker" value: 7 } }
    fate { name: "late" condition: "flag > 0" dwell: 4 }
  )pb";
  EXPECT_EQ(FateCounts(Dwell(fates), 3.75), (std::vector<std::uint64_t>{0, 0}));
  EXPECT_EQ(FateCounts(Dwell(fates), 4.0, &at), (std::vector<std::uint64_t>{5, 0}));
  EXPECT_EQ(at, 4.0);  // held from the sync point at t = 2
  // Absorbing: still committed after the condition fails at t = 5.
  EXPECT_EQ(FateCounts(Dwell(fates), 12.0), (std::vector<std::uint64_t>{5, 0}));

  const Loaded l = LoadText(Dwell(fates));
  PopulationOptions options;
  options.initial_cells = 2;
  auto p = Make(l, options);
  ASSERT_TRUE(p->AdvanceTo(4.0).ok());
  EXPECT_EQ(p->cells()[0].state.x[0], 7) << "on_commit sets the marker";
}

TEST(PopulationTest, ConditionMustHoldWithoutBreak) {
  // The condition holds for 3 h (t = 2..5): a 4 h dwell never completes.
  const std::string fates = R"pb(fate { name: "late" condition: "flag > 0" dwell: 4 })pb";
  EXPECT_EQ(FateCounts(Dwell(fates), 20.0), (std::vector<std::uint64_t>{0}));
}

TEST(PopulationTest, FirstToCompleteWinsThenFirstDeclared) {
  // b completes at 2 + 2.5 = 4.5, before a (declared first) at 2 + 3 = 5.
  EXPECT_EQ(FateCounts(Dwell(R"pb(
    fate { name: "a" condition: "flag > 0" dwell: 3 }
    fate { name: "b" condition: "flag > 0" dwell: 2.5 })pb"), 8.0),
            (std::vector<std::uint64_t>{0, 5}));
  // A tie goes to the fate declared first.
  EXPECT_EQ(FateCounts(Dwell(R"pb(
    fate { name: "a" condition: "flag > 0" dwell: 2 }
    fate { name: "b" condition: "flag > 0" dwell: 2 })pb"), 8.0),
            (std::vector<std::uint64_t>{5, 0}));
}

TEST(PopulationTest, TimedAndPeriodicEventsFireInEveryCell) {
  // pulses += 1 at t = 1, 3, 5, ... (period 2); `once` is set at t = 0.5.
  const Loaded l = LoadText(R"pb(
    name: "pulsed" time_unit: h
    species { name: "pulses" }
    species { name: "once" }
    species { name: "Z" }
    reaction { name: "never" reactant { species: "Z" } k: 1 }
    event { name: "pulse" at_time: 1 period: 2 assign { target: "pulses" value: "pulses + 1" } }
    event { name: "one" at_time: 0.5 assign { target: "once" value: "once + 1" } }
    population { cycle_time: "4" death_rate: "0" senescent_fraction: "0" lattice_width: 5
                 lattice_height: 5 copy_at_division: "pulses" copy_at_division: "once" }
  )pb");
  for (double sync : {0.25, 0.3, 1.0, 5.0}) {
    PopulationOptions options;
    options.initial_cells = 3;
    options.sync_interval = sync;
    auto p = Make(l, options);
    ASSERT_TRUE(p->AdvanceTo(10.0).ok());
    EXPECT_GT(p->cells().size(), 3u) << "daughters keep the schedule";
    for (const Cell& c : p->cells()) {
      EXPECT_EQ(c.state.x[0], 5) << "sync " << sync << ": pulses at 1, 3, 5, 7, 9";
      EXPECT_EQ(c.state.x[1], 1) << "sync " << sync;
    }
  }
}

TEST(PopulationTest, SenescentCellsDoNotCommit) {
  const std::string fates = R"pb(fate { name: "f" condition: "flag > 0" dwell: 0 })pb";
  EXPECT_EQ(FateCounts(Dwell(fates, "1"), 8.0), (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(FateCounts(Dwell(fates, "0"), 8.0), (std::vector<std::uint64_t>{5}));
}

// W is constant (60 per cell); Y is made at rate k·W_nb, so it appears only
// in cells with neighbours, and only if the rate reads W_nb live.
constexpr char kCoupled[] = R"pb(
  name: "coupled" time_unit: h
  species { name: "W" initial_count: 60 constant: true role: signal }
  species { name: "Y" role: protein }
  parameter { name: "W_nb" value: 0 }
  parameter { name: "k" value: 0.1 }
  reaction { name: "make_Y" product { species: "Y" } propensity: "k * W_nb" }
  coupling { parameter: "W_nb" species: "W" }
  population { cycle_time: "1e9" death_rate: "0" senescent_fraction: "0"
               lattice_width: 3 lattice_height: 3 }
)pb";

TEST(PopulationTest, CouplingReadsTheNeighbours) {
  const Loaded l = LoadText(kCoupled);
  const std::uint32_t w_nb = 0;  // parameter index
  for (SpatialMode mode : {SpatialMode::kLattice, SpatialMode::kMixed}) {
    PopulationOptions options;
    options.mode = mode;
    options.initial_cells = 9;  // every site of the 3×3 lattice: six neighbours each
    auto full = Make(l, options);
    ASSERT_TRUE(full->AdvanceTo(10).ok());
    for (const Cell& c : full->cells()) {
      EXPECT_EQ(c.state.p[w_nb], 60.0);
      EXPECT_GT(c.state.x[1], 0) << "the rate law reads the coupled parameter";
    }
    options.initial_cells = 1;
    auto alone = Make(l, options);
    ASSERT_TRUE(alone->AdvanceTo(10).ok());
    EXPECT_EQ(alone->cells()[0].state.p[w_nb], 0.0);
    EXPECT_EQ(alone->cells()[0].state.x[1], 0.0);
  }
}

TEST(PopulationTest, CouplingAveragesOverContactsOrSites) {
  // Two cells, well mixed: over contacts each sees the other (60); over the
  // sites, 60 / (9 − 1) = 7.5.
  for (bool over_sites : {false, true}) {
    std::string text = kCoupled;
    if (over_sites) {
      text.replace(text.find("species: \"W\" }"), 15, "species: \"W\" average: sites }");
    }
    const Loaded l = LoadText(text);
    PopulationOptions options;
    options.mode = SpatialMode::kMixed;
    options.initial_cells = 2;
    auto p = Make(l, options);
    ASSERT_TRUE(p->AdvanceTo(1).ok());
    for (const Cell& c : p->cells()) EXPECT_EQ(c.state.p[0], over_sites ? 7.5 : 60.0);
  }
}

TEST(PopulationTest, CouplingReplacesTheSingleCellRule) {
  // The single-cell reading W_nb = W (a rule) is replaced by the coupling:
  // a lone cell has no contacts, so W_nb = 0 and Y is never made.
  std::string text = kCoupled;
  text += R"pb(assignment_rule { variable: "W_nb" expression: "W" })pb";
  const Loaded l = LoadText(text);
  PopulationOptions options;
  options.initial_cells = 1;
  auto p = Make(l, options);
  ASSERT_TRUE(p->AdvanceTo(10).ok());
  EXPECT_EQ(p->cells()[0].state.p[0], 0.0);
  EXPECT_EQ(p->cells()[0].state.x[1], 0.0);
}

TEST(PopulationTest, MscNetworkWithFatesAndJuxtacrineWnt1) {
  // networks/msc.textproto (through its includes) under the baseline
  // scenario, with the §3.2 fates and W_contact_mean coupled to WNT1.
  auto file = ReadComposedNetworkFile(
      std::string(GRN_SOURCE_DIR) + "/networks/msc_population.textproto",
      {std::string(GRN_SOURCE_DIR) + "/networks/scenarios/baseline_mixed.textproto"});
  ASSERT_TRUE(file.ok()) << file.status().message();
  const Loaded msc = Load(file->network);
  ASSERT_TRUE(msc.model);
  ASSERT_EQ(msc.rules->fates.size(), 2u);
  ASSERT_EQ(msc.rules->couplings.size(), 1u);
  PopulationOptions options;
  options.initial_cells = 8;
  options.mode = SpatialMode::kMixed;
  auto p = Make(msc, options);
  ASSERT_TRUE(p->AdvanceTo(3.0).ok());
  const std::uint32_t wnt = msc.rules->couplings[0].species;
  const std::uint32_t contact = msc.rules->couplings[0].parameter;
  double others = 0;
  for (const Cell& c : p->cells()) others += c.state.x[wnt];
  const Cell& first = p->cells()[0];
  EXPECT_DOUBLE_EQ(first.state.p[contact],
                   (others - first.state.x[wnt]) / (p->cells().size() - 1.0));
  EXPECT_GT(first.state.p[contact], 0);
  EXPECT_GT(p->events(), 8u * 3 * 1000) << "about 3,000 events per cell-hour";
}

TEST(PopulationTest, RefusesMoreCellsThanSitesAndOde) {
  const Loaded l = LoadText(kCoupled);
  PopulationOptions options;
  options.initial_cells = 10;
  EXPECT_FALSE(Population::Create(l.model, l.rules, options).ok());
  options.initial_cells = 2;
  options.method = MethodKind::kOde;
  EXPECT_FALSE(Population::Create(l.model, l.rules, options).ok());
}

// Co-culture (PopulationOptions::partner): a quiescent second cell type.
// `fed` is set from the medium and `contact` from the primary cells around.
const char* const kPartner = R"pb(
  name: "partner"
  time_unit: h
  species { name: "Y" initial_count: 0 }
  parameter { name: "fed" value: 0 }
  parameter { name: "contact" value: 0 }
  reaction {
    name: "Y_birth"
    product { species: "Y" }
    propensity: "0.5 * (1 + fed)"
  }
  reaction {
    name: "Y_decay"
    reactant { species: "Y" }
    propensity: "0.1 * Y"
  }
  fate { name: "high" condition: "Y >= 8" dwell: 1 }
  population { quiescent: true death_rate: "0.01" senescent_fraction: "0" }
)pb";

Loaded LoadPartner(const std::string& text = kPartner) {
  grnsim::v1::Network net = test_support::ParseNetwork(text);
  MakeParametersLive(&net, {"fed", "contact"});
  return Load(net);
}

std::uint32_t ParameterIndex(const CompiledModel& model, const std::string& name) {
  const auto& names = model.parameter_names();
  return static_cast<std::uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

// Like test_support::PopulationFingerprint, for the partner cells (without
// fused_into: fusion must leave everything else as it was).
std::string PartnerFingerprint(const Population& p) {
  std::string out;
  for (const Cell& c : p.partner_cells()) {
    out.append(reinterpret_cast<const char*>(&c.lineage), sizeof c.lineage);
    out.append(reinterpret_cast<const char*>(&c.site), sizeof c.site);
    out.append(reinterpret_cast<const char*>(&c.fate), sizeof c.fate);
    out.append(reinterpret_cast<const char*>(c.state.x.data()), c.state.x.size() * sizeof(double));
    out.append(reinterpret_cast<const char*>(c.state.p.data()), c.state.p.size() * sizeof(double));
  }
  return out;
}

TEST(PopulationTest, PartnersLeaveThePrimaryCellsAloneAndReadTheirContacts) {
  const Loaded toggle = LoadToggle();
  const Loaded partner = LoadPartner();
  ASSERT_TRUE(toggle.model && partner.model);
  auto toggle_file =
      ReadNetworkFile(std::string(GRN_SOURCE_DIR) + "/tests/testdata/population/toggle.textproto");
  ASSERT_TRUE(toggle_file.ok());
  StatusOr<ExpressionProgram> a = ModelNames(toggle_file->network).CompileText("A");
  ASSERT_TRUE(a.ok()) << a.status().message();
  const std::uint32_t species_a = 3;  // toggle.textproto: GA_off, GA_on, mA, A
  ASSERT_EQ(toggle.model->species_names()[species_a], "A");
  const std::uint32_t contact = ParameterIndex(*partner.model, "contact");
  constexpr double kScale = 0.5;
  for (SpatialMode mode : {SpatialMode::kLattice, SpatialMode::kMixed}) {
    PopulationOptions options;
    options.initial_cells = 50;
    options.seed = 42;
    options.replicate = 1;
    options.mode = mode;
    auto alone = Make(toggle, options);
    ASSERT_TRUE(alone && alone->AdvanceTo(48.0).ok());
    options.partner.model = partner.model;
    options.partner.rules = partner.rules;
    options.partner.initial_cells = 40;
    options.partner.contact_feeds.push_back({contact, *a, kScale});
    std::string partner_bytes;
    for (unsigned threads : {1u, 2u}) {
      options.threads = threads;
      auto both = Make(toggle, options);
      ASSERT_TRUE(both && both->AdvanceTo(48.0).ok());
      EXPECT_TRUE(test_support::PopulationFingerprint(*both) == test_support::PopulationFingerprint(*alone))
          << "partners changed the primary cells (" << threads << " threads)";
      const PopulationCounts counts = both->PartnerCounts();
      EXPECT_EQ(counts.alive + counts.deaths, 40u) << "partners neither divide nor vanish";
      EXPECT_EQ(counts.divisions, 0u);
      EXPECT_GT(counts.per_fate[0], 0u) << "partners run their network and commit";
      if (threads == 1) {
        partner_bytes = PartnerFingerprint(*both);
      } else {
        EXPECT_TRUE(PartnerFingerprint(*both) == partner_bytes) << "2 threads differ from 1";
      }
      // The contact feed against a direct count of the primary cells' A.
      const auto& cells = both->cells();
      const HexLattice& lattice = both->lattice();
      double total = 0;
      for (const Cell& c : cells) total += c.state.x[species_a];
      ASSERT_GT(total, 0);
      for (const Cell& o : both->partner_cells()) {
        double expected = kScale * 6 * total / lattice.num_sites();
        if (mode == SpatialMode::kLattice) {
          double sum = 0;
          for (std::uint32_t site : lattice.Neighbours(o.site)) {
            for (const Cell& c : cells) sum += c.site == site ? c.state.x[species_a] : 0.0;
          }
          expected = kScale * sum;
        }
        EXPECT_NEAR(o.state.p[contact], expected, 1e-9 * (1 + expected));
      }
    }
  }
}

TEST(PopulationTest, PartnersReadSummedPoolsAndMayRunAlone) {
  // Two fixed pools (no secretion, reactions or clearance): fed = P + Q = 12.
  // The primary cells neither divide (quiescent) nor die.
  grnsim::v1::Network primary = test_support::ParseNetwork(R"pb(
    name: "well"
    time_unit: h
    species { name: "X" initial_count: 1 }
    reaction {
      name: "X_decay"
      reactant { species: "X" }
      propensity: "0.1 * X"
    }
    medium {
      pool { name: "P" unit: pM fresh: "5" }
      pool { name: "Q" unit: pM fresh: "7" }
    }
    population { quiescent: true death_rate: "0" }
  )pb");
  ASSERT_TRUE(ValidateMedium(primary).empty());
  PrepareMediumNetwork(&primary);
  const Loaded well = Load(primary);
  ASSERT_TRUE(well.model);
  StatusOr<MediumSpec> medium = CompileMedium(primary, *well.model);
  ASSERT_TRUE(medium.ok()) << medium.status().message();
  const Loaded partner = LoadPartner();
  const std::uint32_t fed = ParameterIndex(*partner.model, "fed");
  PopulationOptions options;
  options.seed = 5;
  options.medium = std::make_shared<const MediumSpec>(std::move(*medium));
  options.partner.model = partner.model;
  options.partner.rules = partner.rules;
  options.partner.initial_cells = 20;
  options.partner.pool_feeds.push_back({fed, {0, 1}});
  for (std::uint64_t primary_cells : {0u, 10u}) {
    options.initial_cells = primary_cells;
    auto p = Make(well, options);
    ASSERT_TRUE(p);
    for (const Cell& o : p->partner_cells()) EXPECT_EQ(o.state.p[fed], 12.0);
    ASSERT_TRUE(p->AdvanceTo(5.0).ok());
    EXPECT_EQ(p->cells().size(), primary_cells);
    ASSERT_FALSE(p->partner_cells().empty());
    for (const Cell& o : p->partner_cells()) EXPECT_NEAR(o.state.p[fed], 12.0, 1e-6);
    EXPECT_GT(p->partner_events(), 0u);
  }
  // A pool the medium does not have.
  options.partner.pool_feeds = {{fed, {2}}};
  EXPECT_FALSE(Population::Create(well.model, well.rules, options).ok());
}

// PartnerOptions::seed_time: no partners before it; plated at the first sync
// point at or after it, then fed, run and counted from there; the primary
// cells are as without partners; the same bytes for 1 and 2 threads.
TEST(PopulationTest, PartnersPlatedLaterJoinAtTheFirstSyncPointAfter) {
  const Loaded toggle = LoadToggle();
  const Loaded partner = LoadPartner();
  ASSERT_TRUE(toggle.model && partner.model);
  PopulationOptions options;
  options.initial_cells = 30;
  options.seed = 8;
  options.sync_interval = 0.5;
  auto alone = Make(toggle, options);
  ASSERT_TRUE(alone && alone->AdvanceTo(30.0).ok());
  options.partner.model = partner.model;
  options.partner.rules = partner.rules;
  options.partner.initial_cells = 25;
  options.partner.seed_time = 20.2;  // between sync points: plated at 20.5
  std::string partner_bytes;
  for (unsigned threads : {1u, 2u}) {
    options.threads = threads;
    auto p = Make(toggle, options);
    ASSERT_TRUE(p);
    ASSERT_TRUE(p->AdvanceTo(20.0).ok());
    EXPECT_TRUE(p->partner_cells().empty()) << "plated before its time";
    EXPECT_EQ(p->PartnerCounts().alive, 0u);
    ASSERT_TRUE(p->AdvanceTo(20.5).ok());
    ASSERT_EQ(p->partner_cells().size(), 25u);
    for (const Cell& o : p->partner_cells()) {
      EXPECT_EQ(o.birth_time, 20.5);
      EXPECT_EQ(o.state.t, 20.5) << "a plated cell starts at the plating time";
    }
    ASSERT_TRUE(p->AdvanceTo(30.0).ok());
    for (const Cell& o : p->partner_cells()) EXPECT_EQ(o.state.t, 30.0);
    EXPECT_GT(p->partner_events(), 0u);
    // Partners live from 20.5 only (some die: rate 0.01 /h).
    EXPECT_LE(p->partner_cell_time(), 25 * 9.5 + 1e-9);
    EXPECT_GT(p->partner_cell_time(), 0.7 * 25 * 9.5);
    EXPECT_TRUE(test_support::PopulationFingerprint(*p) == test_support::PopulationFingerprint(*alone)) << "partners changed the primary cells";
    if (threads == 1) {
      partner_bytes = PartnerFingerprint(*p);
    } else {
      EXPECT_TRUE(PartnerFingerprint(*p) == partner_bytes) << "2 threads differ from 1";
    }
  }
  options.partner.seed_time = -1;
  EXPECT_FALSE(Population::Create(toggle.model, toggle.rules, options).ok());
}

// PopulationConfig.fusion (BIOLOGY.md §3.7): committed partners on adjacent
// sites fuse; fusion draws from its own stream, so every cell's network runs
// as without it; the bytes are the same for 1 and 2 threads; a fused cell's
// nuclei are committed and connected on the lattice; and the counts follow
// the min_nuclei rule.
std::string FusingPartner(double rate, int min_contact) {
  std::string text = kPartner;
  const std::string quiescent = "population { quiescent: true";
  text.replace(text.find(quiescent), quiescent.size(),
               quiescent + " fusion { fate: \"high\" rate: \"" + std::to_string(rate) +
                   "\" min_contact: " + std::to_string(min_contact) + " }");
  return text;
}

TEST(PopulationTest, FusionJoinsAdjacentCommittedPartnersAndChangesNoDynamics) {
  const Loaded toggle = LoadToggle();  // a 20 x 20 lattice
  const Loaded plain = LoadPartner();
  const Loaded fusing = LoadPartner(FusingPartner(2.0, 3));
  ASSERT_TRUE(toggle.model && plain.model && fusing.model);
  ASSERT_EQ(fusing.rules->fusion.fate, 0);
  PopulationOptions options;
  options.initial_cells = 10;
  options.seed = 21;
  options.partner.initial_cells = 300;  // of 400 sites: dense
  auto run = [&](const Loaded& partner, unsigned threads) {
    options.partner.model = partner.model;
    options.partner.rules = partner.rules;
    options.threads = threads;
    auto p = Make(toggle, options);
    EXPECT_TRUE(p && p->AdvanceTo(30.0).ok());
    return p;
  };
  auto without = run(plain, 1);
  auto with = run(fusing, 1);
  auto with_two = run(fusing, 2);
  ASSERT_TRUE(without && with && with_two);
  EXPECT_TRUE(PartnerFingerprint(*with) == PartnerFingerprint(*without))
      << "fusion changed the partners' networks or fates";
  EXPECT_TRUE(PartnerFingerprint(*with_two) == PartnerFingerprint(*with));
  const PopulationCounts counts = with->PartnerCounts();
  EXPECT_GT(counts.multinucleated, 0u);
  EXPECT_EQ(without->PartnerCounts().multinucleated, 0u);
  EXPECT_EQ(with_two->PartnerCounts().multinucleated, counts.multinucleated);

  const auto& cells = with->partner_cells();
  const HexLattice& lattice = with->lattice();
  std::map<std::uint64_t, std::uint64_t> nuclei;
  for (const Cell& c : cells) {
    if (c.fused_into == 0) continue;
    EXPECT_EQ(c.fate, 0) << "only committed cells fuse";
    ++nuclei[c.fused_into];
  }
  std::uint64_t multinucleated = 0, in_them = 0;
  for (const auto& [group, n] : nuclei) {
    if (n >= 3) {
      ++multinucleated;
      in_them += n;
    }
  }
  EXPECT_EQ(counts.multinucleated, multinucleated);
  EXPECT_EQ(counts.multinucleated_nuclei, in_them);
  // Each fused nucleus touches another nucleus of its cell (no death in this
  // window could split one: a nucleus's neighbour may have died, so allow a few).
  int isolated = 0;
  for (const Cell& c : cells) {
    if (c.fused_into == 0 || nuclei[c.fused_into] < 2) continue;
    bool touches = false;
    for (std::uint32_t site : lattice.Neighbours(c.site)) {
      for (const Cell& d : cells) touches = touches || (d.site == site && d.fused_into == c.fused_into);
    }
    isolated += touches ? 0 : 1;
  }
  EXPECT_LE(isolated, static_cast<int>(cells.size() / 20));

  // Rate 0: no fusion; on well-mixed cells: refused.
  auto none = run(LoadPartner(FusingPartner(0.0, 3)), 1);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->PartnerCounts().multinucleated, 0u);
  options.mode = SpatialMode::kMixed;
  options.partner.model = fusing.model;
  options.partner.rules = fusing.rules;
  const auto mixed = Population::Create(toggle.model, toggle.rules, options);
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("needs the lattice"), std::string::npos);
}

// min_contact: a pair fuses only when, with the committed cells touching
// either, at least min_contact cells are in contact. Sparse partners mostly
// form pairs: min_contact 2 fuses more of them than 3 (and 7, a pair with
// five more committed neighbours, fewer still).
TEST(PopulationTest, FusionNeedsTheContactGroup) {
  const Loaded toggle = LoadToggle();
  PopulationOptions options;
  options.initial_cells = 10;
  options.seed = 4;
  options.partner.initial_cells = 120;  // of 400 sites: sparse
  auto fused_nuclei = [&](int min_contact) {
    const Loaded partner = LoadPartner(FusingPartner(5.0, min_contact));
    options.partner.model = partner.model;
    options.partner.rules = partner.rules;
    auto p = Make(toggle, options);
    EXPECT_TRUE(p && p->AdvanceTo(60.0).ok());
    std::uint64_t n = 0;
    for (const Cell& c : p->partner_cells()) n += c.fused_into != 0 ? 1 : 0;
    return n;
  };
  const std::uint64_t two = fused_nuclei(2), three = fused_nuclei(3), seven = fused_nuclei(7);
  EXPECT_GT(two, three);
  EXPECT_GE(three, seven);
  EXPECT_GT(two, 0u);
  std::printf("fused nuclei, min_contact 2 / 3 / 7: %llu / %llu / %llu\n",
              static_cast<unsigned long long>(two), static_cast<unsigned long long>(three),
              static_cast<unsigned long long>(seven));
}

TEST(PopulationTest, RefusesDividingPartnersAndAnEmptyWell) {
  const Loaded toggle = LoadToggle();
  PopulationOptions options;
  options.initial_cells = 0;
  EXPECT_FALSE(Population::Create(toggle.model, toggle.rules, options).ok()) << "no cells at all";
  options.partner.model = toggle.model;  // divides
  options.partner.rules = toggle.rules;
  options.partner.initial_cells = 5;
  const auto dividing = Population::Create(toggle.model, toggle.rules, options);
  ASSERT_FALSE(dividing.ok());
  EXPECT_NE(dividing.status().message().find("must not divide"), std::string::npos);
  const Loaded partner = LoadPartner();
  options.partner.model = partner.model;
  options.partner.rules = partner.rules;
  EXPECT_TRUE(Population::Create(toggle.model, toggle.rules, options).ok());
  options.partner.initial_cells = 0;
  EXPECT_FALSE(Population::Create(toggle.model, toggle.rules, options).ok());
}

// PopulationConfig.heterogeneity: seeded cells carry lognormal factors of
// mean 1 and the declared CV on the parameter; daughters inherit the value;
// other parameters and every other draw are untouched (bytes equal across
// thread counts). The sample CV over 2,500 cells has a standard error of
// about 0.005 at cv 0.3, so 0.3 ± 0.03 accepts it and rejects cv 0.36 (the
// negative control: the same check, same seed, on a 20% larger CV).
std::string Heterogeneous(double cv) {
  return R"pb(
    name: "hetero" time_unit: h
    species { name: "Z" role: protein }
    parameter { name: "k" value: 2 }
    parameter { name: "other" value: 3 }
    reaction { name: "never" reactant { species: "Z" } k: 1 }
    population { cycle_time: "1e9" death_rate: "0" senescent_fraction: "0"
                 lattice_width: 50 lattice_height: 50
                 heterogeneity { parameter: "k" cv: )pb" +
         std::to_string(cv) + " } }";
}

// Mean and CV of parameter `name` over the seeded cells of one population.
std::pair<double, double> ParameterMoments(const Loaded& l, const std::string& name,
                                           unsigned threads) {
  PopulationOptions options;
  options.initial_cells = 2500;
  options.seed = 77;
  options.threads = threads;
  auto p = Make(l, options);
  if (p == nullptr) return {0, 0};
  const auto& names = l.model->parameter_names();
  const std::size_t k = std::find(names.begin(), names.end(), name) - names.begin();
  double sum = 0, sum2 = 0;
  for (const Cell& c : p->cells()) {
    sum += c.state.p[k];
    sum2 += c.state.p[k] * c.state.p[k];
  }
  const double n = static_cast<double>(p->cells().size());
  const double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
  return {mean, std::sqrt(var) / mean};
}

TEST(PopulationTest, HeterogeneityDrawsLognormalFactorsOfTheDeclaredCv) {
  const Loaded l = LoadText(Heterogeneous(0.3));
  ASSERT_TRUE(l.model);
  const auto [mean, cv] = ParameterMoments(l, "k", 2);
  EXPECT_NEAR(mean, 2.0, 2.0 * 4 * 0.3 / std::sqrt(2500.0));
  EXPECT_NEAR(cv, 0.3, 0.03);
  const auto [other_mean, other_cv] = ParameterMoments(l, "other", 1);
  EXPECT_EQ(other_mean, 3.0);
  EXPECT_EQ(other_cv, 0.0);
  // Threads change nothing.
  EXPECT_EQ(ParameterMoments(l, "k", 1), ParameterMoments(l, "k", 2));
}

TEST(PopulationTest, HeterogeneityControlLargerCvFailsTheCheck) {
  const Loaded l = LoadText(Heterogeneous(0.36));
  ASSERT_TRUE(l.model);
  EXPECT_GT(std::abs(ParameterMoments(l, "k", 1).second - 0.3), 0.03);
}

// Parameter sets (PopulationOptions::parameter_set, the variance split):
// replicates of one set give every seeded cell the same factors and differ in
// their other draws (sites); another set draws other factors, still with the
// declared CV; threads change nothing.
TEST(PopulationTest, ParameterSetsShareFactorsAcrossReplicates) {
  const Loaded l = LoadText(Heterogeneous(0.3));
  ASSERT_TRUE(l.model);
  const auto& names = l.model->parameter_names();
  const std::size_t k = std::find(names.begin(), names.end(), "k") - names.begin();
  struct Seeded {
    std::vector<double> k;
    std::vector<std::uint32_t> sites;
  };
  auto run = [&](std::optional<std::uint64_t> set, std::uint64_t replicate, unsigned threads) {
    PopulationOptions options;
    options.initial_cells = 2500;
    options.seed = 77;
    options.replicate = replicate;
    options.parameter_set = set;
    options.threads = threads;
    Seeded out;
    auto p = Make(l, options);
    if (p == nullptr) return out;
    for (const Cell& c : p->cells()) {
      out.k.push_back(c.state.p[k]);
      out.sites.push_back(c.site);
    }
    return out;
  };
  const Seeded a0 = run(0, 0, 1), a1 = run(0, 1, 2), b0 = run(1, 0, 1), own = run({}, 0, 1);
  ASSERT_EQ(a0.k.size(), 2500u);
  EXPECT_EQ(a0.k, a1.k) << "one set, two replicates: the same factors";
  EXPECT_NE(a0.sites, a1.sites) << "but their other draws differ";
  EXPECT_EQ(a0.sites, b0.sites) << "the set changes no other draw";
  EXPECT_EQ(a0.k, run(0, 0, 2).k);
  for (const Seeded* other : {&b0, &own}) {
    int equal = 0;
    for (std::size_t i = 0; i < a0.k.size(); ++i) equal += a0.k[i] == other->k[i];
    EXPECT_EQ(equal, 0) << "another set (or none) draws other factors";
  }
  double sum = 0, sum2 = 0;
  for (double v : b0.k) {
    sum += v;
    sum2 += v * v;
  }
  const double mean = sum / 2500, cv = std::sqrt((sum2 - 2500 * mean * mean) / 2499) / mean;
  EXPECT_NEAR(mean, 2.0, 2.0 * 4 * 0.3 / 50);
  EXPECT_NEAR(cv, 0.3, 0.03);
}

TEST(PopulationTest, HeterogeneityIsInheritedAtDivision) {
  std::string text = Heterogeneous(0.5);
  text.replace(text.find("cycle_time: \"1e9\""), 17, "cycle_time: \"2\"");
  const Loaded l = LoadText(text);
  ASSERT_TRUE(l.model);
  PopulationOptions options;
  options.initial_cells = 20;
  options.seed = 5;
  auto p = Make(l, options);
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->AdvanceTo(6.0).ok());
  const auto& names = l.model->parameter_names();
  const std::size_t k = std::find(names.begin(), names.end(), "k") - names.begin();
  std::map<std::uint64_t, double> value;  // lineage -> k
  for (const Cell& c : p->cells()) value[c.lineage] = c.state.p[k];
  int daughters = 0;
  for (const Cell& c : p->cells()) {
    if (c.parent == 0) continue;
    ++daughters;
    // The sister shares the mother's value: every daughter's k equals that
    // of some seeded-cell ancestor, so values repeat within a clone.
    int same = 0;
    for (const auto& [lineage, v] : value) same += v == c.state.p[k];
    EXPECT_GE(same, 2) << "lineage " << c.lineage;
  }
  EXPECT_GT(daughters, 0);
}

TEST(PopulationTest, HeterogeneityOfACoupledOrUnknownParameterIsRefused) {
  auto net = test_support::ParseNetwork(Heterogeneous(0.3));
  net.mutable_population()->mutable_heterogeneity(0)->set_parameter("nope");
  EXPECT_FALSE(ValidatePopulationRules(net).empty());
  net.mutable_population()->mutable_heterogeneity(0)->set_parameter("k");
  net.mutable_population()->mutable_heterogeneity(0)->set_cv(0);
  EXPECT_FALSE(ValidatePopulationRules(net).empty());
  net.mutable_population()->mutable_heterogeneity(0)->set_cv(0.3);
  auto* coupling = net.add_coupling();
  coupling->set_parameter("k");
  coupling->set_species("Z");
  const auto problems = ValidatePopulationRules(net);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message.find("overwrites it"), std::string::npos) << problems[0].message;
}

}  // namespace
}  // namespace grn
