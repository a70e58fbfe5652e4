// engine/io/csv_writer.cc
#include "engine/io/csv_writer.h"

#include <charconv>
#include <cmath>

namespace grn {

void AppendNumber(std::string& out, double v) {
  char buf[32];
  // Whole numbers (counts) as plain integers: the shortest round-trip form
  // would write 100000 as 1e+05.
  if (v == std::trunc(v) && std::abs(v) < 9007199254740992.0) {
    const auto result = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    out.append(buf, result.ptr);
    return;
  }
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, result.ptr);
}

TrajectoryCsvWriter::TrajectoryCsvWriter(const std::string& path,
                                         const std::vector<std::string>& species,
                                         const std::string& preamble)
    : file_(path) {
  buffer_ = preamble + "time";
  for (const std::string& s : species) buffer_ += "," + s;
  buffer_ += "\n";
}

void TrajectoryCsvWriter::FlushIfLarge() {
  if (buffer_.size() >= (1u << 16)) {
    file_.Write(buffer_);
    buffer_.clear();
  }
}

Status TrajectoryCsvWriter::Append(double t, std::span<const double> x) {
  AppendNumber(buffer_, t);
  for (double v : x) {
    buffer_ += ',';
    AppendNumber(buffer_, v);
  }
  buffer_ += '\n';
  FlushIfLarge();
  return file_.status();
}

Status TrajectoryCsvWriter::Commit() {
  file_.Write(buffer_);
  buffer_.clear();
  return file_.Commit();
}

Status WriteEnsembleCsv(const std::string& path, const std::vector<std::string>& species,
                        const std::vector<double>& times, const EnsembleStats& stats) {
  AtomicFile file(path);
  return WriteEnsembleCsv(file, species, times, stats);
}

Status WriteEnsembleCsv(AtomicFile& file, const std::vector<std::string>& species,
                        const std::vector<double>& times, const EnsembleStats& stats) {
  if (!file.status().ok()) return file.status();
  std::string out = "time";
  for (const std::string& s : species) out += "," + s + ".mean," + s + ".sd";
  out += '\n';
  for (std::size_t i = 0; i < times.size(); ++i) {
    AppendNumber(out, times[i]);
    for (std::size_t s = 0; s < species.size(); ++s) {
      out += ',';
      AppendNumber(out, stats.mean(i, s));
      out += ',';
      AppendNumber(out, stats.sd(i, s));
    }
    out += '\n';
  }
  file.Write(out);
  return file.Commit();
}

}  // namespace grn
