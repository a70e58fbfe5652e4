// engine/io/hdf5_output.cc
#include "engine/io/hdf5_output.h"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <type_traits>

#include "engine/base/status_macros.h"
#include "engine/io/csv_writer.h"
#include "engine/io/hdf5_library.h"

// The header keeps handles as int64_t so that it need not include hdf5.h.
static_assert(std::is_same_v<hid_t, std::int64_t>, "hid_t is expected to be int64_t");

namespace grn {
namespace {

// About 1 MiB of doubles per chunk: large enough for deflate to work well,
// small enough to sit in HDF5's chunk cache.
constexpr hsize_t kChunkTargetElements = hsize_t{1} << 17;
constexpr unsigned kDeflateLevel = 4;
// The chunk cache of /runs: holds the chunk being filled run by run.
constexpr std::size_t kRunsChunkCacheBytes = std::size_t{4} << 20;

// Serial HDF5 keeps global state without locks.
std::mutex& Hdf5Mutex() {
  static std::mutex mutex;
  return mutex;
}

// HDF5 would otherwise print its error stack to stderr on every failure; the
// stack is read into the Status instead.
void SilenceHdf5Errors(const Hdf5Library& h5) { h5.Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

herr_t CollectErrorDescription(unsigned /*depth*/, const H5E_error2_t* error, void* data) {
  if (error->desc != nullptr && error->desc[0] != '\0') {
    *static_cast<std::string*>(data) = error->desc;
  }
  return 0;
}

// HDF5's message for the last failure, then clears its error stack. The
// innermost entry of the stack says most; a failed system call's entry is
// long ("unable to open file: name = '...', errno = 2, error message = 'No
// such file or directory', flags = ..."), so only its error message is kept.
std::string TakeHdf5ErrorMessage(const Hdf5Library& h5) {
  std::string innermost;
  h5.Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, CollectErrorDescription, &innermost);
  h5.Eclear2(H5E_DEFAULT);
  const std::string system_marker = "error message = '";
  const std::size_t start = innermost.find(system_marker);
  if (start != std::string::npos) {
    const std::size_t text = start + system_marker.size();
    const std::size_t end = innermost.find('\'', text);
    if (end != std::string::npos) return innermost.substr(text, end - text);
  }
  std::replace(innermost.begin(), innermost.end(), '\n', ' ');
  return innermost;
}

Status Hdf5Error(const Hdf5Library& h5, const std::string& path, const std::string& what) {
  std::string message = path + ": " + what;
  const std::string detail = TakeHdf5ErrorMessage(h5);
  if (!detail.empty()) message += " (HDF5: " + detail + ")";
  return IOError(std::move(message));
}

// Owns one HDF5 identifier and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      Close();
      id_ = other.id_;
      closer_ = other.closer_;
      other.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { Close(); }

  hid_t get() const { return id_; }
  hid_t release() {
    const hid_t id = id_;
    id_ = -1;
    return id;
  }
  // Returns HDF5's result (negative on failure); closing twice is a no-op.
  herr_t Close() {
    herr_t result = 0;
    if (id_ >= 0) result = closer_(id_);
    id_ = -1;
    return result;
  }

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// Makes HDF5 calls for one output file and turns failures into Statuses that
// name the file.
class Hdf5Context {
 public:
  Hdf5Context(const Hdf5Library& h5, const std::string& path) : h5_(h5), path_(path) {}

  StatusOr<Handle> Check(hid_t id, Handle::Closer closer, const std::string& what) const {
    if (id < 0) return Hdf5Error(h5_, path_, what);
    return Handle(id, closer);
  }
  Status Check(herr_t result, const std::string& what) const {
    if (result < 0) return Hdf5Error(h5_, path_, what);
    return Status::OK();
  }
  const std::string& path() const { return path_; }
  const Hdf5Library& h5() const { return h5_; }

