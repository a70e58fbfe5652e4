// engine/sim/simulate.h
//
// Simulate: runs × sample grid. Run k draws its random numbers from
// Rng(seed).Split(k) and nothing else, and ensemble statistics of blocks of
// kRunsPerBlock consecutive runs are folded in a fixed tree over block indices
// (BlockReduction), so every number is identical for any thread count, any
// split into block ranges (MPI ranks) and after a resume from a checkpoint.
// Memory is O(samples × kept species), independent of runs.
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

// Ensembles run in blocks of this many consecutive runs. Fixed (not derived
// from the thread or rank count) so the merge order, and with it every
// rounding, is the same for any --threads and any number of MPI ranks.
inline constexpr std::uint64_t kRunsPerBlock = 16;

inline std::uint64_t NumBlocks(std::uint64_t runs) {
  return (runs + kRunsPerBlock - 1) / kRunsPerBlock;
}

// A block of an ensemble, done or begun: what a checkpoint keeps of it.
struct EnsembleBlock {
  std::uint64_t index = 0;
  std::uint64_t events = 0;  // reaction events of its runs so far
  EnsembleStats stats;       // its runs so far (fewer than the block's: partly run)
  // Those runs' trajectories back to back (samples × kept species each), kept
  // only when histograms or SimulationOptions::save_run need them.
  std::vector<double> runs;
};

// Everything needed to continue an ensemble where it stopped.
struct EnsembleCheckpoint {
  BlockReduction merged;     // blocks [block_begin, merged.end_block()), folded
  std::uint64_t events = 0;  // reaction events of the merged runs
  std::vector<EnsembleBlock> pending;  // later blocks done or begun, ascending index
};

struct SimulationOptions {
  MethodKind method = MethodKind::kDirect;
  MethodOptions method_options;  // its `cancel` is ignored: see `cancel` below
  double t_end = 10.0;        // model time units (CompiledModel::time_unit)
  std::uint32_t steps = 100;  // output at steps+1 equally spaced times in [0, t_end]
  std::uint64_t runs = 1;
  std::uint64_t seed = 1;
  unsigned threads = 1;       // worker threads for ensembles (>= 1)
  const std::atomic<bool>* cancel = nullptr;  // set to stop early (kCancelled)
  // Called with the runs merged so far and their reaction events, from one
  // thread at a time.
  std::function<void(std::uint64_t runs_done, std::uint64_t events_done)> on_progress;

  // --- ensembles only ---
  // Species kept, as model species indices in output order; empty: all.
  std::vector<std::uint32_t> species;
  // Kept columns (indices into `species`, ascending) that also get a
  // histogram per output time (quantiles, --histogram).
  std::vector<std::uint32_t> histogram_columns;
  // Only blocks [block_begin, block_end) of the NumBlocks(runs) blocks (an MPI
  // rank's share); block_end is clamped to NumBlocks(runs).
  std::uint64_t block_begin = 0;
  std::uint64_t block_end = ~std::uint64_t{0};
  // Called in run order with every run's trajectory (samples × kept species,
  // sample-major), from one thread at a time.
  std::function<Status(std::uint64_t run, std::span<const double> trajectory)> save_run;
  // Checkpointing: called with the state every checkpoint_every_seconds (from
  // one thread at a time, between merges) and, after `cancel`, once more when
  // the runs in flight have finished (they finish rather than abort when a
  // checkpoint callback is set). An error from it stops the ensemble.
  std::function<Status(const EnsembleCheckpoint&)> checkpoint;
  double checkpoint_every_seconds = 2.0;
  // Continue from this state (made by an earlier call with the same options).
  const EnsembleCheckpoint* resume = nullptr;
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
  EnsembleStats stats;       // of the blocks simulated (all, unless a block range was given)
  BlockReduction reduction;  // the same, before the final fold (to combine MPI ranks)
  std::uint64_t events = 0;  // reaction events of those runs
};

StatusOr<EnsembleResult> SimulateEnsemble(std::shared_ptr<const CompiledModel> model,
                                          const SimulationOptions& options);

}  // namespace grn

#endif  // GRN_ENGINE_SIM_SIMULATE_H_
