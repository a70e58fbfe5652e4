// tools/cmd_simulate.cc
//
// grnsim simulate FILE: network file → one trajectory (CSV time,<species...>)
// or, with --runs R > 1, the ensemble mean and sd per species per output time.
#include <sys/resource.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>

#include "engine/io/csv_writer.h"
#include "engine/io/network_io.h"
#include "engine/sim/make_stepper.h"
#include "engine/sim/simulate.h"
#include "engine/kinetics/propensity.h"
#include "engine/ssa/tau_leap_stepper.h"
#include "tools/commands.h"
#include "tools/flags.h"
#include "tools/progress.h"

namespace grn::cli {
namespace {

struct SimulateFlags {
  std::string method = "auto";
  double t_end = 100.0;
  std::uint64_t steps = 100;
  std::uint64_t runs = 1;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::uint64_t threads = 0;  // 0: all cores
  std::string output = "-";
  std::string stats_json;
  bool quiet = false;
  MethodOptions method_options;  // --epsilon, --rtol, --atol
};

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

long PeakRssBytes() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024L;  // Linux reports KiB
}

Status Validate(const SimulateFlags& f) {
  if (!(f.t_end > 0)) return InvalidArgumentError("--t-end must be > 0");
  if (f.steps < 1 || f.steps > 100000000) return InvalidArgumentError("--steps must be in [1, 1e8]");
  if (f.runs < 1) return InvalidArgumentError("--runs must be >= 1");
  if (f.threads > 4096) return InvalidArgumentError("--threads must be <= 4096");
  const MethodOptions& m = f.method_options;
  if (!(m.tau.epsilon > 0 && m.tau.epsilon < 1)) return InvalidArgumentError("--epsilon must be in (0, 1)");
  if (!(m.ode.rtol > 0 && m.ode.rtol < 1)) return InvalidArgumentError("--rtol must be in (0, 1)");
  if (!(m.ode.atol > 0)) return InvalidArgumentError("--atol must be > 0");
  return Status::OK();
}

// Says on stderr when an exact run looks expensive (over 10^9 events, judged
// from the initial propensities) and tau-leaping would replace many events
// per step. Only a suggestion: approximations are always asked for by name.
void SuggestTauLeaping(const CompiledModel& model, const SimulationOptions& options) {
  std::vector<double> a(model.num_reactions());
  EvaluateAll<Regime::kStochastic>(model, model.initial_counts().data(), a);
  double a0 = 0;
  for (double v : a) a0 += v;
  const double expected_events = a0 * options.t_end * static_cast<double>(options.runs);
  if (!(expected_events > 1e9)) return;
  const double per_leap =
      EstimateTauLeapSpeedup(model, model.initial_counts(), options.method_options.tau);
  if (per_leap < 50) return;
  std::fprintf(stderr,
               "grnsim: note: about %.1e events ahead; tau-leaping (--method tau, an "
               "approximation) would replace about %.0f of them per step here\n",
               expected_events, per_leap);
}

}  // namespace

