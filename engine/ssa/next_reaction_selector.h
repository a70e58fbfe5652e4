// engine/ssa/next_reaction_selector.h
//
// Gibson–Bruck next-reaction method (J. Phys. Chem. A 104:1876, 2000).
// Invariant: heap_.key(r) is the absolute firing time of r given the current
// propensities; +inf iff a_[r] == 0. A reaction whose propensity changes keeps
// its random number, rescaled: T_r ← t + (a_old/a_new)(T_r − t); the reaction
// that just fired, or one whose propensity was 0, draws a fresh Exp(a_new)
// (valid by memorylessness). One exponential per event; O(log M) per update.
// Best for large sparse networks.
#ifndef GRN_ENGINE_SSA_NEXT_REACTION_SELECTOR_H_
#define GRN_ENGINE_SSA_NEXT_REACTION_SELECTOR_H_

#include <limits>
#include <span>
#include <vector>

#include "engine/base/rng.h"
#include "engine/ssa/event.h"
#include "engine/ssa/indexed_heap.h"

namespace grn {

class NextReactionSelector {
 public:

  void Reset(std::span<const double> a, double t, Rng& rng) {
    a_.assign(a.begin(), a.end());
    std::vector<double> times(a.size());
    for (std::size_t r = 0; r < a.size(); ++r) times[r] = FreshTime(a[r], t, rng);
    heap_.Build(times);
    last_fired_ = kNone;
  }

  // The earliest pending firing (after t by the invariant).
  Event Next(double /*t*/, Rng& /*rng*/) {
    if (heap_.size() == 0) return {kInf, 0};
    last_fired_ = heap_.top();
    return {heap_.top_key(), last_fired_};
  }

  void Update(ReactionIndex r, double v, double t, Rng& rng) {
    const double old = a_[r];
    a_[r] = v;
    double time;
    if (r == last_fired_ || !(old > 0.0)) {
      time = FreshTime(v, t, rng);
    } else if (v > 0.0) {
      time = t + (old / v) * (heap_.key(r) - t);
    } else {
      time = kInf;
    }
    heap_.Set(r, time);
  }

  std::uint64_t recomputes() const { return 0; }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  static constexpr ReactionIndex kNone = ~ReactionIndex{0};

  static double FreshTime(double a, double t, Rng& rng) {
    return a > 0.0 ? t + rng.Exp() / a : kInf;
  }

  std::vector<double> a_;
  IndexedMinHeap heap_;
  ReactionIndex last_fired_ = kNone;
};

}  // namespace grn

#endif  // GRN_ENGINE_SSA_NEXT_REACTION_SELECTOR_H_
