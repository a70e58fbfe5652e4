// engine/io/csv_writer.h
//
// CSV output. Numbers are written in the shortest form that reads back to the
// same double (std::to_chars), so counts print as integers and nothing is lost.
//  * trajectory: time,<species...>
//  * ensemble:   time,<species>.mean,<species>.sd,...   (sample sd, n − 1)
// Files are written through AtomicFile: complete or absent.
#ifndef GRN_ENGINE_IO_CSV_WRITER_H_
#define GRN_ENGINE_IO_CSV_WRITER_H_

#include <span>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/io/atomic_file.h"
#include "engine/sim/ensemble_stats.h"

namespace grn {

// Appends the shortest round-trip decimal form of v.
void AppendNumber(std::string& out, double v);

// Streams one trajectory, a row per output time.
class TrajectoryCsvWriter {
 public:
  // `preamble` (comment lines, each starting with '#') goes before the header.
  TrajectoryCsvWriter(const std::string& path, const std::vector<std::string>& species,
                      const std::string& preamble = "");
  // Not OK when the output could not be created (checked before a run).
  const Status& status() const { return file_.status(); }
  Status Append(double t, std::span<const double> x);
  Status Commit();

 private:
  void FlushIfLarge();
  AtomicFile file_;
  std::string buffer_;
};

Status WriteEnsembleCsv(const std::string& path, const std::vector<std::string>& species,
                        const std::vector<double>& times, const EnsembleStats& stats);
// The same into a file opened earlier: open it before a long run, so an
// unwritable folder is reported before the work, not after.
Status WriteEnsembleCsv(AtomicFile& file, const std::vector<std::string>& species,
                        const std::vector<double>& times, const EnsembleStats& stats);

}  // namespace grn

#endif  // GRN_ENGINE_IO_CSV_WRITER_H_
