// bench/tau_bench.cc
//
// Tau-leaping against the exact direct method on decaying dimerization scaled
// to S1(0) = 10^6 (bench/models/dimer_decay_1e6.textproto), one run to
// t = 10 — the acceptance test of issue 4: tau at least 20x faster, every
// species' ensemble mean within 2% of the exact method's, and the variances
// consistent (|z| <= 4 for the difference of the two sample variances),
// n = 500 runs each, side by side.
//
//  * BM_Run/<method>: CPU time per run (Reset + AdvanceTo(10)), with events
//    and steps (tau: leaps + exact steps) per run, and for tau what
//    EstimateTauLeapSpeedup says at the initial state.
//  * BM_Accuracy/eps:<ε>: n runs of each method (the direct runs are made
//    once and shared by every ε), reporting per species the mean ratio
//    tau/direct and
//      z = (s²_tau − s²_direct) / √(V_tau + V_direct),  V = (m4 − s⁴)/n,
//    with m4 the sample 4th central moment (the variance of a sample
//    variance, to O(1/n²)); the speed-up is direct CPU time over tau CPU
//    time for the same n runs. A table is printed to stdout as well.
// n is 500 by default, or GRN_TAU_BENCH_RUNS. The direct ensemble costs
// ~4.5e6 events per run, about a minute at n = 500: a bench, not a test.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/base/rng.h"
#include "engine/io/network_io.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/make_stepper.h"
#include "engine/sim/state.h"
#include "engine/sim/stepper.h"
#include "engine/ssa/tau_leap_stepper.h"

