// tests/population/homing_test.cc
//
// Infusion mode of the population layer (PopulationOptions::infusion,
// BIOLOGY.md §3.6): donor cells pre-cultured alone, homing by the network's
// rule, joining the lattice flagged donor-derived.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "engine/io/network_io.h"
#include "engine/model/fate_rules.h"
#include "engine/model/validate.h"
#include "engine/population/population.h"
#include "proto/network.pb.h"
#include "tests/support/population_models.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using Loaded = test_support::LoadedPopulation;

Loaded Load(grnsim::v1::Network net) { return test_support::LoadPopulationNetwork(std::move(net)); }

// X is made at kx = 0.5 /h from one gene copy and never lost, so after a
// pre-culture of T hours X ~ Poisson(λ = 0.5 T), independently per cell. With
// p = PMAX · X² / 4000 the mean homing probability is PMAX · (λ + λ²) / 4000:
// 0.15 for T = 48 h (λ = 24; X > 63, p > 1, has probability < 1e-10).
std::string PoissonNetwork(const std::string& homing = "PMAX * X^2 / 4000", int side = 70,
                           const std::string& pmax = "1") {
  return R"pb(
    name: "poisson_homing" time_unit: h
    species { name: "G" initial_count: 1 role: gene }
    species { name: "X" role: protein }
    parameter { name: "kx" value: 0.5 }
    parameter { name: "PMAX" value: )pb" +
         pmax + R"pb( }
    reaction { name: "make" reactant { species: "G" } product { species: "G" }
               product { species: "X" } k_param: "kx" }
    population { cycle_time: "30" death_rate: "0" senescent_fraction: "0"
                 senescence_per_division: "0" lattice_width: )pb" +
         std::to_string(side) + " lattice_height: " + std::to_string(side) +
         " homing { probability: \"" + homing + "\" } }";
}

Loaded LoadPoisson(const std::string& homing = "PMAX * X^2 / 4000", int side = 70,
                   const std::string& pmax = "1") {
  return Load(test_support::ParseNetwork(PoissonNetwork(homing, side, pmax)));
}

// The toggle of the population tests (it has a coupling, fates and
// division), homing with its A level.
Loaded LoadToggleWithHoming(const std::string& probability = "A^2 / (A^2 + 200^2)") {
  auto file = ReadNetworkFile(std::string(GRN_SOURCE_DIR) +
                              "/tests/testdata/population/toggle.textproto");
  EXPECT_TRUE(file.ok()) << file.status().message();
  if (!file.ok()) return {};
  file->network.mutable_population()->mutable_homing()->set_probability(probability);
  return Load(file->network);
}

StatusOr<std::unique_ptr<Population>> Make(const Loaded& l, const PopulationOptions& options) {
  return Population::Create(l.model, l.rules, options);
}

std::uint64_t DonorDerived(const Population& p) {
  std::uint64_t n = 0;
  for (const Cell& c : p.cells()) n += c.donor;
  return n;
}

TEST(HomingTest, HomedCellsAreDeterministicAndTheSameForOneAndTwoThreads) {
  const Loaded toggle = LoadToggleWithHoming();
  ASSERT_TRUE(toggle.model);
  for (SpatialMode mode : {SpatialMode::kLattice, SpatialMode::kMixed}) {
    std::string reference;
    std::uint64_t homed = 0;
    for (unsigned threads : {1u, 2u, 1u}) {
      PopulationOptions options;
      options.initial_cells = 40;
      options.seed = 11;
      options.replicate = 2;
      options.threads = threads;
      options.mode = mode;
      options.infusion.donor_cells = 150;
      auto p = Make(toggle, options);
      ASSERT_TRUE(p.ok()) << p.status().message();
      ASSERT_TRUE((*p)->AdvanceTo(36.0).ok());
      const std::string bytes = test_support::PopulationFingerprint(**p);
      if (reference.empty()) {
        reference = bytes;
        homed = (*p)->infusion().homed;
        EXPECT_EQ((*p)->infusion().infused, 150u);
        // Some but not all donors home (A is bimodal after 48 h).
        EXPECT_GT(homed, 0u);
        EXPECT_LT(homed, 150u);
        EXPECT_GE(DonorDerived(**p), 1u);
      } else {
        EXPECT_EQ((*p)->infusion().homed, homed);
        EXPECT_TRUE(bytes == reference) << threads << " threads differ";
      }
    }
  }
}

