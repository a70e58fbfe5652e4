// engine/sim/ensemble_output.h
//
// The files an ensemble writes, all as CSV with numbers in the shortest form
// that reads back to the same double (engine/io/csv_writer.h):
//  * the statistics table: time, then per kept species the chosen statistics
//    (<S>.mean, <S>.sd, <S>.min, <S>.max) and quantiles (<S>.q0.05, ...);
//  * histograms: time,species,low,high,count, one row per non-empty bin;
//  * saved runs: run,time,<species...>, one row per run and output time, in
//    run order. They stream to PATH.partial, renamed to PATH when complete, so
//    PATH is whole or absent; a checkpoint records how far the partial file is
//    valid so a resumed ensemble continues it.
#ifndef GRN_ENGINE_SIM_ENSEMBLE_OUTPUT_H_
#define GRN_ENGINE_SIM_ENSEMBLE_OUTPUT_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/io/atomic_file.h"
#include "engine/sim/ensemble_stats.h"

namespace grn {

enum class Statistic { kMean, kSd, kMin, kMax };

// "mean,sd,min,max" (any subset, any order, no repeats) → statistics.
StatusOr<std::vector<Statistic>> ParseStatistics(const std::string& list);
// "0.05,0.5,0.95" → quantiles, each in [0, 1], ascending, no repeats.
StatusOr<std::vector<double>> ParseQuantiles(const std::string& list);

struct StatsTableLayout {
  std::vector<std::string> species;  // kept species, in column order
  std::vector<Statistic> statistics = {Statistic::kMean, Statistic::kSd};
  // Needs a histogram in every column of the statistics written.
  std::vector<double> quantiles;
};

// The header and rows of the statistics table.
std::string EnsembleStatsCsv(const StatsTableLayout& layout, const std::vector<double>& times,
                             const EnsembleStats& stats);

// time,species,low,high,count for the listed columns (each with a histogram):
// the bin holds the runs whose value, rounded down, lies in [low, high]
// (low -inf, high -1 for negative values).
std::string HistogramCsv(const std::vector<std::string>& species,
                         const std::vector<std::uint32_t>& columns,
                         const std::vector<double>& times, const EnsembleStats& stats);

// Writes `contents` into `file` (opened earlier, so an unwritable path fails
// before the work) and commits it.
Status CommitCsv(AtomicFile& file, const std::string& contents);

class RunsCsvWriter {
 public:
  // Streams runs into `partial_path`, to become `path` on Commit(). A header
  // line, after `preamble` (comment lines), is written first when `header`.
  // With resume_bytes > 0 the partial file of an earlier attempt is cut to
  // that length and continued (it must be at least that long).
  static StatusOr<std::unique_ptr<RunsCsvWriter>> Open(std::string path, std::string partial_path,
                                                       const std::vector<std::string>& species,
                                                       std::vector<double> times, bool header,
                                                       std::uint64_t resume_bytes,
                                                       const std::string& preamble = "");
  ~RunsCsvWriter();
  RunsCsvWriter(const RunsCsvWriter&) = delete;
  RunsCsvWriter& operator=(const RunsCsvWriter&) = delete;

  // REQUIRES: trajectory.size() == times × species.
  Status Append(std::uint64_t run, std::span<const double> trajectory);
  // Flushes to disk; returns the length of the valid partial file.
  StatusOr<std::uint64_t> Sync();
  // Appends another partial file's bytes (a later MPI rank's runs).
  Status AppendFileContents(const std::string& other_path);
  // Syncs, closes and renames the partial file to `path`.
  Status Commit();
  // Closes and removes the partial file.
  void Discard();
  const std::string& partial_path() const { return partial_path_; }

 private:
  RunsCsvWriter() = default;
  Status Flush();

  std::string path_, partial_path_;
  std::size_t num_species_ = 0;
  std::vector<double> times_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  std::uint64_t bytes_ = 0;  // written to file_ so far (buffer_ excluded)
};

}  // namespace grn

#endif  // GRN_ENGINE_SIM_ENSEMBLE_OUTPUT_H_
