// engine/io/hdf5_output.h
//
// Ensemble results as HDF5 (`grnsim simulate --format hdf5`), written with
// the serial HDF5 C library. Two kinds of file:
//  * the statistics file (WriteEnsembleHdf5):
//      /time                      [samples]            float64
//      /species                   [species]            variable-length UTF-8 strings
//      /statistics/<name>         [samples × species]  float64, name ∈ mean, sd, min, max
//      /quantiles/q<value>        [samples × species]  float64 (q0.05, q0.5, ...)
//      /histograms/<species>      [rows] compound {time_index u64, low f64, high f64,
//                                 count u64}, the rows of HistogramCsv (one per
//                                 non-empty bin; low -inf, high -1 for negatives)
//  * the saved runs (RunsHdf5Writer): /time, /species and
//      /runs                      [runs × samples × species] float64, extendible
//                                 along runs, one run per chunk row block.
// Every dataset with data is chunked and deflate-compressed (level 4). The
// root group carries the attributes of Hdf5Attributes (strings, and the seed
// as an unsigned 64-bit integer). Object timestamps are off, so equal results
// give byte-identical files.
//
// A file is written to PATH.tmp.<pid> in the same folder and renamed to PATH
// only when complete; on any error the temporary file is removed, so PATH is
// whole or untouched. HDF5's own error printing is silenced; its error stack
// becomes the message of an IOError that names the path.
//
// The HDF5 library is opened on first use (engine/io/hdf5_library.h): a
// process that writes no HDF5 never loads it, and one without it gets
// kNotSupported from these functions.
//
// The serial HDF5 library is not thread-safe: every entry point here takes
// one process-wide lock, so callers on different threads are safe as long as
// nothing else in the process calls HDF5.
#ifndef GRN_ENGINE_IO_HDF5_OUTPUT_H_
#define GRN_ENGINE_IO_HDF5_OUTPUT_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/sim/ensemble_output.h"
#include "engine/sim/ensemble_stats.h"

namespace grn {

struct Hdf5Library;

// Written as attributes on the root group.
struct Hdf5Attributes {
  std::string grnsim_version, model_hash, method;
  std::uint64_t seed = 0;
  // name -> value, each a string attribute. Names must be distinct and must
  // not be grnsim_version, model_hash, method or seed.
  std::vector<std::pair<std::string, std::string>> settings;
};

// Fails (IOError naming `path`) unless an HDF5 file can be created at `path`:
// creates and removes the temporary file, so an unwritable folder is reported
// before any simulation. "-" and non-regular files other than directories are
// refused with kInvalidArgument, a directory with kIOError (as AtomicFile).
// WriteEnsembleHdf5 and RunsHdf5Writer::Open make the same checks.
Status ProbeHdf5Output(const std::string& path);

// Writes the statistics file described above: one /statistics dataset per
// layout.statistics entry and one /quantiles dataset per layout.quantiles
// entry; /histograms only when histogram_columns (indices into
// layout.species, each with a histogram in `stats`) is non-empty.
// REQUIRES: stats.num_samples() == times.size(),
//           stats.num_species() == layout.species.size().
Status WriteEnsembleHdf5(const std::string& path, const Hdf5Attributes& attributes,
                         const StatsTableLayout& layout, const std::vector<double>& times,
                         const EnsembleStats& stats,
                         const std::vector<std::uint32_t>& histogram_columns);

// Streams saved runs, in run order, into /runs. Memory does not grow with the
// number of runs: each Append extends the dataset by one run and writes it.
class RunsHdf5Writer {
 public:
  // Creates PATH.tmp.<pid> with /time, /species, the attributes and an empty
  // /runs; fails here (IOError naming the path) when the folder is unwritable.
  static StatusOr<std::unique_ptr<RunsHdf5Writer>> Open(std::string path,
                                                        const Hdf5Attributes& attributes,
                                                        const std::vector<std::string>& species,
                                                        std::vector<double> times);
  ~RunsHdf5Writer();  // discards the file if not committed
  RunsHdf5Writer(const RunsHdf5Writer&) = delete;
  RunsHdf5Writer& operator=(const RunsHdf5Writer&) = delete;

  // Runs must come in order 0, 1, 2, ... (else kFailedPrecondition).
  // REQUIRES (else kInvalidArgument): trajectory.size() == times × species,
  // sample-major.
  Status Append(std::uint64_t run, std::span<const double> trajectory);
  // Closes the file, syncs it to disk and renames it to PATH.
  Status Commit();
  // Closes and removes the temporary file. Safe to call more than once.
  void Discard();

  std::uint64_t runs_written() const { return runs_written_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  RunsHdf5Writer() = default;
  void CloseHandles();

  const Hdf5Library* h5_ = nullptr;  // loaded by Open
  std::string path_, temp_path_;
  std::size_t num_samples_ = 0, num_species_ = 0;
  std::uint64_t runs_written_ = 0;
  // HDF5 handles (hid_t); negative when closed. Kept as int64_t so this header
  // does not pull in hdf5.h.
  std::int64_t file_ = -1, runs_dataset_ = -1;
  bool finished_ = false;  // committed or discarded
};

}  // namespace grn

#endif  // GRN_ENGINE_IO_HDF5_OUTPUT_H_
