// engine/sim/stepper.h
//
// A Stepper advances one State of one CompiledModel through time. Steppers own
// only caches derived from the state (propensities, heaps); the caller owns the
// State and the Rng, so one Stepper serves many runs by Reset() between them.
// There is one virtual call per AdvanceTo, never one per event.
#ifndef GRN_ENGINE_SIM_STEPPER_H_
#define GRN_ENGINE_SIM_STEPPER_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "engine/base/rng.h"
#include "engine/base/status.h"
#include "engine/sim/state.h"

namespace grn {

enum class MethodKind {
  kDirect,        // Gillespie 1977 direct method, dependency-graph updates
  kNextReaction,  // Gibson & Bruck 2000, indexed binary heap
};

// Every exact method, for tests and benchmarks that cover them all.
inline constexpr MethodKind kAllExactMethods[] = {MethodKind::kDirect,
                                                  MethodKind::kNextReaction};

const char* MethodName(MethodKind kind);
// "direct" | "nrm" (also "next-reaction"). "auto" is resolved by the caller
// with ChooseExactMethod (make_stepper.h), since it depends on the model.
StatusOr<MethodKind> ParseMethod(const std::string& name);

struct MethodOptions {
  // Polled every few thousand events; when it becomes true AdvanceTo returns
  // kCancelled. May be null.
  const std::atomic<bool>* cancel = nullptr;
};

struct StepperStats {
  std::uint64_t events = 0;      // reaction firings, summed over all runs
  std::uint64_t recomputes = 0;  // full propensity-sum recomputations
};

class Stepper {
 public:
  virtual ~Stepper() = default;

  // Rebuilds all caches from `state`. Fails if a propensity of the initial
  // state is negative, NaN or infinite (naming the reaction).
  // REQUIRES: state.x.size() == model.num_species().
  virtual Status Reset(const State& state, Rng& rng) = 0;

  // Fires every event with time <= t_end, then sets state.t = t_end. A pending
  // event beyond t_end is kept, so results do not depend on the sampling grid.
  // REQUIRES: Reset() was called; t_end >= state.t.
  virtual Status AdvanceTo(double t_end, State& state, Rng& rng) = 0;

  virtual StepperStats stats() const = 0;
};

}  // namespace grn

#endif  // GRN_ENGINE_SIM_STEPPER_H_