int RunSimulate(int argc, char** argv) {
  SimulateFlags f;
  FlagParser flags(
      "grnsim simulate FILE [options]",
      "Simulates the network in FILE (.textproto or .binpb) with an exact stochastic\n"
      "method. One run writes CSV time,<species...> at steps+1 equally spaced times\n"
      "from 0 to --t-end; --runs R > 1 writes time,<S>.mean,<S>.sd,... over the runs\n"
      "(sample sd). The same --seed gives the same numbers for any --threads.\n"
      "Times are in the network's time_unit.");
  flags.AddString("method", "M", &f.method,
                  "auto | direct | nrm | tau | ode (default auto: an exact method chosen by\n"
                  "                          network size; tau and ode are approximations, only by name)");
  flags.AddDouble("epsilon", &f.method_options.tau.epsilon,
                  "tau: error control, the largest relative propensity change per leap (default 0.03)");
  flags.AddUint("max-events", &f.method_options.max_events,
                "exact methods: stop a run with an error after N events (default: no limit)");
  flags.AddDouble("rtol", &f.method_options.ode.rtol, "ode: relative tolerance (default 1e-6)");
  flags.AddDouble("atol", &f.method_options.ode.atol,
                  "ode: absolute tolerance in molecules (default 1e-9)");
  flags.AddDouble("t-end", &f.t_end, "end time, in the network's time unit (default 100)");
  flags.AddUint("steps", &f.steps, "output intervals: steps+1 rows from 0 to t-end (default 100)");
  flags.AddUint("runs", &f.runs, "independent runs (default 1)");
  flags.AddUint("seed", &f.seed, "random seed (default: drawn and reported)", &f.seed_given);
  flags.AddUint("threads", &f.threads, "worker threads for --runs (default: all cores)");
  flags.AddString("output", "PATH", &f.output, "CSV output file, or - for stdout (default -)");
  flags.AddString("stats-json", "PATH", &f.stats_json,
                  "write run statistics (method, runs, events, wall_seconds, ns_per_event, ...)");
  flags.AddBool("quiet", &f.quiet, "no summary line or progress bar on stderr");

  std::vector<std::string> files;
  bool help = false;
  Status status = flags.Parse(argc, argv, 2, &files, &help);
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (status.ok() && files.size() != 1) {
    status = InvalidArgumentError(files.empty() ? "simulate: no network file given (see --help)"
                                                : "simulate: expected one network file, got " +
                                                      std::to_string(files.size()));
  }
  if (status.ok()) status = Validate(f);
  StatusOr<MethodKind> method = MethodKind::kDirect;
  if (status.ok() && f.method != "auto") {
    method = ParseMethod(f.method);
    status = method.status();
  }
  if (status.ok() && f.method == "ode" && f.runs > 1) {
    status = InvalidArgumentError("--method ode is deterministic: one run gives the answer (drop --runs)");
  }
  if (!status.ok()) {
    PrintError(status.message());
    return 2;
  }

  const auto wall_start = std::chrono::steady_clock::now();
  StatusOr<CompiledModel> compiled = LoadModel(files[0]);
  if (!compiled.ok()) {
    PrintError(compiled.status().message());
    return ExitCodeFor(compiled.status());
  }
  auto model = std::make_shared<const CompiledModel>(std::move(*compiled));

  // Ensemble statistics hold (steps + 1) × species means and sums of squares
  // per block of runs in flight: refuse sizes that would not fit before
  // allocating them.
  constexpr double kMaxEnsembleValues = 1 << 26;  // 67M values, 1 GiB per accumulator
  const double values = static_cast<double>(f.steps + 1) * static_cast<double>(model->num_species());
  if (f.runs > 1 && values > kMaxEnsembleValues) {
    PrintError("--steps " + std::to_string(f.steps) + " × " + std::to_string(model->num_species()) +
               " species = " + std::to_string(static_cast<long long>(values)) +
               " values per ensemble statistic, over the limit of " +
               std::to_string(static_cast<long long>(kMaxEnsembleValues)) + "; use fewer --steps");
    return 2;
  }

  SimulationOptions options;
  options.method = f.method == "auto" ? ChooseExactMethod(*model) : *method;
  options.method_options = f.method_options;
  options.t_end = f.t_end;
  options.steps = static_cast<std::uint32_t>(f.steps);
  options.runs = f.runs;
  if (!f.seed_given) {
    // The one place a seed is drawn; it is reported so the run can be repeated.
    std::random_device device;
    f.seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  options.seed = f.seed;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  options.threads = f.threads == 0 ? cores : static_cast<unsigned>(f.threads);
  options.cancel = &g_interrupted;

  if (!f.quiet && IsExact(options.method)) SuggestTauLeaping(*model, options);

  std::uint64_t events = 0;
  if (f.runs == 1) {
    options.threads = 1;
    TrajectoryCsvWriter writer(f.output, model->species_names());
    ProgressBar bar("simulate", options.steps + 1, !f.quiet);
    std::uint64_t rows = 0;
    status = writer.status();  // an unwritable output fails before the run
    if (status.ok()) status = SimulateTrajectory(
        model, options, 0,
        [&](double t, std::span<const double> x) {
          bar.Update(++rows);
          return writer.Append(t, x);
        },
        &events);
    if (status.ok()) status = writer.Commit();
  } else {
    // Opened before the runs, so an unwritable output fails in a second, not
    // after hours of simulation.
    AtomicFile output(f.output);
    status = output.status();
    ProgressBar bar("simulate", f.runs, !f.quiet);
    options.on_progress = [&bar](std::uint64_t done) { bar.Update(done); };
    StatusOr<EnsembleResult> result =
        status.ok() ? SimulateEnsemble(model, options) : StatusOr<EnsembleResult>(status);
    status = result.status();
    if (status.ok()) {
      events = result->events;
      status = WriteEnsembleCsv(output, model->species_names(), result->times, result->stats);
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (!status.ok()) {
    if (status.code() == StatusCode::kCancelled) {
      PrintError("interrupted; nothing was written");
    } else {
      // I/O messages name the output file themselves; others are about the network.
      PrintError(status.code() == StatusCode::kIOError ? status.message()
                                                       : files[0] + ": " + status.message());
    }
    return ExitCodeFor(status);
  }

  const double ns_per_event = events > 0 ? wall * 1e9 / static_cast<double>(events) : 0.0;
  if (!f.stats_json.empty()) {
    char numbers[512];
    std::snprintf(numbers, sizeof numbers,
                  "  \"runs\": %" PRIu64 ",\n  \"threads\": %u,\n  \"seed\": %" PRIu64
                  ",\n  \"t_end\": %.17g,\n  \"steps\": %" PRIu64 ",\n  \"events\": %" PRIu64
                  ",\n  \"wall_seconds\": %.6f,\n  \"ns_per_event\": %.3f,\n"
                  "  \"peak_rss_bytes\": %ld,\n  \"species\": %zu,\n  \"reactions\": %zu\n",
                  f.runs, options.threads, f.seed, f.t_end, f.steps, events, wall, ns_per_event,
                  PeakRssBytes(), model->num_species(), model->num_reactions());
    const std::string json = "{\n  \"grnsim_version\": " + JsonString(GRN_VERSION) +
                             ",\n  \"network\": " + JsonString(files[0]) +
                             ",\n  \"time_unit\": " + JsonString(model->time_unit()) +
                             ",\n  \"method\": " + JsonString(MethodName(options.method)) + ",\n" +
                             numbers + "}\n";
    if (Status s = WriteFileAtomically(f.stats_json, json); !s.ok()) {
      PrintError(s.message());
      return 1;
    }
  }
  if (!f.quiet && options.method == MethodKind::kOde) {
    // Deterministic: no events and no seed to report.
    std::fprintf(stderr, "grnsim: ode (CVODE BDF, rtol %g, atol %g) to t=%g %s in %.3f s\n",
                 f.method_options.ode.rtol, f.method_options.ode.atol, f.t_end,
                 model->time_unit().c_str(), wall);
  } else if (!f.quiet) {
    std::fprintf(stderr,
                 "grnsim: %s, %" PRIu64 " run%s to t=%g %s, %" PRIu64
                 " events in %.3f s (%.1f ns/event); seed %" PRIu64 "%s\n",
                 MethodName(options.method), f.runs, f.runs == 1 ? "" : "s", f.t_end,
                 model->time_unit().c_str(), events, wall, ns_per_event, f.seed,
                 f.seed_given ? "" : " (drawn; repeat with --seed)");
  }
  return 0;
}

}  // namespace grn::cli
