// engine/population/population.h
//
// Population: one replicate of a cell population (BIOLOGY.md §3). Every cell
// runs the same compiled network with its own State and its own random
// stream, Rng(seed).Split(replicate).Split(lineage); the population's own
// draws (seeding sites) come from Split(replicate).Split(0).
//
// Time advances in synchronisation intervals (sync_interval, model time
// units). In each interval:
//   1. every cell advances its network to the sync time (cells in parallel on
//      the worker pool), then checks its fate conditions (a fate commits when
//      its condition has held at every sync point for `dwell`; absorbing; if
//      two complete at once, the one whose dwell ended first, then the one
//      declared first, wins) and applies the fate's on_commit settings;
//   2. in lineage order, one cell at a time: death (hazard × fate factor),
//      the Erlang cell-cycle clock (rate k/T × fate factor × contact
//      inhibition max(0, 1 − neighbours/max_neighbours)), and division into
//      two daughters with new lineage ids, molecules partitioned binomially
//      (partition.h); a daughter takes the mother's site, the other a free
//      neighbouring site drawn at random (lattice mode);
//   3. couplings: each cell's coupled parameters are set from its neighbours;
//   4. the medium (if the network has one, medium_pool.h), by operator
//      splitting: after step 1 the cells' summed secretion and uptake (the
//      mean of the sums at the start and at the end of the interval, each
//      summed in lineage order) drive the medium over the interval, with
//      medium changes; after step 3 every cell's fed parameters are set to
//      the pool values, and the sums for the next interval are taken.
// Every draw of a step comes from the stream of the cell it concerns, and the
// order of steps 2 to 4 is fixed, so results do not depend on the number of
// threads (tests/population/population_test.cc checks bytes).
//
// Co-culture (PopulationOptions::partner): a second, non-dividing cell type
// with its own network advances beside the primary cells in step 1 (its own
// steppers and streams), dies in step 2 after the primary cells, and after
// step 4 reads the medium's pools and the primary cells on adjacent sites
// into its fed parameters. It never acts on the primary cells, so they give
// the same bytes with or without partners.
//
// Infusion (PopulationOptions::infusion, BIOLOGY.md §3.6): before the run,
// N_inf donor cells are seeded like any cell, each on a stream of its own,
// Split(replicate).Split(kDonorStream).Split(k) for donor k (Split(0) of it
// draws the homed cells' sites), and each runs its network alone for the
// donor pre-culture time: no medium (fed parameters keep the network's
// values) and no neighbours (each coupled parameter is set, at every sync
// interval, to the cell's own value of the coupled species: "contacts are
// like me", the single-cell reading). Then the network's homing probability
// (PopulationConfig.homing) is evaluated over the donor's counts and
// parameters (a value outside [0, 1] is an error naming the rule) and one
// Bernoulli draw from the donor's stream decides whether it homes. Homed
// cells join the lattice at t = 0 at random free sites, after the resident
// cells, flagged donor-derived (the flag passes to daughters), with their
// clocks reset to 0; the rest are removed. The resident cells' seeding and
// streams do not depend on the donors, so with no donor homed every result
// is that of the run without infusion.
//
// Mosaic (PopulationRules::mosaic, e.g. 50% Wnt1-knockout cells, V7): each
// seeded cell draws one Bernoulli per mosaic entry, in order, from
// Split(kMosaicStream) of its own stream (a sub-stream no other draw uses),
// and a cell that gets entry k has its settings applied after its network
// starts and before its extrinsic parameters are drawn, and bit k set in
// Cell::mosaic. So fraction 0 gives the bytes of the run without the entry.
// Daughters inherit the flag (and the values, as every parameter).
//
// Cell categories (they partition the live cells): committed to a fate;
// senescent (uncommitted; they neither divide nor commit, but run their
// network and couple); uncommitted.
#ifndef GRN_ENGINE_POPULATION_POPULATION_H_
#define GRN_ENGINE_POPULATION_POPULATION_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "engine/base/rng.h"
#include "engine/base/status.h"
#include "engine/kinetics/expression.h"
#include "engine/model/compiled_model.h"
#include "engine/model/fate_rules.h"
#include "engine/population/cell_cycle.h"
#include "engine/population/cell_driver.h"
#include "engine/population/lattice.h"
#include "engine/population/medium_pool.h"
#include "engine/population/worker_pool.h"
#include "engine/sim/state.h"
#include "engine/sim/stepper.h"