TEST(HomingTest, ResidentCellsDoNotDependOnTheDonors) {
  const Loaded toggle = LoadToggleWithHoming();
  ASSERT_TRUE(toggle.model);
  PopulationOptions options;
  options.initial_cells = 40;
  options.seed = 5;
  auto alone = Make(toggle, options);
  ASSERT_TRUE(alone.ok());
  options.infusion.donor_cells = 150;
  auto infused = Make(toggle, options);
  ASSERT_TRUE(infused.ok());
  ASSERT_GT((*infused)->infusion().homed, 0u);
  // At t = 0 the residents come first, as seeded without donors (sites,
  // counts, streams); the homed cells follow, flagged, with new lineages.
  // Only the coupled input A_nb may differ: homed cells are neighbours.
  const auto& with = (*infused)->cells();
  ASSERT_EQ(with.size(), 40u + (*infused)->infusion().homed);
  auto without_coupling = [&toggle](std::vector<Cell> cells) {
    for (Cell& c : cells) c.state.p[toggle.rules->couplings.at(0).parameter] = 0;
    return test_support::CellsFingerprint(cells);
  };
  const std::vector<Cell> residents(with.begin(), with.begin() + 40);
  EXPECT_TRUE(without_coupling(residents) == without_coupling((*alone)->cells()));
  for (std::size_t i = 0; i < 40; ++i) {
    Rng a = with[i].rng, b = (*alone)->cells()[i].rng;
    EXPECT_EQ(a.NextU64(), b.NextU64()) << "stream of resident " << i;
  }
  for (std::size_t i = 0; i < with.size(); ++i) {
    EXPECT_EQ(with[i].donor, i >= 40) << i;
    EXPECT_EQ(with[i].lineage, i + 1);
    EXPECT_EQ(with[i].state.t, 0.0);
  }

  // When no donor can home, the whole run is the run without infusion, bytes.
  const Loaded never = LoadToggleWithHoming("0 * A");
  ASSERT_TRUE(never.model);
  PopulationOptions plain = options;
  plain.infusion.donor_cells = 0;
  auto a = Make(never, plain);
  auto b = Make(never, options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*b)->infusion().infused, 150u);
  EXPECT_EQ((*b)->infusion().homed, 0u);
  ASSERT_TRUE((*a)->AdvanceTo(48.0).ok());
  ASSERT_TRUE((*b)->AdvanceTo(48.0).ok());
  EXPECT_TRUE(test_support::PopulationFingerprint(**a) == test_support::PopulationFingerprint(**b));
}

TEST(HomingTest, DonorFlagPassesToDaughtersAndHomedCellsAloneRun) {
  const Loaded poisson = LoadPoisson();
  ASSERT_TRUE(poisson.model);
  PopulationOptions options;
  options.initial_cells = 0;  // homed cells alone
  options.seed = 3;
  options.infusion.donor_cells = 200;
  auto p = Make(poisson, options);
  ASSERT_TRUE(p.ok()) << p.status().message();
  const std::uint64_t homed = (*p)->infusion().homed;
  ASSERT_GT(homed, 0u);
  ASSERT_TRUE((*p)->AdvanceTo(96.0).ok());
  EXPECT_GT((*p)->Counts().divisions, 0u);
  EXPECT_GT((*p)->cells().size(), homed);
  EXPECT_EQ(DonorDerived(**p), (*p)->cells().size()) << "every descendant of a homed cell";
}

