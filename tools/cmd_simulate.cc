// tools/cmd_simulate.cc
//
// grnsim simulate FILE: network file → one trajectory (CSV time,<species...>)
// or, with --runs R > 1, ensemble statistics per species per output time:
// mean, sd, min, max, quantiles and histograms, streamed (memory independent
// of R), optionally the raw runs (--save-runs), checkpointed (--checkpoint,
// --resume), and spread over MPI ranks when started by mpirun or srun.
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>

#include "engine/base/status_macros.h"
#include "engine/io/checkpoint_io.h"
#include "engine/io/compose_io.h"
#include "engine/io/csv_writer.h"
#include "engine/io/network_io.h"
#include "engine/kinetics/propensity.h"
#include "engine/io/hdf5_output.h"
#include "engine/sim/ensemble_output.h"
#include "engine/sim/make_stepper.h"
#include "engine/sim/mpi_ensemble.h"
#include "engine/sim/simulate.h"
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
  bool progress = false;
  bool no_header_comments = false;
  std::string format;  // csv | hdf5; empty: hdf5 for an --output ending .h5/.hdf5, else csv
  MethodOptions method_options;  // --epsilon, --rtol, --atol
  std::vector<std::string> scenario_paths;  // applied on load, in order
  // Columns and statistics.
  std::string species;  // comma-separated names; empty: all
  std::string statistics = "mean,sd";
  std::string quantiles;
  std::string histogram;  // comma-separated names
  std::string histogram_output;
  std::string save_runs;
  // Checkpoints.
  std::string checkpoint;
  double checkpoint_every = 2.0;
  bool resume = false;
};

