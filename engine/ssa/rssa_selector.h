// engine/ssa/rssa_selector.h
//
// The rejection-based SSA, RSSA (Thanh, Priami & Zunino, J. Chem. Phys.
// 141:134116, 2014; with composition–rejection search, Thanh, Zunino &
// Priami, J. Chem. Phys. 142:244106, 2015).
//
// Each species s keeps a fluctuation interval [lo_s, hi_s] around its count;
// each reaction keeps bounds alo_r <= a_r(x) <= ahi_r valid for every state
// inside the intervals. Mass action is non-decreasing in every count, so the
// bounds are the law evaluated at the interval ends. Selection is thinning of
// the Poisson process of rate Σ ahi: draw a candidate r with probability
// ahi_r/Σ ahi and a time step Exp(Σ ahi); accept with probability a_r/ahi_r —
// at once when u·ahi_r <= alo_r (no propensity evaluated), otherwise by
// evaluating a_r. A rejected candidate still advances time (the thinned
// process), and the state does not move, so the bounds stay valid.
// After an event only species that left their interval get a new one, and
// only the reactions reading them new bounds: on fceri_gamma2 a firing
// touches a handful of bounds instead of ~1,100 propensities.
//
// Laws that are not plain mass action of order <= 2 (modifiers, expressions,
// higher orders) are not assumed monotone: every species such a law reads
// gets a zero-width interval, so its bounds are its exact value, refreshed
// whenever one of those species changes. Species no reaction changes get a
// zero-width interval too (it never needs refreshing).
//
// Interval rule (Thanh et al.'s relative fluctuation): the whole counts in
// [x(1−δ_s), x(1+δ_s)], δ_s = 0.1, wider for species that many reactions read
// (see kHubReaders). Small counts (x·δ_s < 1) get a zero-width interval: a
// loose bound on a species near zero (an empty complex that 10^3 reactions
// read) would make almost every candidate a rejection.
//
// The candidate search is a template parameter: LinearSampler (direct-method
// linear search: small networks) or PowerOfTwoGroups (composition–rejection:
// RSSA-CR, large ones).
#ifndef GRN_ENGINE_SSA_RSSA_SELECTOR_H_
#define GRN_ENGINE_SSA_RSSA_SELECTOR_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "engine/base/rng.h"
#include "engine/kinetics/propensity.h"
#include "engine/model/compiled_model.h"
#include "engine/ssa/composition_rejection_selector.h"
#include "engine/sim/stepper.h"
#include "engine/ssa/event.h"

namespace grn {

// Linear search over a table of values with a running total (the direct
// method's table, for RSSA on small networks).
class LinearSampler {
 public:
  static constexpr ReactionIndex kNone = ~ReactionIndex{0};

  void Reset(std::span<const double> a) {
    a_.assign(a.begin(), a.end());
    Recompute();
  }

  [[gnu::always_inline]] void Set(ReactionIndex r, double v) {
    total_ += v - a_[r];
    a_[r] = v;
  }

  double value(ReactionIndex r) const { return a_[r]; }

  [[gnu::always_inline]] double Total() {
    if (++draws_since_recompute_ >= kRecomputeEvery || total_ < total_floor_) [[unlikely]] {
      Recompute();
    }
    return total_;
  }

  ReactionIndex Sample(double total, Rng& rng) {
    const double u = rng.Uniform01();
    double target = std::max(u * total, std::numeric_limits<double>::min());
    const double* a = a_.data();
    const std::size_t n = a_.size();
    for (std::size_t r = 0; r < n; ++r) {
      target -= a[r];
      if (target <= 0.0) return static_cast<ReactionIndex>(r);
    }
    // Off the end: the total drifted above the true sum. Retry exactly.
    Recompute();
    if (!(total_ > 0.0)) return kNone;
    target = u * total_;
    ReactionIndex last_positive = kNone;
    for (std::size_t r = 0; r < n; ++r) {
      target -= a[r];
      if (a[r] > 0.0) {
        if (target <= 0.0) return static_cast<ReactionIndex>(r);
        last_positive = static_cast<ReactionIndex>(r);
      }
    }
    return last_positive;
  }

  std::uint64_t recomputes() const { return recomputes_; }
  std::uint64_t rejections() const { return 0; }

 private:
  static constexpr int kRecomputeEvery = 10000;

