// engine/ssa/exact_stepper.h
//
// ExactStepper<Selector>: the one exact-SSA loop. Methods differ only in how
// the Selector picks the next event (JumpProcesses' "aggregator" split):
//   Next(rng) → earliest pending event; Update(r, a, t, rng) → propensity of r
//   is now a after an event at t; Reset(a, t, rng) → rebuild from scratch.
// After each event only the reactions in model.dependents(r) are re-evaluated
// (or, for networks too large for flattened lists, r and the readers of each
// species r changed); a SpeciesDrivenSelector (RSSA) does its own updates.
// Every updated propensity is checked: a negative, NaN or infinite value, or a
// count pushed to 2^53, stops the run with an error naming the reaction.
#ifndef GRN_ENGINE_SSA_EXACT_STEPPER_H_
#define GRN_ENGINE_SSA_EXACT_STEPPER_H_

#include <concepts>
#include <memory>
#include <span>
#include <sstream>
#include <vector>

#include "engine/base/status_macros.h"
#include "engine/kinetics/propensity.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/stepper.h"
#include "engine/ssa/event.h"

namespace grn {

template <class S>
concept Selector = requires(S s, std::span<const double> a, ReactionIndex r, double v,
                            double t, Rng& rng) {
  s.Reset(a, t, rng);                                // all propensities at time t
  { s.Next(t, rng) } -> std::same_as<Event>;         // the next event after time t
  s.Update(r, v, t, rng);                            // a_r is now v (event at t)
  { s.recomputes() } -> std::convertible_to<std::uint64_t>;
};

// A selector that follows species counts rather than propensity updates
// (RSSA): it is bound to the model and to the stepper's working counts and
// parameters, and after each event Fired(r, t) updates whatever it keeps;
// the loop then re-evaluates nothing itself. Fired returns false if a
// propensity became negative, NaN or infinite.
template <class S>
concept SpeciesDrivenSelector = requires(S s, const CompiledModel& m, const double* x,
                                         const double* p, ReactionIndex r, double t) {
  s.Bind(m, x, p);
  { s.Fired(r, t) } -> std::same_as<bool>;
};

// Builds the error for a propensity that is not a finite non-negative number.
Status BadPropensityError(const CompiledModel& model, ReactionIndex r, double value,
                          double t, const double* x);
// Builds the error for a count that reached 2^53 after r fired.
Status CountOverflowError(const CompiledModel& model, ReactionIndex r, double t,
                          const double* x);

template <Selector S>
class ExactStepper final : public Stepper {
 public:
  ExactStepper(std::shared_ptr<const CompiledModel> model, MethodOptions options)
      : model_(std::move(model)),
        options_(options),
        a_(model_->num_reactions()),
        counts_(model_->num_species() + 1, 1.0),
        condition_true_(model_->events().size(), false) {
    triggered_.reserve(model_->events().size());
  }

  Status Reset(const State& state, Rng& rng) override {
    const CompiledModel& m = *model_;
    const double* x = state.x.data();
    params_ = state.p.empty() ? m.initial_parameters() : state.p;
    for (ReactionIndex r = 0; r < m.num_reactions(); ++r) {
      a_[r] = Propensity<Regime::kStochastic>(m, r, x, params_.data(), state.t);
      if (!(a_[r] >= 0.0 && a_[r] < kInf)) return BadPropensityError(m, r, a_[r], state.t, x);
    }
    // Conditions are edge-triggered: remember where each stands now.
    for (std::size_t e = 0; e < m.events().size(); ++e) {
      const CompiledEvent& ev = m.events()[e];
      condition_true_[e] = !ev.timed && m.Evaluate(ev.condition, x, params_.data(), state.t) != 0.0;
    }
    stopped_for_events_ = false;
    if constexpr (SpeciesDrivenSelector<S>) {
      // The working counts the loop updates in place (the 1.0 slot stays).
      std::copy(state.x.begin(), state.x.end(), counts_.begin());
      selector_.Bind(m, counts_.data(), params_.data());
    }
    selector_.Reset(a_, state.t, rng);
    now_ = state.t;
    poll_time_ = state.t;
    run_events_ = 0;
    has_pending_ = false;
    return Status::OK();
  }

  Status AdvanceTo(double t_end, State& state, Rng& caller_rng) override {
    // Local copies of the generator and the selector (a move: pointers and a
    // few scalars) let the compiler keep their scalars, such as the direct
    // method's a0, in registers: as members they would be stored and
    // reloaded on every update, since stores to the double counts may alias
    // any double member. Both are written back on every exit.
    Rng rng = caller_rng;
    S selector = std::move(selector_);
    const std::size_t n = state.x.size();
    std::copy(state.x.begin(), state.x.end(), counts_.begin());
    stopped_for_events_ = false;
    triggered_.clear();
    // The dependency walk is chosen once per call. The species walk of large
    // networks lives out of line, so that the common loops inlined here stay
    // small enough for the generator and the selector to be inlined in them.
    const bool conditions = model_->has_condition_events();
    Status status;
    if (SpeciesDrivenSelector<S> || model_->has_flat_dependencies()) [[likely]] {
      status = conditions ? Loop<true, true>(t_end, state.t, counts_.data(), rng, selector)
                          : Loop<false, true>(t_end, state.t, counts_.data(), rng, selector);
    } else {
      status = SpeciesWalkLoop(conditions, t_end, state.t, counts_.data(), rng, selector);
    }
    std::copy(counts_.begin(), counts_.begin() + n, state.x.begin());
    selector_ = std::move(selector);
    caller_rng = rng;
    return status;
  }

