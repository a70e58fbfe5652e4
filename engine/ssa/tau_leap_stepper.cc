// engine/ssa/tau_leap_stepper.cc
//
// TauLeapStepper: the CGP 2006 algorithm (section IV, steps 1–6), with the
// propensities recomputed in full before every leap (a leap changes many
// counts at once, so dependency-driven updates would gain little).
//
// Step-size selection (CGP eqs. 32–33). Over the non-critical reactions J_ncr
// and the set I_rs of their reactant species,
//   μ_i  = Σ_{j∈J_ncr} ν_ij·a_j,   σ_i² = Σ_{j∈J_ncr} ν_ij²·a_j,
//   τ'   = min_{i∈I_rs} { max(ε·x_i/g_i, 1)/|μ_i|,  max(ε·x_i/g_i, 1)²/σ_i² },
// so that |Δx_i| <= ε·x_i/g_i keeps every |Δa_j| <= ε·a_j. g_i bounds the
// elasticity d ln a_j / d ln x_i, split over the reactants of each reaction
// (engine/ssa/cgp_order_terms.h); it is the largest such value over the
// reactions in J_ncr that read species i. Propensities are held constant over
// a leap, so a law that reads time is evaluated at the leap's start.
//
// Critical reactions (CGP section III): a_j > 0 and
// L_j = min_{i: ν_ij<0} floor(x_i/|ν_ij|) < n_c. They fire at most once per
// leap: τ'' ~ Exp(a0_critical); if τ'' < τ' the leap has length τ'' and one
// critical reaction, chosen with probability a_j/a0_critical, fires once.
//
// Known limit of the explicit method (Rathinam, Petzold, Cao & Gillespie,
// J. Chem. Phys. 119:12784, 2003): near a stable equilibrium with relaxation
// rate λ, a leap of τ inflates the stationary variance by 1/(1 − λτ/2). The
// CGP rule bounds relative propensity changes, not λτ, and at high counts
// λτ ≈ ε²·x/8 for a fast reversible dimerisation, so ε must shrink as counts
// grow if variances matter (tests/statistical/tau_leap_test.cc, bench/tau_bench.cc).
#include "engine/ssa/tau_leap_stepper.h"

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

// The per-leap computations shared by the stepper and EstimateTauLeapSpeedup:
// propensities, the critical set and τ'. Buffers are sized once here.
class LeapPlanner {
 public:
  LeapPlanner(const CompiledModel& model, const TauLeapOptions& options)
      : model_(model),
        options_(options),
        view_(model),
        stoich_(model),
        order_terms_(model),
        terms_(order_terms_.terms().data()),
        term_begin_(order_terms_.begin().data()),
        a_(model.num_reactions()),
        critical_(model.num_reactions()),
        g_(model.num_species()),
        mu_(model.num_species()),
        sigma2_(model.num_species()) {}

  // a_j for every reaction at time t, with parameter values p, and their sum
  // a0. Fails (naming the reaction) on a negative, NaN or infinite
  // propensity, or an infinite sum.
  Status Evaluate(double t, const double* x, const double* p) {
    double a0 = 0.0;
    for (ReactionIndex r = 0; r < a_.size(); ++r) {
      const double v = Propensity<Regime::kStochastic>(view_, r, x, p, t);
      if (!(v >= 0.0 && v < kInf)) [[unlikely]]
        return BadPropensityError(model_, r, v, t, x);
      a_[r] = v;
      a0 += v;
    }
    if (!(a0 < kInf)) [[unlikely]] {
      const auto largest =
          static_cast<ReactionIndex>(std::max_element(a_.begin(), a_.end()) - a_.begin());
      return BadPropensityError(model_, largest, a0, t, x);
    }
    a0_ = a0;
    return Status::OK();
  }