  void Recompute() {
    double s = 0.0;
    for (double v : a_) s += v;
    total_ = s;
    total_floor_ = s * 1e-9;
    draws_since_recompute_ = 0;
    ++recomputes_;
  }

  std::vector<double> a_;
  double total_ = 0.0;
  double total_floor_ = 0.0;
  int draws_since_recompute_ = 0;
  std::uint64_t recomputes_ = 0;
};

template <class Sampler>
class RssaSelectorT {
 public:
  // Called by ExactStepper before each Reset: x is the working copy of the
  // counts (num_species + 1 values, the last 1.0) that the loop updates in
  // place; p the current parameter values.
  void Bind(const CompiledModel& model, const double* x, const double* p) {
    model_ = &model;
    x_ = x;
    p_ = p;
  }

  // Intervals from the current counts, bounds from the intervals. The exact
  // propensities `a` are not needed: the bounds are built from x.
  void Reset(std::span<const double> a, double /*t*/, Rng& /*rng*/) {
    const CompiledModel& m = *model_;
    const std::size_t n = m.num_species();
    kinetics_ = m.kinetics_data();
    stoich_begin_ = StoichView(m).begin;
    if (exact_.size() != n + 1) BuildExactSpecies();
    if (laws_.size() != a.size()) {
      // The fast-path law of each reaction in 16 bytes (ReactionKinetics is
      // several times larger): the bound loop streams through these.
      laws_.resize(a.size());
      for (ReactionIndex r = 0; r < a.size(); ++r) {
        const ReactionKinetics& k = kinetics_[r];
        laws_[r] = {k.slow ? -1.0 : k.c, k.fast_s0,
                    k.fast_s1 | (k.fast_offset != 0.0 ? kHomodimerBit : 0u)};
      }
    }
    lo_.assign(n + 1, 1.0);
    hi_.assign(n + 1, 1.0);
    for (SpeciesIndex s = 0; s < n; ++s) SetInterval(s);
    alo_.assign(a.size(), 0.0);
    ahi_.assign(a.size(), 0.0);
    for (ReactionIndex r = 0; r < a.size(); ++r) ComputeBounds(r, 0.0);
    sampler_.Reset(ahi_);
  }

  // The next event after time t: candidates are drawn, and time advanced,
  // until one is accepted.
  Event Next(double t, Rng& rng) {
    for (;;) {
      const double total = sampler_.Total();
      if (!(total > 0.0)) return {kInf, 0};
      t += rng.Exp() / total;
      const ReactionIndex r = sampler_.Sample(total, rng);
      if (r == Sampler::kNone) [[unlikely]] return {kInf, 0};
      const double u = rng.Uniform01() * ahi_[r];
      if (u <= alo_[r]) return {t, r};
      if (u <= PropensityWithUnitSlot(*model_, kinetics_, r, x_, p_, t)) return {t, r};
      ++rejections_;
    }
  }

  // Not used: the loop calls Fired instead (SpeciesDrivenSelector).
  void Update(ReactionIndex /*r*/, double /*v*/, double /*t*/, Rng& /*rng*/) {}

  // After reaction `fired` changed the counts at time t: new intervals for
  // the species that left theirs, new bounds for the reactions reading them.
  // False if a bound is negative, NaN or infinite.
  [[gnu::always_inline]] bool Fired(ReactionIndex fired, double t) {
    const CompiledModel& m = *model_;
    const SpeciesIndex* species = m.stoich_species();
    const std::uint32_t* reader_begin = m.reader_index().begin.data();
    const std::uint32_t* reader = m.reader_index().index.data();
    bool ok = true;
    for (std::uint32_t k = stoich_begin_[fired], end = stoich_begin_[fired + 1]; k < end; ++k) {
      const SpeciesIndex s = species[k];
      const double x = x_[s];
      if (x >= lo_[s] && x <= hi_[s]) [[likely]] continue;
      SetInterval(s);
      for (std::uint32_t i = reader_begin[s], iend = reader_begin[s + 1]; i < iend; ++i) {
        ok &= Bound(reader[i], t);
      }
    }
    return ok;
  }

  std::uint64_t recomputes() const { return sampler_.recomputes(); }
  std::uint64_t rejections() const { return rejections_ + sampler_.rejections(); }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  static constexpr double kRelativeHalfWidth = 0.1;
  // A species read by more than kHubReaders reactions gets a wider interval,
  // δ·(readers/kHubReaders)^(1/3) up to kMaxRelativeHalfWidth: each exit costs
  // a bound per reader, while a wider interval costs rejections for those
  // readers alone (on fceri_gamma2 this halves the time per event; measured
  // with bench/large_networks_bench, δ_max 0.5 and kHubReaders 16 best of the
  // settings tried).
  static constexpr double kHubReaders = 16.0;
  static constexpr double kMaxRelativeHalfWidth = 0.5;