  StepperStats stats() const override {
    StepperStats s = stats_;
    s.recomputes = selector_.recomputes();
    // Rejection methods (RSSA, CR): candidates drawn and refused.
    if constexpr (requires { selector_.rejections(); }) s.rejections = selector_.rejections();
    return s;
  }

  bool stopped_for_events() const override { return stopped_for_events_; }
  std::span<const std::uint32_t> triggered_events() const override { return triggered_; }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();

  [[gnu::noinline]] Status SpeciesWalkLoop(bool conditions, double t_end, double& t, double* x,
                                           Rng& rng, S& selector) {
    return conditions ? Loop<true, false>(t_end, t, x, rng, selector)
                      : Loop<false, false>(t_end, t, x, rng, selector);
  }

  // The event loop over the working counts x (with the 1.0 slot).
  // kConditions: the model has condition events to check after reactions.
  // kFlat: the model has flattened reaction → reaction dependency lists.
  template <bool kConditions, bool kFlat>
  [[gnu::always_inline]] inline Status Loop(double t_end, double& t, double* x, Rng& rng,
                                            S& selector) {
    const CompiledModel& m = *model_;
    const ReactionKinetics* kinetics = m.kinetics_data();
    const std::uint32_t* dep_begin = m.dependency_index().begin.data();
    const std::uint32_t* dep = m.dependency_index().index.data();
    const std::uint32_t* reader_begin = m.reader_index().begin.data();
    const std::uint32_t* reader = m.reader_index().index.data();
    const StoichView stoich(m);
    const double* p = params_.data();
    std::uint64_t events = 0;
    // Cancellation is polled on the running total, so it is seen even when
    // each AdvanceTo interval fires only a few events.
    const std::uint64_t events_before = stats_.events;
    Event e = has_pending_ ? pending_ : selector.Next(now_, rng);
    while (e.time <= t_end) {
      const ReactionIndex fired = e.reaction;
      if (!stoich.Apply(fired, x)) [[unlikely]] {
        return Fail(CountOverflowError(m, fired, e.time, x), events);
      }
      // Structured laws are non-negative by construction (Validate proves
      // every constant >= 0), so only overflow to inf or NaN can go wrong;
      // both survive a sum, which costs one add per update instead of two
      // compares. The culprit is found by name only when it happens.
      if constexpr (SpeciesDrivenSelector<S>) {
        // The selector watches the species itself (RSSA) and re-evaluates
        // only what it must; false if a propensity became bad.
        if (!selector.Fired(fired, e.time)) [[unlikely]] {
          return Fail(FirstBadPropensity(fired, e.time, x), events);
        }
      } else {
        double sum = 0.0;
        if constexpr (kFlat) {
          for (std::uint32_t i = dep_begin[fired], end = dep_begin[fired + 1]; i < end; ++i) {
            const ReactionIndex r = dep[i];
            const double v = PropensityWithUnitSlot(m, kinetics, r, x, p, e.time);
            sum += v;
            selector.Update(r, v, e.time, rng);
          }
        } else {
          // Large networks: r itself, then the readers of each species it
          // changed (a reaction reading two of them is updated twice, which
          // every selector allows).
          double v = PropensityWithUnitSlot(m, kinetics, fired, x, p, e.time);
          sum += v;
          selector.Update(fired, v, e.time, rng);
          for (std::uint32_t k = stoich.begin[fired], kend = stoich.begin[fired + 1]; k < kend; ++k) {
            const SpeciesIndex s = stoich.species[k];
            for (std::uint32_t i = reader_begin[s], end = reader_begin[s + 1]; i < end; ++i) {
              const ReactionIndex r = reader[i];
              v = PropensityWithUnitSlot(m, kinetics, r, x, p, e.time);
              sum += v;
              selector.Update(r, v, e.time, rng);
            }
          }
        }
        if (!(sum < kInf)) [[unlikely]] return Fail(FirstBadPropensity(fired, e.time, x), events);
      }
      now_ = e.time;
      ++events;
      if constexpr (kConditions) {
        if (CheckConditions(fired, x)) {
          // Stop here: the caller fires the events, then calls Reset.
          t = now_;
          has_pending_ = false;
          stopped_for_events_ = true;
          stats_.events += events;
          return Status::OK();
        }
      }
      // Every 2^16 events (well under a millisecond at SSA speeds): poll for
      // cancellation, the event limit and runaway rates.
      if (((events_before + events) & 0xffff) == 0) [[unlikely]] {
        // Inline arithmetic; the out-of-line report is built only on a stop.
        const bool cancelled =
            options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed);
        const bool over_limit =
            options_.max_events != 0 && run_events_ + events > options_.max_events;
        const bool runaway = 65536.0 * (t_end - now_) > kRunawayEvents * (now_ - poll_time_);
        poll_time_ = now_;
        if (cancelled || over_limit || runaway) [[unlikely]] {
          t = now_;
          has_pending_ = false;
          return Fail(StopReport(cancelled, over_limit, t_end, x), events);
        }
      }
      e = selector.Next(now_, rng);
    }
    // Kept for the next interval, so the event sequence does not depend on
    // where the output grid falls.
    pending_ = e;
    has_pending_ = true;
    stats_.events += events;
    run_events_ += events;
    t = t_end;
    return Status::OK();
  }