 private:
  const Hdf5Library& h5_;
  const std::string& path_;
};

// "-" and non-regular files cannot hold an HDF5 file written by rename.
Status CheckOutputPath(const std::string& path) {
  if (path.empty() || path == "-") {
    return InvalidArgumentError("HDF5 output needs a file path (got '" + path + "')");
  }
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) return IOError(path + ": is a directory");
    return InvalidArgumentError(path + ": HDF5 output must be a regular file");
  }
  return Status::OK();
}

std::string TempPathFor(const std::string& path) {
  return path + ".tmp." + std::to_string(static_cast<long>(getpid()));
}

// Creates (truncating) the file at temp_path. Closing the file handle closes
// every object still open in it, so a closed file is a finished file.
StatusOr<Handle> CreateFile(const Hdf5Context& context, const std::string& temp_path) {
  const Hdf5Library& h5 = context.h5();
  GRN_ASSIGN_OR_RETURN(Handle fapl, context.Check(h5.Pcreate(h5.P_FILE_ACCESS), h5.Pclose,
                                                  "cannot make file access properties"));
  GRN_RETURN_IF_ERROR(context.Check(h5.Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG),
                                    "cannot set the file close degree"));
#if H5_VERSION_GE(1, 10, 7)
  // Nobody else opens the temporary file, and file locks fail on some cluster
  // file systems.
  GRN_RETURN_IF_ERROR(context.Check(h5.Pset_file_locking(fapl.get(), false, true),
                                    "cannot turn off file locking"));
#endif
  return context.Check(h5.Fcreate(temp_path.c_str(), h5.F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                       h5.Fclose, "cannot create the HDF5 file");
}

// Closes the file, syncs it to disk and moves it to `path`.
Status FinishFile(const Hdf5Context& context, Handle& file, const std::string& temp_path) {
  GRN_RETURN_IF_ERROR(context.Check(file.Close(), "cannot close the HDF5 file"));
  const int fd = open(temp_path.c_str(), O_RDONLY);
  if (fd < 0 || fsync(fd) != 0) {
    const Status status = IOError(context.path() + ": write failed: " + std::strerror(errno));
    if (fd >= 0) close(fd);
    return status;
  }
  close(fd);
  if (std::rename(temp_path.c_str(), context.path().c_str()) != 0) {
    return IOError(context.path() + ": cannot move output into place: " + std::strerror(errno));
  }
  return Status::OK();
}

StatusOr<Handle> CreateGroup(const Hdf5Context& context, hid_t parent, const std::string& name) {
  const Hdf5Library& h5 = context.h5();
  GRN_ASSIGN_OR_RETURN(Handle gcpl, context.Check(h5.Pcreate(h5.P_GROUP_CREATE), h5.Pclose,
                                                  "cannot make group properties"));
  // Timestamps would make equal results give different files.
  GRN_RETURN_IF_ERROR(context.Check(h5.Pset_obj_track_times(gcpl.get(), false),
                                    "cannot turn off timestamps"));
  return context.Check(h5.Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                       h5.Gclose, "cannot create group '" + name + "'");
}

// A chunk shape for `dims` of about kChunkTargetElements elements, filled from
// the last (fastest) dimension backwards. REQUIRES: every dims[i] > 0.
std::vector<hsize_t> ChunkShape(const std::vector<hsize_t>& dims) {
  std::vector<hsize_t> chunk(dims.size(), 1);
  hsize_t room = kChunkTargetElements;
  for (std::size_t d = dims.size(); d-- > 0;) {
    chunk[d] = std::clamp<hsize_t>(room, 1, dims[d]);
    room = std::max<hsize_t>(1, room / chunk[d]);
  }
  return chunk;
}

struct DatasetShape {
  std::vector<hsize_t> dims;
  std::vector<hsize_t> max_dims;  // empty: same as dims
  std::vector<hsize_t> chunk;     // empty: contiguous (only for datasets without elements)
};

