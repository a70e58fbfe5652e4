// engine/ssa/hybrid_stepper.cc
//
// HybridStepper: see hybrid_stepper.h for the partition and the window. Unlike
// TauLeapStepper, which recomputes every propensity before each leap, this
// stepper keeps them current incrementally: after a leap or an exact firing
// only the readers of the species that changed are re-evaluated (each once,
// via a generation stamp). An exact firing inside a window costs only that:
// leaped rates are integrated lazily (integral_, since_), so the window's
// partition, τ' and Poisson draws are paid once per ~10 exact firings.
#include "engine/ssa/hybrid_stepper.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/base/random_variates.h"
#include "engine/base/status_macros.h"
#include "engine/kinetics/propensity.h"
#include "engine/ssa/cgp_order_terms.h"
#include "engine/ssa/exact_stepper.h"

namespace grn {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kNotLeaped = 0xffffffffu;
// A window ends after an exact firing that raises a leaped propensity above
// this multiple of its value at the window's start (an mRNA born when there
// were few: translation leaped at the old rate would be fine, but the
// proteins the exact set reads would drift past the ε bound the window was
// planned for).
constexpr double kWindowGrowthLimit = 2.0;

class HybridStepper final : public Stepper {
 public:
  HybridStepper(std::shared_ptr<const CompiledModel> model, const MethodOptions& options)
      : model_(std::move(model)),
        options_(options),
        view_(*model_),
        stoich_(*model_),
        order_terms_(*model_),
        pinned_(model_->num_species(), 0),
        leapable_(model_->num_species(), 0),
        params_(model_->initial_parameters()),
        a_(model_->num_reactions(), 0.0),
        leap_position_(model_->num_reactions(), kNotLeaped),
        integral_(model_->num_reactions(), 0.0),
        since_(model_->num_reactions(), 0.0),
        start_rate_(model_->num_reactions(), 0.0),
        saved_x_(model_->num_species(), 0.0),
        saved_a_(model_->num_reactions(), 0.0),
        reaction_stamp_(model_->num_reactions(), 0),
        species_mark_(model_->num_species(), 0),
        delta_(model_->num_species(), 0.0),
        g_(model_->num_species(), 0.0),
        mu_(model_->num_species(), 0.0),
        sigma2_(model_->num_species(), 0.0) {
    const std::vector<SpeciesRole>& roles = options_.hybrid.roles;
    for (std::size_t s = 0; s < roles.size(); ++s) pinned_[s] = IsPinnedExact(roles[s]) ? 1 : 0;
    leap_list_.reserve(model_->num_reactions());
    exact_list_.reserve(model_->num_reactions());
    firings_.reserve(model_->num_reactions());
    touched_.reserve(model_->num_species());
  }

  Status Reset(const State& state, Rng&) override {
    // Parameters as the exact stepper takes them: from the state when it
    // carries them (events may have changed them), fixed until the next Reset.
    if (!state.p.empty())
      params_.assign(state.p.begin(), state.p.end());
    else
      params_ = model_->initial_parameters();
    return EvaluateAll(state.t, state.x.data());
  }

  Status AdvanceTo(double t_end, State& state, Rng& rng) override {
    double t = state.t;
    const Status status = Loop(t_end, t, state.x.data(), rng);
    state.t = t;
    return status;
  }

  StepperStats stats() const override { return stats_; }

