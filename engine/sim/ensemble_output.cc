// engine/sim/ensemble_output.cc
#include "engine/sim/ensemble_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "engine/base/check.h"
#include "engine/base/status_macros.h"
#include "engine/io/csv_writer.h"

namespace grn {
namespace {

std::vector<std::string> SplitComma(const std::string& list) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = list.find(',', start);
    parts.push_back(list.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

const char* StatisticName(Statistic s) {
  switch (s) {
    case Statistic::kMean: return "mean";
    case Statistic::kSd: return "sd";
    case Statistic::kMin: return "min";
    case Statistic::kMax: return "max";
  }
  return "?";
}

std::string QuantileName(double q) {
  std::string name = "q";
  AppendNumber(name, q);
  return name;
}

}  // namespace

StatusOr<std::vector<Statistic>> ParseStatistics(const std::string& list) {
  std::vector<Statistic> out;
  for (const std::string& part : SplitComma(list)) {
    Statistic s;
    if (part == "mean") {
      s = Statistic::kMean;
    } else if (part == "sd") {
      s = Statistic::kSd;
    } else if (part == "min") {
      s = Statistic::kMin;
    } else if (part == "max") {
      s = Statistic::kMax;
    } else {
      return InvalidArgumentError("--statistics: unknown statistic '" + part +
                                  "' (expected mean, sd, min or max, comma-separated)");
    }
    for (Statistic seen : out) {
      if (seen == s) return InvalidArgumentError("--statistics: '" + part + "' given twice");
    }
    out.push_back(s);
  }
  return out;
}

StatusOr<std::vector<double>> ParseQuantiles(const std::string& list) {
  std::vector<double> out;
  for (const std::string& part : SplitComma(list)) {
    double q = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), q);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || !(q >= 0 && q <= 1)) {
      return InvalidArgumentError("--quantiles: '" + part +
                                  "' is not a number in [0, 1] (expected e.g. 0.05,0.5,0.95)");
    }
    if (!out.empty() && q <= out.back()) {
      return InvalidArgumentError("--quantiles: values must be ascending without repeats ('" + part +
                                  "')");
    }
    out.push_back(q);
  }
  return out;
}

std::string EnsembleStatsCsv(const StatsTableLayout& layout, const std::vector<double>& times,
                             const EnsembleStats& stats) {
  GRN_CHECK(stats.num_species() == layout.species.size());
  std::string out = "time";
  for (const std::string& s : layout.species) {
    for (Statistic st : layout.statistics) {
      out += ',';
      out += s;
      out += '.';
      out += StatisticName(st);
    }
    for (double q : layout.quantiles) {
      out += ',';
      out += s;
      out += '.';
      out += QuantileName(q);
    }
  }
  out += '\n';
  for (std::size_t i = 0; i < times.size(); ++i) {
    AppendNumber(out, times[i]);
    for (std::size_t s = 0; s < layout.species.size(); ++s) {
      for (Statistic st : layout.statistics) {
        out += ',';
        switch (st) {
          case Statistic::kMean: AppendNumber(out, stats.mean(i, s)); break;
          case Statistic::kSd: AppendNumber(out, stats.sd(i, s)); break;
          case Statistic::kMin: AppendNumber(out, stats.min(i, s)); break;
          case Statistic::kMax: AppendNumber(out, stats.max(i, s)); break;
        }
      }
      for (double q : layout.quantiles) {
        out += ',';
        AppendNumber(out, stats.quantile(i, s, q));
      }
    }
    out += '\n';
  }
  return out;
}

std::string HistogramCsv(const std::vector<std::string>& species,
                         const std::vector<std::uint32_t>& columns,
                         const std::vector<double>& times, const EnsembleStats& stats) {
  std::string out = "time,species,low,high,count\n";
  for (std::size_t i = 0; i < times.size(); ++i) {
    for (std::uint32_t c : columns) {
      const CountHistogram* h = stats.histogram(i, c);
      GRN_CHECK(h != nullptr);
      std::string prefix;
      AppendNumber(prefix, times[i]);
      prefix += ',';
      prefix += species[c];
      prefix += ',';
      if (h->negative() > 0) {
        out += prefix;
        out += "-inf,-1,";
        out += std::to_string(h->negative());
        out += '\n';
      }
      for (std::size_t b = 0; b < h->counts().size(); ++b) {
        if (h->counts()[b] == 0) continue;
        const std::uint32_t bin = h->first_bin() + static_cast<std::uint32_t>(b);
        out += prefix;
        AppendNumber(out, CountHistogram::BinLow(bin));
        out += ',';
        AppendNumber(out, CountHistogram::BinHigh(bin));
        out += ',';
        out += std::to_string(h->counts()[b]);
        out += '\n';
      }
    }
  }
  return out;
}