namespace grn {

enum class SpatialMode {
  kLattice,  // hex lattice: neighbours are the six adjacent sites
  kMixed,    // well mixed: no positions; every cell is a neighbour of every other
};

// A parameter of every partner cell set at each sync point to the sum of
// some medium pools (pool units).
struct PartnerPoolFeed {
  std::uint32_t parameter = 0;       // of the partner model
  std::vector<std::uint32_t> pools;  // indices into the medium
};

// A parameter of every partner cell set at each sync point to
// scale × Σ source(x, p) over the primary cells on the six sites adjacent to
// the partner's site (well mixed: the expectation for random positions,
// 6 × Σ over all primary cells / sites). Juxtacrine signalling, §3.4.
struct PartnerContactFeed {
  std::uint32_t parameter = 0;  // of the partner model
  ExpressionProgram source;     // over a primary cell's x and p
  double scale = 1.0;
};

// A second cell type in the same well (co-culture, BIOLOGY.md §3.7): its own
// compiled network, rules and steppers; it shares the lattice geometry and
// reads the primary network's medium, but it is a separate layer, seeded on
// top of the primary cells as precursors are seeded onto a stromal layer: a
// partner cell takes no site from a primary cell, is no neighbour in their
// contact inhibition or couplings, and secretes nothing into the medium. So
// adding partner cells leaves every primary cell's draws and results as they
// were. Partner cells must not divide (rules->divides false) and may not
// declare couplings. Their streams come from Split(replicate).Split(
// kPartnerStream): Split(0) of it for seeding, Split(k) for partner cell k.
struct PartnerOptions {
  std::shared_ptr<const CompiledModel> model;  // null: no partner cells
  std::shared_ptr<const PopulationRules> rules;
  MethodKind method = MethodKind::kDirect;
  MethodOptions method_options;
  std::uint64_t initial_cells = 0;
  // When the partner cells are added (model time units, >= 0): at the first
  // sync point at or after it, as precursors are plated onto a stromal layer
  // that has grown for days. Before it there are none; a plated cell's
  // network starts from its initial state at the plating time, and its timed
  // events keep the dish's clock (those due before plating do not fire).
  double seed_time = 0.0;
  std::vector<PartnerPoolFeed> pool_feeds;  // need the primary network's medium
  std::vector<PartnerContactFeed> contact_feeds;
};

// Infused donor MSCs (BIOLOGY.md §3.6); the network must declare
// PopulationConfig.homing.
struct InfusionOptions {
  std::uint64_t donor_cells = 0;  // N_inf; 0: no infusion
  double preculture_time = 48.0;  // model time units: the donor run, and the homing window
};

struct PopulationOptions {
  MethodKind method = MethodKind::kDirect;  // exact or tau (not ode)
  MethodOptions method_options;
  std::uint64_t initial_cells = 500;
  double sync_interval = 0.25;  // model time units
  SpatialMode mode = SpatialMode::kLattice;
  std::uint64_t seed = 1;
  std::uint64_t replicate = 0;
  unsigned threads = 1;
  const std::atomic<bool>* cancel = nullptr;  // set to stop early (kCancelled)
  // The network's medium (CompileMedium), or null for none.
  std::shared_ptr<const MediumSpec> medium;
  MediumOptions medium_options;
  // Co-culture; with partner cells, initial_cells may be 0 (partners alone).
  PartnerOptions partner;
  // Infusion; with donor cells, initial_cells may be 0 (homed cells alone).
  InfusionOptions infusion;
  // Extrinsic-noise design (the intrinsic/extrinsic variance split, BIOLOGY.md
  // §3.9 item 2; variance_split.h). Unset: each replicate draws its cells'
  // heterogeneity factors (PopulationConfig.heterogeneity) from the cells' own
  // streams. Set: they come from parameter set `*parameter_set` of the seed,
  // so replicates of one set give cell k (resident, donor or partner) the same
  // factors and differ in every other draw (sites, clocks, reactions).
  std::optional<std::uint64_t> parameter_set;
};

inline constexpr std::uint32_t kNoSite = 0xffffffffu;

struct Cell {
  State state;
  Rng rng{0};
  std::uint64_t lineage = 0;  // 1..N for the seeded cells, then a counter
  std::uint64_t parent = 0;   // 0 for a seeded cell
  std::uint32_t site = kNoSite;
  int fate = -1;              // index into PopulationRules::fates; -1 none
  bool senescent = false;
  bool donor = false;  // an infused donor cell that homed, or its descendant
  // Bit k: the seeded ancestor received PopulationConfig.mosaic entry k
  // (its settings; daughters inherit both). Donor and partner cells: 0.
  std::uint32_t mosaic = 0;
  // Fusion (PopulationConfig.fusion): the lineage of the first nucleus of the
  // multinucleated cell this one belongs to; 0 while not fused.
  std::uint64_t fused_into = 0;
  double birth_time = 0.0;
  double committed_at = 0.0;
  std::int64_t divisions_left = -1;  // after commitment; -1: no limit
  CellCycle cycle;
  // Per fate: the sync time since which its condition has held, NaN if not.
  std::vector<double> holding_since;
};

struct PopulationCounts {
  double time = 0.0;
  std::uint64_t alive = 0;
  std::vector<std::uint64_t> per_fate;  // indexed like PopulationRules::fates
  std::uint64_t senescent = 0;
  std::uint64_t uncommitted = 0;
  std::uint64_t divisions = 0, deaths = 0;  // cumulative since the start
  // Fusion: multinucleated cells (at least min_nuclei nuclei) and their nuclei.
  std::uint64_t multinucleated = 0, multinucleated_nuclei = 0;
};

// What the infusion did in one replicate.
struct InfusionResult {
  std::uint64_t infused = 0, homed = 0;
  double probability_sum = 0.0;  // Σ p_i over the infused cells
};

class Population {
 public:
  // Seeds options.initial_cells cells at time 0 (random distinct sites in
  // lattice mode; at most one per site in either mode).
  static StatusOr<std::unique_ptr<Population>> Create(
      std::shared_ptr<const CompiledModel> model, std::shared_ptr<const PopulationRules> rules,
      const PopulationOptions& options);