 private:
  Status Loop(double t_end, double& t, double* x, Rng& rng) {
    const TauLeapOptions& opt = options_.tau;
    const bool reads_time = model_->propensity_reads_time();
    while (t < t_end) {
      // Polled once per window: a window is at most a few tens of microseconds.
      if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed)) {
        return CancelledError("interrupted");
      }
      if (reads_time) GRN_RETURN_IF_ERROR(EvaluateAll(t, x));
      Partition(x);
      if (a0_leap_ + a0_exact_ == 0.0) break;  // nothing can fire again
      if (a0_leap_ == 0.0) {
        GRN_RETURN_IF_ERROR(ExactSteps(t_end, t, x, rng));
        continue;
      }
      double window = std::min(TauPrime(x), kMaxPoissonMean / a0_leap_);
      if (a0_exact_ > 0.0) {
        window = std::min(window, options_.hybrid.max_exact_per_window / a0_exact_);
      }
      for (;;) {
        // Firings one window is expected to replace. Deterministic, so
        // choosing between a window and exact steps does not bias either.
        const double span = std::min(window, t_end - t);
        if (a0_leap_ * span < opt.min_leap_in_ssa_steps) {
          GRN_RETURN_IF_ERROR(ExactSteps(t_end, t, x, rng));
          break;
        }
        const bool to_end = span >= t_end - t;
        SaveWindowStart(x);
        double t_stop = to_end ? t_end : t + span;
        GRN_ASSIGN_OR_RETURN(const bool accepted, RunWindow(t, t_stop, x, rng));
        if (!accepted) {
          // A count would become negative (or a leap exceed the Poisson
          // cap): the window was too long for this state. Never clamp; undo
          // it and retry with half of it.
          RestoreWindowStart(x);
          ++stats_.rejections;
          window = span / 2.0;
          continue;
        }
        t = t_stop;
        break;
      }
    }
    t = t_end;
    return Status::OK();
  }

  // One window [t0, t_stop] (hybrid_stepper.h): the exact set fires one
  // reaction at a time by the direct method while each leaped reaction's
  // propensity is integrated over the window, piecewise constant between the
  // exact firings that change it; then every leaped reaction fires
  // Poisson(∫a_j dt) times at once. The window ends early, after an exact
  // firing, when that firing more than doubles a leaped propensity (a leap
  // planned for the old rate would overshoot its error bound). Sets t_stop to
  // where the window ended. Returns false (state to be restored by the
  // caller) if the leap would make a count negative or exceed the Poisson cap.
  StatusOr<bool> RunWindow(double t0, double& t_stop, double* x, Rng& rng) {
    for (std::size_t k = 0; k < leap_list_.size(); ++k) {
      integral_[k] = 0.0;
      since_[k] = t0;
      start_rate_[k] = a_[leap_list_[k]];
    }
    double s = t0;
    window_grew_ = false;
    in_window_ = true;
    while (!window_grew_) {
      double a0 = 0.0;
      for (const ReactionIndex r : exact_list_) a0 += a_[r];
      if (!(a0 > 0.0)) break;
      const double next = s + rng.Exp() / a0;
      // Memoryless: an exact firing drawn past the window's end is dropped.
      if (next >= t_stop) break;
      double u = rng.Uniform01() * a0;
      ReactionIndex chosen = exact_list_.front();
      for (const ReactionIndex r : exact_list_) {
        if (a_[r] == 0.0) continue;
        chosen = r;  // the last positive one, if rounding runs off the end
        u -= a_[r];
        if (u <= 0.0) break;
      }
      s = next;
      const Status applied = ApplyExact(chosen, s, x);
      if (!applied.ok()) {
        in_window_ = false;
        return applied;
      }
    }
    in_window_ = false;
    if (window_grew_) t_stop = s;
    // The leaps, with every leaped rate integrated to the window's end.
    firings_.clear();
    touched_.clear();
    double total = 0.0;
    for (std::size_t k = 0; k < leap_list_.size(); ++k) {
      const ReactionIndex r = leap_list_[k];
      const double mean = integral_[k] + a_[r] * (t_stop - since_[k]);
      if (!(mean <= kMaxPoissonMean)) {
        ClearDelta();
        return false;
      }
      const double fired = PoissonVariate(mean, rng);
      firings_.push_back(fired);
      if (fired == 0.0) continue;
      total += fired;
      for (std::uint32_t i = stoich_.begin[r]; i < stoich_.begin[r + 1]; ++i) {
        const SpeciesIndex sp = stoich_.species[i];
        if (!species_mark_[sp]) {
          species_mark_[sp] = 1;
          touched_.push_back(sp);
        }
        delta_[sp] += fired * stoich_.delta[i];
      }
    }
    bool negative = false;
    for (const SpeciesIndex sp : touched_) negative |= x[sp] + delta_[sp] < 0.0;
    if (negative) {
      ClearDelta();
      return false;
    }
    GRN_RETURN_IF_ERROR(CommitLeap(t_stop, x));
    stats_.events += static_cast<std::uint64_t>(total);
    ++stats_.steps;
    return true;
  }

  // What a rejected window undoes: the counts, the propensities and the
  // exact firings' statistics.
  void SaveWindowStart(const double* x) {
    saved_x_.assign(x, x + saved_x_.size());
    saved_a_ = a_;
    saved_stats_ = stats_;
  }
  void RestoreWindowStart(double* x) {
    std::copy(saved_x_.begin(), saved_x_.end(), x);
    a_ = saved_a_;
    const std::uint64_t rejections = stats_.rejections;
    stats_ = saved_stats_;
    stats_.rejections = rejections;
  }

  // Every propensity at time t; fails (naming the reaction) on a negative,
  // NaN or infinite one.
  Status EvaluateAll(double t, const double* x) {
    for (ReactionIndex r = 0; r < a_.size(); ++r) {
      const double v = Propensity<Regime::kStochastic>(view_, r, x, params_.data(), t);
      if (!(v >= 0.0 && v < kInf)) [[unlikely]]
        return BadPropensityError(*model_, r, v, t, x);
      a_[r] = v;
    }
    return Status::OK();
  }

  // Re-evaluates, once each, the reactions that read a species in touched_.
  Status RefreshReaders(double t, const double* x) {
    if (++generation_ == 0) {  // wrapped: clear the stamps
      std::fill(reaction_stamp_.begin(), reaction_stamp_.end(), 0u);
      generation_ = 1;
    }
    for (const SpeciesIndex s : touched_) {
      for (const std::uint32_t r : model_->readers(s)) {
        if (reaction_stamp_[r] == generation_) continue;
        reaction_stamp_[r] = generation_;
        const double v = Propensity<Regime::kStochastic>(view_, r, x, params_.data(), t);
        if (!(v >= 0.0 && v < kInf)) [[unlikely]]
          return BadPropensityError(*model_, r, v, t, x);
        const std::uint32_t k = leap_position_[r];
        if (k != kNotLeaped && in_window_) {
          // A leaped rate changes inside a window: integrate the old one.
          integral_[k] += a_[r] * (t - since_[k]);
          since_[k] = t;
          if (v > kWindowGrowthLimit * start_rate_[k]) window_grew_ = true;
        }
        a_[r] = v;
      }
    }
    return Status::OK();
  }

  // The partition of hybrid_stepper.h, with a0_leap_ and a0_exact_.
  void Partition(const double* x) {
    const double min_count = options_.hybrid.leap_min_count;
    for (std::size_t s = 0; s < leapable_.size(); ++s) {
      leapable_[s] = !pinned_[s] && x[s] >= min_count;
    }
    const double critical = options_.tau.critical_threshold;
    leap_list_.clear();
    exact_list_.clear();
    double a0_leap = 0.0, a0_exact = 0.0;
    for (ReactionIndex r = 0; r < a_.size(); ++r) {
      const std::uint32_t begin = stoich_.begin[r], end = stoich_.begin[r + 1];
      bool leap = begin < end && a_[r] > 0.0;
      for (std::uint32_t i = begin; leap && i < end; ++i) {
        const SpeciesIndex s = stoich_.species[i];
        const double d = stoich_.delta[i];
        leap = leapable_[s] && !(d < 0.0 && std::floor(x[s] / -d) < critical);
      }
      if (leap) {
        leap_position_[r] = static_cast<std::uint32_t>(leap_list_.size());
        leap_list_.push_back(r);
        a0_leap += a_[r];
      } else {
        leap_position_[r] = kNotLeaped;
        exact_list_.push_back(r);
        a0_exact += a_[r];
      }
    }
    a0_leap_ = a0_leap;
    a0_exact_ = a0_exact;
  }

  // CGP's τ' (tau_leap_stepper.cc) with μ, σ² over the leaped reactions and
  // g over every reaction reading a species they change; +inf if nothing
  // bounds it. REQUIRES: Partition(x) was called.
  double TauPrime(const double* x) {
    std::fill(mu_.begin(), mu_.end(), 0.0);
    std::fill(sigma2_.begin(), sigma2_.end(), 0.0);
    std::fill(g_.begin(), g_.end(), 0.0);
    for (const ReactionIndex r : leap_list_) {
      const double a = a_[r];
      for (std::uint32_t i = stoich_.begin[r]; i < stoich_.begin[r + 1]; ++i) {
        const double d = stoich_.delta[i];
        mu_[stoich_.species[i]] += d * a;
        sigma2_[stoich_.species[i]] += d * d * a;
      }
    }
    const CgpOrderTerm* terms = order_terms_.terms().data();
    const std::uint32_t* term_begin = order_terms_.begin().data();
    for (ReactionIndex r = 0; r < a_.size(); ++r) {
      for (std::uint32_t i = term_begin[r]; i < term_begin[r + 1]; ++i) {
        const CgpOrderTerm& term = terms[i];
        if (sigma2_[term.species] == 0.0) continue;  // leaps do not move it
        double& g = g_[term.species];
        g = std::max(g, term.G(x[term.species]));
      }
    }
    const double eps = options_.tau.epsilon;
    double tau = kInf;
    for (std::size_t s = 0; s < g_.size(); ++s) {
      if (g_[s] == 0.0) continue;  // no propensity reads it
      const double bound = std::max(eps * x[s] / g_[s], 1.0);
      if (mu_[s] != 0.0) tau = std::min(tau, bound / std::abs(mu_[s]));
      if (sigma2_[s] > 0.0) tau = std::min(tau, bound * bound / sigma2_[s]);
    }
    return tau;
  }

  void ClearDelta() {
    for (const SpeciesIndex s : touched_) {
      delta_[s] = 0.0;
      species_mark_[s] = 0;
    }
  }

  // Adds delta_ to x and refreshes the readers of the species it changed.
  Status CommitLeap(double t, double* x) {
    for (const SpeciesIndex s : touched_) {
      const double v = x[s] + delta_[s];
      if (v >= kMaxExactCount) [[unlikely]] {
        const ReactionIndex culprit = OverflowCulprit(s);
        ClearDelta();
        return CountOverflowError(*model_, culprit, t, x);
      }
      x[s] = v;
    }
    ClearDelta();
    return RefreshReaders(t, x);
  }

  // A leaped reaction that fired in the last draw and increases species s.
  ReactionIndex OverflowCulprit(SpeciesIndex s) const {
    for (std::size_t k = 0; k < leap_list_.size(); ++k) {
      if (firings_[k] == 0.0) continue;
      const ReactionIndex r = leap_list_[k];
      for (std::uint32_t i = stoich_.begin[r]; i < stoich_.begin[r + 1]; ++i) {
        if (stoich_.species[i] == s && stoich_.delta[i] > 0.0) return r;
      }
    }
    return leap_list_.empty() ? 0 : leap_list_.front();
  }

  // Fires r once at time t and refreshes the readers of what it changed.
  Status ApplyExact(ReactionIndex r, double t, double* x) {
    if (!stoich_.Apply(r, x)) [[unlikely]] {
      // Apply also refuses a negative count, which only a rate-law
      // expression that stays positive without its reactants can cause.
      for (std::uint32_t i = stoich_.begin[r]; i < stoich_.begin[r + 1]; ++i) {
        if (x[stoich_.species[i]] < 0.0) {
          return NumericalError("reaction '" + model_->reaction_names()[r] +
                                "' fired with too few reactants (its rate law is positive "
                                "without them), making '" +
                                model_->species_names()[stoich_.species[i]] + "' negative");
        }
      }
      return CountOverflowError(*model_, r, t, x);
    }
    ++stats_.events;
    ++stats_.steps;
    touched_.clear();
    for (std::uint32_t i = stoich_.begin[r]; i < stoich_.begin[r + 1]; ++i) {
      touched_.push_back(stoich_.species[i]);
    }
    return RefreshReaders(t, x);
  }

  // Up to exact_steps_on_fallback steps of Gillespie's direct method over
  // all reactions, with their propensities kept current.
  Status ExactSteps(double t_end, double& t, double* x, Rng& rng) {
    const bool reads_time = model_->propensity_reads_time();
    const std::size_t m = a_.size();
    for (int step = 0; step < options_.tau.exact_steps_on_fallback; ++step) {
      if (reads_time && step > 0) GRN_RETURN_IF_ERROR(EvaluateAll(t, x));
      double a0 = 0.0;
      for (std::size_t r = 0; r < m; ++r) a0 += a_[r];
      if (!(a0 < kInf)) [[unlikely]] {
        const auto largest =
            static_cast<ReactionIndex>(std::max_element(a_.begin(), a_.end()) - a_.begin());
        return BadPropensityError(*model_, largest, a0, t, x);
      }
      if (a0 == 0.0) {
        t = t_end;
        return Status::OK();
      }
      const double next = t + rng.Exp() / a0;
      // Memoryless: dropping the event past t_end is exact.
      if (next > t_end) {
        t = t_end;
        return Status::OK();
      }
      double u = rng.Uniform01() * a0;
      ReactionIndex fired = 0;
      for (ReactionIndex r = 0; r < m; ++r) {
        if (a_[r] == 0.0) continue;
        fired = r;  // the last positive one, if rounding runs off the end
        u -= a_[r];
        if (u <= 0.0) break;
      }
      t = next;
      GRN_RETURN_IF_ERROR(ApplyExact(fired, t, x));
    }
    return Status::OK();
  }

  std::shared_ptr<const CompiledModel> model_;
  MethodOptions options_;
  const KineticsView view_;
  const StoichView stoich_;
  const CgpOrderTerms order_terms_;
  std::vector<char> pinned_;     // per species: exact by its role
  std::vector<char> leapable_;   // per species, this cycle
  std::vector<double> params_;   // current parameter values (State::p at Reset)
  std::vector<double> a_;        // every propensity, kept current
  std::vector<ReactionIndex> leap_list_;   // the leaped reactions, this window
  std::vector<ReactionIndex> exact_list_;  // the others, this window
  std::vector<std::uint32_t> leap_position_;  // per reaction: index in leap_list_ or kNotLeaped
  // Per leap_list_ entry, this window: ∫a dt up to since_, the rate at the
  // window's start, and the firings drawn.
  std::vector<double> integral_, since_, start_rate_, firings_;
  bool in_window_ = false;    // exact firings of a window are running
  bool window_grew_ = false;  // one of them more than doubled a leaped rate
  std::vector<double> saved_x_, saved_a_;  // the window's start, for a rejection
  StepperStats saved_stats_;
  std::vector<std::uint32_t> reaction_stamp_;  // RefreshReaders' dedupe
  std::uint32_t generation_ = 0;
  std::vector<char> species_mark_;       // in touched_
  std::vector<SpeciesIndex> touched_;    // species changed by the last leap or firing
  std::vector<double> delta_;            // per species, the leap being tried
  std::vector<double> g_, mu_, sigma2_;  // CGP, per species
  double a0_leap_ = 0.0, a0_exact_ = 0.0;
  StepperStats stats_;
};

}  // namespace

