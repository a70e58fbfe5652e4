// engine/model/medium_rules.h
//
// The medium section of a network file (Network.medium in
// proto/network.proto, BIOLOGY.md §3.5), checked and compiled into plain
// structs the population engine reads without protobuf
// (engine/population/medium_pool.h integrates them).
//
// Flow, beside the fate rules (fate_rules.h): ValidateMedium(net) lists every
// problem with its field path and the pool or reaction it concerns (the io
// layer prints file:line:col); PrepareMediumNetwork(&net) makes the fed
// parameters be read live by compiled code; then Compile(net) and
// CompileMedium(net, model).
//
// Invariants of a compiled MediumSpec: volume_per_cell > 0; change_period
// >= 0 (0: never); every pool's fresh value and clearance >= 0 and finite;
// every index (feeds, reaction pools) is in range; the cell programs
// (secretion, uptake) read the model compiled from the same prepared network;
// the reaction programs read pool values as "species" (x = the pool vector)
// and hold every parameter as a constant.
#ifndef GRN_ENGINE_MODEL_MEDIUM_RULES_H_
#define GRN_ENGINE_MODEL_MEDIUM_RULES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/kinetics/expression.h"
#include "engine/model/compiled_model.h"
#include "engine/model/validate.h"

namespace grnsim::v1 {
class Network;
}

namespace grn {

// 2 mL of medium per 1e5 cells (BIOLOGY.md §3.5).
inline constexpr double kDefaultMediumNanolitresPerCell = 20.0;
// Molecules in 1 nL at 1 pM: 1e-12 mol/L × 1e-9 L × Avogadro's number.
inline constexpr double kMoleculesPerPicomolarNanolitre = 602.214076;

struct MediumPoolSpec {
  std::string name;
  bool copies_per_cell = false;  // else pM
  double fresh = 0.0;            // pool units
  double clearance = 0.0;        // per model time unit
  bool has_secretion = false, has_uptake = false;
  ExpressionProgram secretion;   // over a cell's x and p: amount per cell per time unit
  ExpressionProgram uptake;      // over a cell's x and p: per time unit
  std::vector<std::uint32_t> feeds;  // parameter indices of the cell model
};

struct MediumReactionSpec {
  std::string name;
  // Net change of each pool per unit of rate (pools named on both sides
  // cancel); sorted by pool.
  std::vector<std::pair<std::uint32_t, double>> change;
  ExpressionProgram rate;  // x = pool values; parameters folded in
};

struct MediumSpec {
  double volume_per_cell = kDefaultMediumNanolitresPerCell;  // nL per seeded cell
  double change_period = 0.0;  // model time units; 0: no medium change
  std::vector<MediumPoolSpec> pools;
  std::vector<MediumReactionSpec> reactions;

  // The index of the pool called `name`, or -1.
  int PoolIndex(const std::string& name) const;
};

// True if the network has a medium with at least one pool.
bool HasMedium(const grnsim::v1::Network& network);

// Every problem with the medium: names that are not identifiers, clash with
// species/parameters or repeat; a missing unit; expressions that do not
// compile or read what they may not (settings read parameters only; a
// reaction reads pools and parameters); unknown pools; a reaction mixing
// units; fed parameters that are unknown, defined by a rule, set by an event,
// coupled, set at commitment or fed twice; constant settings < 0 (or a volume
// <= 0) at the written parameter values. Messages name the pool or reaction.
std::vector<Diagnostic> ValidateMedium(const grnsim::v1::Network& network);

// The population layer writes the fed parameters at every synchronisation
// point, so each gets an event that never fires and assigns it (as
// PreparePopulationNetwork does for couplings): Compile then reads it live.
void PrepareMediumNetwork(grnsim::v1::Network* network);

// REQUIRES: ValidateMedium(network) is empty; `network` was prepared, and
// `model` compiled from it. Settings are evaluated from the model's initial
// parameter values (scenarios applied); fails naming the field and value if
// one is out of range.
StatusOr<MediumSpec> CompileMedium(const grnsim::v1::Network& network, const CompiledModel& model);

// Every parameter name the medium section reads or writes (for lint's
// "never used" check).
std::vector<std::string> MediumParameterNames(const grnsim::v1::Network& network);

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_MEDIUM_RULES_H_