  // Advances in sync intervals to t_end (the last interval is shortened to
  // end exactly there). REQUIRES: t_end >= time().
  Status AdvanceTo(double t_end);

  double time() const { return time_; }
  PopulationCounts Counts() const;
  // Live cells in lineage order.
  const std::vector<Cell>& cells() const { return cells_; }
  const HexLattice& lattice() const { return lattice_; }
  // The medium at time(), or null if the network has none.
  const MediumPool* medium() const { return medium_.get(); }
  // Reaction events fired by all cells so far.
  std::uint64_t events() const;
  // Cell-time simulated so far: the sum over intervals of live cells × length.
  double cell_time() const { return cell_time_; }

  // Infusion (PopulationOptions::infusion); all zero without donors.
  const InfusionResult& infusion() const { return infusion_; }

  // The partner cells (PopulationOptions::partner), like the above; empty
  // without partners.
  PopulationCounts PartnerCounts() const;
  const std::vector<Cell>& partner_cells() const { return partner_cells_; }
  std::uint64_t partner_events() const;
  double partner_cell_time() const { return partner_cell_time_; }

 private:
  Population(std::shared_ptr<const CompiledModel> model,
             std::shared_ptr<const PopulationRules> rules, const PopulationOptions& options);
  Status Seed();
  Status Step(double t_next);
  Status AdvanceCells(double t_next);
  // The partner cells' share of Seed, AdvanceCells and the death step.
  Status SeedPartners();
  // Pre-cultures the donors, draws which home and appends those to cells_.
  // REQUIRES: the resident cells are seeded.
  Status Infuse();
  // Runs one donor's network alone to the pre-culture time.
  Status PrecultureDonor(Cell& donor, unsigned worker);
  Status AdvancePartners(double t_next);
  void UpdatePartnerDeaths(double dt);
  // Fusion of adjacent committed cells of `cells` (rules.fusion), drawing
  // from `stream` in lineage order. REQUIRES: lattice mode.
  void Fuse(std::vector<Cell>& cells, const PopulationRules& rules, double dt, Rng& stream);
  // Sets the partner cells' fed parameters from the medium and the primary
  // cells around them. REQUIRES: the site map is current.
  void FeedPartners();
  // The stream of `cell`'s heterogeneity factors; kind is kPopulationStream,
  // kDonorStream or kPartnerStream (population.cc).
  Rng ExtrinsicStream(const Cell& cell, std::uint64_t kind) const;
  static void CheckFates(Cell& cell, const PopulationRules& rules);
  static PopulationCounts CountCells(const std::vector<Cell>& cells, const PopulationRules& rules,
                                     double time);
  void UpdateDeathsAndDivisions(double dt);
  void Divide(std::size_t mother_index, double overshoot);
  void UpdateCouplings();
  // Feeds every cell from the medium, then sums their secretion and uptake
  // into medium_secretion_start_ / medium_uptake_start_.
  void FeedCellsAndSumRates();
  Status AdvanceMedium(double t_next);
  void RebuildSiteMap();
  double NeighbourCount(const Cell& cell) const;
  double CycleRate(const Cell& cell) const;

