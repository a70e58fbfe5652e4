// engine/model/fate_rules.h
//
// The population part of a network file (Network.fate, .coupling and
// .population in proto/network.proto), checked and compiled into plain
// structs the population engine reads without protobuf.
//
// Flow: ValidatePopulationRules(net) lists every problem with its field path
// (so the io layer prints file:line:col); PreparePopulationNetwork(&net) makes
// the parameters the population layer writes be read live by compiled code;
// then Compile(net) and CompilePopulationRules(net, model).
//
// Invariants of a compiled PopulationRules: every index is in range of the
// model compiled from the same prepared network; dwell >= 0; cycle_time > 0;
// rates >= 0; fractions in [0, 1]; cycle_shape, max_neighbours and the
// lattice sides >= 1; copy_at_division has one entry per species.
#ifndef GRN_ENGINE_MODEL_FATE_RULES_H_
#define GRN_ENGINE_MODEL_FATE_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/kinetics/expression.h"
#include "engine/model/compiled_model.h"
#include "engine/model/validate.h"

namespace grnsim::v1 {
class Network;
}

namespace grn {

// The defaults of BIOLOGY.md §3.3, in hours.
inline constexpr double kDefaultCycleHours = 36.0;
inline constexpr std::uint32_t kDefaultCycleShape = 4;
inline constexpr double kDefaultDeathRatePerHour = 0.0005;
inline constexpr double kDefaultSenescentFraction = 0.05;
inline constexpr double kDefaultSenescencePerDivision = 0.005;
inline constexpr std::uint32_t kDefaultMaxNeighbours = 6;
inline constexpr std::uint32_t kDefaultLatticeSide = 40;
inline constexpr std::uint32_t kMaxLatticeSide = 4096;

// Set a species count or a parameter of one cell.
struct CellSetting {
  bool species = false;  // else a parameter
  std::uint32_t index = 0;
  double value = 0.0;
};

struct FateRule {
  std::string name;
  ExpressionProgram condition;  // over the cell's counts (x) and parameters (p)
  double dwell = 0.0;           // model time units
  std::vector<CellSetting> on_commit;
  double cycle_time_factor = 1.0;
  std::int64_t max_divisions = -1;  // after commitment; -1: no limit
  double death_rate_factor = 1.0;
};

struct CouplingRule {
  std::string parameter_name, species_name;
  std::uint32_t parameter = 0;  // written at every synchronisation point
  std::uint32_t species = 0;    // read from the neighbours
  bool over_sites = false;      // mean over the six sites (empty = 0), else over contacts
};

// The largest coefficient of variation PopulationConfig.heterogeneity takes.
inline constexpr double kMaxHeterogeneityCv = 10.0;

// PopulationConfig.heterogeneity: a lognormal factor exp(σZ − σ²/2).
struct HeterogeneityRule {
  std::string parameter_name;
  std::uint32_t parameter = 0;
  double sigma = 0.0;  // sqrt(ln(1 + cv²))
};

// PopulationConfig.homing (BIOLOGY.md §3.6): an infused donor cell's chance
// of homing, over its counts and parameters after the donor pre-culture.
struct HomingRule {
  std::string text;  // as written, for messages
  ExpressionProgram probability;
};

// PopulationConfig.fusion (BIOLOGY.md §3.7).
struct FusionRule {
  int fate = -1;               // -1: no fusion
  double rate = 0.0;           // per contact pair per model time unit
  std::uint32_t min_contact = 3;
  std::uint32_t min_nuclei = 3;
};

// PopulationConfig.mosaic: settings a random subset of the seeded cells get
// (each cell with probability `fraction`); entry k is bit k of Cell::mosaic.
struct MosaicRule {
  double fraction = 0.0;
  std::vector<CellSetting> settings;
};
inline constexpr int kMaxMosaicEntries = 32;  // bits of Cell::mosaic

struct PopulationRules {
  std::vector<FateRule> fates;
  std::vector<CouplingRule> couplings;
  // Per species: 1 if copied to both daughters at division (gene role,
  // constant, defined by a rule, or listed in copy_at_division), 0 if
  // partitioned binomially.
  std::vector<char> copy_at_division;
  double hours_per_time_unit = 1.0;
  double cycle_time = kDefaultCycleHours;  // model time units
  std::uint32_t cycle_shape = kDefaultCycleShape;
  double death_rate = kDefaultDeathRatePerHour;  // per model time unit
  double senescent_fraction = kDefaultSenescentFraction;
  double senescence_per_division = kDefaultSenescencePerDivision;
  std::uint32_t max_neighbours = kDefaultMaxNeighbours;
  std::uint32_t lattice_width = kDefaultLatticeSide;
  std::uint32_t lattice_height = kDefaultLatticeSide;
  bool divides = true;  // false: PopulationConfig.quiescent, no cell ever divides
  std::vector<HeterogeneityRule> heterogeneity;
  bool has_homing = false;  // the network declares population { homing }
  HomingRule homing;
  FusionRule fusion;
  std::vector<MosaicRule> mosaic;

  // The index of the fate called `name`, or -1.
  int FateIndex(const std::string& name) const;
};

// Hours in one unit of the network's time_unit ("s", "min", "h", "d"), or
// 0 for an unknown unit.
double HoursPerTimeUnit(const std::string& time_unit);

// Every problem with the fate, coupling and population fields: unknown names,
// bad expressions, dwell < 0, duplicate fates, out-of-range settings.
std::vector<Diagnostic> ValidatePopulationRules(const grnsim::v1::Network& network);

// The population layer writes parameters (coupling targets, on_commit and
// mosaic settings and heterogeneous parameters) during a run. Compile folds a parameter no event changes into a
// constant, so each of these gets an event that assigns it and never fires
// (at_time = DBL_MAX), which makes every law read its current value. An
// assignment rule defining a coupled parameter is removed: the coupling
// replaces it.
// TODO(lead): a Compile option listing parameters to read live would say
// this directly.
void PreparePopulationNetwork(grnsim::v1::Network* network);

// As PreparePopulationNetwork, for parameters the caller will write (e.g.
// the medium values a co-culture feeds the second cell type): each parameter
// of `names` that no event assigns gets a never-firing event assigning it,
// so Compile reads it live. Names that are not parameters are skipped.
void MakeParametersLive(grnsim::v1::Network* network, const std::vector<std::string>& names);

// REQUIRES: ValidatePopulationRules(network) is empty; `network` was
// prepared, and `model` compiled from it. Fails if a population setting
// evaluates out of range (naming the field and the value).
StatusOr<PopulationRules> CompilePopulationRules(const grnsim::v1::Network& network,
                                                 const CompiledModel& model);

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_FATE_RULES_H_