std::vector<std::string> SplitNames(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    names.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
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

long PeakRssBytes() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024L;  // Linux reports KiB
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string Number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

bool IsHdf5(const SimulateFlags& f) {
  if (!f.format.empty()) return f.format == "hdf5";
  return f.output.ends_with(".h5") || f.output.ends_with(".hdf5");
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
  if (!(f.checkpoint_every > 0)) return InvalidArgumentError("--checkpoint-every must be > 0 seconds");
  // Flags about ensemble statistics mean nothing for one trajectory.
  const std::pair<const char*, bool> ensemble_only[] = {
      {"--quantiles", !f.quantiles.empty()},     {"--histogram", !f.histogram.empty()},
      {"--save-runs", !f.save_runs.empty()},     {"--checkpoint", !f.checkpoint.empty()},
      {"--statistics", f.statistics != "mean,sd"}};
  for (const auto& [flag, given] : ensemble_only) {
    if (given && f.runs < 2) {
      return InvalidArgumentError(std::string(flag) + " needs an ensemble (--runs > 1)");
    }
  }
  if (f.resume && f.checkpoint.empty()) return InvalidArgumentError("--resume needs --checkpoint PATH");
  if (!f.histogram_output.empty() && f.histogram.empty()) {
    return InvalidArgumentError("--histogram-output needs --histogram SPECIES");
  }
  if (!f.histogram.empty() && f.histogram_output.empty() && f.output == "-") {
    return InvalidArgumentError("--histogram with --output - needs --histogram-output PATH");
  }
  if (f.save_runs == "-") return InvalidArgumentError("--save-runs needs a file path, not -");
  if (!f.format.empty() && f.format != "csv" && f.format != "hdf5") {
    return InvalidArgumentError("--format must be csv or hdf5, not '" + f.format + "'");
  }
  if (IsHdf5(f)) {
    if (f.output == "-") return InvalidArgumentError("--format hdf5 needs --output PATH, not -");
    if (!f.histogram_output.empty()) {
      return InvalidArgumentError("--histogram-output: with --format hdf5 the histograms go into "
                                  "the --output file (/histograms)");
    }
    if (!f.save_runs.empty() && !f.checkpoint.empty()) {
      return NotSupportedError("--save-runs with --format hdf5 cannot be checkpointed; use "
                               "--format csv for saved runs that survive an interrupt");
    }
  }
  return Status::OK();
}

// Model species indices of the comma-separated names (all when empty).
StatusOr<std::vector<std::uint32_t>> SelectSpecies(const CompiledModel& model,
                                                   const std::string& list, const std::string& file) {
  std::vector<std::uint32_t> columns;
  if (list.empty()) {
    for (std::uint32_t s = 0; s < model.num_species(); ++s) columns.push_back(s);
    return columns;
  }
  for (const std::string& name : SplitNames(list)) {
    std::uint32_t found = ~0u;
    for (std::uint32_t s = 0; s < model.num_species(); ++s) {
      if (model.species_names()[s] == name) found = s;
    }
    if (found == ~0u) {
      return InvalidArgumentError("--species: " + file + " has no species '" + name + "'");
    }
    for (std::uint32_t c : columns) {
      if (c == found) return InvalidArgumentError("--species: '" + name + "' given twice");
    }
    columns.push_back(found);
  }
  return columns;
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

// Everything the ensemble part of the command needs beyond the flags.
struct EnsembleRun {
  const SimulateFlags& flags;
  const std::string& file;
  std::shared_ptr<const CompiledModel> model;
  SimulationOptions& options;
  const MpiSession& session;
  std::vector<std::string> column_names;
  std::vector<std::uint32_t> histogram_output_columns;  // --histogram, into the kept columns
  std::string preamble;  // the `#` lines that head every CSV written (may be empty)
  bool hdf5 = false;     // --format hdf5: statistics (and saved runs) as HDF5
  Hdf5Attributes attributes;  // what `preamble` says, for HDF5 files
  std::uint64_t events = 0;
  std::vector<std::uint64_t> rank_runs;
};

// The `#` lines that head every result file: the version, the model's
// fingerprint, the seed, the method and the options that change the numbers,
// and nothing else (not threads, ranks, paths or a resume), so equal results
// give equal files.
// The same as HDF5 root attributes (the seed 0 for ODE runs, which use none).
Hdf5Attributes ResultAttributes(const SimulateFlags& f, const SimulationOptions& o,
                                const std::string& model_hash,
                                const std::vector<std::string>& column_names) {
  Hdf5Attributes a;
  a.grnsim_version = GRN_VERSION;
  a.model_hash = model_hash;
  a.method = MethodName(o.method);
  a.seed = o.method == MethodKind::kOde ? 0 : o.seed;
  a.settings = {{"--t-end", Number(o.t_end)},
                {"--steps", std::to_string(o.steps)},
                {"--runs", std::to_string(o.runs)}};
  if (f.method_options.max_events != 0) {
    a.settings.push_back({"--max-events", std::to_string(f.method_options.max_events)});
  }
  if (o.method == MethodKind::kTauLeap || o.method == MethodKind::kHybrid) {
    a.settings.push_back({"--epsilon", Number(f.method_options.tau.epsilon)});
  }
  if (o.method == MethodKind::kOde) {
    a.settings.push_back({"--rtol", Number(f.method_options.ode.rtol)});
    a.settings.push_back({"--atol", Number(f.method_options.ode.atol)});
  }
  if (!f.species.empty()) a.settings.push_back({"--species", JoinNames(column_names)});
  return a;
}

std::string HeaderComment(const Hdf5Attributes& a) {
  std::string out = "# grnsim " + a.grnsim_version + " simulate\n";
  out += "# model: " + a.model_hash + " (fingerprint of the composed network and its scenarios)\n";
  out += "# method: " + a.method + "\n";
  if (a.method != "ode") out += "# seed: " + std::to_string(a.seed) + "\n";
  for (const auto& [name, value] : a.settings) out += "# " + name + ": " + value + "\n";
  return out;
}

// The options that change the numbers, for checkpoints to be compared by.
std::vector<std::pair<std::string, std::string>> ResultSettings(const EnsembleRun& e) {
  const SimulateFlags& f = e.flags;
  const SimulationOptions& o = e.options;
  std::vector<std::pair<std::string, std::string>> s = {
      {"--method", MethodName(o.method)},
      {"--t-end", Number(o.t_end)},
      {"--steps", std::to_string(o.steps)},
      {"--runs", std::to_string(o.runs)},
      {"--max-events", std::to_string(f.method_options.max_events)},
      {"--species", JoinNames(e.column_names)},
      {"histograms (--quantiles, --histogram)", std::to_string(o.histogram_columns.size())},
      {"--save-runs", f.save_runs.empty() ? "no" : "yes"},
      {"MPI ranks", std::to_string(e.session.size())},
  };
  if (o.method == MethodKind::kTauLeap || o.method == MethodKind::kHybrid) {
    s.push_back({"--epsilon", Number(f.method_options.tau.epsilon)});
  }
  return s;
}

Status RunEnsemble(EnsembleRun& e) {
  const SimulateFlags& f = e.flags;
  SimulationOptions& options = e.options;
  const MpiSession& session = e.session;
  const bool speaker = session.rank() == 0;

  GRN_ASSIGN_OR_RETURN(std::vector<Statistic> statistics, ParseStatistics(f.statistics));
  std::vector<double> quantiles;
  if (!f.quantiles.empty()) {
    GRN_ASSIGN_OR_RETURN(quantiles, ParseQuantiles(f.quantiles));
  }
  const std::size_t samples = static_cast<std::size_t>(options.steps) + 1;
  const std::uint64_t num_blocks = NumBlocks(options.runs);
  std::tie(options.block_begin, options.block_end) =
      RankBlocks(num_blocks, session.rank(), session.size());
  const std::uint64_t my_runs = std::min(options.runs, options.block_end * kRunsPerBlock) -
                                std::min(options.runs, options.block_begin * kRunsPerBlock);

  // Outputs are opened (on rank 0) before the runs, so an unwritable path
  // fails in a second, not after hours of simulation.
  std::unique_ptr<AtomicFile> output, histogram_output;
  Status status;
  if (speaker && e.hdf5) {
    status = ProbeHdf5Output(f.output);
  } else if (speaker) {
    output = std::make_unique<AtomicFile>(f.output);
    status = output->status();
    if (status.ok() && !f.histogram.empty()) {
      std::string path = f.histogram_output;
      if (path.empty()) {
        path = f.output.size() > 4 && f.output.ends_with(".csv")
                   ? f.output.substr(0, f.output.size() - 4) + ".hist.csv"
                   : f.output + ".hist.csv";
      }
      histogram_output = std::make_unique<AtomicFile>(path);
      status = histogram_output->status();
    }
  }
  GRN_RETURN_IF_ERROR(session.Agree(status));

  // Checkpoint: one file per rank under MPI.
  const std::string checkpoint_path =
      f.checkpoint.empty() || session.size() == 1
          ? f.checkpoint
          : f.checkpoint + ".rank" + std::to_string(session.rank());
  CheckpointIdentity identity;
  EnsembleShape shape{options.runs,      samples,          e.column_names.size(),
                      options.histogram_columns,           options.block_begin,
                      options.block_end, !options.histogram_columns.empty() || !f.save_runs.empty()};
  LoadedCheckpoint loaded;
  bool resumed = false;
  if (!checkpoint_path.empty()) {
    GRN_ASSIGN_OR_RETURN(identity.model_hash, ModelHash(e.file, f.scenario_paths));
    identity.seed = options.seed;
    identity.settings = ResultSettings(e);
    if (f.resume) {
      StatusOr<LoadedCheckpoint> read = ReadCheckpoint(checkpoint_path, identity, shape);
      if (read.ok()) {
        loaded = std::move(*read);
        resumed = true;
      } else if (read.status().code() == StatusCode::kNotFound) {
        if (!f.quiet && speaker) {
          std::fprintf(stderr, "grnsim: note: no checkpoint %s yet; starting from the first run\n",
                       checkpoint_path.c_str());
        }
      } else {
        status = read.status();
      }
    } else if (FileExists(checkpoint_path)) {
      status = InvalidArgumentError(checkpoint_path + ": a checkpoint exists; add --resume to "
                                    "continue it, or remove it to start afresh");
    }
  }
  GRN_RETURN_IF_ERROR(session.Agree(status));

  // Saved runs: rank r streams its runs to a partial file of its own (CSV),
  // or rank 0 alone writes them (HDF5, one process only).
  std::unique_ptr<RunsCsvWriter> runs_writer;
  std::unique_ptr<RunsHdf5Writer> runs_hdf5;
  if (!f.save_runs.empty() && e.hdf5) {
    if (session.size() > 1) {
      status = NotSupportedError("--save-runs with --format hdf5 runs in one process only; use "
                                 "--format csv under mpirun");
    } else {
      auto opened = RunsHdf5Writer::Open(f.save_runs, e.attributes, e.column_names,
                                         SampleTimes(options.t_end, options.steps));
      if (opened.ok()) {
        runs_hdf5 = std::move(*opened);
      } else {
        status = opened.status();
      }
    }
  } else if (!f.save_runs.empty()) {
    const std::string partial = session.rank() == 0
                                    ? f.save_runs + ".partial"
                                    : f.save_runs + ".rank" + std::to_string(session.rank()) + ".partial";
    auto opened = RunsCsvWriter::Open(f.save_runs, partial, e.column_names,
                                      SampleTimes(options.t_end, options.steps),
                                      /*header=*/session.rank() == 0,
                                      resumed ? loaded.saved_runs_bytes : 0, e.preamble);
    if (opened.ok()) {
      runs_writer = std::move(*opened);
    } else {
      status = opened.status();
    }
  }
  GRN_RETURN_IF_ERROR(session.Agree(status));
  if (runs_writer) {
    options.save_run = [&](std::uint64_t run, std::span<const double> trajectory) {
      return runs_writer->Append(run, trajectory);
    };
  } else if (runs_hdf5) {
    options.save_run = [&](std::uint64_t run, std::span<const double> trajectory) {
      return runs_hdf5->Append(run, trajectory);
    };
  }
  if (!checkpoint_path.empty()) {
    options.checkpoint_every_seconds = f.checkpoint_every;
    options.checkpoint = [&](const EnsembleCheckpoint& state) -> Status {
      std::uint64_t saved_bytes = 0;
      if (runs_writer) {
        GRN_ASSIGN_OR_RETURN(saved_bytes, runs_writer->Sync());
      }
      return WriteCheckpoint(checkpoint_path, identity, state, saved_bytes);
    };
  }
  if (resumed) {
    options.resume = &loaded.state;
    if (!f.quiet && speaker) {
      std::fprintf(stderr, "grnsim: resuming from %s: %" PRIu64 " of %" PRIu64 " runs merged\n",
                   checkpoint_path.c_str(), loaded.state.merged.runs(), my_runs);
    }
  }

  const std::string label =
      session.size() == 1 ? "simulate" : "simulate (rank 0 of " + std::to_string(session.size()) + ")";
  ProgressBar bar(label, my_runs, !f.quiet && speaker, f.progress, "runs");
  if (resumed) bar.SetBaseline(loaded.state.merged.runs(), loaded.state.events);
  options.on_progress = [&bar](std::uint64_t done, std::uint64_t events) { bar.Update(done, events); };

  StatusOr<EnsembleResult> result = SimulateEnsemble(e.model, options);
  status = result.status();
  if (status.ok() && runs_writer && session.rank() != 0) status = runs_writer->Sync().status();
  status = session.Agree(status);
  if (!status.ok()) {
    const bool keep = status.code() == StatusCode::kCancelled && options.checkpoint != nullptr;
    if (runs_writer && !keep) runs_writer->Discard();
    return status;
  }
  GRN_RETURN_IF_ERROR(session.Reduce(*result, shape));
  e.rank_runs = session.Gather(my_runs);
  e.events = result->events;

  if (speaker) {
    if (runs_writer) {
      for (int r = 1; r < session.size() && status.ok(); ++r) {
        const std::string part = f.save_runs + ".rank" + std::to_string(r) + ".partial";
        status = runs_writer->AppendFileContents(part);
        if (status.ok()) std::remove(part.c_str());
      }
      if (status.ok()) status = runs_writer->Commit();
    }
    if (runs_hdf5 && status.ok()) status = runs_hdf5->Commit();
    StatsTableLayout layout;
    layout.species = e.column_names;
    layout.statistics = statistics;
    layout.quantiles = quantiles;
    if (status.ok() && e.hdf5) {
      status = WriteEnsembleHdf5(f.output, e.attributes, layout, result->times, result->stats,
                                 e.histogram_output_columns);
    } else if (status.ok()) {
      status = CommitCsv(*output, e.preamble + EnsembleStatsCsv(layout, result->times, result->stats));
    }
    if (status.ok() && histogram_output) {
      status = CommitCsv(*histogram_output, e.preamble + HistogramCsv(e.column_names, e.histogram_output_columns,
                                                         result->times, result->stats));
    }
  }
  status = session.Agree(status);
  // Finished and written: the checkpoint has served its purpose.
  if (status.ok() && !checkpoint_path.empty()) std::remove(checkpoint_path.c_str());
  return status;
}

}  // namespace

int RunSimulate(int argc, char** argv) {
  SimulateFlags f;
  FlagParser flags(
      "grnsim simulate FILE [--scenario S]... [options]",
      "Simulates the network in FILE (.textproto, .binpb, SBML .xml or BioNetGen .net)\n"
      "with an exact stochastic method, after applying each --scenario S in order.\n"
      "One run writes CSV time,<species...> at steps+1 equally spaced times\n"
      "from 0 to --t-end; --runs R > 1 writes time,<S>.mean,<S>.sd,... over the runs\n"
      "(sample sd). The same --seed gives the same numbers for any --threads and any\n"
      "number of MPI ranks (mpirun -np P grnsim simulate ...). Times are in the\n"
      "network's time_unit.");
  flags.AddStringList("scenario", "S", &f.scenario_paths,
                      "apply scenario overlay file S on load (repeatable; in the order given)");
  flags.AddString("method", "M", &f.method,
                  "auto | direct | nrm | cr | rssa | rssa_cr (exact) | tau | hybrid | ode\n"
                  "                          (default auto: an exact method chosen by network size\n"
                  "                          and rate laws; tau, hybrid and ode are approximations,\n"
                  "                          only by name; hybrid: exact SSA for genes, mRNAs,\n"
                  "                          miRNAs and complexes, tau-leaping for high-copy proteins)");
  flags.AddDouble("epsilon", &f.method_options.tau.epsilon,
                  "tau, hybrid: error control, the largest relative propensity change per leap\n"
                  "                          (default 0.03)");
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
  flags.AddString("species", "A,B,...", &f.species,
                  "keep only these species' columns (and statistics), in this order");
  flags.AddString("statistics", "LIST", &f.statistics,
                  "ensemble columns per species, from mean,sd,min,max (default mean,sd)");
  flags.AddString("quantiles", "Q,...", &f.quantiles,
                  "ensemble quantile columns <S>.q<Q>, e.g. 0.05,0.5,0.95 (exact below 512)");
  flags.AddString("histogram", "A,...", &f.histogram,
                  "write these species' histograms per output time (time,species,low,high,count)");
  flags.AddString("histogram-output", "PATH", &f.histogram_output,
                  "histogram CSV file (default: the --output path with .hist.csv)");
  flags.AddString("save-runs", "PATH", &f.save_runs,
                  "also write every run's trajectory: CSV run,time,<species...>, in run order");
  flags.AddString("checkpoint", "PATH", &f.checkpoint,
                  "save the ensemble's progress to PATH every --checkpoint-every seconds");
  flags.AddDouble("checkpoint-every", &f.checkpoint_every, "seconds between checkpoints (default 2)");
  flags.AddBool("resume", &f.resume, "continue from the --checkpoint file (if it exists)");
  flags.AddString("stats-json", "PATH", &f.stats_json,
                  "write run statistics (method, runs, events, wall_seconds, ns_per_event, ...)");
  flags.AddBool("progress", &f.progress,
                "a progress line every 5 s on stderr when it is not a terminal (logs)");
  flags.AddBool("quiet", &f.quiet, "no summary line, notes or progress on stderr");
  flags.AddString("format", "F", &f.format,
                  "csv | hdf5: statistics, histograms and saved runs as HDF5 (chunked,\n"
                  "                          compressed; provenance as root attributes) (default:\n"
                  "                          hdf5 when --output ends in .h5 or .hdf5, else csv)");
  flags.AddBool("no-header-comments", &f.no_header_comments,
                "omit the '#' lines (version, model fingerprint, seed, method, options)\n"
                "                          that head every CSV written");

  // Under mpirun every rank parses the same flags; only rank 0 speaks.
  const bool speaker = LauncherRank() == 0;
  auto report = [&](const std::string& message) {
    if (speaker) PrintError(message);
  };
  std::vector<std::string> files;
  bool help = false;
  Status status = flags.Parse(argc, argv, 2, &files, &help);
  if (help) {
    if (speaker) std::fputs(flags.Help().c_str(), stdout);
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
  if (status.ok() && !f.statistics.empty()) status = ParseStatistics(f.statistics).status();
  if (status.ok() && !f.quantiles.empty()) status = ParseQuantiles(f.quantiles).status();
  if (!status.ok()) {
    report(status.message());
    return 2;
  }

  const auto wall_start = std::chrono::steady_clock::now();
  StatusOr<std::unique_ptr<MpiSession>> session = MpiSession::Start();
  if (!session.ok()) {
    report(session.status().message());
    return ExitCodeFor(session.status());
  }
  StatusOr<CompiledModel> compiled = LoadModel(files[0], f.scenario_paths);
  if (!compiled.ok()) {
    report(compiled.status().message());
    return ExitCodeFor(compiled.status());
  }
  auto model = std::make_shared<const CompiledModel>(std::move(*compiled));

  StatusOr<std::vector<std::uint32_t>> columns = SelectSpecies(*model, f.species, files[0]);
  std::vector<std::uint32_t> histogram_columns;  // into the kept columns
  std::vector<std::uint32_t> histogram_output_columns;
  if (columns.ok() && !f.histogram.empty()) {
    StatusOr<std::vector<std::uint32_t>> wanted = SelectSpecies(*model, f.histogram, files[0]);
    if (!wanted.ok()) {
      columns = Status(wanted.status().code(),
                       "--histogram" + wanted.status().message().substr(std::string("--species").size()));
    } else {
      for (std::uint32_t s : *wanted) {
        std::uint32_t c = 0;
        while (c < columns->size() && (*columns)[c] != s) ++c;
        if (c == columns->size()) {
          columns = InvalidArgumentError("--histogram: species '" + model->species_names()[s] +
                                         "' is not among the --species kept");
          break;
        }
        histogram_output_columns.push_back(c);
      }
    }
  }
  if (!columns.ok()) {
    report(columns.status().message());
    return 2;
  }
  std::vector<std::string> column_names;
  for (std::uint32_t s : *columns) column_names.push_back(model->species_names()[s]);
  if (!f.quantiles.empty()) {
    for (std::uint32_t c = 0; c < columns->size(); ++c) histogram_columns.push_back(c);
  } else {
    histogram_columns = histogram_output_columns;
    std::sort(histogram_columns.begin(), histogram_columns.end());
  }

  // Ensemble statistics hold (steps + 1) × species means and sums of squares
  // per block of runs in flight: refuse sizes that would not fit before
  // allocating them.
  constexpr double kMaxEnsembleValues = 1 << 26;  // 67M values, 1 GiB per accumulator
  const double values = static_cast<double>(f.steps + 1) * static_cast<double>(columns->size());
  // (One run written as HDF5 is held whole too.)
  if ((f.runs > 1 || IsHdf5(f)) && values > kMaxEnsembleValues) {
    report("--steps " + std::to_string(f.steps) + " × " + std::to_string(columns->size()) +
           " species = " + std::to_string(static_cast<long long>(values)) +
           " values per ensemble statistic, over the limit of " +
           std::to_string(static_cast<long long>(kMaxEnsembleValues)) +
           "; use fewer --steps or --species");
    return 2;
  }

  SimulationOptions options;
  options.method = f.method == "auto" ? ChooseExactMethod(*model) : *method;
  options.method_options = f.method_options;
  if (options.method == MethodKind::kHybrid) {
    // The partition reads the species roles, which the compiled model does
    // not keep: take them from the file (read again; it was just read).
    StatusOr<NetworkFile> file = ReadComposedNetworkFile(files[0], f.scenario_paths);
    if (!file.ok()) {
      report(file.status().message());
      return ExitCodeFor(file.status());
    }
    static_assert(static_cast<int>(SpeciesRole::kGene) == grnsim::v1::Species::gene &&
                  static_cast<int>(SpeciesRole::kOther) == grnsim::v1::Species::other);
    std::vector<SpeciesRole>& roles = options.method_options.hybrid.roles;
    roles.assign(model->num_species(), SpeciesRole::kUnspecified);
    for (int i = 0; i < file->network.species_size() && i < static_cast<int>(roles.size()); ++i) {
      const grnsim::v1::Species& sp = file->network.species(i);
      if (sp.name() == model->species_names()[i]) roles[i] = static_cast<SpeciesRole>(sp.role());
    }
  }
  options.t_end = f.t_end;
  options.steps = static_cast<std::uint32_t>(f.steps);
  options.runs = f.runs;
  if (!f.seed_given) {
    // The one place a seed is drawn; it is reported so the run can be
    // repeated. Every MPI rank uses rank 0's.
    std::random_device device;
    f.seed = (*session)->Broadcast((static_cast<std::uint64_t>(device()) << 32) ^ device());
  }
  options.seed = f.seed;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  options.threads = f.threads == 0 ? cores : static_cast<unsigned>(f.threads);
  options.cancel = &g_interrupted;
  options.species = *columns;
  options.histogram_columns = histogram_columns;

  if (!f.quiet && speaker && IsExact(options.method)) SuggestTauLeaping(*model, options);

  // What produced the numbers, for the files: the CSV's `#` lines, HDF5's
  // root attributes.
  const bool hdf5 = IsHdf5(f);
  std::string preamble;
  Hdf5Attributes attributes;
  if ((!f.no_header_comments || hdf5) && speaker) {
    StatusOr<std::string> hash = ModelHash(files[0], f.scenario_paths);
    if (!hash.ok()) {
      report(hash.status().message());
      return ExitCodeFor(hash.status());
    }
    attributes = ResultAttributes(f, options, *hash, column_names);
    if (!f.no_header_comments) preamble = HeaderComment(attributes);
  }

  std::uint64_t events = 0;
  std::vector<std::uint64_t> rank_runs = {f.runs};
  if (f.runs == 1) {
    // One trajectory: rank 0 computes it; other ranks have nothing to do.
    if ((*session)->rank() != 0) return 0;
    options.threads = 1;
    ProgressBar bar("simulate", options.steps + 1, !f.quiet, f.progress, "rows");
    std::uint64_t rows = 0;
    if (hdf5) {
      // /runs with one run; the file is opened first, so an unwritable
      // folder fails before the run.
      StatusOr<std::unique_ptr<RunsHdf5Writer>> writer = RunsHdf5Writer::Open(
          f.output, attributes, column_names, SampleTimes(options.t_end, options.steps));
      status = writer.status();
      std::vector<double> trajectory;
      trajectory.reserve((options.steps + 1) * columns->size());
      if (status.ok()) status = SimulateTrajectory(
          model, options, 0,
          [&](double, std::span<const double> x) {
            bar.Update(++rows);
            for (std::uint32_t s : *columns) trajectory.push_back(x[s]);
            return Status::OK();
          },
          &events);
      if (status.ok()) status = (*writer)->Append(0, trajectory);
      if (status.ok()) status = (*writer)->Commit();
    } else {
      TrajectoryCsvWriter writer(f.output, column_names, preamble);
      std::vector<double> row(columns->size());
      status = writer.status();  // an unwritable output fails before the run
      if (status.ok()) status = SimulateTrajectory(
          model, options, 0,
          [&](double t, std::span<const double> x) {
            bar.Update(++rows);
            for (std::size_t c = 0; c < row.size(); ++c) row[c] = x[(*columns)[c]];
            return writer.Append(t, row);
          },
          &events);
      if (status.ok()) status = writer.Commit();
    }
  } else {
    EnsembleRun run{f, files[0], model, options, **session, column_names, histogram_output_columns,
                    preamble, hdf5, attributes, 0, {}};
    status = RunEnsemble(run);
    events = run.events;
    rank_runs = run.rank_runs;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (!status.ok()) {
    if (status.code() == StatusCode::kCancelled) {
      report(f.checkpoint.empty() || f.runs < 2
                 ? "interrupted; nothing was written"
                 : "interrupted; progress saved in " + f.checkpoint +
                       ((*session)->size() > 1 ? ".rank*" : "") + " (continue with --resume)");
    } else if (!status.message().empty()) {
      // I/O messages name their file, and so do refused checkpoints; others
      // are about the network.
      const bool names_file = status.code() == StatusCode::kIOError ||
                              status.message().find("checkpoint") != std::string::npos ||
                              status.message().rfind("--", 0) == 0 ||
                              status.message().rfind("rank ", 0) == 0;
      report(names_file ? status.message() : files[0] + ": " + status.message());
    }
    return ExitCodeFor(status);
  }
  if (!speaker) return 0;

  const double ns_per_event = events > 0 ? wall * 1e9 / static_cast<double>(events) : 0.0;
  if (!f.stats_json.empty()) {
    std::string per_rank;
    for (std::uint64_t n : rank_runs) per_rank += (per_rank.empty() ? "" : ", ") + std::to_string(n);
    char numbers[512];
    std::snprintf(numbers, sizeof numbers,
                  "  \"runs\": %" PRIu64 ",\n  \"threads\": %u,\n  \"seed\": %" PRIu64
                  ",\n  \"t_end\": %.17g,\n  \"steps\": %" PRIu64 ",\n  \"events\": %" PRIu64
                  ",\n  \"wall_seconds\": %.6f,\n  \"ns_per_event\": %.3f,\n"
                  "  \"peak_rss_bytes\": %ld,\n  \"species\": %zu,\n  \"reactions\": %zu,\n",
                  f.runs, options.threads, f.seed, f.t_end, f.steps, events, wall, ns_per_event,
                  PeakRssBytes(), model->num_species(), model->num_reactions());
    const std::string json = "{\n  \"grnsim_version\": " + JsonString(GRN_VERSION) +
                             ",\n  \"network\": " + JsonString(files[0]) +
                             ",\n  \"time_unit\": " + JsonString(model->time_unit()) +
                             ",\n  \"method\": " + JsonString(MethodName(options.method)) + ",\n" +
                             numbers + "  \"ranks\": " + std::to_string(rank_runs.size()) +
                             ",\n  \"rank_runs\": [" + per_rank + "]\n}\n";
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
    const std::string ranks =
        rank_runs.size() > 1 ? " on " + std::to_string(rank_runs.size()) + " MPI ranks" : "";
    std::fprintf(stderr,
                 "grnsim: %s, %" PRIu64 " run%s%s to t=%g %s, %" PRIu64
                 " events in %.3f s (%.1f ns/event); seed %" PRIu64 "%s\n",
                 MethodName(options.method), f.runs, f.runs == 1 ? "" : "s", ranks.c_str(), f.t_end,
                 model->time_unit().c_str(), events, wall, ns_per_event, f.seed,
                 f.seed_given ? "" : " (drawn; repeat with --seed)");
  }
  return 0;
}

}  // namespace grn::cli