// A dataset with timestamps off and, when chunked, deflate compression.
StatusOr<Handle> CreateDataset(const Hdf5Context& context, hid_t parent, const std::string& name,
                               hid_t file_type, const DatasetShape& shape,
                               hid_t access_properties = H5P_DEFAULT) {
  const Hdf5Library& h5 = context.h5();
  const int rank = static_cast<int>(shape.dims.size());
  GRN_ASSIGN_OR_RETURN(
      Handle space,
      context.Check(h5.Screate_simple(rank, shape.dims.data(),
                                     shape.max_dims.empty() ? nullptr : shape.max_dims.data()),
                    h5.Sclose, "cannot make the dataspace of '" + name + "'"));
  GRN_ASSIGN_OR_RETURN(Handle dcpl, context.Check(h5.Pcreate(h5.P_DATASET_CREATE), h5.Pclose,
                                                  "cannot make dataset properties"));
  GRN_RETURN_IF_ERROR(context.Check(h5.Pset_obj_track_times(dcpl.get(), false),
                                    "cannot turn off timestamps"));
  if (!shape.chunk.empty()) {
    GRN_RETURN_IF_ERROR(context.Check(h5.Pset_chunk(dcpl.get(), rank, shape.chunk.data()),
                                      "cannot set the chunks of '" + name + "'"));
    GRN_RETURN_IF_ERROR(context.Check(h5.Pset_deflate(dcpl.get(), kDeflateLevel),
                                      "cannot set deflate compression on '" + name + "'"));
  }
  return context.Check(h5.Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                  dcpl.get(), access_properties),
                       h5.Dclose, "cannot create dataset '" + name + "'");
}

// A fixed-size dataset, chunked unless it has no elements.
DatasetShape FixedShape(std::vector<hsize_t> dims) {
  DatasetShape shape;
  const bool empty = std::find(dims.begin(), dims.end(), hsize_t{0}) != dims.end();
  if (!empty) shape.chunk = ChunkShape(dims);
  shape.dims = std::move(dims);
  return shape;
}

Status WriteDoubles(const Hdf5Context& context, hid_t parent, const std::string& name,
                    std::vector<hsize_t> dims, const std::vector<double>& values) {
  const Hdf5Library& h5 = context.h5();
  GRN_ASSIGN_OR_RETURN(Handle dataset, CreateDataset(context, parent, name, h5.T_IEEE_F64LE,
                                                     FixedShape(std::move(dims))));
  if (values.empty()) return Status::OK();
  return context.Check(
      h5.Dwrite(dataset.get(), h5.T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
      "cannot write dataset '" + name + "'");
}

StatusOr<Handle> StringType(const Hdf5Context& context) {
  const Hdf5Library& h5 = context.h5();
  GRN_ASSIGN_OR_RETURN(Handle type, context.Check(h5.Tcopy(h5.T_C_S1), h5.Tclose,
                                                  "cannot make a string type"));
  GRN_RETURN_IF_ERROR(context.Check(h5.Tset_size(type.get(), H5T_VARIABLE),
                                    "cannot make a string type"));
  GRN_RETURN_IF_ERROR(context.Check(h5.Tset_cset(type.get(), H5T_CSET_UTF8),
                                    "cannot make a string type"));
  return type;
}

Status WriteStrings(const Hdf5Context& context, hid_t parent, const std::string& name,
                    const std::vector<std::string>& strings) {
  const Hdf5Library& h5 = context.h5();
  GRN_ASSIGN_OR_RETURN(Handle type, StringType(context));
  GRN_ASSIGN_OR_RETURN(Handle dataset,
                       CreateDataset(context, parent, name, type.get(), FixedShape({strings.size()})));
  if (strings.empty()) return Status::OK();
  std::vector<const char*> pointers;
  pointers.reserve(strings.size());
  for (const std::string& s : strings) pointers.push_back(s.c_str());
  return context.Check(
      h5.Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
      "cannot write dataset '" + name + "'");
}

Status WriteStringAttribute(const Hdf5Context& context, hid_t object, const std::string& name,
                            const std::string& value) {
  const Hdf5Library& h5 = context.h5();
  GRN_ASSIGN_OR_RETURN(Handle type, StringType(context));
  GRN_ASSIGN_OR_RETURN(Handle space, context.Check(h5.Screate(H5S_SCALAR), h5.Sclose,
                                                   "cannot make a scalar dataspace"));
  GRN_ASSIGN_OR_RETURN(
      Handle attribute,
      context.Check(h5.Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                               H5P_DEFAULT),
                    h5.Aclose, "cannot create attribute '" + name + "'"));
  const char* pointer = value.c_str();
  return context.Check(h5.Awrite(attribute.get(), type.get(), &pointer),
                       "cannot write attribute '" + name + "'");
}

