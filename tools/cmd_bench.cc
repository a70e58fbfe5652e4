// tools/cmd_bench.cc
//
// grnsim bench FILE: how fast each simulation method is on the user's own
// network. Loads the network once (timed: read + validate + compile), then
// runs every exact method (tau-leaping, hybrid and ODE too with --approx) for --runs
// trajectories to --t-end and prints ns/event (CPU), events/s, events per
// run and wall time per method, marking the method `--method auto` picks
// and the fastest. --json writes the same for scripts.
//
// Events are reactions fired as the stepper counts them (StepperStats::events):
// candidates refused by the rejection methods (cr, rssa, rssa_cr) are not
// events. CPU time is this thread's, so other processes on a busy machine
// disturb it less than the wall clock.
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/rng.h"
#include "engine/io/atomic_file.h"
#include "engine/io/network_io.h"
#include "engine/sim/make_stepper.h"
#include "engine/sim/simulate.h"
#include "engine/sim/state.h"
#include "tools/commands.h"
#include "tools/flags.h"
#include "tools/progress.h"

namespace grn::cli {
namespace {

// Each run is advanced in this many equal slices of [0, t_end], so the time
// budget and interrupts are checked between slices. Exact steppers keep a
// pending event beyond a slice's end, so slicing does not change the run.
constexpr std::uint32_t kSlices = 100;
// Two methods closer than this are not told apart on a shared machine.
constexpr double kNoiseFraction = 0.10;
// Fewer events than this per method time set-up and clock reads more than
// the methods: too few to say which is fastest.
constexpr std::uint64_t kMinEventsToCompare = 10000;

struct BenchFlags {
  std::string methods;  // comma-separated; empty: all exact (+ tau, ode with --approx)
  double t_end = 10.0;
  std::uint64_t runs = 1;
  std::uint64_t seed = 1;
  bool approx = false;
  double budget_seconds = 60.0;  // per method; 0: no limit
  std::string json;
  std::vector<std::string> scenario_paths;
  std::uint64_t threads = 1;  // > 1: also an ensemble on this many threads
  bool quiet = false;
};

// Throughput of auto's method as an ensemble on several threads
// (SimulateEnsemble, as `grnsim simulate --runs R --threads N` runs it).
struct EnsembleThroughput {
  bool ran = false;
  std::string skipped;  // why not, when --threads > 1 asked for it
  MethodKind kind = MethodKind::kDirect;
  unsigned threads = 1;
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
  double wall_seconds = 0.0;
  double single_thread_events_per_second = 0.0;

  double EventsPerSecond() const { return wall_seconds > 0 ? events / wall_seconds : 0.0; }
};

struct MethodResult {
  MethodKind kind = MethodKind::kDirect;
  bool exact = true;
  std::string refused;  // why the method cannot run this network; empty if it ran
  std::uint64_t runs_done = 0;  // runs reaching t_end
  std::uint64_t events = 0;     // reactions fired, over all runs (tau: summed over leaps)
  std::uint64_t rejections = 0;
  std::uint64_t steps = 0;      // ode: CVODE internal steps
  bool steps_known = false;     // the stepper's own stats were read
  double cpu_seconds = 0.0;     // simulation only (Reset + AdvanceTo)
  double wall_seconds = 0.0;
  double stepper_setup_seconds = 0.0;  // MakeStepper: dependency tables, groups
  double simulated_time = 0.0;  // summed over runs (a run cut by the budget counts its part)
  bool cut_by_budget = false;
  bool auto_pick = false;
  bool fastest = false;

