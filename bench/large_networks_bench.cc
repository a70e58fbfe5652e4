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
//    ns_per_event_wall, events_per_run, rejections_per_event, and species,
//    reactions, auto_pick (1 for the method `--method auto` picks);
//  * BM_Load/<network>: read + validate + compile (LoadModel) in a forked
//    child, so its peak RSS is the load's own: load_ms, peak_rss_MiB;
//  * BM_RefSsa/<network>: the baseline ../shared/benchmarks/refssa.cpp (a
//    plain direct method on a binary sum tree, built by CMake as `refssa`),
//    one process per iteration on the same network to the same T, in the
//    same session: ns_per_event (the child's user + system CPU time over the
//    events it reports, less its set-up measured by a run to t = 0),
//    ns_per_event_wall (its own clock), events_per_run, setup_ms.
//    Its input is flattened from the .net file once per network by
//    ../shared/benchmarks/net2txt.py (python3), outside the timing.
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

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
// fceri_gamma2 ~3.3e5 by t = 100. BCR fires ~2.4e6 events in its first
// time unit: t = 1 here; its run to t = 1,000 (7.6e8 events, about 5 min)
// is a job for `grnsim bench --methods rssa_cr --t-end 1000`, not a
// benchmark iteration.
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
  // For bench/readme_table: the network's size, and whether `--method auto`
  // would pick this method for it.
  bench.counters["species"] = static_cast<double>(model->num_species());
  bench.counters["reactions"] = static_cast<double>(model->num_reactions());
  bench.counters["auto_pick"] = ChooseExactMethod(*model) == kind ? 1.0 : 0.0;
}

// User + system CPU time of all waited-for children so far.
[[maybe_unused]] double ChildrenCpuNs() {  // used only with refssa
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto ns = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e9 + static_cast<double>(tv.tv_usec) * 1e3;
  };
  return ns(usage.ru_utime) + ns(usage.ru_stime);
}

#ifdef GRN_REFSSA_BINARY
// A private directory for refssa's flattened models, removed at exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "grn_refssa.XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The refssa input for `net_path`, written once per network. Empty with
// *why set when net2txt fails or the network has a reaction refssa cannot
// simulate (its propensity code handles 0, 1 or 2 reactants).
std::string RefSsaModel(const std::string& net_path, const std::string& name, std::string* why) {
  static ScratchDir scratch;
  static std::map<std::string, std::pair<std::string, std::string>> cache;  // path, why
  if (auto it = cache.find(net_path); it != cache.end()) {
    *why = it->second.second;
    return it->second.first;
  }
  std::string txt = scratch.path() + "/" + name + ".txt";
  if (scratch.path().empty()) {
    *why = "cannot create a scratch directory";
  } else {
    const std::string command =
        "python3 '" GRN_NET2TXT_SCRIPT "' '" + net_path + "' '" + txt + "' 2>&1";
    if (std::system(command.c_str()) != 0) *why = "net2txt.py failed on " + net_path;
  }
  if (why->empty()) {
    std::ifstream in(txt);
    std::size_t species = 0, reactions = 0;
    in >> species >> reactions;
    double ignored = 0.0;
    for (std::size_t i = 0; i < species; ++i) in >> ignored;
    for (std::size_t r = 0; r < reactions && in && why->empty(); ++r) {
      int reactants = 0, products = 0, index = 0;
      in >> ignored >> reactants;
      if (reactants > 2) *why = "refssa handles at most 2 reactants per reaction";
      for (int i = 0; i < reactants; ++i) in >> index;
      in >> products;
      for (int i = 0; i < products; ++i) in >> index;
    }
    if (!in && why->empty()) *why = "cannot read " + txt;
  }
  if (!why->empty()) txt.clear();
  cache.emplace(net_path, std::make_pair(txt, *why));
  return txt;
}
#endif

#ifdef GRN_REFSSA_BINARY
struct RefSsaRun {
  unsigned long long events = 0;
  double cpu_ns = 0.0;  // the process's user + system time, its set-up included
  double wall_ns = 0.0;  // refssa's own clock: the simulation loop only
};

// Runs `refssa model t_end 1 seed`; false with *error set on failure.
bool RunRefSsa(const std::string& model, double t_end, int seed, RefSsaRun* run,
               std::string* error) {
  char args[64];
  std::snprintf(args, sizeof args, " %.17g 1 %d", t_end, seed);
  const std::string command = "'" GRN_REFSSA_BINARY "' '" + model + "'" + args;
  const double cpu0 = ChildrenCpuNs();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *error = "cannot start " GRN_REFSSA_BINARY;
    return false;
  }
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int rc = pclose(pipe);  // waits, so the child's CPU time is counted
  run->cpu_ns = ChildrenCpuNs() - cpu0;
  const std::size_t at = output.find("events_total=");
  double wall_s = 0.0;
  if (rc != 0 || at == std::string::npos ||
      std::sscanf(output.c_str() + at, "events_total=%llu events_per_traj=%*f wall_s=%lf",
                  &run->events, &wall_s) != 2) {
    *error = "refssa failed: " + output;
    return false;
  }
  run->wall_ns = wall_s * 1e9;
  return true;
}
#endif

// One refssa process per iteration: the same network and horizon as
// BM_Network, a different seed each time. Its set-up (reading the flat
// model, building the dependency graph) is measured by runs to t = 0, the
// cheapest of three, and subtracted: BM_Network does not time LoadModel
// either.
void BM_RefSsa(benchmark::State& bench, BenchNetwork net) {
#ifdef GRN_REFSSA_BINARY
  const std::string path = NetworkPath(net);
  if (!Exists(path)) {
    bench.SkipWithError((path + " is missing: network skipped").c_str());
    return;
  }
  std::string why;
  const std::string model = RefSsaModel(path, net.name, &why);
  if (model.empty()) {
    bench.SkipWithError(("refssa not run: " + why).c_str());
    return;
  }
  double setup_ns = 0.0;
  for (int i = 0; i < 3; ++i) {
    RefSsaRun setup;
    if (!RunRefSsa(model, 0.0, 1, &setup, &why)) {
      bench.SkipWithError(why.c_str());
      return;
    }
    setup_ns = i == 0 ? setup.cpu_ns : std::min(setup_ns, setup.cpu_ns);
  }
  double cpu_ns = 0.0, wall_ns = 0.0, events = 0.0;
  int runs = 0;
  for (auto _ : bench) {
    RefSsaRun run;
    if (!RunRefSsa(model, net.t_end, runs + 1, &run, &why) || run.events == 0) {
      bench.SkipWithError(why.empty() ? "refssa fired no event" : why.c_str());
      return;
    }
    cpu_ns += std::max(0.0, run.cpu_ns - setup_ns);
    wall_ns += run.wall_ns;
    events += static_cast<double>(run.events);
    ++runs;
  }
  bench.counters["ns_per_event"] = cpu_ns / events;
  bench.counters["ns_per_event_wall"] = wall_ns / events;
  bench.counters["events_per_run"] = events / runs;
  bench.counters["setup_ms"] = setup_ns * 1e-6;
#else
  // Skipping before the loop is what tells the library not to iterate.
  (void)net;
  bench.SkipWithError("../shared/benchmarks/refssa.cpp missing: baseline not built");
#endif
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
    // Each iteration is a whole process (a fraction of a second to a few
    // seconds); three are enough. Real time: this thread only waits.
    benchmark::RegisterBenchmark((std::string("BM_RefSsa/") + net.name).c_str(), BM_RefSsa, net)
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
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
