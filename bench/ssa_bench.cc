// bench/ssa_bench.cc
//
// Speed of the exact SSA steppers, measured as nanoseconds per reaction event
// (time over events fired, Reset included) for every method in
// kAllExactMethods:
//  * BM_DimerDecay/<method>: the decaying-dimerization model from
//    bench/models/dimer_decay.textproto, one run to t = 10 per iteration;
//  * BM_SparseNetwork/<method>/<R>: generated sparse networks of R reactions,
//    built in code from a fixed seed so every run measures the same network;
//  * BM_LimitSsaBaseline: the hand-written speed-limit program
//    ../shared/benchmarks/limit_ssa.cpp, run as a separate process in the same
//    benchmark session, so the ratio engine/limit comes from one machine state.
// ns_per_event is CPU time per event (this thread's, or the child process's
// for the baseline): on a shared machine other processes inflate wall time but
// hardly CPU time, so the engine/limit ratio stays meaningful; the wall-clock
// figure is reported beside it as ns_per_event_wall.
// Only the public engine API is used (LoadModel, Compile, MakeStepper,
// Stepper), so the benchmark keeps compiling while the hot loop changes.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/base/rng.h"
#include "engine/io/network_io.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/make_stepper.h"
#include "engine/sim/state.h"
#include "engine/sim/stepper.h"
#include "proto/network.pb.h"