Status WriteAttributes(const Hdf5Context& context, hid_t file, const Hdf5Attributes& a) {
  const Hdf5Library& h5 = context.h5();
  std::vector<std::string> names = {"grnsim_version", "model_hash", "method", "seed"};
  for (const auto& [name, value] : a.settings) {
    if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) {
      return InvalidArgumentError(context.path() + ": HDF5 attribute name '" + name +
                                  "' is empty or used twice");
    }
    names.push_back(name);
  }
  GRN_ASSIGN_OR_RETURN(Handle root, context.Check(h5.Gopen2(file, "/", H5P_DEFAULT), h5.Gclose,
                                                  "cannot open the root group"));
  GRN_RETURN_IF_ERROR(WriteStringAttribute(context, root.get(), "grnsim_version",
                                           a.grnsim_version));
  GRN_RETURN_IF_ERROR(WriteStringAttribute(context, root.get(), "model_hash", a.model_hash));
  GRN_RETURN_IF_ERROR(WriteStringAttribute(context, root.get(), "method", a.method));
  {
    GRN_ASSIGN_OR_RETURN(Handle space, context.Check(h5.Screate(H5S_SCALAR), h5.Sclose,
                                                     "cannot make a scalar dataspace"));
    GRN_ASSIGN_OR_RETURN(Handle seed,
                         context.Check(h5.Acreate2(root.get(), "seed", h5.T_STD_U64LE, space.get(),
                                                  H5P_DEFAULT, H5P_DEFAULT),
                                       h5.Aclose, "cannot create attribute 'seed'"));
    GRN_RETURN_IF_ERROR(context.Check(h5.Awrite(seed.get(), h5.T_NATIVE_UINT64, &a.seed),
                                      "cannot write attribute 'seed'"));
  }
  for (const auto& [name, value] : a.settings) {
    GRN_RETURN_IF_ERROR(WriteStringAttribute(context, root.get(), name, value));
  }
  return Status::OK();
}

// HDF5 reads "a/b" as a path and "." as the group itself.
Status CheckLinkName(const std::string& path, const std::string& name) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos) {
    return InvalidArgumentError(path + ": '" + name + "' cannot name an HDF5 dataset");
  }
  return Status::OK();
}

const char* StatisticDatasetName(Statistic s) {
  switch (s) {
    case Statistic::kMean: return "mean";
    case Statistic::kSd: return "sd";
    case Statistic::kMin: return "min";
    case Statistic::kMax: return "max";
  }
  return "?";
}

// One row of a /histograms/<species> table.
struct HistogramRow {
  std::uint64_t time_index;
  double low, high;
  std::uint64_t count;
};

