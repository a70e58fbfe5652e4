// engine/population/cell_cycle.h
//
// CellCycle: an Erlang(k, mean T) cell-cycle clock advanced in whole
// synchronisation intervals. The cycle is k exponential phases, each at rate
// k/T; the rate may change between intervals (contact inhibition, lineage
// factors), so the clock keeps the unit-exponential hazard left in the
// current phase, which is exact for piecewise-constant rates.
//
// Division can only be applied at a synchronisation point, but the clock
// knows when within the interval the last phase ended: Advance() returns that
// as `overshoot`, and the daughters' clocks start with it as `credit`, so the
// cycle length does not grow by the sync interval (the Erlang mean and
// variance hold exactly; tests/population/cell_cycle_test.cc).
#ifndef GRN_ENGINE_POPULATION_CELL_CYCLE_H_
#define GRN_ENGINE_POPULATION_CELL_CYCLE_H_

#include <cstdint>

#include "engine/base/rng.h"

namespace grn {

struct CellCycle {
  std::uint32_t phase = 0;
  double hazard_left = 0.0;  // unit-exponential hazard left in `phase`
  double credit = 0.0;       // time already run in this cycle before the next interval
  bool ready = false;        // finished, waiting for room to divide

  // A new cycle starting `credit` time units before the next interval.
  void Begin(Rng& rng, double start_credit = 0.0) {
    phase = 0;
    hazard_left = rng.Exp();
    credit = start_credit;
    ready = false;
  }

  // A cell seeded at a random point of its cycle: a uniformly drawn phase.
  void BeginAnywhere(Rng& rng, std::uint32_t shape) {
    Begin(rng);
    phase = static_cast<std::uint32_t>(rng.Uniform01() * shape);
    if (phase >= shape) phase = shape - 1;
  }

  // Runs the clock for `dt` (plus any credit) at `rate` phase transitions
  // per time unit. Returns true when the last of `shape` phases completes;
  // *overshoot is then the time from that instant to the end of the
  // interval (0 for a cell that was already waiting to divide). The caller
  // either divides (and begins the daughters' clocks) or calls Hold().
  // REQUIRES: dt >= 0, rate >= 0, shape >= 1.
  bool Advance(double dt, double rate, std::uint32_t shape, Rng& rng, double* overshoot) {
    if (!(rate > 0.0)) return false;  // arrested: the credit is kept for later
    if (ready) {
      *overshoot = 0.0;
      return true;
    }
    double hazard = rate * (dt + credit);
    credit = 0.0;
    while (hazard >= hazard_left) {
      hazard -= hazard_left;
      if (++phase == shape) {
        *overshoot = hazard / rate;
        return true;
      }
      hazard_left = rng.Exp();
    }
    hazard_left -= hazard;
    return false;
  }

  // The cycle finished but the cell cannot divide yet (no free site): it
  // divides at the first synchronisation point where it can.
  void Hold() { ready = true; }
};

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_CELL_CYCLE_H_
