// engine/sim/simulate.cc
#include "engine/sim/simulate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "engine/base/status_macros.h"
#include "engine/sim/make_stepper.h"

namespace grn {
namespace {

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
        timed_start_.push_back({ev.at_time, e, 0});
      } else {
        conditions_.push_back(e);
      }
    }
    std::make_heap(timed_start_.begin(), timed_start_.end(), FiresLater);
    before_.resize(model.events().size());
    values_.reserve(16);
  }

  // Puts `state` at time 0 with the model's initial values, fires what fires
  // at time 0, and resets the stepper.
  Status Start(State& state, Stepper& stepper, Rng& rng) {
    state.t = 0.0;
    state.x = model_.initial_counts();
    state.p = model_.initial_parameters();
    timed_ = timed_start_;
    std::vector<std::uint32_t>& fire = fire_;
    fire.clear();
    GRN_RETURN_IF_ERROR(PopTimed(0.0, fire));
    for (std::uint32_t e : conditions_) {
      const CompiledEvent& ev = model_.events()[e];
      if (!ev.true_before_start && Condition(ev, state)) fire.push_back(e);
    }
    if (!fire.empty()) GRN_RETURN_IF_ERROR(Fire(state));
    return stepper.Reset(state, rng);
  }

  Status AdvanceTo(double t_out, State& state, Stepper& stepper, Rng& rng) {
    for (;;) {
      const bool timed = !timed_.empty() && timed_.front().time <= t_out;
      const double target = timed ? timed_.front().time : t_out;
      GRN_RETURN_IF_ERROR(stepper.AdvanceTo(target, state, rng));
      fire_.clear();
      if (stepper.stopped_for_events()) {
        const auto triggered = stepper.triggered_events();
        fire_.assign(triggered.begin(), triggered.end());
      } else if (timed) {
        GRN_RETURN_IF_ERROR(PopTimed(target, fire_));
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
  // One firing of a timed event; a periodic one fires for k = 0, 1, 2, ...
  // at at_time + k·period (multiplied, not summed, so times do not drift).
  struct TimedFiring {
    double time;
    std::uint32_t event;
    std::uint64_t k;
  };
  // Heap order: the earliest firing on top; at one time, in file order.
  static bool FiresLater(const TimedFiring& a, const TimedFiring& b) {
    return a.time > b.time || (a.time == b.time && a.event > b.event);
  }

  // Moves the timed events due at or before `t` into `fire`, scheduling the
  // next firing of each periodic one.
  Status PopTimed(double t, std::vector<std::uint32_t>& fire) {
    while (!timed_.empty() && timed_.front().time <= t) {
      std::pop_heap(timed_.begin(), timed_.end(), FiresLater);
      TimedFiring& due = timed_.back();
      fire.push_back(due.event);
      const CompiledEvent& ev = model_.events()[due.event];
      if (ev.period > 0) {
        const double next = ev.at_time + static_cast<double>(due.k + 1) * ev.period;
        if (!(next > due.time)) {
          return NumericalError("event '" + ev.name + "': period " + std::to_string(ev.period) +
                                " is too small to move past t=" + std::to_string(due.time) +
                                " in double precision");
        }
        due = {next, due.event, due.k + 1};
        std::push_heap(timed_.begin(), timed_.end(), FiresLater);
      } else {
        timed_.pop_back();
      }
    }
    return Status::OK();
  }

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
  std::vector<TimedFiring> timed_start_;  // every timed event's first firing (a heap)
  std::vector<TimedFiring> timed_;        // the pending firings of this run (a heap)
  std::vector<std::uint32_t> conditions_;
  std::vector<std::uint32_t> fire_;
  std::vector<char> before_;
  std::vector<double> values_;
};

// One finished run of an ensemble: its trajectory (samples × kept species,
// sample-major) and the reaction events it fired.
struct FinishedRun {
  std::vector<double> trajectory;
  std::uint64_t events = 0;
};

// Simulates run `run` into `out`, keeping the species in `columns`.
Status RunOne(RunDriver& driver, State& state, Stepper& stepper, const SimulationOptions& options,
              const std::vector<double>& times, std::span<const std::uint32_t> columns,
              std::uint64_t run, FinishedRun& out) {
  const std::size_t n = columns.size();
  out.trajectory.resize(times.size() * n);
  const std::uint64_t events_before = stepper.stats().events;
  Rng rng = Rng(options.seed).Split(run);
  GRN_RETURN_IF_ERROR(driver.Start(state, stepper, rng));
  for (std::size_t i = 0; i < times.size(); ++i) {
    GRN_RETURN_IF_ERROR(driver.AdvanceTo(times[i], state, stepper, rng));
    double* row = out.trajectory.data() + i * n;
    for (std::size_t c = 0; c < n; ++c) row[c] = state.x[columns[c]];
  }
  out.events = stepper.stats().events - events_before;
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

namespace {

// Checks that a checkpoint fits the ensemble it is to continue: it was made
// with the same options (the caller compares those), but a damaged or foreign
// one must not be indexed blindly.
Status CheckResumable(const EnsembleCheckpoint& c, const SimulationOptions& options,
                      std::size_t samples, std::size_t columns,
                      const std::vector<std::uint32_t>& histogram_columns, std::uint64_t block_begin,
                      std::uint64_t block_end, bool keep_runs) {
  const EnsembleStats& order_free = c.merged.order_free();
  if (c.merged.first_block() != block_begin || c.merged.end_block() > block_end ||
      order_free.num_samples() != samples || order_free.num_species() != columns ||
      order_free.histogram_species() != histogram_columns) {
    return InvalidArgumentError("checkpoint does not match this ensemble (blocks " +
                                std::to_string(c.merged.first_block()) + ".." +
                                std::to_string(c.merged.end_block()) + " of " +
                                std::to_string(order_free.num_samples()) + " samples × " +
                                std::to_string(order_free.num_species()) + " species)");
  }
  std::uint64_t previous = c.merged.end_block();
  bool first = true;
  for (const EnsembleBlock& b : c.pending) {
    const std::uint64_t size =
        std::min(kRunsPerBlock, options.runs - std::min(options.runs, b.index * kRunsPerBlock));
    if (b.index >= block_end || b.index < previous || (!first && b.index == previous) ||
        b.stats.num_samples() != samples || b.stats.num_species() != columns ||
        !b.stats.histogram_species().empty() || b.stats.runs() > size ||
        (keep_runs && b.runs.size() != b.stats.runs() * samples * columns)) {
      return InvalidArgumentError("checkpoint block " + std::to_string(b.index) +
                                  " does not match this ensemble");
    }
    previous = b.index;
    first = false;
  }
  return Status::OK();
}

}  // namespace

StatusOr<EnsembleResult> SimulateEnsemble(std::shared_ptr<const CompiledModel> model,
                                          const SimulationOptions& options) {
  EnsembleResult result;
  result.times = SampleTimes(options.t_end, options.steps);
  std::vector<std::uint32_t> columns = options.species;
  if (columns.empty()) {
    for (std::uint32_t s = 0; s < model->num_species(); ++s) columns.push_back(s);
  }
  for (std::uint32_t s : columns) {
    if (s >= model->num_species()) {
      return InvalidArgumentError("species index " + std::to_string(s) + " out of range");
    }
  }
  for (std::size_t h = 0; h < options.histogram_columns.size(); ++h) {
    if (options.histogram_columns[h] >= columns.size() ||
        (h > 0 && options.histogram_columns[h] <= options.histogram_columns[h - 1])) {
      return InvalidArgumentError("histogram columns must be ascending kept-column indices");
    }
  }
  const std::size_t samples = result.times.size();
  const std::size_t width = samples * columns.size();
  const std::uint64_t block_end = std::min(options.block_end, NumBlocks(options.runs));
  const std::uint64_t block_begin = std::min(options.block_begin, block_end);
  const bool keep_runs = !options.histogram_columns.empty() || options.save_run != nullptr;
  // With a checkpoint to write, an interrupt lets the runs in flight finish,
  // so their work is saved rather than lost.
  const bool finish_on_cancel = options.checkpoint != nullptr;

  BlockReduction reduction(samples, columns.size(), options.histogram_columns, block_begin);
  std::uint64_t merged_events = 0;
  std::map<std::uint64_t, EnsembleBlock> done;  // complete, waiting for earlier blocks
  // Blocks whose runs are being handed out, or partly run before a resume.
  // Runs are folded into their block's statistics in run order (that fixes
  // every rounding), so a run that finishes before an earlier run of its
  // block waits in `early`. One thread at a time folds into a block, outside
  // the lock, and marks it `folding` meanwhile.
  struct OpenBlock {
    EnsembleBlock block;
    std::map<std::uint64_t, FinishedRun> early;
    bool folding = false;
  };
  std::map<std::uint64_t, OpenBlock> open;
  auto block_runs = [&](std::uint64_t index) {
    return std::min(kRunsPerBlock, options.runs - index * kRunsPerBlock);
  };
  if (options.resume != nullptr) {
    const EnsembleCheckpoint& c = *options.resume;
    GRN_RETURN_IF_ERROR(CheckResumable(c, options, samples, columns.size(),
                                       options.histogram_columns, block_begin, block_end,
                                       keep_runs));
    reduction = c.merged;
    merged_events = c.events;
    for (const EnsembleBlock& b : c.pending) {
      EnsembleBlock copy = b;
      if (!keep_runs) copy.runs.clear();
      if (b.stats.runs() == block_runs(b.index)) {
        done.emplace(b.index, std::move(copy));
      } else {
        open[b.index].block = std::move(copy);
      }
    }
  }

  // Runs, not blocks, are handed out, so a few long runs still use every
  // thread.
  const std::uint64_t run_end = std::min(options.runs, block_end * kRunsPerBlock);
  std::uint64_t next_run = reduction.end_block() * kRunsPerBlock;
  const unsigned threads = static_cast<unsigned>(std::clamp<std::uint64_t>(
      options.threads, 1, std::max<std::uint64_t>(run_end - std::min(run_end, next_run), 1)));
  // Finished blocks wait in `done` until every earlier block is merged;
  // workers stay within `window` blocks of the merge front, bounding memory.
  const std::uint64_t window = 4ull * threads;

  std::mutex mu;
  std::condition_variable cv;
  Status first_error;
  std::uint64_t first_error_run = ~0ull;
  const auto every = std::chrono::duration<double>(options.checkpoint_every_seconds);
  auto next_checkpoint = std::chrono::steady_clock::now() + every;

  auto cancelled = [&] {
    return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
  };
  auto fail = [&](Status status, std::uint64_t run) {
    // Report the failure of the earliest run, whichever thread saw it first.
    if (run < first_error_run || first_error.ok()) {
      first_error = std::move(status);
      first_error_run = run;
    }
  };
  // The state as a checkpoint; called with `mu` held. A block being folded
  // into is left out: its runs are simply run again after a resume.
  auto snapshot = [&]() {
    EnsembleCheckpoint c;
    c.merged = reduction;
    c.events = merged_events;
    for (const auto& [index, block] : done) c.pending.push_back(block);
    for (const auto& [index, ob] : open) {
      if (!ob.folding && ob.block.stats.runs() > 0) c.pending.push_back(ob.block);
    }
    std::sort(c.pending.begin(), c.pending.end(),
              [](const EnsembleBlock& a, const EnsembleBlock& b) { return a.index < b.index; });
    return c;
  };
  // Merges every block that continues the merged prefix; called with `mu` held.
  auto merge_ready = [&]() -> Status {
    bool progressed = false;
    for (auto it = done.find(reduction.end_block()); it != done.end();
         it = done.find(reduction.end_block())) {
      EnsembleBlock& block = it->second;
      if (options.save_run) {
        for (std::uint64_t r = 0; r < block.stats.runs(); ++r) {
          GRN_RETURN_IF_ERROR(options.save_run(
              block.index * kRunsPerBlock + r, std::span<const double>(block.runs).subspan(r * width, width)));
        }
      }
      reduction.PushBlock(block.stats, options.histogram_columns.empty()
                                           ? std::span<const double>()
                                           : std::span<const double>(block.runs));
      merged_events += block.events;
      done.erase(it);
      progressed = true;
    }
    if (!progressed) return Status::OK();
    if (options.on_progress) options.on_progress(reduction.runs(), merged_events);
    if (options.checkpoint && std::chrono::steady_clock::now() >= next_checkpoint) {
      GRN_RETURN_IF_ERROR(options.checkpoint(snapshot()));
      next_checkpoint = std::chrono::steady_clock::now() + every;
    }
    return Status::OK();
  };
  // Hands `finished` (run `run`) to its block and folds what is in order;
  // called with `lock` held, which it releases while folding.
  auto deliver = [&](std::unique_lock<std::mutex>& lock, std::uint64_t run,
                     FinishedRun& finished) {
    const std::uint64_t index = run / kRunsPerBlock;
    OpenBlock& ob = open.at(index);  // erased only once all its runs are folded
    ob.early.emplace(run, std::move(finished));
    finished = FinishedRun();
    if (ob.folding) return;  // the folding thread will pick it up
    ob.folding = true;
    const std::uint64_t first = index * kRunsPerBlock;
    for (auto e = ob.early.find(first + ob.block.stats.runs()); e != ob.early.end();
         e = ob.early.find(first + ob.block.stats.runs())) {
      FinishedRun next = std::move(e->second);
      ob.early.erase(e);
      lock.unlock();
      ob.block.stats.AddRun(next.trajectory);
      if (keep_runs) {
        ob.block.runs.insert(ob.block.runs.end(), next.trajectory.begin(), next.trajectory.end());
      }
      ob.block.events += next.events;
      lock.lock();
      finished = std::move(next);  // its buffer serves the next run
    }
    ob.folding = false;
    if (ob.block.stats.runs() == block_runs(index)) {
      done.emplace(index, std::move(ob.block));
      open.erase(index);
      if (Status merged = merge_ready(); !merged.ok()) fail(std::move(merged), run);
    }
  };

  auto worker = [&]() {
    MethodOptions method_options = options.method_options;
    method_options.cancel = finish_on_cancel ? nullptr : options.cancel;
    auto made = MakeStepper(options.method, model, method_options);
    std::unique_lock<std::mutex> lock(mu);
    if (!made.ok()) {
      fail(made.status(), 0);
      cv.notify_all();
      return;
    }
    Stepper& stepper = **made;
    RunDriver driver(*model, options.method != MethodKind::kOde);
    State state;
    FinishedRun finished;
    for (;;) {
      // Skip runs a checkpoint already holds; wait while too far ahead.
      bool stop = false;
      for (;;) {
        while (next_run < run_end) {
          const std::uint64_t b = next_run / kRunsPerBlock;
          if (done.count(b) != 0) {
            next_run = (b + 1) * kRunsPerBlock;
            continue;
          }
          auto it = open.find(b);
          const std::uint64_t folded = b * kRunsPerBlock +
                                       (it == open.end() ? 0 : it->second.block.stats.runs());
          if (next_run >= folded) break;
          next_run = folded;
        }
        if (next_run >= run_end || !first_error.ok() || cancelled()) {
          stop = true;
          break;
        }
        if (next_run / kRunsPerBlock < reduction.end_block() + window) break;
        cv.wait(lock);
      }
      if (stop) break;
      const std::uint64_t run = next_run++;
      const std::uint64_t index = run / kRunsPerBlock;
      if (auto [it, inserted] = open.try_emplace(index); inserted) {
        it->second.block.index = index;
        it->second.block.stats = EnsembleStats(samples, columns.size());
      }
      lock.unlock();
      Status status = RunOne(driver, state, stepper, options, result.times, columns, run, finished);
      lock.lock();
      if (status.ok()) {
        deliver(lock, run, finished);
      } else {
        fail(std::move(status), run);
      }
      cv.notify_all();
    }
    cv.notify_all();
  };

  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (!first_error.ok()) return first_error;
  if (reduction.end_block() < block_end) {
    // Stopped by an interrupt: save what the runs in flight finished.
    if (options.checkpoint) GRN_RETURN_IF_ERROR(options.checkpoint(snapshot()));
    return CancelledError("interrupted");
  }
  result.stats = reduction.Result();
  result.reduction = std::move(reduction);
  result.events = merged_events;
  return result;
}

}  // namespace grn