StatusOr<Handle> HistogramRowType(const Hdf5Context& context, bool in_file) {
  const Hdf5Library& h5 = context.h5();
  GRN_ASSIGN_OR_RETURN(Handle type,
                       context.Check(h5.Tcreate(H5T_COMPOUND, sizeof(HistogramRow)), h5.Tclose,
                                     "cannot make the histogram row type"));
  const hid_t u64 = in_file ? h5.T_STD_U64LE : h5.T_NATIVE_UINT64;
  const hid_t f64 = in_file ? h5.T_IEEE_F64LE : h5.T_NATIVE_DOUBLE;
  const bool ok = h5.Tinsert(type.get(), "time_index", offsetof(HistogramRow, time_index), u64) >= 0 &&
                  h5.Tinsert(type.get(), "low", offsetof(HistogramRow, low), f64) >= 0 &&
                  h5.Tinsert(type.get(), "high", offsetof(HistogramRow, high), f64) >= 0 &&
                  h5.Tinsert(type.get(), "count", offsetof(HistogramRow, count), u64) >= 0;
  GRN_RETURN_IF_ERROR(context.Check(ok ? 0 : -1, "cannot make the histogram row type"));
  return type;
}

Status WriteHistograms(const Hdf5Context& context, hid_t file,
                       const std::vector<std::string>& species,
                       const std::vector<std::uint32_t>& columns, std::size_t num_samples,
                       const EnsembleStats& stats) {
  const Hdf5Library& h5 = context.h5();
  GRN_ASSIGN_OR_RETURN(Handle group, CreateGroup(context, file, "histograms"));
  GRN_ASSIGN_OR_RETURN(Handle file_type, HistogramRowType(context, /*in_file=*/true));
  GRN_ASSIGN_OR_RETURN(Handle memory_type, HistogramRowType(context, /*in_file=*/false));
  for (std::uint32_t c : columns) {
    std::vector<HistogramRow> rows;
    for (std::size_t i = 0; i < num_samples; ++i) {
      const CountHistogram* h = stats.histogram(i, c);
      if (h->negative() > 0) {
        rows.push_back({i, -std::numeric_limits<double>::infinity(), -1.0, h->negative()});
      }
      for (std::size_t b = 0; b < h->counts().size(); ++b) {
        if (h->counts()[b] == 0) continue;
        const std::uint32_t bin = h->first_bin() + static_cast<std::uint32_t>(b);
        rows.push_back({i, CountHistogram::BinLow(bin), CountHistogram::BinHigh(bin),
                        h->counts()[b]});
      }
    }
    GRN_ASSIGN_OR_RETURN(Handle dataset,
                         CreateDataset(context, group.get(), species[c], file_type.get(),
                                       FixedShape({rows.size()})));
    if (rows.empty()) continue;
    GRN_RETURN_IF_ERROR(context.Check(h5.Dwrite(dataset.get(), memory_type.get(), H5S_ALL,
                                               H5S_ALL, H5P_DEFAULT, rows.data()),
                                      "cannot write dataset 'histograms/" + species[c] + "'"));
  }
  return Status::OK();
}

Status WriteEnsembleContents(const Hdf5Context& context, hid_t file,
                             const Hdf5Attributes& attributes, const StatsTableLayout& layout,
                             const std::vector<double>& times, const EnsembleStats& stats,
                             const std::vector<std::uint32_t>& histogram_columns) {
  const std::size_t samples = times.size(), species = layout.species.size();
  GRN_RETURN_IF_ERROR(WriteAttributes(context, file, attributes));
  GRN_RETURN_IF_ERROR(WriteDoubles(context, file, "time", {samples}, times));
  GRN_RETURN_IF_ERROR(WriteStrings(context, file, "species", layout.species));

  std::vector<double> values(samples * species);
  Handle statistics, quantiles;  // groups made only when something goes in them
  if (!layout.statistics.empty()) {
    GRN_ASSIGN_OR_RETURN(statistics, CreateGroup(context, file, "statistics"));
  }
  for (Statistic st : layout.statistics) {
    for (std::size_t i = 0; i < samples; ++i) {
      for (std::size_t s = 0; s < species; ++s) {
        double& v = values[i * species + s];
        switch (st) {
          case Statistic::kMean: v = stats.mean(i, s); break;
          case Statistic::kSd: v = stats.sd(i, s); break;
          case Statistic::kMin: v = stats.min(i, s); break;
          case Statistic::kMax: v = stats.max(i, s); break;
        }
      }
    }
    GRN_RETURN_IF_ERROR(WriteDoubles(context, statistics.get(), StatisticDatasetName(st),
                                     {samples, species}, values));
  }
  if (!layout.quantiles.empty()) {
    GRN_ASSIGN_OR_RETURN(quantiles, CreateGroup(context, file, "quantiles"));
  }
  for (double q : layout.quantiles) {
    for (std::size_t i = 0; i < samples; ++i) {
      for (std::size_t s = 0; s < species; ++s) values[i * species + s] = stats.quantile(i, s, q);
    }
    std::string name = "q";
    AppendNumber(name, q);
    GRN_RETURN_IF_ERROR(WriteDoubles(context, quantiles.get(), name, {samples, species}, values));
  }
  if (!histogram_columns.empty()) {
    GRN_RETURN_IF_ERROR(
        WriteHistograms(context, file, layout.species, histogram_columns, samples, stats));
  }
  return Status::OK();
}

