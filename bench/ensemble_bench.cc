// bench/ensemble_bench.cc
//
// Ensembles at scale, through the public API and the CLI:
//  * BM_EnsembleThreads/<K>: SimulateEnsemble of dimer_decay (160 runs to
//    t = 10, ≈ 4.2M events) on K worker threads, timed by the wall clock.
//    Counters: runs_per_s, events_per_s, and speedup_vs_1 = (wall time per
//    ensemble on 1 thread) / (on K threads), the 1-thread figure measured
//    first in the same process. On a 2-core machine the target is
//    speedup_vs_1 ≥ 1.8 at K = 2 (measure on an otherwise idle machine).
//  * BM_EnsemblePeakMemory/<R>: one `grnsim simulate` child process with
//    --runs R (runs not saved) on dimer_decay to t = 0.01, so memory rather
//    than time dominates; its peak RSS from wait4(). Counter peak_rss_MiB and
//    ratio_vs_1000 (the R = 1000 child's peak measured first). Statistics
//    stream, so the ratio at R = 10^5 should stay within 1.1.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "engine/io/network_io.h"
#include "engine/sim/simulate.h"

namespace grn {
namespace {

std::shared_ptr<const CompiledModel> DimerModel() {
  static const std::shared_ptr<const CompiledModel> model = [] {
    StatusOr<CompiledModel> loaded =
        LoadModel(GRN_SOURCE_DIR "/bench/models/dimer_decay.textproto");
    if (!loaded.ok()) {
      std::fprintf(stderr, "ensemble_bench: %s\n", loaded.status().ToString().c_str());
      return std::shared_ptr<const CompiledModel>();
    }
    return std::make_shared<const CompiledModel>(std::move(*loaded));
  }();
  return model;
}

constexpr std::uint64_t kThreadRuns = 160;  // ten blocks: every thread count gets whole blocks
double one_thread_seconds = 0.0;            // per ensemble, from BM_EnsembleThreads/1

void BM_EnsembleThreads(benchmark::State& bench) {
  std::shared_ptr<const CompiledModel> model = DimerModel();
  if (model == nullptr) {
    bench.SkipWithError("cannot load bench/models/dimer_decay.textproto");
    return;
  }
  SimulationOptions options;
  options.method = MethodKind::kDirect;
  options.t_end = 10.0;
  options.steps = 10;
  options.runs = kThreadRuns;
  options.seed = 42;
  options.threads = static_cast<unsigned>(bench.range(0));
  std::uint64_t events = 0, ensembles = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : bench) {
    StatusOr<EnsembleResult> result = SimulateEnsemble(model, options);
    if (!result.ok()) {
      bench.SkipWithError(result.status().ToString().c_str());
      return;
    }
    events += result->events;
    ++ensembles;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
      static_cast<double>(ensembles);
  if (options.threads == 1) one_thread_seconds = seconds;
  bench.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(kThreadRuns * ensembles), benchmark::Counter::kIsRate);
  bench.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  if (one_thread_seconds > 0.0) bench.counters["speedup_vs_1"] = one_thread_seconds / seconds;
}
BENCHMARK(BM_EnsembleThreads)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

#ifdef GRN_GRNSIM_BINARY
double peak_at_1000_mib = 0.0;

// Runs grnsim with `runs` runs; returns its peak RSS in MiB, or < 0.
double ChildPeakRssMiB(std::uint64_t runs) {
  const std::string runs_text = std::to_string(runs);
  const pid_t pid = fork();
  if (pid < 0) return -1.0;
  if (pid == 0) {
    execl(GRN_GRNSIM_BINARY, "grnsim", "simulate", GRN_SOURCE_DIR "/bench/models/dimer_decay.textproto",
          "--runs", runs_text.c_str(), "--t-end", "0.01", "--steps", "100", "--seed", "1",
          "--threads", "2", "--output", "/dev/null", "--quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return -1.0;
  }
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
}

void BM_EnsemblePeakMemory(benchmark::State& bench) {
  const auto runs = static_cast<std::uint64_t>(bench.range(0));
  double peak = 0.0;
  for (auto _ : bench) {
    peak = ChildPeakRssMiB(runs);
    if (peak < 0.0) {
      bench.SkipWithError("grnsim simulate failed");
      return;
    }
  }
  if (runs == 1000) peak_at_1000_mib = peak;
  bench.counters["peak_rss_MiB"] = peak;
  if (peak_at_1000_mib > 0.0) bench.counters["ratio_vs_1000"] = peak / peak_at_1000_mib;
}
BENCHMARK(BM_EnsemblePeakMemory)->Arg(1000)->Arg(100000)->Iterations(1)->UseRealTime()
    ->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace grn

BENCHMARK_MAIN();
