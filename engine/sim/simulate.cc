// engine/sim/simulate.cc
#include "engine/sim/simulate.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "engine/base/status_macros.h"
#include "engine/sim/make_stepper.h"

namespace grn {
namespace {

// Runs per block of the ensemble. Fixed (not derived from the thread count) so
// the merge order, and with it every rounding, is the same for any --threads.
constexpr std::uint64_t kRunsPerBlock = 16;

// Events at a single instant that keep re-triggering each other beyond this
// many rounds are a model error (they would fire forever).
constexpr int kMaxEventRounds = 1000;

// Drives one run through time around the stepper: stops it at event times,
// fires events (timed ones, and condition ones the stepper reports), and
// keeps species defined by assignment rules up to date at output times.
// Between events the stepper runs undisturbed; after an event it is Reset,
// since any count or parameter may have changed.
class RunDriver {
 public:
  // whole_counts: the method simulates molecule counts (exact, tau), so an
  // event may only set whole numbers; the ODE method integrates mean counts.
  RunDriver(const CompiledModel& model, bool whole_counts)
      : model_(model), whole_counts_(whole_counts) {
    for (std::uint32_t e = 0; e < model.events().size(); ++e) {
      const CompiledEvent& ev = model.events()[e];
      if (ev.timed) {
        timed_.push_back({ev.at_time, e});
      } else {
        conditions_.push_back(e);
      }
    }
    std::stable_sort(timed_.begin(), timed_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    before_.resize(model.events().size());
    values_.reserve(16);
  }

  // Puts `state` at time 0 with the model's initial values, fires what fires
  // at time 0, and resets the stepper.
  Status Start(State& state, Stepper& stepper, Rng& rng) {
    state.t = 0.0;
    state.x = model_.initial_counts();
    state.p = model_.initial_parameters();
    next_timed_ = 0;
    std::vector<std::uint32_t>& fire = fire_;
    fire.clear();
    while (next_timed_ < timed_.size() && timed_[next_timed_].first <= 0.0) {
      fire.push_back(timed_[next_timed_++].second);
    }
    for (std::uint32_t e : conditions_) {
      const CompiledEvent& ev = model_.events()[e];
      if (!ev.true_before_start && Condition(ev, state)) fire.push_back(e);
    }
    if (!fire.empty()) GRN_RETURN_IF_ERROR(Fire(state));
    return stepper.Reset(state, rng);
  }

  Status AdvanceTo(double t_out, State& state, Stepper& stepper, Rng& rng) {
    for (;;) {
      const bool timed = next_timed_ < timed_.size() && timed_[next_timed_].first <= t_out;
      const double target = timed ? timed_[next_timed_].first : t_out;
      GRN_RETURN_IF_ERROR(stepper.AdvanceTo(target, state, rng));
      fire_.clear();
      if (stepper.stopped_for_events()) {
        const auto triggered = stepper.triggered_events();
        fire_.assign(triggered.begin(), triggered.end());
      } else if (timed) {
        while (next_timed_ < timed_.size() && timed_[next_timed_].first == target) {
          fire_.push_back(timed_[next_timed_++].second);
        }
      } else {
        break;
      }
      GRN_RETURN_IF_ERROR(Fire(state));
      GRN_RETURN_IF_ERROR(stepper.Reset(state, rng));
    }
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

 private:
  bool Condition(const CompiledEvent& ev, const State& state) const {
    return model_.Evaluate(ev.condition, state.x.data(), state.p.data(), state.t) != 0.0;
  }

  // Fires the events in fire_, then any condition events their assignments
  // turn true, until none is left.
  Status Fire(State& state) {
    for (int round = 0; !fire_.empty(); ++round) {
      if (round == kMaxEventRounds) {
        return NumericalError("event '" + model_.events()[fire_.front()].name +
                              "' keeps re-triggering at t=" + std::to_string(state.t) +
                              " (more than " + std::to_string(kMaxEventRounds) +
                              " rounds at one instant)");
      }
      for (std::uint32_t e : conditions_) before_[e] = Condition(model_.events()[e], state);
      for (std::uint32_t e : fire_) {
        const CompiledEvent& ev = model_.events()[e];
        // All of an event's values come from the state before it assigns.
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
                                    (whole_counts_ ? ": counts must be whole numbers in [0, 2^53)"
                                                   : ": counts must be in [0, 2^53)"));
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
        if (!before_[e] && Condition(model_.events()[e], state)) fire_.push_back(e);
      }
    }
    return Status::OK();
  }

  const CompiledModel& model_;
  const bool whole_counts_;
  std::vector<std::pair<double, std::uint32_t>> timed_;  // sorted by time
  std::vector<std::uint32_t> conditions_;
  std::size_t next_timed_ = 0;
  std::vector<std::uint32_t> fire_;
  std::vector<char> before_;
  std::vector<double> values_;
};

// Runs [first, last) into `stats` using `stepper`.
Status RunBlock(const CompiledModel& model, Stepper& stepper, const SimulationOptions& options,
                const std::vector<double>& times, std::uint64_t first, std::uint64_t last,
                EnsembleStats& stats) {
  const std::size_t n = model.num_species();
  std::vector<double> buffer(times.size() * n);
  State state;
  RunDriver driver(model, options.method != MethodKind::kOde);
  const Rng root(options.seed);
  for (std::uint64_t run = first; run < last; ++run) {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
      return CancelledError("interrupted");
    }
    Rng rng = root.Split(run);
    GRN_RETURN_IF_ERROR(driver.Start(state, stepper, rng));
    for (std::size_t i = 0; i < times.size(); ++i) {
      GRN_RETURN_IF_ERROR(driver.AdvanceTo(times[i], state, stepper, rng));
      std::copy(state.x.begin(), state.x.end(), buffer.begin() + i * n);
    }
    stats.AddRun(buffer);
  }
  return Status::OK();
}

MethodOptions WithCancel(const SimulationOptions& options) {
  MethodOptions m = options.method_options;
  m.cancel = options.cancel;
  return m;
}

}  // namespace

std::vector<double> SampleTimes(double t_end, std::uint32_t steps) {
  std::vector<double> times(steps + 1);
  for (std::uint32_t i = 0; i <= steps; ++i) times[i] = t_end * i / steps;
  times[steps] = t_end;
  return times;
}

Status SimulateTrajectory(std::shared_ptr<const CompiledModel> model,
                          const SimulationOptions& options, std::uint64_t run_index,
                          const std::function<Status(double t, std::span<const double> x)>& sample,
                          std::uint64_t* events) {
  GRN_ASSIGN_OR_RETURN(std::unique_ptr<Stepper> stepper,
                       MakeStepper(options.method, model, WithCancel(options)));
  Rng rng = Rng(options.seed).Split(run_index);
  State state;
  RunDriver driver(*model, options.method != MethodKind::kOde);
  GRN_RETURN_IF_ERROR(driver.Start(state, *stepper, rng));
  Status status;
  for (double t : SampleTimes(options.t_end, options.steps)) {
    status = driver.AdvanceTo(t, state, *stepper, rng);
    if (!status.ok()) break;
    status = sample(t, state.x);
    if (!status.ok()) break;
  }
  if (events != nullptr) *events += stepper->stats().events;
  return status;
}

StatusOr<EnsembleResult> SimulateEnsemble(std::shared_ptr<const CompiledModel> model,
                                          const SimulationOptions& options) {
  EnsembleResult result;
  result.times = SampleTimes(options.t_end, options.steps);
  result.stats = EnsembleStats(result.times.size(), model->num_species());
  const std::uint64_t num_blocks = (options.runs + kRunsPerBlock - 1) / kRunsPerBlock;
  const unsigned threads =
      static_cast<unsigned>(std::clamp<std::uint64_t>(options.threads, 1, std::max<std::uint64_t>(num_blocks, 1)));
  // Completed blocks wait here until every earlier block is merged; workers
  // stay within `window` blocks of the merge front, bounding memory.
  const std::uint64_t window = 4ull * threads;

  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t next_block = 0, merged = 0;
  std::map<std::uint64_t, EnsembleStats> done;
  Status first_error;
  std::uint64_t first_error_block = ~0ull;

  auto worker = [&]() {
    auto made = MakeStepper(options.method, model, WithCancel(options));
    std::unique_lock<std::mutex> lock(mu);
    if (!made.ok()) {
      if (first_error.ok()) first_error = made.status();
      cv.notify_all();
      return;
    }
    Stepper& stepper = **made;
    for (;;) {
      cv.wait(lock, [&] {
        return next_block >= num_blocks || !first_error.ok() || next_block < merged + window;
      });
      if (next_block >= num_blocks || !first_error.ok()) break;
      const std::uint64_t block = next_block++;
      lock.unlock();
      const std::uint64_t first = block * kRunsPerBlock;
      const std::uint64_t last = std::min(first + kRunsPerBlock, options.runs);
      EnsembleStats stats(result.times.size(), model->num_species());
      Status status = RunBlock(*model, stepper, options, result.times, first, last, stats);
      lock.lock();
      if (!status.ok()) {
        // Report the failure of the earliest run, whichever thread saw it first.
        if (block < first_error_block) {
          first_error = status;
          first_error_block = block;
        }
        cv.notify_all();
        continue;
      }
      done.emplace(block, std::move(stats));
      bool progressed = false;
      for (auto it = done.find(merged); it != done.end(); it = done.find(merged)) {
        result.stats.Merge(it->second);
        done.erase(it);
        ++merged;
        progressed = true;
      }
      if (progressed && options.on_progress) options.on_progress(result.stats.runs());
      cv.notify_all();
    }
    result.events += stepper.stats().events;
  };

  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (!first_error.ok()) return first_error;
  return result;
}

}  // namespace grn