  std::shared_ptr<const CompiledModel> model_;
  std::shared_ptr<const PopulationRules> rules_;
  PopulationOptions options_;
  HexLattice lattice_;
  Rng replicate_rng_;
  std::optional<Rng> parameter_set_rng_;  // PopulationOptions::parameter_set
  WorkerPool pool_;
  std::vector<std::unique_ptr<Stepper>> steppers_;  // one per worker
  std::vector<CellDriver> drivers_;                 // one per worker
  std::vector<Status> cell_status_;                 // per cell, for the parallel step

  std::vector<Cell> cells_;                 // live cells, lineage order
  std::vector<std::uint32_t> site_cell_;    // site -> index into cells_, or kNoSite
  std::vector<char> removed_;               // per cell: died or divided this step
  std::uint64_t next_lineage_ = 1;
  double time_ = 0.0;
  double cell_time_ = 0.0;
  std::uint64_t divisions_ = 0, deaths_ = 0;
  std::uint64_t live_count_ = 0;  // during UpdateDeathsAndDivisions
  std::unique_ptr<MediumPool> medium_;
  // Summed over the live cells at the start of the interval; scratch for the end.
  std::vector<double> medium_secretion_start_, medium_uptake_start_;
  std::vector<double> medium_secretion_, medium_uptake_;

  InfusionResult infusion_;

  // Partner cells (co-culture): live cells in partner-lineage order.
  Rng partner_rng_;
  std::vector<std::unique_ptr<Stepper>> partner_steppers_;  // one per worker
  std::vector<CellDriver> partner_drivers_;                 // one per worker
  std::vector<Status> partner_status_;
  std::vector<Cell> partner_cells_;
  bool partners_seeded_ = false;
  Rng fusion_rng_{0};          // the primary cells' fusion draws
  Rng partner_fusion_rng_{0};  // the partner cells' 
  double partner_cell_time_ = 0.0;
  std::uint64_t partner_deaths_ = 0;
  std::vector<double> contact_source_;  // per primary cell, one contact feed at a time
};

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_POPULATION_H_