  // Marks the critical reactions and sums their propensities.
  void Classify(const double* x) {
    const double threshold = options_.critical_threshold;
    double a0c = 0.0;
    for (ReactionIndex r = 0; r < a_.size(); ++r) {
      bool critical = false;
      if (a_[r] > 0.0) {
        for (std::uint32_t i = stoich_.begin[r]; i < stoich_.begin[r + 1]; ++i) {
          const double d = stoich_.delta[i];
          if (d < 0.0 && std::floor(x[stoich_.species[i]] / -d) < threshold) {
            critical = true;
            break;
          }
        }
      }
      critical_[r] = critical;
      if (critical) a0c += a_[r];
    }
    a0_critical_ = a0c;
  }

  // τ' of CGP eq. 33 over the non-critical reactions (+inf if nothing bounds
  // it). REQUIRES: Evaluate and Classify were called for x.
  double TauPrime(const double* x) {
    std::fill(g_.begin(), g_.end(), 0.0);
    std::fill(mu_.begin(), mu_.end(), 0.0);
    std::fill(sigma2_.begin(), sigma2_.end(), 0.0);
    for (ReactionIndex r = 0; r < a_.size(); ++r) {
      if (critical_[r]) continue;
      for (std::uint32_t i = term_begin_[r]; i < term_begin_[r + 1]; ++i) {
        const CgpOrderTerm& term = terms_[i];
        double& g = g_[term.species];
        g = std::max(g, term.Elasticity(x[term.species]) * term.scale);
      }
      const double a = a_[r];
      if (a == 0.0) continue;
      for (std::uint32_t i = stoich_.begin[r]; i < stoich_.begin[r + 1]; ++i) {
        const double d = stoich_.delta[i];
        mu_[stoich_.species[i]] += d * a;
        sigma2_[stoich_.species[i]] += d * d * a;
      }
    }
    const double eps = options_.epsilon;
    double tau = kInf;
    for (std::size_t s = 0; s < g_.size(); ++s) {
      if (g_[s] == 0.0) continue;  // not in I_rs
      const double bound = std::max(eps * x[s] / g_[s], 1.0);
      if (mu_[s] != 0.0) tau = std::min(tau, bound / std::abs(mu_[s]));
      if (sigma2_[s] > 0.0) tau = std::min(tau, bound * bound / sigma2_[s]);
    }
    return tau;
  }

  double a0() const { return a0_; }
  double a0_critical() const { return a0_critical_; }
  const std::vector<double>& a() const { return a_; }
  const std::vector<char>& critical() const { return critical_; }
  const StoichView& stoich() const { return stoich_; }

 private:
  const CompiledModel& model_;
  const TauLeapOptions options_;
  const KineticsView view_;
  const StoichView stoich_;
  const CgpOrderTerms order_terms_;
  const CgpOrderTerm* const terms_;         // order_terms_' rows, hoisted
  const std::uint32_t* const term_begin_;
  std::vector<double> a_;
  std::vector<char> critical_;  // char, not vector<bool>: plain loads in the loop
  std::vector<double> g_, mu_, sigma2_;
  double a0_ = 0.0;
  double a0_critical_ = 0.0;
};

class TauLeapStepper final : public Stepper {
 public:
  TauLeapStepper(std::shared_ptr<const CompiledModel> model, const MethodOptions& options)
      : model_(std::move(model)),
        options_(options),
        planner_(*model_, options.tau),
        params_(model_->initial_parameters()),
        firings_(model_->num_reactions()),
        trial_(model_->num_species()) {}

