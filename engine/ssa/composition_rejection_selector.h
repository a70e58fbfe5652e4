// engine/ssa/composition_rejection_selector.h
//
// Composition–rejection (Slepoy, Thompson & Plimpton, J. Chem. Phys.
// 128:205101, 2008). Reactions are binned by the binary exponent of their
// propensity: group k holds every a_r in [2^(k−1023), 2^(k−1022)), the
// exponent field of the double. Composition: a group is chosen with
// probability (group sum)/a0 by a scan over the few groups in use (the
// propensities of a network span tens of binades, not thousands).
// Rejection: inside the chosen group a member is drawn uniformly and accepted
// with probability a_r / 2^(k−1022) >= 1/2, so fewer than two draws are
// expected. An update moves one reaction between groups in O(1)
// (swap-with-last), which makes the method O(1) per update and per draw,
// independent of the network size: the choice for large networks where
// updates are many.
//
// Invariants: member lists hold exactly the reactions with a_r > 0, each in
// the group of its exponent; sum_[k] == Σ a over group k and total_ == Σ sum_
// up to rounding, recomputed from scratch every kRecomputeEvery draws and
// whenever cancellation has eaten most of total_'s digits.
#ifndef GRN_ENGINE_SSA_COMPOSITION_REJECTION_SELECTOR_H_
#define GRN_ENGINE_SSA_COMPOSITION_REJECTION_SELECTOR_H_

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "engine/base/rng.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/stepper.h"
#include "engine/ssa/event.h"

namespace grn {

// The grouped table of propensities, shared by the composition–rejection
// selector and RSSA-CR (which keeps its propensity upper bounds in one).
class PowerOfTwoGroups {
 public:
  static constexpr ReactionIndex kNone = ~ReactionIndex{0};

  void Reset(std::span<const double> a) {
    const std::size_t m = a.size();
    a_.assign(a.begin(), a.end());
    group_.assign(m, kNoGroup);
    position_.assign(m, 0);
    size_.assign(kGroups, 0);
    start_.assign(kGroups, 0);
    capacity_.assign(kGroups, 0);
    sum_.assign(kGroups, 0.0);
    // Room for every layout Relayout can make (see there): no allocation
    // after Reset, so AdvanceTo never allocates.
    pool_.assign(2 * m + 2 + std::size_t{kGroups} * kMinCapacity, 0);
    scratch_.assign(pool_.size(), 0);
    for (std::size_t r = 0; r < m; ++r) {
      if (a[r] > 0.0) ++size_[GroupOf(a[r])];
    }
    Relayout(kNoGroup);
    std::fill(size_.begin(), size_.end(), 0);
    lowest_ = kGroups;
    highest_ = 0;
    for (std::size_t r = 0; r < m; ++r) {
      if (a[r] > 0.0) {
        group_[r] = GroupOf(a[r]);
        Insert(static_cast<ReactionIndex>(r), group_[r], a[r]);
      }
    }
    Recompute();
  }

  // a_r is now v (>= 0 and finite).
  [[gnu::always_inline]] void Set(ReactionIndex r, double v) {
    const double old = a_[r];
    a_[r] = v;
    const std::uint32_t from = group_[r];
    const std::uint32_t to = v > 0.0 ? GroupOf(v) : kNoGroup;
    total_ += v - old;
    if (from == to) {
      if (to != kNoGroup) sum_[to] += v - old;
      return;
    }
    if (from != kNoGroup) Remove(r, from, old);
    if (to != kNoGroup) Insert(r, to, v);
    group_[r] = to;
  }

  double value(ReactionIndex r) const { return a_[r]; }

  // Σ a_r, with drift control; call once per draw.
  [[gnu::always_inline]] double Total() {
    if (++draws_since_recompute_ >= kRecomputeEvery || total_ < total_floor_) [[unlikely]] {
      Recompute();
    }
    return total_;
  }

  // r with probability a_r / total, or kNone if every a_r is 0 after all
  // (total was rounding). REQUIRES: total == Total() > 0.
  ReactionIndex Sample(double total, Rng& rng) {
    std::uint32_t k = PickGroup(rng.Uniform01() * total);
    if (k == kNoGroup) [[unlikely]] {
      // Rounding: the incremental sums overshot. Retry with exact sums.
      Recompute();
      if (!(total_ > 0.0)) return kNone;
      k = PickGroup(rng.Uniform01() * total_);
      if (k == kNoGroup) k = highest_;  // the last ulp; the top group is non-empty
    }
    const ReactionIndex* members = pool_.data() + start_[k];
    const double upper = UpperOf(k);
    const std::uint64_t n = size_[k];
    for (;;) {
      const auto i = static_cast<std::size_t>(
          (static_cast<unsigned __int128>(rng.NextU64()) * n) >> 64);
      const ReactionIndex r = members[i];
      if (rng.Uniform01() * upper <= a_[r]) return r;
      ++rejections_;
    }
  }

  std::uint64_t recomputes() const { return recomputes_; }
  std::uint64_t rejections() const { return rejections_; }

 private:
  static constexpr std::uint32_t kGroups = 2048;  // exponent field values
  static constexpr std::uint32_t kNoGroup = ~std::uint32_t{0};
  static constexpr std::uint32_t kMinCapacity = 4;
  static constexpr int kRecomputeEvery = 1 << 17;

