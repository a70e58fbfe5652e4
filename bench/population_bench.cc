// bench/population_bench.cc
//
// The population layer's cost (issue: population, item 5), measured on whole
// `grnsim population` processes (networks/msc_population.textproto, baseline
// mixed assay, lattice, Ω = 1, sync 0.25 h), so what is timed is what a user
// runs. Each child's own summary line gives its cell-hours and events; its
// wall time and peak RSS come from wait4().
//  * BM_PopulationSpeed/<method>/<threads> (method 0 direct, 1 hybrid):
//    100 seeded cells for 2 days, one replicate. Counters: cell_hours_per_s,
//    events_per_cell_hour, and, in the same run, hybrid_vs_direct (cell-hours
//    per second of hybrid over direct, same thread count) and speedup_vs_1
//    (2 threads over 1, same method).
//  * BM_PopulationMemory/<cells>: peak RSS of a 1-day hybrid run seeded with
//    100 and 800 cells; bytes_per_cell = the difference over the cell-count
//    difference (the network state, stepper scratch is per thread), with the
//    cells alive at the end as the count.
// The headline size (500 cells × 14 days × 20 replicates, 2 threads) takes
// minutes; bench/README.md gives its command and README.md its measured time.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct ChildRun {
  bool ok = false;
  double wall_seconds = 0.0;
  double peak_rss_bytes = 0.0;
  double cell_hours = 0.0;
  double events = 0.0;
  double final_cells = 0.0;  // live cells at the end, summed over replicates
};

// Runs `grnsim population` with the given extra arguments; its stderr goes
// to a temporary file, read for the summary line.
ChildRun RunPopulation(const std::vector<std::string>& extra) {
  ChildRun run;
  char dir_template[] = "/tmp/grn_population_bench.XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return run;
  const std::string out_dir = std::string(dir) + "/out";
  const std::string err_path = std::string(dir) + "/stderr.txt";
  std::vector<std::string> args = {"grnsim",
                                   "population",
                                   GRN_SOURCE_DIR "/networks/msc_population.textproto",
                                   "--scenario",
                                   GRN_SOURCE_DIR "/networks/scenarios/baseline_mixed.textproto",
                                   "--seed",
                                   "42",
                                   "--output",
                                   out_dir};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return run;
  if (pid == 0) {
    if (std::freopen(err_path.c_str(), "w", stderr) == nullptr) _exit(126);
    if (std::freopen("/dev/null", "w", stdout) == nullptr) _exit(126);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(GRN_GRNSIM_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  const bool exited = wait4(pid, &status, 0, &usage) == pid && WIFEXITED(status) &&
                      WEXITSTATUS(status) == 0;
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.peak_rss_bytes = static_cast<double>(usage.ru_maxrss) * 1024.0;  // KiB
  std::ifstream err(err_path);
  std::stringstream text;
  text << err.rdbuf();
  // "... to day D: 1.1e+04 cell-hours, 32483889 events (2941 per cell-hour) in ..."
  static const std::regex summary(R"(: ([0-9.e+]+) cell-hours, ([0-9]+) events)");
  std::smatch m;
  const std::string stderr_text = text.str();
  if (exited && std::regex_search(stderr_text, m, summary)) {
    run.cell_hours = std::strtod(m[1].str().c_str(), nullptr);
    run.events = std::strtod(m[2].str().c_str(), nullptr);
    run.ok = run.cell_hours > 0.0;
  }
  // The last row of replicates.csv per replicate holds the live cells at the
  // end; the column is named "cells".
  std::ifstream replicates(out_dir + "/replicates.csv");
  std::string line, header;
  std::map<std::string, double> last_alive;  // replicate -> alive at its last row
  int alive_column = -1, replicate_column = -1;
  while (std::getline(replicates, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string f; std::getline(row, f, ',');) fields.push_back(f);
    if (alive_column < 0) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "cells") alive_column = static_cast<int>(i);
        if (fields[i] == "replicate") replicate_column = static_cast<int>(i);
      }
      if (alive_column < 0 || replicate_column < 0) break;
      continue;
    }
    if (static_cast<int>(fields.size()) <= std::max(alive_column, replicate_column)) continue;
    last_alive[fields[replicate_column]] = std::strtod(fields[alive_column].c_str(), nullptr);
  }
  for (const auto& [replicate, alive] : last_alive) run.final_cells += alive;
  std::system(("rm -rf '" + std::string(dir) + "'").c_str());
  return run;
}

// cell-hours per second, by method (0 direct, 1 hybrid) and threads (1, 2).
std::map<std::pair<int, int>, double> speed;

void BM_PopulationSpeed(benchmark::State& bench) {
  const int method = static_cast<int>(bench.range(0));
  const int threads = static_cast<int>(bench.range(1));
  ChildRun run;
  for (auto _ : bench) {
    run = RunPopulation({"--method", method == 0 ? "direct" : "hybrid", "--cells", "100",
                         "--days", "2", "--replicates", "1", "--threads",
                         std::to_string(threads)});
    if (!run.ok) {
      bench.SkipWithError("grnsim population failed or printed no summary");
      return;
    }
    bench.SetIterationTime(run.wall_seconds);
  }
  const double rate = run.cell_hours / run.wall_seconds;
  speed[{method, threads}] = rate;
  bench.SetLabel(method == 0 ? "direct" : "hybrid");
  bench.counters["cell_hours_per_s"] = rate;
  bench.counters["events_per_cell_hour"] = run.events / run.cell_hours;
  if (method == 1 && speed.count({0, threads})) {
    bench.counters["hybrid_vs_direct"] = rate / speed[{0, threads}];
  }
  if (threads == 2 && speed.count({method, 1})) {
    bench.counters["speedup_vs_1"] = rate / speed[{method, 1}];
  }
}
BENCHMARK(BM_PopulationSpeed)
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({0, 2})
    ->Args({1, 2})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

double small_peak = 0.0, small_cells = 0.0;

void BM_PopulationMemory(benchmark::State& bench) {
  const auto cells = static_cast<int>(bench.range(0));
  ChildRun run;
  for (auto _ : bench) {
    run = RunPopulation({"--method", "hybrid", "--cells", std::to_string(cells), "--days", "1",
                         "--replicates", "1", "--threads", "1"});
    if (!run.ok || run.final_cells <= 0.0) {
      bench.SkipWithError("grnsim population failed or wrote no replicates.csv");
      return;
    }
    bench.SetIterationTime(run.wall_seconds);
  }
  bench.counters["peak_rss_MiB"] = run.peak_rss_bytes / (1024.0 * 1024.0);
  bench.counters["cells_at_end"] = run.final_cells;
  if (small_cells == 0.0) {
    small_peak = run.peak_rss_bytes;
    small_cells = run.final_cells;
  } else if (run.final_cells > small_cells) {
    bench.counters["bytes_per_cell"] =
        (run.peak_rss_bytes - small_peak) / (run.final_cells - small_cells);
  }
}
BENCHMARK(BM_PopulationMemory)->Arg(100)->Arg(800)->Iterations(1)->UseManualTime()->Unit(
    benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