  bool ran() const { return refused.empty(); }
  double EventsPerRun() const {
    const double runs = runs_done + (cut_by_budget ? 1 : 0);
    return runs > 0 ? static_cast<double>(events) / runs : 0.0;
  }
  double NsPerEvent() const {
    return events > 0 ? cpu_seconds * 1e9 / static_cast<double>(events) : 0.0;
  }
  double EventsPerSecond() const {
    return wall_seconds > 0 ? static_cast<double>(events) / wall_seconds : 0.0;
  }
  double EventsPerTimeUnit() const {
    return simulated_time > 0 ? static_cast<double>(events) / simulated_time : 0.0;
  }
};

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

StatusOr<std::vector<MethodKind>> SelectMethods(const BenchFlags& f, const CompiledModel& model) {
  std::vector<MethodKind> kinds;
  if (f.methods.empty()) {
    kinds.assign(std::begin(kAllExactMethods), std::end(kAllExactMethods));
    if (f.approx) {
      kinds.push_back(MethodKind::kTauLeap);
      kinds.push_back(MethodKind::kHybrid);
      kinds.push_back(MethodKind::kOde);
    }
    return kinds;
  }
  std::size_t start = 0;
  while (start <= f.methods.size()) {
    std::size_t end = f.methods.find(',', start);
    if (end == std::string::npos) end = f.methods.size();
    const std::string name = f.methods.substr(start, end - start);
    start = end + 1;
    MethodKind kind = MethodKind::kDirect;
    if (name == "auto") {
      kind = ChooseExactMethod(model);
    } else {
      StatusOr<MethodKind> parsed = ParseMethod(name);
      if (!parsed.ok()) return Status(parsed.status().code(), "--methods: " + parsed.status().message());
      kind = *parsed;
    }
    if (!IsExact(kind) && !f.approx) {
      return InvalidArgumentError("--methods: '" + name +
                                  "' is an approximation; add --approx to time it");
    }
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  }
  return kinds;
}

// The runs of one method. A method that refuses the network (a law it cannot
// simulate exactly, events it does not watch) is reported, not an error.
Status RunMethod(const BenchFlags& f, const std::shared_ptr<const CompiledModel>& model,
                 MethodResult& result) {
  const bool deterministic = result.kind == MethodKind::kOde;
  const std::uint64_t runs = deterministic ? 1 : f.runs;
  ProgressBar bar(std::string("bench ") + MethodName(result.kind), runs * kSlices, !f.quiet,
                  false, "slices");
  MethodOptions method_options;
  method_options.cancel = &g_interrupted;

  const auto wall_start = std::chrono::steady_clock::now();
  auto over_budget = [&] {
    return f.budget_seconds > 0 && SecondsSince(wall_start) > f.budget_seconds;
  };
  // Timed events and condition events, and assignment rules, need the run
  // driver of engine/sim/simulate; SimulateTrajectory builds its own stepper
  // per run, so its set-up cost is inside the timing there.
  const bool needs_driver = !model->events().empty() || !model->species_rules().empty();
  if (needs_driver) {
    SimulationOptions options;
    options.method = result.kind;
    options.method_options = method_options;
    options.t_end = f.t_end;
    options.steps = kSlices;
    options.seed = f.seed;
    options.cancel = &g_interrupted;
    for (std::uint64_t run = 0; run < runs; ++run) {
      double t_reached = 0.0;
      std::uint64_t slices = 0;
      bool cut = false;
      const double cpu0 = ThreadCpuSeconds();
      Status status = SimulateTrajectory(
          model, options, run,
          [&](double t, std::span<const double>) -> Status {
            t_reached = t;
            bar.Update(run * kSlices + slices++, result.events);
            if (t < f.t_end && over_budget()) {
              cut = true;
              return CancelledError("time budget");
            }
            return Status::OK();
          },
          &result.events);
      result.cpu_seconds += ThreadCpuSeconds() - cpu0;
      result.simulated_time += t_reached;
      if (cut) {
        result.cut_by_budget = true;
        break;
      }
      if (status.code() == StatusCode::kNotSupported && run == 0) {
        result.refused = status.message();
        return Status::OK();
      }
      if (!status.ok()) return status;
      ++result.runs_done;
    }
    result.wall_seconds = SecondsSince(wall_start);
    return Status::OK();
  }

  const double setup_cpu0 = ThreadCpuSeconds();
  StatusOr<std::unique_ptr<Stepper>> made = MakeStepper(result.kind, model, method_options);
  result.stepper_setup_seconds = ThreadCpuSeconds() - setup_cpu0;
  if (!made.ok()) {
    if (made.status().code() != StatusCode::kNotSupported) return made.status();
    result.refused = made.status().message();
    return Status::OK();
  }
  Stepper& stepper = **made;
  const Rng root(f.seed);
  const double sim_cpu0 = ThreadCpuSeconds();
  const auto sim_wall0 = std::chrono::steady_clock::now();
  Status status;
  for (std::uint64_t run = 0; run < runs && status.ok() && !result.cut_by_budget; ++run) {
    State state(0.0, model->initial_counts(), model->initial_parameters());
    Rng rng = root.Split(run);
    status = stepper.Reset(state, rng);
    for (std::uint32_t slice = 1; slice <= kSlices && status.ok(); ++slice) {
      const double t = slice == kSlices ? f.t_end : f.t_end * slice / kSlices;
      status = stepper.AdvanceTo(t, state, rng);
      bar.Update(run * kSlices + slice, stepper.stats().events);
      if (status.ok() && slice < kSlices && over_budget()) result.cut_by_budget = true;
      if (result.cut_by_budget) break;
    }
    result.simulated_time += state.t;
    if (status.ok() && !result.cut_by_budget) ++result.runs_done;
  }
  result.cpu_seconds = ThreadCpuSeconds() - sim_cpu0;
  result.wall_seconds = SecondsSince(sim_wall0);
  const StepperStats stats = stepper.stats();
  result.events = stats.events;
  result.rejections = stats.rejections;
  result.steps = stats.steps;
  result.steps_known = true;
  return status;
}

// Runs auto's method as an ensemble on f.threads threads: two blocks of runs
// per thread, never fewer than --runs, and no more than the budget allows
// judging by the single-thread runs (but at least a block per thread).
Status RunEnsembleThroughput(const BenchFlags& f, const std::shared_ptr<const CompiledModel>& model,
                             const std::vector<MethodResult>& results, MethodKind auto_kind,
                             EnsembleThroughput& out) {
  out.kind = auto_kind;
  out.threads = static_cast<unsigned>(f.threads);
  const MethodResult* single = nullptr;
  for (const MethodResult& r : results) {
    if (r.kind == auto_kind && r.ran() && r.events > 0) single = &r;
  }
  if (single == nullptr) {
    out.skipped = std::string("auto's method ") + MethodName(auto_kind) + " was not timed";
    return Status::OK();
  }
  if (single->cut_by_budget) {
    out.skipped = "one run of auto's method takes longer than --budget";
    return Status::OK();
  }
  out.single_thread_events_per_second = single->EventsPerSecond();
  const double seconds_per_run = single->wall_seconds / static_cast<double>(single->runs_done);
  // Threads take whole blocks of kRunsPerBlock runs: two blocks per thread
  // keep them all busy to the end, one is the least that uses them all.
  const std::uint64_t one_block_each = kRunsPerBlock * f.threads;
  out.runs = std::max<std::uint64_t>(f.runs, 2 * one_block_each);
  if (f.budget_seconds > 0 && seconds_per_run * out.runs / f.threads > f.budget_seconds) {
    out.runs = std::max<std::uint64_t>(
        one_block_each, static_cast<std::uint64_t>(f.budget_seconds * f.threads / seconds_per_run));
  }
  SimulationOptions options;
  options.method = auto_kind;
  options.t_end = f.t_end;
  options.steps = 1;
  options.runs = out.runs;
  options.seed = f.seed;
  options.threads = out.threads;
  options.cancel = &g_interrupted;
  ProgressBar bar("bench ensemble", out.runs, !f.quiet, false, "runs");
  options.on_progress = [&bar](std::uint64_t done, std::uint64_t events) { bar.Update(done, events); };
  const auto start = std::chrono::steady_clock::now();
  StatusOr<EnsembleResult> result = SimulateEnsemble(model, options);
  out.wall_seconds = SecondsSince(start);
  if (!result.ok()) return result.status();
  out.events = result->events;
  out.ran = true;
  return Status::OK();
}

std::string MethodLabel(const MethodResult& r) {
  return std::string(MethodName(r.kind)) + (r.exact ? "" : " (approx.)");
}

// The table on stdout, and the verdict on `auto`.
void PrintTable(const std::string& file, const CompiledModel& model, const BenchFlags& f,
                double setup_seconds, double setup_rss_mib, const std::vector<MethodResult>& results,
                MethodKind auto_kind, const MethodResult* fastest, const EnsembleThroughput& ensemble) {
  std::printf("network  %s: %zu species, %zu reactions\n", file.c_str(), model.num_species(),
              model.num_reactions());
  std::printf("setup    %.4f s (read + validate + compile), peak memory %.1f MiB\n", setup_seconds,
              setup_rss_mib);
  const std::string unit = model.time_unit().empty() ? "" : " " + model.time_unit();
  std::printf("runs     %" PRIu64 " per method to t = %g%s, seed %" PRIu64 "\n\n", f.runs, f.t_end,
              unit.c_str(), f.seed);
  std::printf("%-18s %14s %15s %12s %10s  %s\n", "method", "events/run", "ns/event (CPU)",
              "events/s", "wall s", "");
  for (const MethodResult& r : results) {
    if (!r.ran()) {
      std::printf("%-18s not applicable: %s\n", MethodLabel(r).c_str(), r.refused.c_str());
      continue;
    }
    std::string marks;
    if (r.auto_pick) marks += "auto";
    if (r.fastest) marks += marks.empty() ? "fastest" : ", fastest";
    if (r.cut_by_budget) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%sbudget: stopped after %.3g%s simulated",
                    marks.empty() ? "" : "; ", r.simulated_time, unit.c_str());
      marks += buf;
    }
    if (r.kind == MethodKind::kOde) {
      if (r.steps_known) {
        marks += (marks.empty() ? "" : "; ") + std::to_string(r.steps) + " CVODE steps";
      }
      std::printf("%-18s %14s %15s %12s %10.3f  %s\n", MethodLabel(r).c_str(), "-", "-", "-",
                  r.wall_seconds, marks.c_str());
      continue;
    }
    std::printf("%-18s %14.0f %15.1f %12.3g %10.3f  %s\n", MethodLabel(r).c_str(), r.EventsPerRun(),
                r.NsPerEvent(), r.EventsPerSecond(), r.wall_seconds, marks.c_str());
  }
  if (ensemble.ran) {
    std::printf("\nensemble %s, %" PRIu64 " runs on %u threads: %.3g events/s in %.3f s (%.2fx one "
                "thread)\n",
                MethodName(ensemble.kind), ensemble.runs, ensemble.threads, ensemble.EventsPerSecond(),
                ensemble.wall_seconds,
                ensemble.single_thread_events_per_second > 0
                    ? ensemble.EventsPerSecond() / ensemble.single_thread_events_per_second
                    : 0.0);
  } else if (!ensemble.skipped.empty()) {
    std::printf("\nensemble not run: %s\n", ensemble.skipped.c_str());
  }
  std::printf("\npeak memory %.1f MiB\n", PeakRssMiB());
  if (fastest == nullptr) {
    std::printf("auto picks %s; no exact method fired an event, so none was timed\n",
                MethodName(auto_kind));
    return;
  }
  const MethodResult* picked = nullptr;
  for (const MethodResult& r : results) {
    if (r.kind == auto_kind && r.ran() && r.events > 0) picked = &r;
  }
  if (picked == nullptr) {
    std::printf("auto picks %s (not timed here); fastest exact method: %s\n",
                MethodName(auto_kind), MethodName(fastest->kind));
  } else if (fastest->events < kMinEventsToCompare) {
    std::printf("auto picks %s; %" PRIu64 " events are too few to tell the methods apart "
                "(raise --t-end or --runs)\n",
                MethodName(auto_kind), fastest->events);
  } else if (picked == fastest) {
    std::printf("auto picks %s, the fastest exact method here\n", MethodName(auto_kind));
  } else {
    const double slower = picked->NsPerEvent() / fastest->NsPerEvent() - 1.0;
    std::printf("auto picks %s, %.0f%% slower than %s here: %s\n", MethodName(auto_kind),
                100 * slower, MethodName(fastest->kind),
                slower < kNoiseFraction
                    ? "within this machine's noise"
                    : "auto decides by network size and rate laws without timing, so a network "
                      "with unusual structure can favour another method; name it with --method");
  }
}

