// engine/population/cell_driver.h
//
// CellDriver moves one cell's network state through time around a shared
// Stepper, exactly as a single run of `grnsim simulate` does (sim/simulate.cc,
// RunDriver): it stops at timed events (periodic ones at at_time + k·period,
// the same doubles), fires timed and condition events in the same order, and
// keeps rule-defined species up to date. The differences: the stepper is
// Reset from the cell's state at the start of every interval, because one
// stepper per thread serves all cells in turn (for exact methods that is
// exact: the next reaction time is memoryless); and the timed firings due in
// an interval are computed from its end points alone, since every cell has
// fired all those up to its own time, so a cell carries no event cursor.
//
// TODO(lead): RunDriver and this class share their event semantics; once
// RunDriver is exported from engine/sim with a per-interval schedule, this
// file should become a thin wrapper of it.
#ifndef GRN_ENGINE_POPULATION_CELL_DRIVER_H_
#define GRN_ENGINE_POPULATION_CELL_DRIVER_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/base/rng.h"
#include "engine/base/status.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/state.h"
#include "engine/sim/stepper.h"

namespace grn {

class CellDriver {
 public:
  // whole_counts: the method simulates molecule counts, so events may only
  // set whole numbers.
  CellDriver(const CompiledModel& model, bool whole_counts);

  // Puts `state` at time 0 with the model's initial values and fires what
  // fires at time 0.
  Status Start(State& state, Stepper& stepper, Rng& rng);

  // Resets `stepper` from `state` and advances it to t_out, firing the timed
  // events due in (state.t, t_out].
  // REQUIRES: t_out >= state.t; every timed firing up to state.t was fired.
  Status AdvanceTo(double t_out, State& state, Stepper& stepper, Rng& rng);

  // Recomputes rule-defined species (after counts were changed from outside).
  Status UpdateRules(State& state);

 private:
  bool Condition(std::uint32_t event, const State& state) const;
  Status Fire(State& state);
  // The timed firings in (from, to], sorted by time, then event index, into
  // due_.
  Status ScheduleTimed(double from, double to);

  const CompiledModel& model_;
  const bool whole_counts_;
  std::vector<std::uint32_t> timed_;                   // timed events
  std::vector<std::pair<double, std::uint32_t>> due_;  // (time, event), this interval
  std::vector<std::uint32_t> conditions_;
  std::vector<std::uint32_t> fire_;
  std::vector<char> before_;
  std::vector<double> values_;
};

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_CELL_DRIVER_H_