// Checks what WriteEnsembleHdf5 would otherwise index out of bounds.
Status CheckEnsembleInput(const std::string& path, const StatsTableLayout& layout,
                          const std::vector<double>& times, const EnsembleStats& stats,
                          const std::vector<std::uint32_t>& histogram_columns) {
  if (stats.num_samples() != times.size() || stats.num_species() != layout.species.size()) {
    return InvalidArgumentError(path + ": statistics of " + std::to_string(stats.num_samples()) +
                                " samples × " + std::to_string(stats.num_species()) +
                                " species do not match " + std::to_string(times.size()) +
                                " times × " + std::to_string(layout.species.size()) + " species");
  }
  auto has_histograms = [&](std::size_t column) {
    for (std::size_t i = 0; i < times.size(); ++i) {
      if (stats.histogram(i, column) == nullptr) return false;
    }
    return true;
  };
  if (!layout.quantiles.empty()) {
    for (std::size_t s = 0; s < layout.species.size(); ++s) {
      if (!has_histograms(s)) {
        return InvalidArgumentError(path + ": quantiles need a histogram of species '" +
                                    layout.species[s] + "'");
      }
    }
  }
  for (std::uint32_t c : histogram_columns) {
    if (c >= layout.species.size() || !has_histograms(c)) {
      return InvalidArgumentError(path + ": no histogram for column " + std::to_string(c));
    }
    GRN_RETURN_IF_ERROR(CheckLinkName(path, layout.species[c]));
  }
  return Status::OK();
}

}  // namespace

Status ProbeHdf5Output(const std::string& path) {
  GRN_RETURN_IF_ERROR(CheckOutputPath(path));
  GRN_ASSIGN_OR_RETURN(const Hdf5Library* h5, LoadHdf5Library());
  std::lock_guard<std::mutex> lock(Hdf5Mutex());
  SilenceHdf5Errors(*h5);
  const std::string temp_path = TempPathFor(path);
  const Hdf5Context context(*h5, path);
  StatusOr<Handle> file = CreateFile(context, temp_path);
  if (file.ok()) file->Close();
  std::remove(temp_path.c_str());
  return file.status();
}

Status WriteEnsembleHdf5(const std::string& path, const Hdf5Attributes& attributes,
                         const StatsTableLayout& layout, const std::vector<double>& times,
                         const EnsembleStats& stats,
                         const std::vector<std::uint32_t>& histogram_columns) {
  GRN_RETURN_IF_ERROR(CheckOutputPath(path));
  GRN_RETURN_IF_ERROR(CheckEnsembleInput(path, layout, times, stats, histogram_columns));
  GRN_ASSIGN_OR_RETURN(const Hdf5Library* h5, LoadHdf5Library());
  std::lock_guard<std::mutex> lock(Hdf5Mutex());
  SilenceHdf5Errors(*h5);
  const std::string temp_path = TempPathFor(path);
  const Hdf5Context context(*h5, path);
  GRN_ASSIGN_OR_RETURN(Handle file, CreateFile(context, temp_path));
  Status status = WriteEnsembleContents(context, file.get(), attributes, layout, times, stats,
                                        histogram_columns);
  if (status.ok()) status = FinishFile(context, file, temp_path);
  if (!status.ok()) {
    file.Close();
    std::remove(temp_path.c_str());
  }
  return status;
}