  static std::uint32_t GroupOf(double v) {
    return static_cast<std::uint32_t>((std::bit_cast<std::uint64_t>(v) >> 52) & 0x7ff);
  }
  // Every value of group k is below this (subnormals, k = 0, below 2^−1022).
  static double UpperOf(std::uint32_t k) {
    return std::ldexp(1.0, static_cast<int>(k == 0 ? 1 : k) - 1022);
  }

  void Insert(ReactionIndex r, std::uint32_t k, double v) {
    if (size_[k] == capacity_[k]) [[unlikely]] Relayout(k);
    position_[r] = size_[k];
    pool_[start_[k] + size_[k]++] = r;
    sum_[k] += v;
    if (k < lowest_) lowest_ = k;
    if (k > highest_ || highest_ < lowest_) highest_ = k;
  }

  void Remove(ReactionIndex r, std::uint32_t k, double old) {
    const ReactionIndex last = pool_[start_[k] + --size_[k]];
    pool_[start_[k] + position_[r]] = last;
    position_[last] = position_[r];
    // An emptied group's sum is exactly zero: no drift left behind.
    sum_[k] = size_[k] == 0 ? 0.0 : sum_[k] - old;
  }

  // Lays the groups out afresh in the pool, each with room for twice its
  // members (at least kMinCapacity), `grow` counted one larger. The total
  // is at most kGroups·kMinCapacity + 2(M + 1) = the pool's size, so this
  // never allocates; positions within groups are kept. O(M + kGroups), and
  // a group must double before it runs out again.
  void Relayout(std::uint32_t grow) {
    std::uint32_t next = 0;
    for (std::uint32_t k = 0; k < kGroups; ++k) {
      const std::uint32_t want = 2 * (size_[k] + (k == grow ? 1 : 0));
      const std::uint32_t capacity = want > kMinCapacity ? want : kMinCapacity;
      std::copy_n(pool_.data() + start_[k], size_[k], scratch_.data() + next);
      start_[k] = next;
      capacity_[k] = capacity;
      next += capacity;
    }
    pool_.swap(scratch_);
  }

  // The group holding the target, scanning from the largest propensities
  // down (they hold most of the mass); kNoGroup if rounding ran off the end.
  std::uint32_t PickGroup(double target) const {
    if (lowest_ > highest_) return kNoGroup;
    for (std::uint32_t k = highest_ + 1; k-- > lowest_;) {
      target -= sum_[k];
      if (target <= 0.0 && size_[k] != 0) return k;
    }
    return kNoGroup;
  }

  void Recompute() {
    total_ = 0.0;
    std::uint32_t lowest = kGroups, highest = 0;
    for (std::uint32_t k = 0; k < kGroups; ++k) {
      sum_[k] = 0.0;
      if (size_[k] == 0) continue;
      double s = 0.0;
      for (std::uint32_t i = 0; i < size_[k]; ++i) s += a_[pool_[start_[k] + i]];
      sum_[k] = s;
      total_ += s;
      if (k < lowest) lowest = k;
      highest = k;
    }
    lowest_ = lowest;
    highest_ = highest;
    // Below 1e-9 of this value, cancellation has lost most digits.
    total_floor_ = total_ * 1e-9;
    draws_since_recompute_ = 0;
    ++recomputes_;
  }

  std::vector<double> a_;
  std::vector<std::uint32_t> group_;     // kNoGroup when a_r == 0
  std::vector<std::uint32_t> position_;  // index of r within its group
  // Group k's members are pool_[start_[k], start_[k] + size_[k]), with room
  // up to capacity_[k]; scratch_ is the spare pool Relayout copies into.
  std::vector<ReactionIndex> pool_, scratch_;
  std::vector<std::uint32_t> start_, size_, capacity_;
  std::vector<double> sum_;
  // Groups in use lie in [lowest_, highest_] (a superset after removals;
  // narrowed at each Recompute).
  std::uint32_t lowest_ = kGroups, highest_ = 0;
  double total_ = 0.0;
  double total_floor_ = 0.0;
  int draws_since_recompute_ = 0;
  std::uint64_t recomputes_ = 0;
  std::uint64_t rejections_ = 0;
};

class CompositionRejectionSelector {
 public:
  void Reset(std::span<const double> a, double /*t*/, Rng& /*rng*/) { groups_.Reset(a); }

  Event Next(double t, Rng& rng) {
    const double total = groups_.Total();
    if (!(total > 0.0)) return {kInf, 0};
    const double tau = rng.Exp() / total;
    const ReactionIndex r = groups_.Sample(total, rng);
    if (r == PowerOfTwoGroups::kNone) [[unlikely]] return {kInf, 0};
    return {t + tau, r};
  }

  [[gnu::always_inline]] void Update(ReactionIndex r, double v, double /*t*/, Rng& /*rng*/) {
    groups_.Set(r, v);
  }

  std::uint64_t recomputes() const { return groups_.recomputes(); }
  std::uint64_t rejections() const { return groups_.rejections(); }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  PowerOfTwoGroups groups_;
};

// ExactStepper<CompositionRejectionSelector>, instantiated in
// composition_rejection_selector.cc (see MakeRssaStepper for why).
std::unique_ptr<Stepper> MakeCompositionRejectionStepper(std::shared_ptr<const CompiledModel> model,
                                                         const MethodOptions& options);

}  // namespace grn

#endif  // GRN_ENGINE_SSA_COMPOSITION_REJECTION_SELECTOR_H_