  // The event limit (--max-events) and the runaway guard: the rate over the
  // last 2^16 events, extrapolated to t_end, must stay under kRunawayEvents.
  // The error for a run stopped by the periodic check: interrupted, past
  // --max-events, or runaway (its rate over the last 2^16 events means more
  // than kRunawayEvents to reach t_end).
  [[gnu::noinline, gnu::cold]] Status StopReport(bool cancelled, bool over_limit, double t_end,
                                                 const double* x) const {
    if (cancelled) return CancelledError("interrupted");
    // Name the reaction that fires fastest now: the usual culprit.
    const CompiledModel& m = *model_;
    ReactionIndex fastest = 0;
    double fastest_a = -1;
    for (ReactionIndex r = 0; r < m.num_reactions(); ++r) {
      const double a = Propensity<Regime::kStochastic>(m, r, x, params_.data(), now_);
      if (a > fastest_a) fastest_a = a, fastest = r;
    }
    std::ostringstream out;
    out.precision(3);
    out << "reaction '" << m.reaction_names()[fastest] << "' fires about " << fastest_a
        << " times per time unit at t=" << now_ << "; ";
    if (over_limit) {
      out << "the run passed --max-events " << options_.max_events;
    } else {
      out << "reaching t=" << t_end
          << " would take more than 1e13 more events at this rate (a runaway or zeno model: "
             "check its rates, or use --method tau)";
    }
    return NumericalError(out.str());
  }

  // Re-evaluates the conditions reaction `fired` can affect; collects those
  // that turned from false to true. Returns true if any did.
  bool CheckConditions(ReactionIndex fired, const double* x) {
    const CompiledModel& m = *model_;
    for (std::uint32_t e : m.events_to_check(fired)) {
      const bool now = m.Evaluate(m.events()[e].condition, x, params_.data(), now_) != 0.0;
      if (now && !condition_true_[e]) triggered_.push_back(e);
      condition_true_[e] = now;
    }
    return !triggered_.empty();
  }

  Status FirstBadPropensity(ReactionIndex fired, double t, const double* x) const {
    const CompiledModel& m = *model_;
    auto check = [&](ReactionIndex r) {
      const double v = Propensity<Regime::kStochastic>(m, r, x, params_.data(), t);
      return v >= 0.0 && v < kInf ? Status::OK() : BadPropensityError(m, r, v, t, x);
    };
    if (m.has_flat_dependencies()) {
      for (ReactionIndex r : m.dependents(fired)) GRN_RETURN_IF_ERROR(check(r));
    } else {
      GRN_RETURN_IF_ERROR(check(fired));
      for (std::uint32_t k = m.stoich_begin(fired); k < m.stoich_end(fired); ++k) {
        for (ReactionIndex r : m.readers(m.stoich_species()[k])) GRN_RETURN_IF_ERROR(check(r));
      }
    }
    return InternalError("propensity check failed without a bad propensity");
  }

  Status Fail(Status status, std::uint64_t events) {
    stats_.events += events;
    return status;
  }

  std::shared_ptr<const CompiledModel> model_;
  MethodOptions options_;
  std::vector<double> a_;
  // Working counts: the state's counts plus a last slot fixed at 1.0, which
  // the fast propensity path reads for unused reactant slots.
  std::vector<double> counts_;
  std::vector<double> params_;  // current parameter values (State::p)
  std::vector<char> condition_true_;  // per event: its condition's last value
  std::vector<std::uint32_t> triggered_;
  bool stopped_for_events_ = false;
  S selector_;
  double now_ = 0.0;  // time of the last event (or of Reset)
  double poll_time_ = 0.0;       // now_ at the last progress check
  std::uint64_t run_events_ = 0;  // events since Reset
  Event pending_{0.0, 0};
  bool has_pending_ = false;
  StepperStats stats_;
};

}  // namespace grn

#endif  // GRN_ENGINE_SSA_EXACT_STEPPER_H_