// --- RunsHdf5Writer ------------------------------------------------------------

StatusOr<std::unique_ptr<RunsHdf5Writer>> RunsHdf5Writer::Open(
    std::string path, const Hdf5Attributes& attributes, const std::vector<std::string>& species,
    std::vector<double> times) {
  GRN_RETURN_IF_ERROR(CheckOutputPath(path));
  GRN_ASSIGN_OR_RETURN(const Hdf5Library* library, LoadHdf5Library());
  const Hdf5Library& h5 = *library;
  std::unique_ptr<RunsHdf5Writer> w(new RunsHdf5Writer());
  w->h5_ = library;
  // Nothing to discard (and the lock must not be taken again by the
  // destructor) until the file is fully set up.
  w->finished_ = true;
  w->path_ = std::move(path);
  w->temp_path_ = TempPathFor(w->path_);
  w->num_samples_ = times.size();
  w->num_species_ = species.size();
  const Hdf5Context context(h5, w->path_);
  // Declared after `w`, so released before `w` is destroyed on a failure.
  std::lock_guard<std::mutex> lock(Hdf5Mutex());
  SilenceHdf5Errors(h5);

  GRN_ASSIGN_OR_RETURN(Handle file, CreateFile(context, w->temp_path_));
  auto create = [&]() -> StatusOr<Handle> {
    GRN_RETURN_IF_ERROR(WriteAttributes(context, file.get(), attributes));
    GRN_RETURN_IF_ERROR(WriteDoubles(context, file.get(), "time", {times.size()}, times));
    GRN_RETURN_IF_ERROR(WriteStrings(context, file.get(), "species", species));
    // Small runs share a chunk (a chunk per run of a few values would cost
    // more in index than in data); a large run is split over several chunks.
    // The chunk being filled stays in the chunk cache until complete.
    const hsize_t samples = w->num_samples_, columns = w->num_species_;
    DatasetShape shape;
    shape.dims = {0, samples, columns};
    if (samples > 0 && columns > 0) {
      shape.max_dims = {H5S_UNLIMITED, samples, columns};
      const std::vector<hsize_t> run_chunk = ChunkShape({samples, columns});
      const hsize_t runs_per_chunk =
          std::max<hsize_t>(1, kChunkTargetElements / (run_chunk[0] * run_chunk[1]));
      shape.chunk = {runs_per_chunk, run_chunk[0], run_chunk[1]};
    } else {
      // An empty run: every dimension may grow, as HDF5 requires chunks > 0.
      shape.max_dims = {H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED};
      shape.chunk = {1, 1, 1};
    }
    GRN_ASSIGN_OR_RETURN(Handle dapl, context.Check(h5.Pcreate(h5.P_DATASET_ACCESS), h5.Pclose,
                                                    "cannot make dataset access properties"));
    // w0 = 1: chunks already written in full leave the cache first.
    GRN_RETURN_IF_ERROR(context.Check(
        h5.Pset_chunk_cache(dapl.get(), 521, kRunsChunkCacheBytes, 1.0), "cannot set chunk cache"));
    return CreateDataset(context, file.get(), "runs", h5.T_IEEE_F64LE, shape, dapl.get());
  };
  StatusOr<Handle> runs = create();
  if (!runs.ok()) {
    file.Close();
    std::remove(w->temp_path_.c_str());
    return runs.status();
  }
  w->runs_dataset_ = runs->release();
  w->file_ = file.release();
  w->finished_ = false;
  return w;
}