  // exact_[s]: s gets a zero-width interval (read by a law not known to be
  // monotone, or never changed by any reaction).
  void BuildExactSpecies() {
    const CompiledModel& m = *model_;
    const std::size_t n = m.num_species();
    exact_.assign(n + 1, 1);
    for (ReactionIndex r = 0; r < m.num_reactions(); ++r) {
      for (std::uint32_t k = m.stoich_begin(r); k < m.stoich_end(r); ++k) {
        exact_[m.stoich_species()[k]] = 0;
      }
    }
    delta_.assign(n + 1, 0.0);
    for (SpeciesIndex s = 0; s < n; ++s) {
      for (ReactionIndex r : m.readers(s)) {
        if (m.kinetics(r).slow) exact_[s] = 1;
      }
      const double readers = static_cast<double>(m.readers(s).size());
      delta_[s] = exact_[s] ? 0.0
                            : std::clamp(kRelativeHalfWidth * std::cbrt(readers / kHubReaders),
                                         kRelativeHalfWidth, kMaxRelativeHalfWidth);
    }
  }

  void SetInterval(SpeciesIndex s) {
    const double x = x_[s];
    const double h = delta_[s] * x;  // 0 for exact species
    lo_[s] = std::ceil(x - h);
    hi_[s] = std::floor(x + h);
  }

  // Recomputes r's bounds and tells the sampler; false if they are not
  // finite and >= 0.
  [[gnu::always_inline]] bool Bound(ReactionIndex r, double t) {
    const bool ok = ComputeBounds(r, t);
    sampler_.Set(r, ahi_[r]);
    return ok;
  }

  [[gnu::always_inline]] bool ComputeBounds(ReactionIndex r, double t) {
    const FastLaw& law = laws_[r];
    double low, high;
    if (law.c >= 0.0) [[likely]] {
      const std::uint32_t s1 = law.s1 & ~kHomodimerBit;
      const double offset = law.s1 >> 31;  // x(x−1) for a homodimer
      low = law.c * lo_[law.s0] * (lo_[s1] - offset);
      high = law.c * hi_[law.s0] * (hi_[s1] - offset);
    } else {
      // Every species this law reads has a zero-width interval: exact.
      low = high = SlowStochasticPropensity(*model_, r, x_, p_, t);
    }
    alo_[r] = low;
    ahi_[r] = high;
    return high < kInf && low >= 0.0;
  }

  // ReactionKinetics' fast path, c · x[s0] · (x[s1] − offset), in 16 bytes:
  // offset 1 (a homodimer) is the top bit of s1. c < 0 marks a law on the
  // general path (exact bounds).
  static constexpr std::uint32_t kHomodimerBit = 0x80000000u;
  struct FastLaw {
    double c;
    std::uint32_t s0, s1;
  };

  const CompiledModel* model_ = nullptr;
  const ReactionKinetics* kinetics_ = nullptr;
  const std::uint32_t* stoich_begin_ = nullptr;
  const double* x_ = nullptr;
  const double* p_ = nullptr;
  std::vector<char> exact_;
  std::vector<double> delta_;  // relative half-width per species (0: exact)
  std::vector<FastLaw> laws_;
  std::vector<double> lo_, hi_;    // per species, plus the 1.0 slot
  std::vector<double> alo_, ahi_;  // per reaction
  Sampler sampler_;
  std::uint64_t rejections_ = 0;
};

using RssaSelector = RssaSelectorT<LinearSampler>;
using RssaCrSelector = RssaSelectorT<PowerOfTwoGroups>;

// ExactStepper<RssaSelector> (with_cr false) or ExactStepper<RssaCrSelector>,
// instantiated in rssa_selector.cc: kept out of make_stepper.cc, whose size
// would otherwise stop GCC inlining the generator into the direct loop.
std::unique_ptr<Stepper> MakeRssaStepper(std::shared_ptr<const CompiledModel> model,
                                         const MethodOptions& options, bool with_cr);

}  // namespace grn

#endif  // GRN_ENGINE_SSA_RSSA_SELECTOR_H_
