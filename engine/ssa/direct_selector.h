// engine/ssa/direct_selector.h
//
// Gillespie's direct method (J. Phys. Chem. 81:2340, 1977): the waiting time is
// Exp(a0) and reaction r is chosen with probability a_r/a0 by linear search.
// The total a0 is kept incrementally; it is recomputed from scratch every
// kRecomputeEvery updates, when cancellation has eaten most of its digits, and
// whenever the search runs off the end, so drift never biases selection.
// Invariant: a0_ == Σ a_ up to rounding; pending_ is valid iff no Update since
// it was drawn. Best for small networks (cost O(M) per event).
#ifndef GRN_ENGINE_SSA_DIRECT_SELECTOR_H_
#define GRN_ENGINE_SSA_DIRECT_SELECTOR_H_

#include <limits>
#include <span>
#include <vector>

#include "engine/base/rng.h"
#include "engine/ssa/event.h"

namespace grn {

class DirectSelector {
 public:
  void Reset(std::span<const double> a, double t, Rng& /*rng*/) {
    a_.assign(a.begin(), a.end());
    t_ = t;
    pending_valid_ = false;
    Recompute();
  }

  Event Next(Rng& rng) {
    if (pending_valid_) return pending_;
    pending_valid_ = true;
    if (!(a0_ > 0.0)) {
      pending_ = {std::numeric_limits<double>::infinity(), 0};
      return pending_;
    }
    const double tau = rng.Exp() / a0_;
    pending_ = {t_ + tau, Search(rng.Uniform01())};
    if (pending_.reaction == kNone) {  // a0_ was all rounding: nothing can fire
      pending_ = {std::numeric_limits<double>::infinity(), 0};
    }
    return pending_;
  }

  void Update(ReactionIndex r, double v, double t, Rng& /*rng*/) {
    a0_ += v - a_[r];
    a_[r] = v;
    t_ = t;
    pending_valid_ = false;
    if (++updates_since_recompute_ >= kRecomputeEvery || a0_ < a0_floor_) Recompute();
  }

  std::uint64_t recomputes() const { return recomputes_; }

 private:
  // Incremental sums drift by about one ulp per update; recomputing every
  // 10^4 updates (as StochKit does) bounds the relative error near 1e-12.
  static constexpr int kRecomputeEvery = 10000;
  static constexpr ReactionIndex kNone = ~ReactionIndex{0};

  void Recompute() {
    double sum = 0.0;
    for (double v : a_) sum += v;
    a0_ = sum;
    // If a0 later falls below 1e-9 of its value here, cancellation has lost
    // most of its significant digits: recompute then too.
    a0_floor_ = sum * 1e-9;
    updates_since_recompute_ = 0;
    ++recomputes_;
  }

  // Returns r with Σ_{i<r} a_i < u·a0 <= Σ_{i<=r} a_i; recomputes a0 once if
  // rounding made the target unreachable.
  ReactionIndex Search(double u) {
    ReactionIndex last_positive = kNone;
    for (int attempt = 0; attempt < 2; ++attempt) {
      double target = u * a0_;
      const std::size_t n = a_.size();
      for (std::size_t r = 0; r < n; ++r) {
        target -= a_[r];
        if (a_[r] > 0.0) {
          if (target <= 0.0) return static_cast<ReactionIndex>(r);
          last_positive = static_cast<ReactionIndex>(r);
        }
      }
      if (attempt == 1) break;
      // Off the end: a0 drifted above the true sum. Retry with the exact sum.
      Recompute();
      if (!(a0_ > 0.0)) return kNone;
    }
    // The exact sum and the subtraction order disagree in the last ulp.
    return last_positive;
  }

  std::vector<double> a_;
  double a0_ = 0.0;
  double a0_floor_ = 0.0;
  double t_ = 0.0;
  int updates_since_recompute_ = 0;
  std::uint64_t recomputes_ = 0;
  bool pending_valid_ = false;
  Event pending_{0.0, 0};
};

}  // namespace grn

#endif  // GRN_ENGINE_SSA_DIRECT_SELECTOR_H_
