// engine/sim/simulate.h
//
// Simulate: runs × sample grid. Run k draws its random numbers from
// Rng(seed).Split(k) and nothing else, and ensemble statistics are merged in
// blocks of consecutive runs in run order, so every number is identical for
// any thread count. Memory is O(samples × species), independent of runs.
#ifndef GRN_ENGINE_SIM_SIMULATE_H_
#define GRN_ENGINE_SIM_SIMULATE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "engine/base/status.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/ensemble_stats.h"
#include "engine/sim/stepper.h"

namespace grn {

struct SimulationOptions {
  MethodKind method = MethodKind::kDirect;
  MethodOptions method_options;  // its `cancel` is ignored: see `cancel` below
  double t_end = 10.0;        // model time units (CompiledModel::time_unit)
  std::uint32_t steps = 100;  // output at steps+1 equally spaced times in [0, t_end]
  std::uint64_t runs = 1;
  std::uint64_t seed = 1;
  unsigned threads = 1;       // worker threads for ensembles (>= 1)
  const std::atomic<bool>* cancel = nullptr;  // set to stop early (kCancelled)
  // Called with the number of runs merged so far, from one thread at a time.
  std::function<void(std::uint64_t runs_done)> on_progress;
};

// t_i = i·t_end/steps for i = 0..steps; the last is exactly t_end.
std::vector<double> SampleTimes(double t_end, std::uint32_t steps);

// Simulates run `run_index` and calls `sample(t, x)` at each output time.
// Adds the stepper's event count to *events if given.
Status SimulateTrajectory(std::shared_ptr<const CompiledModel> model,
                          const SimulationOptions& options, std::uint64_t run_index,
                          const std::function<Status(double t, std::span<const double> x)>& sample,
                          std::uint64_t* events = nullptr);

struct EnsembleResult {
  std::vector<double> times;
  EnsembleStats stats;
  std::uint64_t events = 0;
};

StatusOr<EnsembleResult> SimulateEnsemble(std::shared_ptr<const CompiledModel> model,
                                          const SimulationOptions& options);

}  // namespace grn

#endif  // GRN_ENGINE_SIM_SIMULATE_H_