  Status Reset(const State& state, Rng&) override {
    // Parameters as the exact stepper takes them: from the state when it
    // carries them (events may have changed them), fixed until the next Reset.
    if (!state.p.empty())
      params_.assign(state.p.begin(), state.p.end());
    else
      params_ = model_->initial_parameters();
    return planner_.Evaluate(state.t, state.x.data(), params_.data());
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
    while (t < t_end) {
      // Polled once per leap or batch of exact steps: each is at most a few
      // microseconds, and the load is relaxed.
      if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed)) {
        return CancelledError("interrupted");
      }
      GRN_RETURN_IF_ERROR(planner_.Evaluate(t, x, params_.data()));  // CGP step 1
      const double a0 = planner_.a0();
      if (a0 == 0.0) break;  // nothing can fire again
      planner_.Classify(x);
      // CGP step 2, capped so that every Poisson mean a_j·τ <= kMaxPoissonMean.
      double tau1 = std::min(planner_.TauPrime(x), kMaxPoissonMean / a0);
      const double min_leap = opt.min_leap_in_ssa_steps / a0;
      for (;;) {
        // CGP step 3: a leap this short is not worth its Poisson draws.
        if (tau1 < min_leap) {
          GRN_RETURN_IF_ERROR(ExactSteps(t_end, t, x, rng));
          break;
        }
        // CGP step 4: the time to the next critical firing.
        const double a0c = planner_.a0_critical();
        const double tau2 = a0c > 0.0 ? rng.Exp() / a0c : kInf;
        const double remaining = t_end - t;
        // CGP step 5. Truncating at t_end is exact for the critical part:
        // the exponential clock has no memory, so an unfired τ'' > remaining
        // is simply redrawn in the next interval.
        const bool fire_critical = tau2 <= tau1 && tau2 <= remaining;
        const bool to_end = !fire_critical && remaining <= tau1;
        const double tau = fire_critical ? tau2 : (to_end ? remaining : tau1);
        const double fired = DrawFirings(tau, fire_critical, rng);
        // CGP step 6: never clamp. A negative count means the leap was too
        // long for this state: retry with half of it.
        if (!ApplyToTrial(x)) {
          ++stats_.rejections;
          tau1 = tau / 2.0;
          continue;
        }
        for (std::size_t s = 0; s < trial_.size(); ++s) {
          if (trial_[s] >= kMaxExactCount) [[unlikely]] {
            return CountOverflowError(*model_, OverflowCulprit(s), t + tau, trial_.data());
          }
        }
        std::copy(trial_.begin(), trial_.end(), x);
        t = to_end ? t_end : t + tau;
        stats_.events += static_cast<std::uint64_t>(fired);
        ++stats_.steps;
        break;
      }
    }
    t = t_end;
    return Status::OK();
  }

  // Poisson firings of every non-critical reaction over tau, plus one firing
  // of a critical reaction when `fire_critical`. Returns the total.
  double DrawFirings(double tau, bool fire_critical, Rng& rng) {
    const std::vector<double>& a = planner_.a();
    const std::vector<char>& critical = planner_.critical();
    double total = 0.0;
    for (std::size_t r = 0; r < a.size(); ++r) {
      const double k = critical[r] ? 0.0 : PoissonVariate(a[r] * tau, rng);
      firings_[r] = k;
      total += k;
    }
    if (fire_critical) {
      double u = rng.Uniform01() * planner_.a0_critical();
      std::size_t chosen = a.size();
      for (std::size_t r = 0; r < a.size(); ++r) {
        if (!critical[r]) continue;
        chosen = r;  // the last critical one, if rounding runs off the end
        u -= a[r];
        if (u <= 0.0) break;
      }
      firings_[chosen] = 1.0;
      total += 1.0;
    }
    return total;
  }

  // trial_ = x + Σ_r firings_[r]·ν_r. False if a count would be negative.
  bool ApplyToTrial(const double* x) {
    std::copy(x, x + trial_.size(), trial_.begin());
    const StoichView& stoich = planner_.stoich();
    for (std::size_t r = 0; r < firings_.size(); ++r) {
      const double k = firings_[r];
      if (k == 0.0) continue;
      for (std::uint32_t i = stoich.begin[r]; i < stoich.begin[r + 1]; ++i) {
        trial_[stoich.species[i]] += k * stoich.delta[i];
      }
    }
    for (double v : trial_) {
      if (v < 0.0) return false;
    }
    return true;
  }

  // A reaction that fired in the last draw and increases species s.
  ReactionIndex OverflowCulprit(std::size_t s) const {
    const StoichView& stoich = planner_.stoich();
    for (ReactionIndex r = 0; r < firings_.size(); ++r) {
      if (firings_[r] == 0.0) continue;
      for (std::uint32_t i = stoich.begin[r]; i < stoich.begin[r + 1]; ++i) {
        if (stoich.species[i] == s && stoich.delta[i] > 0.0) return r;
      }
    }
    return 0;
  }

  // Up to exact_steps_on_fallback steps of Gillespie's direct method with
  // full recomputation (these stretches have few events by construction).
  // REQUIRES: planner_ holds the propensities of x.
  Status ExactSteps(double t_end, double& t, double* x, Rng& rng) {
    const StoichView& stoich = planner_.stoich();
    const std::vector<double>& a = planner_.a();
    for (int step = 0; step < options_.tau.exact_steps_on_fallback; ++step) {
      if (step > 0) GRN_RETURN_IF_ERROR(planner_.Evaluate(t, x, params_.data()));
      const double a0 = planner_.a0();
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
      for (ReactionIndex r = 0; r < a.size(); ++r) {
        if (a[r] == 0.0) continue;
        fired = r;  // the last positive one, if rounding runs off the end
        u -= a[r];
        if (u <= 0.0) break;
      }
      if (!stoich.Apply(fired, x)) [[unlikely]] {
        // Apply also refuses a negative count, which only a rate-law
        // expression that stays positive without its reactants can cause.
        for (std::uint32_t i = stoich.begin[fired]; i < stoich.begin[fired + 1]; ++i) {
          if (x[stoich.species[i]] < 0.0) {
            return NumericalError("reaction '" + model_->reaction_names()[fired] +
                                  "' fired with too few reactants (its rate law is positive "
                                  "without them), making '" +
                                  model_->species_names()[stoich.species[i]] + "' negative");
          }
        }
        return CountOverflowError(*model_, fired, next, x);
      }
      t = next;
      ++stats_.events;
      ++stats_.steps;
    }
    return Status::OK();
  }

  std::shared_ptr<const CompiledModel> model_;
  MethodOptions options_;
  LeapPlanner planner_;
  std::vector<double> params_;   // current parameter values (State::p at Reset)
  std::vector<double> firings_;  // per reaction, of the leap being tried
  std::vector<double> trial_;    // counts after the leap being tried
  StepperStats stats_;
};

}  // namespace