RunsHdf5Writer::~RunsHdf5Writer() { Discard(); }

void RunsHdf5Writer::CloseHandles() {
  const Hdf5Library& h5 = *h5_;
  if (runs_dataset_ >= 0) h5.Dclose(runs_dataset_);
  if (file_ >= 0) h5.Fclose(file_);
  runs_dataset_ = file_ = -1;
}

Status RunsHdf5Writer::Append(std::uint64_t run, std::span<const double> trajectory) {
  if (finished_ || file_ < 0) {
    return Status(StatusCode::kFailedPrecondition, path_ + ": saved runs appended after the file was closed");
  }
  if (run != runs_written_) {
    return Status(StatusCode::kFailedPrecondition, path_ + ": saved run " + std::to_string(run) +
                                   " arrived where run " + std::to_string(runs_written_) +
                                   " was expected (runs must come in order)");
  }
  if (trajectory.size() != num_samples_ * num_species_) {
    return InvalidArgumentError(path_ + ": saved run " + std::to_string(run) + " has " +
                                std::to_string(trajectory.size()) + " values, expected " +
                                std::to_string(num_samples_ * num_species_));
  }
  std::lock_guard<std::mutex> lock(Hdf5Mutex());
  const Hdf5Library& h5 = *h5_;
  SilenceHdf5Errors(h5);
  const Hdf5Context context(h5, path_);
  const hsize_t extent[3] = {run + 1, num_samples_, num_species_};
  GRN_RETURN_IF_ERROR(context.Check(h5.Dset_extent(runs_dataset_, extent),
                                    "cannot extend /runs to run " + std::to_string(run)));
  runs_written_ = run + 1;
  if (trajectory.empty()) return Status::OK();
  GRN_ASSIGN_OR_RETURN(Handle file_space, context.Check(h5.Dget_space(runs_dataset_), h5.Sclose,
                                                        "cannot get the dataspace of /runs"));
  const hsize_t start[3] = {run, 0, 0};
  const hsize_t count[3] = {1, num_samples_, num_species_};
  GRN_RETURN_IF_ERROR(context.Check(
      h5.Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
      "cannot select run " + std::to_string(run) + " in /runs"));
  GRN_ASSIGN_OR_RETURN(Handle memory_space, context.Check(h5.Screate_simple(3, count, nullptr),
                                                          h5.Sclose, "cannot make a dataspace"));
  return context.Check(h5.Dwrite(runs_dataset_, h5.T_NATIVE_DOUBLE, memory_space.get(),
                                file_space.get(), H5P_DEFAULT, trajectory.data()),
                       "cannot write run " + std::to_string(run) + " to /runs");
}

Status RunsHdf5Writer::Commit() {
  if (finished_ || file_ < 0) {
    return Status(StatusCode::kFailedPrecondition, path_ + ": saved runs committed after the file was closed");
  }
  std::lock_guard<std::mutex> lock(Hdf5Mutex());
  const Hdf5Library& h5 = *h5_;
  SilenceHdf5Errors(h5);
  const Hdf5Context context(h5, path_);
  Status status = context.Check(h5.Dclose(runs_dataset_), "cannot close /runs");
  runs_dataset_ = -1;
  Handle file(file_, h5.Fclose);
  file_ = -1;
  if (status.ok()) status = FinishFile(context, file, temp_path_);
  finished_ = true;
  if (!status.ok()) {
    file.Close();
    std::remove(temp_path_.c_str());
  }
  return status;
}

void RunsHdf5Writer::Discard() {
  if (finished_) return;
  std::lock_guard<std::mutex> lock(Hdf5Mutex());
  SilenceHdf5Errors(*h5_);
  CloseHandles();
  std::remove(temp_path_.c_str());
  finished_ = true;
}

}  // namespace grn