StatusOr<std::unique_ptr<Stepper>> MakeHybridStepper(std::shared_ptr<const CompiledModel> model,
                                                     const MethodOptions& options) {
  const TauLeapOptions& tau = options.tau;
  if (!(tau.epsilon > 0.0 && tau.epsilon < 1.0)) {
    return InvalidArgumentError("hybrid: tau-leaping epsilon must be in (0, 1), got " +
                                std::to_string(tau.epsilon));
  }
  if (tau.critical_threshold < 0 || !(tau.min_leap_in_ssa_steps >= 0.0) ||
      tau.exact_steps_on_fallback < 1) {
    return InvalidArgumentError(
        "hybrid: critical_threshold >= 0, min_leap_in_ssa_steps >= 0 and "
        "exact_steps_on_fallback >= 1 are required");
  }
  const HybridOptions& hybrid = options.hybrid;
  if (!(hybrid.max_exact_per_window > 0.0)) {
    return InvalidArgumentError("hybrid: max_exact_per_window must be > 0, got " +
                                std::to_string(hybrid.max_exact_per_window));
  }
  if (!(hybrid.leap_min_count >= 0.0)) {
    return InvalidArgumentError("hybrid: leap_min_count must be >= 0, got " +
                                std::to_string(hybrid.leap_min_count));
  }
  if (!hybrid.roles.empty() && hybrid.roles.size() != model->num_species()) {
    return InvalidArgumentError("hybrid: " + std::to_string(hybrid.roles.size()) +
                                " species roles given for a network of " +
                                std::to_string(model->num_species()) + " species");
  }
  return std::unique_ptr<Stepper>(std::make_unique<HybridStepper>(std::move(model), options));
}

}  // namespace grn
