// engine/sim/simulate.cc
#include "engine/sim/simulate.h"

#include <algorithm>
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

// Runs [first, last) into `stats` using `stepper`; reuses `state`/`buffer`.
Status RunBlock(const CompiledModel& model, Stepper& stepper, const SimulationOptions& options,
                const std::vector<double>& times, std::uint64_t first, std::uint64_t last,
                EnsembleStats& stats) {
  const std::size_t n = model.num_species();
  std::vector<double> buffer(times.size() * n);
  State state;
  const Rng root(options.seed);
  for (std::uint64_t run = first; run < last; ++run) {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
      return CancelledError("interrupted");
    }
    Rng rng = root.Split(run);
    state.t = 0.0;
    state.x = model.initial_counts();
    GRN_RETURN_IF_ERROR(stepper.Reset(state, rng));
    for (std::size_t i = 0; i < times.size(); ++i) {
      GRN_RETURN_IF_ERROR(stepper.AdvanceTo(times[i], state, rng));
      std::copy(state.x.begin(), state.x.end(), buffer.begin() + i * n);
    }
    stats.AddRun(buffer);
  }
  return Status::OK();
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
                       MakeStepper(options.method, model, MethodOptions{options.cancel}));
  Rng rng = Rng(options.seed).Split(run_index);
  State state{0.0, model->initial_counts()};
  GRN_RETURN_IF_ERROR(stepper->Reset(state, rng));
  Status status;
  for (double t : SampleTimes(options.t_end, options.steps)) {
    status = stepper->AdvanceTo(t, state, rng);
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
    auto made = MakeStepper(options.method, model, MethodOptions{options.cancel});
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