// The homed fraction is the mean of the p_i (each draw is Bernoulli(p_i),
// p_i i.i.d.): Binomial(N, E p) with E p known from the Poisson law of X.
TEST(HomingTest, HomedFractionIsTheMeanHomingProbability) {
  const std::uint64_t n = 4000;
  const double lambda = 0.5 * 48.0, expected = (lambda + lambda * lambda) / 4000.0;  // 0.15
  const double count_sd = std::sqrt(n * expected * (1 - expected));                 // 22.6
  auto run = [&](double preculture_hours) {
    const Loaded poisson = LoadPoisson();
    PopulationOptions options;
    options.initial_cells = 0;
    options.seed = 20240607;
    options.mode = SpatialMode::kMixed;
    options.infusion.donor_cells = n;
    options.infusion.preculture_time = preculture_hours;
    auto p = Make(poisson, options);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? (*p)->infusion() : InfusionResult{};
  };
  const InfusionResult r = run(48.0);
  EXPECT_EQ(r.infused, n);
  // sd of the mean p: sqrt(Var X² / n) / 4000 ≈ 0.001.
  EXPECT_NEAR(r.probability_sum / n, expected, 0.005);
  EXPECT_NEAR(static_cast<double>(r.homed), n * expected, 4 * count_sd);
  // Negative control: homing read after 24 h (E p = 0.039) fails the same bound.
  const InfusionResult early = run(24.0);
  EXPECT_FALSE(std::fabs(static_cast<double>(early.homed) - n * expected) < 4 * count_sd)
      << early.homed;
}

TEST(HomingTest, ProbabilityOutsideZeroOneIsAnErrorNamingTheRule) {
  for (const char* rule : {"X / 5", "-0.1 + 0 * X"}) {
    const Loaded bad = LoadPoisson(rule);
    ASSERT_TRUE(bad.model);
    PopulationOptions options;
    options.initial_cells = 10;
    options.infusion.donor_cells = 20;
    auto p = Make(bad, options);
    ASSERT_FALSE(p.ok()) << rule;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(rule), std::string::npos) << p.status().message();
    EXPECT_NE(p.status().message().find("[0, 1]"), std::string::npos) << p.status().message();
  }
}

TEST(HomingTest, TooFewFreeSitesIsAnError) {
  // 10 × 10 sites, 95 residents: about 30 of 200 donors home into 5 free sites.
  const Loaded small = LoadPoisson("PMAX * X^2 / 4000", 10);
  ASSERT_TRUE(small.model);
  for (SpatialMode mode : {SpatialMode::kLattice, SpatialMode::kMixed}) {
    PopulationOptions options;
    options.mode = mode;
    options.initial_cells = 95;
    options.infusion.donor_cells = 200;
    auto p = Make(small, options);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find("free"), std::string::npos) << p.status().message();
    // Room for them: no error.
    options.initial_cells = 10;
    EXPECT_TRUE(Make(small, options).ok());
  }
}

TEST(HomingTest, InfusionNeedsAHomingRuleAndTheRuleIsValidated) {
  grnsim::v1::Network net = test_support::ParseNetwork(PoissonNetwork());
  net.mutable_population()->clear_homing();
  const Loaded without = Load(net);
  ASSERT_TRUE(without.model);
  PopulationOptions options;
  options.initial_cells = 0;
  options.infusion.donor_cells = 10;
  auto p = Make(without, options);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("homing"), std::string::npos) << p.status().message();
  // Residents are still required without donors.
  options.infusion.donor_cells = 0;
  EXPECT_FALSE(Make(without, options).ok());

  for (const char* bad : {"", "NOPE * X", "X +"}) {
    net.mutable_population()->mutable_homing()->set_probability(bad);
    const auto problems = ValidatePopulationRules(net);
    ASSERT_EQ(problems.size(), 1u) << bad;
    EXPECT_NE(problems[0].message.find("homing probability"), std::string::npos)
        << problems[0].message;
  }
}

}  // namespace
}  // namespace grn
