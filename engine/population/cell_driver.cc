// engine/population/cell_driver.cc
#include "engine/population/cell_driver.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/base/status_macros.h"

namespace grn {
namespace {

// As in sim/simulate.cc: events re-triggering each other beyond this many
// rounds at one instant are a model error.
constexpr int kMaxEventRounds = 1000;

}  // namespace

CellDriver::CellDriver(const CompiledModel& model, bool whole_counts)
    : model_(model), whole_counts_(whole_counts) {
  for (std::uint32_t e = 0; e < model.events().size(); ++e) {
    (model.events()[e].timed ? timed_ : conditions_).push_back(e);
  }
  before_.resize(model.events().size());
}

bool CellDriver::Condition(std::uint32_t event, const State& state) const {
  return model_.Evaluate(model_.events()[event].condition, state.x.data(), state.p.data(),
                         state.t) != 0.0;
}

Status CellDriver::ScheduleTimed(double from, double to) {
  due_.clear();
  for (std::uint32_t e : timed_) {
    const CompiledEvent& ev = model_.events()[e];
    if (!(ev.period > 0)) {
      if (ev.at_time > from && ev.at_time <= to) due_.push_back({ev.at_time, e});
      continue;
    }
    // Firing k is at at_time + k·period, computed as RunDriver does; the
    // first after `from` is found from an estimate, corrected for rounding.
    std::uint64_t k = 0;
    if (from >= ev.at_time) {
      k = static_cast<std::uint64_t>(std::floor((from - ev.at_time) / ev.period));
      while (ev.at_time + static_cast<double>(k) * ev.period <= from) ++k;
      while (k > 0 && ev.at_time + static_cast<double>(k - 1) * ev.period > from) --k;
    }
    for (double t = ev.at_time + static_cast<double>(k) * ev.period; t <= to;
         t = ev.at_time + static_cast<double>(++k) * ev.period) {
      due_.push_back({t, e});
      if (due_.size() > 1000000) {
        return NumericalError("event '" + ev.name + "': period " + std::to_string(ev.period) +
                              " gives over a million firings in one synchronisation interval");
      }
    }
  }
  std::sort(due_.begin(), due_.end());
  return Status::OK();
}

Status CellDriver::Start(State& state, Stepper& stepper, Rng& rng) {
  state.t = 0.0;
  state.x = model_.initial_counts();
  state.p = model_.initial_parameters();
  fire_.clear();
  for (std::uint32_t e : timed_) {
    if (model_.events()[e].at_time <= 0.0) fire_.push_back(e);
  }
  for (std::uint32_t e : conditions_) {
    if (!model_.events()[e].true_before_start && Condition(e, state)) fire_.push_back(e);
  }
  if (!fire_.empty()) GRN_RETURN_IF_ERROR(Fire(state));
  GRN_RETURN_IF_ERROR(stepper.Reset(state, rng));
  return UpdateRules(state);
}

Status CellDriver::AdvanceTo(double t_out, State& state, Stepper& stepper, Rng& rng) {
  GRN_RETURN_IF_ERROR(ScheduleTimed(state.t, t_out));
  GRN_RETURN_IF_ERROR(stepper.Reset(state, rng));
  std::size_t next = 0;
  for (;;) {
    const bool timed = next < due_.size();
    const double target = timed ? due_[next].first : t_out;
    GRN_RETURN_IF_ERROR(stepper.AdvanceTo(target, state, rng));
    fire_.clear();
    if (stepper.stopped_for_events()) {
      const auto triggered = stepper.triggered_events();
      fire_.assign(triggered.begin(), triggered.end());
    } else if (timed) {
      while (next < due_.size() && due_[next].first == target) fire_.push_back(due_[next++].second);
    } else {
      break;
    }
    GRN_RETURN_IF_ERROR(Fire(state));
    GRN_RETURN_IF_ERROR(stepper.Reset(state, rng));
  }
  return UpdateRules(state);
}

Status CellDriver::UpdateRules(State& state) {
  for (const SpeciesRule& rule : model_.species_rules()) {
    const double v = model_.Evaluate(rule.program, state.x.data(), state.p.data(), state.t);
    if (!std::isfinite(v)) {
      return NumericalError("assignment rule for '" + model_.species_names()[rule.species] +
                            "' gives " + std::to_string(v) + " at t=" + std::to_string(state.t) +
                            "; a rule must stay finite (division by zero?)");
    }
    state.x[rule.species] = v;
  }
  return Status::OK();
}

Status CellDriver::Fire(State& state) {
  for (int round = 0; !fire_.empty(); ++round) {
    if (round == kMaxEventRounds) {
      return NumericalError("event '" + model_.events()[fire_.front()].name +
                            "' keeps re-triggering at t=" + std::to_string(state.t) +
                            " (more than " + std::to_string(kMaxEventRounds) +
                            " rounds at one instant)");
    }
    for (std::uint32_t e : conditions_) before_[e] = Condition(e, state);
    for (std::uint32_t e : fire_) {
      const CompiledEvent& ev = model_.events()[e];
      values_.clear();
      for (const auto& a : ev.assignments) {
        values_.push_back(model_.Evaluate(a.value, state.x.data(), state.p.data(), state.t));
      }
      for (std::size_t i = 0; i < ev.assignments.size(); ++i) {
        const auto& a = ev.assignments[i];
        const double v = values_[i];
        if (a.species) {
          if (!(v >= 0.0 && v < kMaxExactCount && (v == std::floor(v) || !whole_counts_))) {
            return NumericalError("event '" + ev.name + "' sets '" +
                                  model_.species_names()[a.index] + "' to " + std::to_string(v) +
                                  " at t=" + std::to_string(state.t) +
                                  ": counts must be whole numbers in [0, 2^53)");
          }
          state.x[a.index] = v;
        } else {
          if (!std::isfinite(v)) {
            return NumericalError("event '" + ev.name + "' sets parameter '" +
                                  model_.parameter_names()[a.index] + "' to " +
                                  std::to_string(v) + " at t=" + std::to_string(state.t));
          }
          state.p[a.index] = v;
        }
      }
    }
    fire_.clear();
    for (std::uint32_t e : conditions_) {
      if (!before_[e] && Condition(e, state)) fire_.push_back(e);
    }
  }
  return Status::OK();
}

}  // namespace grn
