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
#include <span>
#include <string>
#include <vector>

#include "engine/base/rng.h"
#include "engine/base/status.h"
#include "engine/sim/state.h"

namespace grn {

enum class MethodKind {
  kDirect,        // Gillespie 1977 direct method, dependency-graph updates
  kNextReaction,  // Gibson & Bruck 2000, indexed binary heap
  kCompositionRejection,  // Slepoy, Thompson & Plimpton 2008, groups by powers of two
  kRssa,          // Thanh, Priami & Zunino 2014, rejection with propensity bounds
  kRssaCr,        // RSSA with composition-rejection search (Thanh et al. 2015)
  kTauLeap,       // approximate: Cao, Gillespie & Petzold 2006 adaptive tau-leaping
  kHybrid,        // approximate: exact SSA for low-copy species, tau-leaping for high-copy proteins
  kOde,           // deterministic: reaction-rate equations on SUNDIALS CVODE (BDF)
};

// True for the methods that sample the chemical master equation exactly.
inline bool IsExact(MethodKind kind) {
  return kind == MethodKind::kDirect || kind == MethodKind::kNextReaction ||
         kind == MethodKind::kCompositionRejection || kind == MethodKind::kRssa ||
         kind == MethodKind::kRssaCr;
}

// Every exact method, for tests and benchmarks that cover them all.
inline constexpr MethodKind kAllExactMethods[] = {
    MethodKind::kDirect, MethodKind::kNextReaction, MethodKind::kCompositionRejection,
    MethodKind::kRssa, MethodKind::kRssaCr};

const char* MethodName(MethodKind kind);
// "direct" | "nrm" (also "next-reaction") | "cr" | "rssa" | "rssa_cr" (also
// "rssa-cr") | "tau" | "hybrid" | "ode". "auto" is resolved
// by the caller with ChooseExactMethod (make_stepper.h): it depends on the
// model, and it never picks an approximation.
StatusOr<MethodKind> ParseMethod(const std::string& name);

struct TauLeapOptions {
  double epsilon = 0.03;        // CGP 2006 error control: bound on relative propensity change per leap
  int critical_threshold = 10;  // reactions within this many firings of exhausting a reactant fire exactly
  // A leap shorter than this many expected SSA steps is not worth it: take
  // exact steps instead (CGP 2006 suggest 10; Gillespie's 1/a0 multiples).
  double min_leap_in_ssa_steps = 10.0;
  int exact_steps_on_fallback = 100;  // exact steps taken before trying to leap again
};

// A species' role as its network declares it (grnsim.v1.Species.Role, with
// the same values), for the hybrid stepper's partition.
enum class SpeciesRole : std::uint8_t {
  kUnspecified = 0, kGene = 1, kMrna = 2, kProtein = 3, kMirna = 4, kComplex = 5,
  kSignal = 6, kOther = 7,
};

struct HybridOptions {
  // Per species index: gene, mrna, mirna and complex species are always
  // simulated exactly. Empty: no roles known, partition by counts alone.
  std::vector<SpeciesRole> roles;
  // A species not pinned by its role is leaped while its count is at least
  // this (molecules). Step control: MethodOptions::tau.
  double leap_min_count = 100.0;
  // A window (hybrid_stepper.h) is at most this many expected exact firings
  // long (1/a0 of the exact set each): the exact set sees the leaped species
  // frozen over a window, so a quiet exact set should not stretch it to the
  // whole τ' bound. 10 costs nothing measurable in speed on the MSC network
  // against no cap, while 1 is the old one-leap-per-exact-firing cycle.
  double max_exact_per_window = 10.0;
};

struct OdeOptions {
  double rtol = 1e-6;   // CVODE relative tolerance
  double atol = 1e-9;   // CVODE absolute tolerance, in molecules
  long max_steps = 500000;  // CVODE internal steps per output interval
};

struct MethodOptions {
  // Polled every few thousand events; when it becomes true AdvanceTo returns
  // kCancelled. May be null.
  const std::atomic<bool>* cancel = nullptr;
  // Exact methods: stop a run with an error after this many events (0: no
  // limit). Independently, a run whose event rate means it would need more
  // than kRunawayEvents to reach the next output time is refused as runaway.
  std::uint64_t max_events = 0;
  TauLeapOptions tau;
  HybridOptions hybrid;
  OdeOptions ode;
};

// More events than this to reach one output time (days of computation) is
// treated as a runaway or zeno model rather than simulated.
inline constexpr double kRunawayEvents = 1e13;

struct StepperStats {
  std::uint64_t events = 0;      // reaction firings (tau: firings summed over leaps), all runs
  std::uint64_t recomputes = 0;  // full propensity-sum recomputations
  std::uint64_t steps = 0;       // tau: leaps + exact steps; ode: CVODE internal steps
  std::uint64_t rejections = 0;  // tau: leaps rejected for a negative count; cr, rssa,
                                 // rssa_cr: candidates drawn and refused
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

  // True if the last AdvanceTo stopped early, at state.t, because a reaction
  // made some condition events' conditions turn true (listed by
  // triggered_events()). The caller fires them and calls Reset. Only exact
  // methods watch conditions; the others refuse models that have them.
  virtual bool stopped_for_events() const { return false; }
  virtual std::span<const std::uint32_t> triggered_events() const { return {}; }
};

}  // namespace grn

#endif  // GRN_ENGINE_SIM_STEPPER_H_