std::string Json(const std::string& file, const CompiledModel& model, const BenchFlags& f,
                 double setup_seconds, double setup_rss_mib, const std::vector<MethodResult>& results,
                 MethodKind auto_kind, const MethodResult* fastest, const EnsembleThroughput& ensemble) {
  std::string out = "{\n  \"grnsim_version\": " + JsonString(GRN_VERSION) +
                    ",\n  \"network\": " + JsonString(file) +
                    ",\n  \"species\": " + std::to_string(model.num_species()) +
                    ",\n  \"reactions\": " + std::to_string(model.num_reactions()) +
                    ",\n  \"time_unit\": " + JsonString(model.time_unit()) +
                    ",\n  \"t_end\": " + JsonNumber(f.t_end) +
                    ",\n  \"runs\": " + std::to_string(f.runs) +
                    ",\n  \"seed\": " + std::to_string(f.seed) +
                    ",\n  \"budget_seconds\": " + JsonNumber(f.budget_seconds) +
                    ",\n  \"setup_seconds\": " + JsonNumber(setup_seconds) +
                    ",\n  \"setup_peak_rss_mib\": " + JsonNumber(setup_rss_mib) +
                    ",\n  \"peak_rss_mib\": " + JsonNumber(PeakRssMiB()) +
                    ",\n  \"auto_method\": " + JsonString(MethodName(auto_kind)) +
                    ",\n  \"fastest_method\": " +
                    (fastest ? JsonString(MethodName(fastest->kind)) : "null") +
                    ",\n  \"auto_is_fastest\": " +
                    (fastest ? (fastest->kind == auto_kind ? "true" : "false") : "null") +
                    ",\n  \"methods\": [";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const MethodResult& r = results[i];
    out += i == 0 ? "\n" : ",\n";
    out += "    {\"method\": " + JsonString(MethodName(r.kind)) +
           ", \"exact\": " + (r.exact ? "true" : "false");
    if (!r.ran()) {
      out += ", \"applicable\": false, \"reason\": " + JsonString(r.refused) + "}";
      continue;
    }
    const bool counts_events = r.kind != MethodKind::kOde;
    auto per_event = [&](double v) { return counts_events ? JsonNumber(v) : "null"; };
    out += ", \"applicable\": true, \"runs_done\": " + std::to_string(r.runs_done) +
           ", \"complete\": " + (r.cut_by_budget ? "false" : "true") +
           ", \"events\": " + std::to_string(r.events) +
           ", \"events_per_run\": " + per_event(r.EventsPerRun()) +
           ", \"ns_per_event_cpu\": " + per_event(r.NsPerEvent()) +
           ", \"events_per_second\": " + per_event(r.EventsPerSecond()) +
           ", \"events_per_time_unit\": " + per_event(r.EventsPerTimeUnit()) +
           ", \"rejections_per_event\": " +
           per_event(r.events > 0 ? static_cast<double>(r.rejections) / r.events : 0.0) +
           ", \"cpu_seconds\": " + JsonNumber(r.cpu_seconds) +
           ", \"wall_seconds\": " + JsonNumber(r.wall_seconds) +
           ", \"stepper_setup_seconds\": " + JsonNumber(r.stepper_setup_seconds) +
           ", \"simulated_time\": " + JsonNumber(r.simulated_time) +
           (r.kind == MethodKind::kOde && r.steps_known ? ", \"ode_steps\": " + std::to_string(r.steps)
                                                        : "") +
           ", \"auto\": " + (r.auto_pick ? "true" : "false") +
           ", \"fastest\": " + (r.fastest ? "true" : "false") + "}";
  }
  out += "\n  ],\n  \"ensemble\": ";
  if (ensemble.ran) {
    out += "{\"method\": " + JsonString(MethodName(ensemble.kind)) +
           ", \"threads\": " + std::to_string(ensemble.threads) +
           ", \"runs\": " + std::to_string(ensemble.runs) +
           ", \"events\": " + std::to_string(ensemble.events) +
           ", \"wall_seconds\": " + JsonNumber(ensemble.wall_seconds) +
           ", \"events_per_second\": " + JsonNumber(ensemble.EventsPerSecond()) +
           ", \"single_thread_events_per_second\": " +
           JsonNumber(ensemble.single_thread_events_per_second) + "}";
  } else {
    out += "null";
  }
  return out + "\n}\n";
}

}  // namespace