StatusOr<std::unique_ptr<Stepper>> MakeTauLeapStepper(std::shared_ptr<const CompiledModel> model,
                                                      const MethodOptions& options) {
  const TauLeapOptions& tau = options.tau;
  if (!(tau.epsilon > 0.0 && tau.epsilon < 1.0)) {
    return InvalidArgumentError("tau-leaping epsilon must be in (0, 1), got " +
                                std::to_string(tau.epsilon));
  }
  if (tau.critical_threshold < 0 || !(tau.min_leap_in_ssa_steps >= 0.0) ||
      tau.exact_steps_on_fallback < 1) {
    return InvalidArgumentError(
        "tau-leaping options: critical_threshold >= 0, min_leap_in_ssa_steps >= 0 and "
        "exact_steps_on_fallback >= 1 are required");
  }
  return std::unique_ptr<Stepper>(std::make_unique<TauLeapStepper>(std::move(model), options));
}

double EstimateTauLeapSpeedup(const CompiledModel& model, std::span<const double> x,
                              const TauLeapOptions& options) {
  LeapPlanner planner(model, options);
  if (!planner.Evaluate(0.0, x.data(), model.initial_parameters().data()).ok() ||
      planner.a0() == 0.0) {
    return 0.0;
  }
  planner.Classify(x.data());
  const double a0 = planner.a0();
  const double a0c = planner.a0_critical();
  const double tau1 = std::min(planner.TauPrime(x.data()), kMaxPoissonMean / a0);
  // A leap ends at min(τ', τ'') with τ'' ~ Exp(a0c), whose mean is
  // (1 − e^{−a0c·τ'})/a0c: with critical reactions present the leap is
  // bounded by their next firing even where τ' is not.
  if (a0c == 0.0) return a0 * tau1;
  return a0 * -std::expm1(-a0c * tau1) / a0c;
}

}  // namespace grn
