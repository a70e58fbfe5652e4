// bench/large_networks_bench.cc
//
// The exact methods on the five BioNetGen benchmark networks of the field
// (../shared/benchmarks/networks, the `_no_obs` files the Catalyst paper
// timed; see its README): multistate (9 species / 18 reactions), multisite2
// (66 / 288), egfr_net (356 / 3,749), BCR (1,122 / 24,388), fceri_gamma2
// (3,744 / 58,276). A network that is missing is skipped with a message.
//  * BM_Network/<network>/<method>: one run per iteration (Reset from the
//    initial counts, AdvanceTo(T), T per network below); counters ns_per_event (this thread's CPU
//    time per reaction fired; rejected candidates are not events),
//    ns_per_event_wall, events_per_run, rejections_per_event;
//  * BM_Load/<network>: read + validate + compile (LoadModel) in a forked
//    child, so its peak RSS is the load's own: load_ms, peak_rss_MiB.
// Published best exact-SSA costs (Loman et al. 2023, Catalyst/JumpProcesses;
// about 1:1 on this machine): multistate 69, multisite2 318, egfr_net 98,
// fceri_gamma2 1309 ns/event.
//
//   build-x/large_networks_bench                                   # all (minutes)
//   build-x/large_networks_bench --benchmark_filter='egfr|Load'    # a subset
//   GRN_BENCH_NETWORKS=/path/to/networks build-x/large_networks_bench
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <map>
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

namespace grn {
namespace {

struct BenchNetwork {
  const char* name;  // file stem (without _no_obs.net)
  double t_end;      // simulated time per iteration: 10^5 – 10^6 events
};

// Horizons from the README's reference event counts: multistate ~1.3e5
// events by t = 100, multisite2 ~2.4e5 by t = 10, egfr_net ~2.1e5 by t = 1,
// fceri_gamma2 ~3.3e5 by t = 100. BCR fires ~2.4e6 events per time unit
// (2.4e8 by t = 100, measured): t = 1 here; a run to t = 1,000 (~2.4e9
// events) is a job for `grnsim simulate`, not a benchmark iteration.
constexpr BenchNetwork kNetworks[] = {
    {"multistate", 100.0}, {"multisite2", 10.0}, {"egfr_net", 1.0},
    {"BCR", 1.0},          {"fceri_gamma2", 100.0},
};

std::string NetworkDir() {
  if (const char* dir = std::getenv("GRN_BENCH_NETWORKS")) return dir;
  return std::string(GRN_SHARED_DIR) + "/benchmarks/networks";
}

std::string NetworkPath(const BenchNetwork& net) {
  return NetworkDir() + "/" + net.name + "_no_obs.net";
}

bool Exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Loaded once per network and shared by every method's benchmark.
std::shared_ptr<const CompiledModel> Model(const std::string& path, std::string* error) {
  static std::map<std::string, std::shared_ptr<const CompiledModel>> cache;
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  StatusOr<CompiledModel> model = LoadModel(path);
  if (!model.ok()) {
    *error = model.status().message();
    return nullptr;
  }
  auto shared = std::make_shared<const CompiledModel>(std::move(*model));
  cache.emplace(path, shared);
  return shared;
}

void BM_Network(benchmark::State& bench, BenchNetwork net, MethodKind kind) {
  const std::string path = NetworkPath(net);
  if (!Exists(path)) {
    bench.SkipWithError((path + " is missing: network skipped").c_str());
    return;
  }
  std::string error;
  std::shared_ptr<const CompiledModel> model = Model(path, &error);
  if (model == nullptr) {
    bench.SkipWithError(error.c_str());
    return;
  }
  StatusOr<std::unique_ptr<Stepper>> made = MakeStepper(kind, model, MethodOptions{});
  if (!made.ok()) {
    bench.SkipWithError(made.status().message().c_str());
    return;
  }
  Stepper& stepper = **made;
  std::uint64_t events = 0, rejections = 0, runs = 0;
  double cpu_ns = 0.0, wall_ns = 0.0;
  for (auto _ : bench) {
    State state;
    state.x = model->initial_counts();
    Rng rng = Rng(20231).Split(runs);
    const StepperStats before = stepper.stats();
    const double cpu0 = ThreadCpuNs();
    const auto wall0 = std::chrono::steady_clock::now();
    Status status = stepper.Reset(state, rng);
    if (status.ok()) status = stepper.AdvanceTo(net.t_end, state, rng);
    wall_ns += std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - wall0).count();
    cpu_ns += ThreadCpuNs() - cpu0;
    if (!status.ok()) {
      bench.SkipWithError(status.message().c_str());
      return;
    }
    const StepperStats after = stepper.stats();
    events += after.events - before.events;
    rejections += after.rejections - before.rejections;
    ++runs;
    benchmark::DoNotOptimize(state.x.data());
  }
  const double n = static_cast<double>(events);
  bench.counters["ns_per_event"] = cpu_ns / n;
  bench.counters["ns_per_event_wall"] = wall_ns / n;
  bench.counters["events_per_run"] = n / static_cast<double>(runs);
  bench.counters["rejections_per_event"] = static_cast<double>(rejections) / n;
}

// LoadModel in a forked child: the child's peak RSS is the load's alone.
void BM_Load(benchmark::State& bench, BenchNetwork net) {
  const std::string path = NetworkDir() + "/" + net.name + ".net";  // with its groups
  if (!Exists(path)) {
    bench.SkipWithError((path + " is missing: network skipped").c_str());
    return;
  }
  double load_ms = 0.0, peak_mib = 0.0;
  int iterations = 0;
  for (auto _ : bench) {
    int pipe_fd[2];
    if (pipe(pipe_fd) != 0) {
      bench.SkipWithError("pipe failed");
      return;
    }
    const pid_t child = fork();
    if (child == 0) {
      close(pipe_fd[0]);
      const auto t0 = std::chrono::steady_clock::now();
      StatusOr<CompiledModel> model = LoadModel(path);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!model.ok()) ms = -1.0;
      const ssize_t written = write(pipe_fd[1], &ms, sizeof ms);
      _exit(written == sizeof ms ? 0 : 1);
    }
    close(pipe_fd[1]);
    double ms = -1.0;
    const ssize_t got = read(pipe_fd[0], &ms, sizeof ms);
    close(pipe_fd[0]);
    int wstatus = 0;
    rusage usage{};
    wait4(child, &wstatus, 0, &usage);
    if (got != sizeof ms || ms < 0.0) {
      bench.SkipWithError((path + ": load failed").c_str());
      return;
    }
    load_ms += ms;
    peak_mib = std::max(peak_mib, static_cast<double>(usage.ru_maxrss) / 1024.0);
    ++iterations;
  }
  bench.counters["load_ms"] = load_ms / iterations;
  bench.counters["peak_rss_MiB"] = peak_mib;
}

void RegisterAll() {
  for (const BenchNetwork& net : kNetworks) {
    benchmark::RegisterBenchmark((std::string("BM_Load/") + net.name).c_str(), BM_Load, net)
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
  }
  for (const BenchNetwork& net : kNetworks) {
    for (MethodKind kind : kAllExactMethods) {
      benchmark::RegisterBenchmark(
          (std::string("BM_Network/") + net.name + "/" + MethodName(kind)).c_str(), BM_Network, net,
          kind)
          ->Unit(benchmark::kMillisecond)
          ->MinTime(2.0)
          ->UseRealTime();
    }
  }
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