int RunBench(int argc, char** argv) {
  BenchFlags f;
  FlagParser flags(
      "grnsim bench FILE [--methods a,b,...] [--t-end T] [--runs R] [--seed S] [--approx] "
      "[--json PATH]",
      "Times each exact simulation method on the network in FILE (.textproto, .binpb,\n"
      "SBML .xml or BioNetGen .net, after each --scenario S): --runs trajectories to\n"
      "--t-end per method, one thread. Prints the set-up time (read + validate +\n"
      "compile) and peak memory, then per method: reaction events per run, CPU\n"
      "nanoseconds per event, events per wall second and wall time, and marks the\n"
      "method `--method auto` picks and the fastest. Events are reactions fired;\n"
      "candidates a rejection method refuses are not counted. Progress goes to\n"
      "stderr when it is a terminal.");
  flags.AddStringList("scenario", "S", &f.scenario_paths,
                      "apply scenario overlay file S on load (repeatable; in the order given)");
  flags.AddString("methods", "a,b,...", &f.methods,
                  "methods to time (default: every exact method: direct,nrm,cr,rssa,\n"
                  "                          rssa_cr; with --approx also tau,hybrid,ode); auto = auto's pick");
  flags.AddDouble("t-end", &f.t_end, "simulated time per run, in the network's time unit (default 10)");
  flags.AddUint("runs", &f.runs, "trajectories per method (default 1)");
  flags.AddUint("seed", &f.seed, "random seed (default 1): run k uses the same numbers as simulate's");
  flags.AddBool("approx", &f.approx, "also time the approximations tau, hybrid and ode (labelled approx.)");
  flags.AddDouble("budget", &f.budget_seconds,
                  "wall seconds per method before it is stopped and reported as\n"
                  "                          partial (default 60; 0: no limit)");
  flags.AddUint("threads", &f.threads,
                "also run auto's method as an ensemble on N threads and report\n"
                "                          its throughput (default 1: not run)");
  flags.AddString("json", "PATH", &f.json, "also write the results as JSON to PATH");
  flags.AddBool("quiet", &f.quiet, "no progress on stderr");

  std::vector<std::string> files;
  bool help = false;
  Status status = flags.Parse(argc, argv, 2, &files, &help);
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (status.ok() && files.size() != 1) {
    status = InvalidArgumentError(files.empty() ? "bench: no network file given (see --help)"
                                                : "bench: expected one network file, got " +
                                                      std::to_string(files.size()));
  }
  if (status.ok() && !(f.t_end > 0 && std::isfinite(f.t_end))) {
    status = InvalidArgumentError("--t-end must be a finite number > 0");
  }
  if (status.ok() && f.runs < 1) status = InvalidArgumentError("--runs must be >= 1");
  if (status.ok() && (f.threads < 1 || f.threads > 4096)) {
    status = InvalidArgumentError("--threads must be in [1, 4096]");
  }
  if (status.ok() && !(f.budget_seconds >= 0 && std::isfinite(f.budget_seconds))) {
    status = InvalidArgumentError("--budget must be a number of seconds >= 0");
  }
  if (!status.ok()) {
    PrintError(status.message());
    return 2;
  }

  const auto setup_start = std::chrono::steady_clock::now();
  StatusOr<CompiledModel> compiled = LoadModel(files[0], f.scenario_paths);
  const double setup_seconds = SecondsSince(setup_start);
  const double setup_rss_mib = PeakRssMiB();
  if (!compiled.ok()) {
    PrintError(compiled.status().message());
    return ExitCodeFor(compiled.status());
  }
  auto model = std::make_shared<const CompiledModel>(std::move(*compiled));
  StatusOr<std::vector<MethodKind>> kinds = SelectMethods(f, *model);
  if (!kinds.ok()) {
    PrintError(kinds.status().message());
    return 2;
  }
  // The output file is opened before the runs, so a bad path fails at once.
  std::unique_ptr<AtomicFile> json_file;
  if (!f.json.empty()) {
    json_file = std::make_unique<AtomicFile>(f.json);
    if (!json_file->status().ok()) {
      PrintError(json_file->status().message());
      return ExitCodeFor(json_file->status());
    }
  }

  const MethodKind auto_kind = ChooseExactMethod(*model);
  std::vector<MethodResult> results;
  Status failure;
  for (MethodKind kind : *kinds) {
    MethodResult result;
    result.kind = kind;
    result.exact = IsExact(kind);
    result.auto_pick = kind == auto_kind;
    status = RunMethod(f, model, result);
    if (status.code() == StatusCode::kCancelled) {
      PrintError("interrupted; nothing was written");
      return 130;
    }
    if (!status.ok()) {
      PrintError(files[0] + ": " + MethodName(kind) + ": " + status.message());
      if (failure.ok()) failure = status;
      result.refused = "failed: " + status.message();
    }
    results.push_back(std::move(result));
  }
  MethodResult* fastest = nullptr;
  for (MethodResult& r : results) {
    if (!r.exact || !r.ran() || r.events == 0) continue;
    if (fastest == nullptr || r.NsPerEvent() < fastest->NsPerEvent()) fastest = &r;
  }
  if (fastest != nullptr) fastest->fastest = true;
  EnsembleThroughput ensemble;
  if (f.threads > 1) {
    status = RunEnsembleThroughput(f, model, results, auto_kind, ensemble);
    if (status.code() == StatusCode::kCancelled) {
      PrintError("interrupted; nothing was written");
      return 130;
    }
    if (!status.ok()) {
      PrintError(files[0] + ": ensemble: " + status.message());
      if (failure.ok()) failure = status;
      ensemble.skipped = "failed: " + status.message();
    }
  }

  PrintTable(files[0], *model, f, setup_seconds, setup_rss_mib, results, auto_kind, fastest,
             ensemble);
  std::fflush(stdout);
  if (json_file) {
    json_file->Write(Json(files[0], *model, f, setup_seconds, setup_rss_mib, results, auto_kind,
                          fastest, ensemble));
    if (Status s = json_file->Commit(); !s.ok()) {
      PrintError(s.message());
      return 1;
    }
  }
  return failure.ok() ? 0 : 1;
}

}  // namespace grn::cli