Status CommitCsv(AtomicFile& file, const std::string& contents) {
  if (!file.status().ok()) return file.status();
  file.Write(contents);
  return file.Commit();
}

// --- RunsCsvWriter ------------------------------------------------------------

StatusOr<std::unique_ptr<RunsCsvWriter>> RunsCsvWriter::Open(
    std::string path, std::string partial_path, const std::vector<std::string>& species,
    std::vector<double> times, bool header, std::uint64_t resume_bytes,
    const std::string& preamble) {
  std::unique_ptr<RunsCsvWriter> w(new RunsCsvWriter());
  w->path_ = std::move(path);
  w->partial_path_ = std::move(partial_path);
  w->num_species_ = species.size();
  w->times_ = std::move(times);
  if (resume_bytes > 0) {
    const int fd = open(w->partial_path_.c_str(), O_RDWR);
    if (fd < 0) {
      return IOError(w->partial_path_ + ": cannot continue the saved runs: " + std::strerror(errno));
    }
    const off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0 || static_cast<std::uint64_t>(size) < resume_bytes ||
        ftruncate(fd, static_cast<off_t>(resume_bytes)) != 0 ||
        lseek(fd, 0, SEEK_END) != static_cast<off_t>(resume_bytes)) {
      close(fd);
      return IOError(w->partial_path_ + ": shorter than the " + std::to_string(resume_bytes) +
                     " bytes the checkpoint recorded; cannot continue the saved runs");
    }
    w->file_ = fdopen(fd, "ab");
    if (w->file_ == nullptr) close(fd);
    w->bytes_ = resume_bytes;
  } else {
    w->file_ = std::fopen(w->partial_path_.c_str(), "wb");
    if (header) {
      w->buffer_ = preamble + "run,time";
      for (const std::string& s : species) {
        w->buffer_ += ',';
        w->buffer_ += s;
      }
      w->buffer_ += '\n';
    }
  }
  if (w->file_ == nullptr) {
    return IOError(w->partial_path_ + ": cannot create the saved-runs file: " + std::strerror(errno));
  }
  return w;
}

RunsCsvWriter::~RunsCsvWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Status RunsCsvWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return IOError(partial_path_ + ": write failed: " + std::strerror(errno));
  }
  bytes_ += buffer_.size();
  buffer_.clear();
  return Status::OK();
}

Status RunsCsvWriter::Append(std::uint64_t run, std::span<const double> trajectory) {
  GRN_DCHECK(trajectory.size() == times_.size() * num_species_);
  const std::string prefix = std::to_string(run) + ",";
  for (std::size_t i = 0; i < times_.size(); ++i) {
    buffer_ += prefix;
    AppendNumber(buffer_, times_[i]);
    for (std::size_t s = 0; s < num_species_; ++s) {
      buffer_ += ',';
      AppendNumber(buffer_, trajectory[i * num_species_ + s]);
    }
    buffer_ += '\n';
  }
  if (buffer_.size() >= (1u << 16)) return Flush();
  return Status::OK();
}

StatusOr<std::uint64_t> RunsCsvWriter::Sync() {
  GRN_RETURN_IF_ERROR(Flush());
  if (std::fflush(file_) != 0 || fsync(fileno(file_)) != 0) {
    return IOError(partial_path_ + ": write failed: " + std::strerror(errno));
  }
  return bytes_;
}

Status RunsCsvWriter::AppendFileContents(const std::string& other_path) {
  GRN_RETURN_IF_ERROR(Flush());
  std::FILE* in = std::fopen(other_path.c_str(), "rb");
  if (in == nullptr) return IOError(other_path + ": cannot read: " + std::strerror(errno));
  std::vector<char> chunk(1 << 16);
  Status status;
  for (;;) {
    const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), in);
    if (n > 0 && std::fwrite(chunk.data(), 1, n, file_) != n) {
      status = IOError(partial_path_ + ": write failed: " + std::strerror(errno));
      break;
    }
    bytes_ += n;
    if (n < chunk.size()) {
      if (std::ferror(in)) status = IOError(other_path + ": read failed");
      break;
    }
  }
  std::fclose(in);
  return status;
}

Status RunsCsvWriter::Commit() {
  GRN_RETURN_IF_ERROR(Sync().status());
  std::fclose(file_);
  file_ = nullptr;
  if (std::rename(partial_path_.c_str(), path_.c_str()) != 0) {
    return IOError(path_ + ": cannot move the saved runs into place: " + std::strerror(errno));
  }
  return Status::OK();
}

void RunsCsvWriter::Discard() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  std::remove(partial_path_.c_str());
}

}  // namespace grn