namespace grn {
namespace {

// The same horizon as limit_ssa's `1000 10` arguments, so ns/event compare.
constexpr double kDimerTEnd = 10.0;
// Generated networks run for about this many events per iteration: long
// enough that Reset (O(R)) is noise, short enough for several iterations.
constexpr double kSparseEventsPerRun = 200000.0;

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// User + system CPU time of all waited-for children so far.
[[maybe_unused]] double ChildrenCpuNs() {  // used only with limit_ssa
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto ns = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e9 + static_cast<double>(tv.tv_usec) * 1e3;
  };
  return ns(usage.ru_utime) + ns(usage.ru_stime);
}

// One run per benchmark iteration: Reset from the initial counts, advance to
// t_end. Sets the ns_per_event counters from our own clocks so the number
// shown is plain nanoseconds (Counter's kInvert would show seconds with an SI
// prefix instead).
void RunExact(benchmark::State& bench, MethodKind kind, std::shared_ptr<const CompiledModel> model,
              double t_end, std::uint64_t seed) {
  StatusOr<std::unique_ptr<Stepper>> made = MakeStepper(kind, model, MethodOptions{});
  if (!made.ok()) {
    bench.SkipWithError(made.status().ToString().c_str());
    return;
  }
  Stepper& stepper = **made;
  const Rng root(seed);
  State state;
  std::uint64_t run = 0;
  const double cpu_start = ThreadCpuNs();
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : bench) {
    Rng rng = root.Split(run++);
    state.t = 0.0;
    state.x = model->initial_counts();
    Status status = stepper.Reset(state, rng);
    if (status.ok()) status = stepper.AdvanceTo(t_end, state, rng);
    if (!status.ok()) {
      bench.SkipWithError(status.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(state.x.data());
  }
  const double wall_ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  const double cpu_ns = ThreadCpuNs() - cpu_start;
  const auto events = static_cast<double>(stepper.stats().events);
  bench.counters["ns_per_event"] = events > 0 ? cpu_ns / events : 0.0;
  bench.counters["ns_per_event_wall"] = events > 0 ? wall_ns / events : 0.0;
  bench.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  bench.counters["events_per_run"] = events / static_cast<double>(std::max<std::uint64_t>(run, 1));
}

// ---------------------------------------------------------------------------
// Decaying dimerization, loaded from its network file.

std::shared_ptr<const CompiledModel> DimerModel() {
  static const std::shared_ptr<const CompiledModel> model = [] {
    StatusOr<CompiledModel> loaded =
        LoadModel(GRN_SOURCE_DIR "/bench/models/dimer_decay.textproto");
    if (!loaded.ok()) {
      std::fprintf(stderr, "ssa_bench: %s\n", loaded.status().ToString().c_str());
      return std::shared_ptr<const CompiledModel>();
    }
    return std::make_shared<const CompiledModel>(std::move(*loaded));
  }();
  return model;
}

void BM_DimerDecay(benchmark::State& bench, MethodKind kind) {
  std::shared_ptr<const CompiledModel> model = DimerModel();
  if (model == nullptr) {
    bench.SkipWithError("cannot load bench/models/dimer_decay.textproto");
    return;
  }
  RunExact(bench, kind, std::move(model), kDimerTEnd, /*seed=*/42);
  // Process-wide high-water mark: includes everything benchmarked before.
  bench.counters["peak_rss_MiB"] = PeakRssMiB();
}

// ---------------------------------------------------------------------------
// Generated sparse networks.

// "X" + std::to_string(i) trips GCC 12's -Wrestrict false positive
// (GCC bug 105329) under -O3 -Werror; appending avoids it.
std::string Indexed(const char* prefix, int i) {
  std::string out(prefix);
  out.append(std::to_string(i));
  return out;
}

struct SparseNetwork {
  grnsim::v1::Network network;
  double initial_a0;  // total propensity at the initial state, events per s
};

// R reactions over N = max(3, R/3) species: a birth ∅ → X_i and a decay
// X_i → ∅ for every species (so each count relaxes towards its initial value,
// b_i/d_i, and the system neither dies out nor blows up), and the rest split
// ~3:1 into conversions X_i → X_j and bimolecular X_i + X_j → X_k with random
// partners. Every reaction reads at most two species, so each firing touches
// a handful of propensities whatever R is: the dependency graph is sparse.
SparseNetwork MakeSparseNetwork(int num_reactions) {
  const int n = std::max(3, num_reactions / 3);
  std::mt19937_64 gen(20240601u + static_cast<unsigned>(num_reactions));
  std::uniform_int_distribution<int> pick(0, n - 1);
  std::uniform_real_distribution<double> count(100.0, 1000.0);
  std::uniform_real_distribution<double> decay(0.5, 2.0);    // 1/s
  std::uniform_real_distribution<double> convert(0.1, 1.0);  // 1/s
  std::uniform_real_distribution<double> bind(1e-4, 1e-3);   // 1/(molecule·s)

  SparseNetwork out;
  grnsim::v1::Network& net = out.network;
  net.set_name(Indexed("sparse_", num_reactions));
  net.set_time_unit(grnsim::v1::Network::s);
  std::vector<double> x0(n);
  for (int i = 0; i < n; ++i) {
    x0[i] = std::round(count(gen));
    grnsim::v1::Species* s = net.add_species();
    s->set_name(Indexed("X", i));
    s->set_initial_count(x0[i]);
  }
  auto name = [](int i) { return Indexed("X", i); };
  double a0 = 0.0;
  int made = 0;
  auto add = [&](double k) {
    grnsim::v1::Reaction* r = net.add_reaction();
    r->set_name(Indexed("r", made++));
    r->set_k(k);
    return r;
  };
  for (int i = 0; i < n && made < num_reactions; ++i) {
    const double d = decay(gen);
    add(d * x0[i])->add_product()->set_species(name(i));  // ∅ → X_i at d·x0_i
    a0 += d * x0[i];
    if (made < num_reactions) {
      add(d)->add_reactant()->set_species(name(i));  // X_i → ∅
      a0 += d * x0[i];
    }
  }
  while (made < num_reactions) {
    const int i = pick(gen);
    int j = pick(gen);
    if (j == i) j = (j + 1) % n;
    if (made % 4 != 3) {  // X_i → X_j
      const double k = convert(gen);
      grnsim::v1::Reaction* r = add(k);
      r->add_reactant()->set_species(name(i));
      r->add_product()->set_species(name(j));
      a0 += k * x0[i];
    } else {  // X_i + X_j → X_k
      const double k = bind(gen);
      grnsim::v1::Reaction* r = add(k);
      r->add_reactant()->set_species(name(i));
      r->add_reactant()->set_species(name(j));
      r->add_product()->set_species(name(pick(gen)));
      a0 += k * x0[i] * x0[j];
    }
  }
  out.initial_a0 = a0;
  return out;
}

void BM_SparseNetwork(benchmark::State& bench, MethodKind kind) {
  const auto num_reactions = static_cast<int>(bench.range(0));
  const SparseNetwork sparse = MakeSparseNetwork(num_reactions);
  StatusOr<CompiledModel> compiled = Compile(sparse.network);
  if (!compiled.ok()) {
    bench.SkipWithError(compiled.status().ToString().c_str());
    return;
  }
  auto model = std::make_shared<const CompiledModel>(std::move(*compiled));
  // The network stays near its initial state, so a0 there sets the horizon.
  const double t_end = kSparseEventsPerRun / sparse.initial_a0;
  RunExact(bench, kind, std::move(model), t_end, /*seed=*/7);
  bench.counters["reactions"] = num_reactions;
}

// ---------------------------------------------------------------------------
// The speed-limit reference, run as its own process.

void BM_LimitSsaBaseline(benchmark::State& bench) {
#ifdef GRN_LIMIT_SSA_BINARY
  double sum_ns = 0.0, best_ns = 0.0, sum_wall_ns = 0.0;
  int runs = 0;
  for (auto _ : bench) {
    const double cpu_start = ChildrenCpuNs();
    // 1000 runs to t = 10: the acceptance measurement.
    FILE* pipe = popen("'" GRN_LIMIT_SSA_BINARY "' 1000 10", "r");
    if (pipe == nullptr) {
      bench.SkipWithError("cannot start " GRN_LIMIT_SSA_BINARY);
      return;
    }
    std::string output;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    const int rc = pclose(pipe);  // waits, so the child's CPU time is counted
    const double cpu_ns = ChildrenCpuNs() - cpu_start;
    const std::size_t at = output.find("events=");
    unsigned long long events = 0;
    double wall_ns = 0.0;  // limit_ssa's own steady_clock figure
    if (rc != 0 || at == std::string::npos ||
        std::sscanf(output.c_str() + at, "events=%llu seconds=%*f ns_per_event=%lf", &events,
                    &wall_ns) != 2 ||
        events == 0) {
      bench.SkipWithError(("limit_ssa failed: " + output).c_str());
      return;
    }
    const double ns = cpu_ns / static_cast<double>(events);
    sum_ns += ns;
    sum_wall_ns += wall_ns;
    best_ns = runs == 0 ? ns : std::min(best_ns, ns);
    ++runs;
  }
  bench.counters["ns_per_event"] = sum_ns / runs;
  bench.counters["ns_per_event_best"] = best_ns;
  bench.counters["ns_per_event_wall"] = sum_wall_ns / runs;
#else
  // Skipping before the loop is what tells the library not to iterate.
  bench.SkipWithError("../shared missing");
#endif
}

void RegisterAll() {
  for (MethodKind kind : kAllExactMethods) {
    const std::string method = MethodName(kind);
    benchmark::RegisterBenchmark(("BM_DimerDecay/" + method).c_str(), BM_DimerDecay, kind)
        ->Unit(benchmark::kMillisecond);
  }
  for (MethodKind kind : kAllExactMethods) {
    const std::string method = MethodName(kind);
    benchmark::RegisterBenchmark(("BM_SparseNetwork/" + method).c_str(), BM_SparseNetwork, kind)
        ->Arg(10)
        ->Arg(100)
        ->Arg(1000)
        ->Unit(benchmark::kMillisecond);
  }
  // Each iteration is a whole process of ~0.5 s; three of them are enough.
  // Real time, because this thread's CPU time is only the wait.
  benchmark::RegisterBenchmark("BM_LimitSsaBaseline", BM_LimitSsaBaseline)
      ->Iterations(3)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

}  // namespace
}  // namespace grn

int main(int argc, char** argv) {
  grn::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
