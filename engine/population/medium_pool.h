// engine/population/medium_pool.h
//
// MediumPool: the medium of one replicate (BIOLOGY.md §3.5), the pools of a
// compiled MediumSpec (engine/model/medium_rules.h) integrated with SUNDIALS
// CVODE (BDF, dense Newton; a handful of pools) between synchronisation
// points. The population engine drives it by operator splitting: the cells
// advance Δt with the medium held fixed, then Advance() integrates
//
//   dy_k/dt = S_k − (U_k + c_k) · y_k + Σ_r ν_{k,r} · rate_r(y)
//
// over the same Δt, where y_k is pool k (pM or copies per seeded cell), c_k
// its clearance, rate_r the medium reactions (parameters folded in), and the
// cells' totals, constant over the interval, enter as
//   S_k = Σ_cells secretion / (N_seeded · V) for pM pools, with V the medium
//         volume per seeded cell in molecule-per-pM units (602.2 per nL),
//   S_k = Σ_cells secretion / N_seeded for copies_per_cell pools,
//   U_k = Σ_cells uptake / N_seeded.
// The well's volume is N_seeded · volume_per_cell for the whole run. Every
// change_period (if > 0) the pools are reset to their fresh values at that
// exact time, and integration continues from there with the same S and U.
// Rates read max(y, 0) (as CvodeStepper does), and values are reported
// clamped at 0, so no pool is negative.
//
// Not thread-safe; one per population. No exception crosses CVODE.
#ifndef GRN_ENGINE_POPULATION_MEDIUM_POOL_H_
#define GRN_ENGINE_POPULATION_MEDIUM_POOL_H_

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/base/status.h"
#include "engine/model/medium_rules.h"
#include "engine/sim/state.h"

namespace grn {

struct MediumOptions {
  double rtol = 1e-8;   // CVODE relative tolerance
  double atol = 1e-10;  // CVODE absolute tolerance, pool units
  // TEST ONLY, a deliberately wrong splitting (the negative control of the
  // sync-interval test): at the end of every Advance the summed secretion is
  // added once more as an amount, S_k × this many time units, whatever the
  // interval. 0.25 with a 0.25 h interval applies every flux twice; halving
  // the interval then applies it three times. 0 (always, outside tests): off.
  double test_extra_flux_time = 0.0;
};

class MediumPool {
 public:
  // REQUIRES: seeded_cells > 0.
  static StatusOr<std::unique_ptr<MediumPool>> Create(std::shared_ptr<const MediumSpec> spec,
                                                      double seeded_cells,
                                                      const MediumOptions& options = {});
  ~MediumPool();
  MediumPool(const MediumPool&) = delete;
  MediumPool& operator=(const MediumPool&) = delete;

  const MediumSpec& spec() const { return *spec_; }
  std::size_t size() const { return values_.size(); }
  // Pool values at time(), in spec order (pool units, >= 0).
  std::span<const double> values() const { return values_; }
  double time() const { return time_; }

  // Adds one cell's secretion (amount per time unit) and uptake (per time
  // unit) to the running sums. REQUIRES: both spans have size() entries.
  void AddCell(const State& cell, std::span<double> secretion, std::span<double> uptake) const;

  // Integrates from time() to t_end with the cells' summed secretion and
  // uptake held constant, resetting the pools at every medium change in
  // (time(), t_end]. REQUIRES: t_end >= time(); spans of size().
  Status Advance(double t_end, std::span<const double> secretion,
                 std::span<const double> uptake);

  // Sets the cell's fed parameters to the pool values.
  // REQUIRES: cell.p holds the model's parameters.
  void Feed(State& cell) const;

  // Replaces the pool values (tests; e.g. a closed pool started off
  // equilibrium). REQUIRES: values.size() == size().
  void SetValues(std::span<const double> values);

  // CVODE steps taken so far (all intervals).
  std::uint64_t steps() const;

 private:
  class Solver;
  MediumPool(std::shared_ptr<const MediumSpec> spec, double seeded_cells,
             const MediumOptions& options);
  Status IntegrateTo(double t_end);
  void ResetToFresh();

  std::shared_ptr<const MediumSpec> spec_;
  MediumOptions options_;
  double seeded_cells_;
  double time_ = 0.0;
  std::vector<double> values_;
  std::vector<double> to_pool_units_;  // per pool: amount per seeded cell → pool units
  // The right-hand side's constants over the current interval.
  std::vector<double> source_;  // S_k, pool units per time unit
  std::vector<double> loss_;    // U_k + c_k, per time unit
  std::unique_ptr<Solver> solver_;
};

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_MEDIUM_POOL_H_
