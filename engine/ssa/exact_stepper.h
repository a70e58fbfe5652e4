// engine/ssa/exact_stepper.h
//
// ExactStepper<Selector>: the one exact-SSA loop. Methods differ only in how
// the Selector picks the next event (JumpProcesses' "aggregator" split):
//   Next(rng) → earliest pending event; Update(r, a, t, rng) → propensity of r
//   is now a after an event at t; Reset(a, t, rng) → rebuild from scratch.
// After each event only the reactions in model.dependents(r) are re-evaluated.
// Every updated propensity is checked: a negative, NaN or infinite value, or a
// count pushed past 2^53, stops the run with an error naming the reaction.
#ifndef GRN_ENGINE_SSA_EXACT_STEPPER_H_
#define GRN_ENGINE_SSA_EXACT_STEPPER_H_

#include <concepts>
#include <memory>
#include <span>
#include <sstream>
#include <vector>

#include "engine/kinetics/propensity.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/stepper.h"
#include "engine/ssa/event.h"

namespace grn {

template <class S>
concept Selector = requires(S s, std::span<const double> a, ReactionIndex r, double v,
                            double t, Rng& rng) {
  s.Reset(a, t, rng);
  { s.Next(rng) } -> std::same_as<Event>;
  s.Update(r, v, t, rng);
  { s.recomputes() } -> std::convertible_to<std::uint64_t>;
};

// Builds the error for a propensity that is not a finite non-negative number.
Status BadPropensityError(const CompiledModel& model, ReactionIndex r, double value,
                          double t, const double* x);
// Builds the error for a count that left [0, 2^53] after r fired.
Status CountOverflowError(const CompiledModel& model, ReactionIndex r, double t,
                          const double* x);

template <Selector S>
class ExactStepper final : public Stepper {
 public:
  ExactStepper(std::shared_ptr<const CompiledModel> model, MethodOptions options)
      : model_(std::move(model)), options_(options), a_(model_->num_reactions()) {}

  Status Reset(const State& state, Rng& rng) override {
    const CompiledModel& m = *model_;
    const double* x = state.x.data();
    for (ReactionIndex r = 0; r < m.num_reactions(); ++r) {
      a_[r] = Propensity<Regime::kStochastic>(m, r, x);
      if (!(a_[r] >= 0.0 && a_[r] < kInf)) return BadPropensityError(m, r, a_[r], state.t, x);
    }
    selector_.Reset(a_, state.t, rng);
    return Status::OK();
  }

  Status AdvanceTo(double t_end, State& state, Rng& rng) override {
    const CompiledModel& m = *model_;
    double* x = state.x.data();
    std::uint64_t events = 0;
    for (Event e = selector_.Next(rng); e.time <= t_end; e = selector_.Next(rng)) {
      if (!m.Apply(e.reaction, x)) return Fail(CountOverflowError(m, e.reaction, e.time, x), events);
      for (ReactionIndex r : m.dependents(e.reaction)) {
        const double v = Propensity<Regime::kStochastic>(m, r, x);
        if (!(v >= 0.0 && v < kInf)) return Fail(BadPropensityError(m, r, v, e.time, x), events);
        selector_.Update(r, v, e.time, rng);
      }
      ++events;
      // Poll for cancellation every 2^16 events: cheap, and well under a
      // millisecond between polls at SSA speeds.
      if ((events & 0xffff) == 0 && options_.cancel != nullptr &&
          options_.cancel->load(std::memory_order_relaxed)) {
        state.t = e.time;
        return Fail(CancelledError("interrupted"), events);
      }
    }
    stats_.events += events;
    state.t = t_end;
    return Status::OK();
  }

  StepperStats stats() const override {
    StepperStats s = stats_;
    s.recomputes = selector_.recomputes();
    return s;
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();

  Status Fail(Status status, std::uint64_t events) {
    stats_.events += events;
    return status;
  }

  std::shared_ptr<const CompiledModel> model_;
  MethodOptions options_;
  std::vector<double> a_;
  S selector_;
  StepperStats stats_;
};

}  // namespace grn

#endif  // GRN_ENGINE_SSA_EXACT_STEPPER_H_