namespace grn {
namespace {

constexpr double kTEnd = 10.0;

double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::uint64_t EnsembleRuns() {
  const char* env = std::getenv("GRN_TAU_BENCH_RUNS");
  const long n = env != nullptr ? std::atol(env) : 0;
  return n >= 2 ? static_cast<std::uint64_t>(n) : 500;
}

std::shared_ptr<const CompiledModel> Model() {
  static const std::shared_ptr<const CompiledModel> model = [] {
    StatusOr<CompiledModel> loaded =
        LoadModel(GRN_SOURCE_DIR "/bench/models/dimer_decay_1e6.textproto");
    if (!loaded.ok()) {
      std::fprintf(stderr, "tau_bench: %s\n", loaded.status().ToString().c_str());
      return std::shared_ptr<const CompiledModel>();
    }
    return std::make_shared<const CompiledModel>(std::move(*loaded));
  }();
  return model;
}

StatusOr<std::unique_ptr<Stepper>> Make(MethodKind kind, double epsilon) {
  MethodOptions options;
  options.tau.epsilon = epsilon;
  return MakeStepper(kind, Model(), options);
}

// One run of `stepper` from the initial counts with run k's stream.
Status RunOnce(Stepper& stepper, const Rng& root, std::uint64_t k, State& state) {
  Rng rng = root.Split(k);
  state.t = 0.0;
  state.x = Model()->initial_counts();
  Status status = stepper.Reset(state, rng);
  if (status.ok()) status = stepper.AdvanceTo(kTEnd, state, rng);
  return status;
}

void BM_Run(benchmark::State& bench, MethodKind kind, double epsilon) {
  if (Model() == nullptr) {
    bench.SkipWithError("cannot load bench/models/dimer_decay_1e6.textproto");
    return;
  }
  auto made = Make(kind, epsilon);
  if (!made.ok()) {
    bench.SkipWithError(made.status().ToString().c_str());
    return;
  }
  const Rng root(42);
  State state;
  std::uint64_t run = 0;
  const double cpu_start = ThreadCpuNs();
  for (auto _ : bench) {
    const Status status = RunOnce(**made, root, run++, state);
    if (!status.ok()) {
      bench.SkipWithError(status.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(state.x.data());
  }
  const double runs = static_cast<double>(std::max<std::uint64_t>(run, 1));
  const StepperStats stats = (*made)->stats();
  bench.counters["ns_per_run"] = (ThreadCpuNs() - cpu_start) / runs;
  bench.counters["events_per_run"] = static_cast<double>(stats.events) / runs;
  bench.counters["steps_per_run"] = static_cast<double>(stats.steps) / runs;
  bench.counters["rejections"] = static_cast<double>(stats.rejections);
  if (kind == MethodKind::kTauLeap) {
    // What the CLI's hint would estimate for the initial state.
    TauLeapOptions options;
    options.epsilon = epsilon;
    bench.counters["estimated_events_per_leap_t0"] =
        EstimateTauLeapSpeedup(*Model(), Model()->initial_counts(), options);
  }
}

// Final counts of n runs, per species, and the CPU time they took.
struct Ensemble {
  std::vector<std::vector<double>> x;  // x[species][run]
  double cpu_ns = 0.0;
  bool ok = false;
  std::string error;
};

Ensemble RunEnsemble(MethodKind kind, double epsilon, std::uint64_t seed, std::uint64_t n) {
  Ensemble e;
  auto made = Make(kind, epsilon);
  if (!made.ok()) {
    e.error = made.status().ToString();
    return e;
  }
  const std::size_t ns = Model()->num_species();
  e.x.assign(ns, std::vector<double>(n));
  const Rng root(seed);
  State state;
  const double start = ThreadCpuNs();
  for (std::uint64_t k = 0; k < n; ++k) {
    const Status status = RunOnce(**made, root, k, state);
    if (!status.ok()) {
      e.error = status.ToString();
      return e;
    }
    for (std::size_t s = 0; s < ns; ++s) e.x[s][k] = state.x[s];
  }
  e.cpu_ns = ThreadCpuNs() - start;
  e.ok = true;
  return e;
}

struct Moments {
  double mean = 0.0, var = 0.0, var_of_var = 0.0;
};

Moments SampleMoments(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= n;
  double m2 = 0.0, m4 = 0.0;
  for (double v : x) {
    const double d2 = (v - m.mean) * (v - m.mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  m.var = m2 / (n - 1.0);
  m.var_of_var = (m4 / n - (m2 / n) * (m2 / n)) / n;
  return m;
}

// The exact ensemble, made once (it is the expensive part) and shared.
const Ensemble& DirectEnsemble() {
  static const Ensemble direct =
      RunEnsemble(MethodKind::kDirect, TauLeapOptions{}.epsilon, /*seed=*/1, EnsembleRuns());
  return direct;
}

void BM_Accuracy(benchmark::State& bench, double epsilon) {
  if (Model() == nullptr) {
    bench.SkipWithError("cannot load bench/models/dimer_decay_1e6.textproto");
    return;
  }
  const std::uint64_t n = EnsembleRuns();
  for (auto _ : bench) {
    const Ensemble& direct = DirectEnsemble();
    const Ensemble tau = RunEnsemble(MethodKind::kTauLeap, epsilon, /*seed=*/2, n);
    if (!direct.ok || !tau.ok) {
      bench.SkipWithError((direct.error + tau.error).c_str());
      return;
    }
    const double speedup = direct.cpu_ns / tau.cpu_ns;
    bench.counters["speedup"] = speedup;
    bench.counters["tau_ns_per_run"] = tau.cpu_ns / static_cast<double>(n);
    bench.counters["direct_ns_per_run"] = direct.cpu_ns / static_cast<double>(n);
    bool pass = speedup >= 20.0;
    std::printf(
        "\n== eps %g, n = %llu each: speed-up %.1fx (tau %.3g ms/run, direct %.3g ms/run)\n",
        epsilon, static_cast<unsigned long long>(n), speedup, tau.cpu_ns / n / 1e6,
        direct.cpu_ns / n / 1e6);
    std::printf("   %-4s %14s %14s %10s %14s %14s %8s\n", "", "mean direct", "mean tau", "ratio",
                "var direct", "var tau", "z(var)");
    for (std::size_t s = 0; s < direct.x.size(); ++s) {
      const Moments d = SampleMoments(direct.x[s]);
      const Moments t = SampleMoments(tau.x[s]);
      const double ratio = t.mean / d.mean;
      const double z = (t.var - d.var) / std::sqrt(t.var_of_var + d.var_of_var);
      const std::string& name = Model()->species_names()[s];
      bench.counters["mean_ratio_" + name] = ratio;
      bench.counters["var_z_" + name] = z;
      pass = pass && std::abs(ratio - 1.0) <= 0.02 && std::abs(z) <= 4.0;
      std::printf("   %-4s %14.2f %14.2f %10.5f %14.1f %14.1f %+8.2f\n", name.c_str(), d.mean,
                  t.mean, ratio, d.var, t.var, z);
    }
    std::printf("   acceptance (>= 20x, |ratio - 1| <= 2%%, |z| <= 4): %s\n",
                pass ? "PASS" : "FAIL");
    bench.counters["pass"] = pass ? 1.0 : 0.0;
  }
}

void Register() {
  benchmark::RegisterBenchmark("BM_Run/direct", BM_Run, MethodKind::kDirect, 0.03)
      ->Unit(benchmark::kMillisecond);
  for (double eps : {0.03, 0.01, 0.005}) {
    char name[64];
    std::snprintf(name, sizeof name, "BM_Run/tau/eps:%g", eps);
    benchmark::RegisterBenchmark(name, BM_Run, MethodKind::kTauLeap, eps)
        ->Unit(benchmark::kMillisecond);
  }
  for (double eps : {0.03, 0.01, 0.005}) {
    char name[64];
    std::snprintf(name, sizeof name, "BM_Accuracy/eps:%g", eps);
    benchmark::RegisterBenchmark(name, BM_Accuracy, eps)->Iterations(1)->Unit(benchmark::kSecond);
  }
}

}  // namespace
}  // namespace grn

int main(int argc, char** argv) {
  grn::Register();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
