// tests/io/hdf5_output_test.cc
//
// HDF5 ensemble output, read back with the HDF5 C API: values bit-exact,
// attributes, species names, shapes, chunking and deflate set, timestamps
// off; saved runs streamed in order; an unwritable folder or a Discard
// leaves nothing behind, and errors name the path and carry HDF5's message.
#include "engine/io/hdf5_output.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "engine/io/csv_writer.h"
#include "engine/sim/ensemble_output.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::MakeTempDir;
using test_support::ReadFile;
using test_support::WriteFile;

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::uint64_t> Bits(const std::vector<double>& values) {
  std::vector<std::uint64_t> out;
  for (double v : values) out.push_back(std::bit_cast<std::uint64_t>(v));
  return out;
}

Hdf5Attributes Attributes() {
  Hdf5Attributes a;
  a.grnsim_version = "0.9.1";
  a.model_hash = "0123456789abcdef";
  a.method = "direct";
  a.seed = 18446744073709551557ull;  // needs all 64 bits
  a.settings = {{"--t-end", "10"}, {"--runs", "4"}, {"--species", "A,B_2"}};
  return a;
}

// --- reading back ---------------------------------------------------------------

class H5File {
 public:
  explicit H5File(const std::string& path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    id_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  ~H5File() {
    if (id_ >= 0) H5Fclose(id_);
  }
  hid_t id() const { return id_; }

 private:
  hid_t id_ = -1;
};

std::vector<hsize_t> Dims(hid_t file, const std::string& name) {
  const hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << name;
  const hid_t space = H5Dget_space(d);
  std::vector<hsize_t> dims(H5Sget_simple_extent_ndims(space));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  H5Sclose(space);
  H5Dclose(d);
  return dims;
}

std::vector<double> ReadDoubles(hid_t file, const std::string& name) {
  std::vector<hsize_t> dims = Dims(file, name);
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  std::vector<double> out(n);
  const hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (n > 0) {
    EXPECT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0);
  }
  H5Dclose(d);
  return out;
}

std::vector<std::string> ReadStrings(hid_t file, const std::string& name) {
  const std::size_t n = Dims(file, name)[0];
  const hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  const hid_t type = H5Dget_type(d);
  EXPECT_TRUE(H5Tis_variable_str(type) > 0);
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  std::vector<char*> raw(n);
  EXPECT_GE(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  std::vector<std::string> out;
  for (char* s : raw) {
    out.push_back(s);
    H5free_memory(s);
  }
  H5Tclose(type);
  H5Dclose(d);
  return out;
}

std::string StringAttribute(hid_t file, const std::string& name) {
  const hid_t a = H5Aopen_by_name(file, "/", name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(a, 0) << name;
  if (a < 0) return "";
  const hid_t type = H5Aget_type(a);
  char* raw = nullptr;
  EXPECT_GE(H5Aread(a, type, &raw), 0);
  std::string out = raw == nullptr ? "" : raw;
  H5free_memory(raw);
  H5Tclose(type);
  H5Aclose(a);
  return out;
}

std::uint64_t SeedAttribute(hid_t file) {
  const hid_t a = H5Aopen_by_name(file, "/", "seed", H5P_DEFAULT, H5P_DEFAULT);
  std::uint64_t seed = 0;
  EXPECT_GE(H5Aread(a, H5T_NATIVE_UINT64, &seed), 0);
  H5Aclose(a);
  return seed;
}

void ExpectAttributes(hid_t file, const Hdf5Attributes& want) {
  EXPECT_EQ(StringAttribute(file, "grnsim_version"), want.grnsim_version);
  EXPECT_EQ(StringAttribute(file, "model_hash"), want.model_hash);
  EXPECT_EQ(StringAttribute(file, "method"), want.method);
  EXPECT_EQ(SeedAttribute(file), want.seed);
  for (const auto& [name, value] : want.settings) EXPECT_EQ(StringAttribute(file, name), value);
}

struct Storage {
  bool chunked = false;
  std::vector<hsize_t> chunk;
  int deflate_level = -1;  // -1: no deflate filter
  bool track_times = true;
};

Storage StorageOf(hid_t file, const std::string& name) {
  Storage s;
  const hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(d);
  s.chunked = H5Pget_layout(dcpl) == H5D_CHUNKED;
  if (s.chunked) {
    s.chunk.resize(8);
    s.chunk.resize(H5Pget_chunk(dcpl, 8, s.chunk.data()));
  }
  for (int i = 0; i < H5Pget_nfilters(dcpl); ++i) {
    unsigned flags = 0, values[4] = {};
    std::size_t num_values = 4;
    if (H5Pget_filter2(dcpl, i, &flags, &num_values, values, 0, nullptr, nullptr) ==
            H5Z_FILTER_DEFLATE &&
        num_values >= 1) {
      s.deflate_level = static_cast<int>(values[0]);
    }
  }
  // A dataset's creation properties read back do not show whether times were
  // stored, nor do H5O_info_t's times for this header version: look for the
  // modification time messages (types 0x12, and 0x0E of old files) instead.
  H5O_info_t info;
  EXPECT_GE(H5Oget_info_by_name2(file, name.c_str(), &info, H5O_INFO_HDR, H5P_DEFAULT), 0);
  s.track_times = (info.hdr.mesg.present & ((std::uint64_t{1} << 0x12) | (1u << 0x0E))) != 0;
  H5Pclose(dcpl);
  H5Dclose(d);
  return s;
}

void ExpectChunkedAndCompressed(hid_t file, const std::string& name) {
  const Storage s = StorageOf(file, name);
  EXPECT_TRUE(s.chunked) << name;
  EXPECT_EQ(s.deflate_level, 4) << name;
  EXPECT_FALSE(s.track_times) << name;
}

struct HistogramRow {
  std::uint64_t time_index;
  double low, high;
  std::uint64_t count;
};

std::vector<HistogramRow> ReadHistogram(hid_t file, const std::string& name) {
  const std::size_t n = Dims(file, name)[0];
  const hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(HistogramRow));
  H5Tinsert(type, "time_index", offsetof(HistogramRow, time_index), H5T_NATIVE_UINT64);
  H5Tinsert(type, "low", offsetof(HistogramRow, low), H5T_NATIVE_DOUBLE);
  H5Tinsert(type, "high", offsetof(HistogramRow, high), H5T_NATIVE_DOUBLE);
  H5Tinsert(type, "count", offsetof(HistogramRow, count), H5T_NATIVE_UINT64);
  std::vector<HistogramRow> rows(n);
  const hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  EXPECT_GE(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), 0);
  H5Dclose(d);
  H5Tclose(type);
  return rows;
}

// --- the statistics file -----------------------------------------------------------

constexpr std::size_t kSamples = 3, kSpecies = 2;

// Four runs with fractions (non-trivial means), a negative value and values
// above 512 (shared histogram bins).
EnsembleStats FourRuns() {
  EnsembleStats stats(kSamples, kSpecies, {0, 1});
  const std::vector<std::vector<double>> runs = {
      {0, 1, 2.5, 700, 3, 1000}, {1, 2, 0.1, 701, 4, 2000},
      {0, -3, 7, 702, 5, 3000},  {2, 2, 0.2, 9000, 6, 4000}};
  for (const auto& r : runs) stats.AddRun(r);
  return stats;
}

StatsTableLayout Layout() {
  StatsTableLayout layout;
  layout.species = {"A", "B_2"};
  layout.statistics = {Statistic::kMean, Statistic::kSd, Statistic::kMin, Statistic::kMax};
  layout.quantiles = {0.05, 0.5, 0.95};
  return layout;
}

const std::vector<double> kTimes = {0, 0.1, 0.30000000000000004};

TEST(WriteEnsembleHdf5Test, ReadsBackBitExact) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/ens.h5";
  const EnsembleStats stats = FourRuns();
  const StatsTableLayout layout = Layout();
  {
    const Status status = WriteEnsembleHdf5(path, Attributes(), layout, kTimes, stats, {1});
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"ens.h5"});

  H5File file(path);
  ASSERT_GE(file.id(), 0);
  ExpectAttributes(file.id(), Attributes());
  EXPECT_EQ(Bits(ReadDoubles(file.id(), "/time")), Bits(kTimes));
  EXPECT_EQ(ReadStrings(file.id(), "/species"), layout.species);

  using Getter = double (EnsembleStats::*)(std::size_t, std::size_t) const;
  const std::vector<std::pair<std::string, Getter>> statistics = {
      {"mean", &EnsembleStats::mean},
      {"sd", &EnsembleStats::sd},
      {"min", &EnsembleStats::min},
      {"max", &EnsembleStats::max}};
  for (const auto& [name, getter] : statistics) {
    const std::string dataset = "/statistics/" + name;
    EXPECT_EQ(Dims(file.id(), dataset), (std::vector<hsize_t>{kSamples, kSpecies}));
    std::vector<double> want;
    for (std::size_t i = 0; i < kSamples; ++i) {
      for (std::size_t s = 0; s < kSpecies; ++s) want.push_back((stats.*getter)(i, s));
    }
    EXPECT_EQ(Bits(ReadDoubles(file.id(), dataset)), Bits(want)) << dataset;
    ExpectChunkedAndCompressed(file.id(), dataset);
  }
  for (double q : layout.quantiles) {
    std::string dataset = "/quantiles/q";
    AppendNumber(dataset, q);
    std::vector<double> want;
    for (std::size_t i = 0; i < kSamples; ++i) {
      for (std::size_t s = 0; s < kSpecies; ++s) want.push_back(stats.quantile(i, s, q));
    }
    EXPECT_EQ(Bits(ReadDoubles(file.id(), dataset)), Bits(want)) << dataset;
    ExpectChunkedAndCompressed(file.id(), dataset);
  }
  EXPECT_GE(H5Lexists(file.id(), "/quantiles/q0.5", H5P_DEFAULT), 1);
  ExpectChunkedAndCompressed(file.id(), "/time");
  ExpectChunkedAndCompressed(file.id(), "/species");

  // The histogram table holds exactly the rows of HistogramCsv.
  EXPECT_EQ(H5Lexists(file.id(), "/histograms/A", H5P_DEFAULT), 0);
  ExpectChunkedAndCompressed(file.id(), "/histograms/B_2");
  std::string csv = "time,species,low,high,count\n";
  for (const HistogramRow& row : ReadHistogram(file.id(), "/histograms/B_2")) {
    ASSERT_LT(row.time_index, kTimes.size());
    AppendNumber(csv, kTimes[row.time_index]);
    csv += ",B_2,";
    if (row.low == -std::numeric_limits<double>::infinity()) {
      csv += "-inf";
    } else {
      AppendNumber(csv, row.low);
    }
    csv += ',';
    AppendNumber(csv, row.high);
    csv += ',' + std::to_string(row.count) + '\n';
  }
  EXPECT_EQ(csv, HistogramCsv(layout.species, {1}, kTimes, stats));
  EXPECT_NE(csv.find("-inf,-1,1\n"), std::string::npos);  // the negative run
}

TEST(WriteEnsembleHdf5Test, OnlyWhatWasAskedFor) {
  const std::string path = MakeTempDir() + "/ens.h5";
  StatsTableLayout layout;
  layout.species = {"A", "B_2"};  // mean and sd, no quantiles
  const EnsembleStats stats = FourRuns();
  {
    const Status status = WriteEnsembleHdf5(path, Attributes(), layout, kTimes, stats, {});
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  H5File file(path);
  EXPECT_GE(H5Lexists(file.id(), "/statistics/mean", H5P_DEFAULT), 1);
  EXPECT_GE(H5Lexists(file.id(), "/statistics/sd", H5P_DEFAULT), 1);
  EXPECT_EQ(H5Lexists(file.id(), "/statistics/min", H5P_DEFAULT), 0);
  EXPECT_EQ(H5Lexists(file.id(), "/quantiles", H5P_DEFAULT), 0);
  EXPECT_EQ(H5Lexists(file.id(), "/histograms", H5P_DEFAULT), 0);
}

TEST(WriteEnsembleHdf5Test, EqualResultsGiveEqualFilesAndReplaceOldOnes) {
  const std::string dir = MakeTempDir();
  const EnsembleStats stats = FourRuns();
  WriteFile(dir + "/a.h5", "old contents\n");
  {
    const Status status = WriteEnsembleHdf5(dir + "/a.h5", Attributes(), Layout(), kTimes, stats, {0, 1});
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  {
    const Status status = WriteEnsembleHdf5(dir + "/b.h5", Attributes(), Layout(), kTimes, stats, {0, 1});
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  const std::string a = ReadFile(dir + "/a.h5");
  EXPECT_EQ(a.substr(1, 3), "HDF");
  EXPECT_EQ(a, ReadFile(dir + "/b.h5"));
  EXPECT_EQ(DirEntries(dir), (std::vector<std::string>{"a.h5", "b.h5"}));
}

TEST(WriteEnsembleHdf5Test, UnwritableFolderLeavesNothingAndNamesThePath) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/no/such/dir/ens.h5";
  const Status s = WriteEnsembleHdf5(path, Attributes(), Layout(), kTimes, FourRuns(), {});
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message().rfind(path + ": cannot create the HDF5 file (HDF5: ", 0), 0u)
      << s.message();
  EXPECT_NE(s.message().find("No such file or directory"), std::string::npos) << s.message();
  EXPECT_TRUE(DirEntries(dir).empty());
  EXPECT_EQ(ProbeHdf5Output(path).code(), StatusCode::kIOError);
  EXPECT_TRUE(DirEntries(dir).empty());
}

TEST(WriteEnsembleHdf5Test, RefusesWhatCannotBeWritten) {
  const std::string dir = MakeTempDir();
  const EnsembleStats stats = FourRuns();
  EXPECT_EQ(WriteEnsembleHdf5("-", Attributes(), Layout(), kTimes, stats, {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteEnsembleHdf5(dir, Attributes(), Layout(), kTimes, stats, {}).code(),
            StatusCode::kIOError);
  // A species count that does not match, a histogram that was not kept.
  StatsTableLayout three = Layout();
  three.species.push_back("C");
  EXPECT_EQ(WriteEnsembleHdf5(dir + "/x.h5", Attributes(), three, kTimes, stats, {}).code(),
            StatusCode::kInvalidArgument);
  StatsTableLayout plain;
  plain.species = {"A", "B_2"};
  EXPECT_EQ(WriteEnsembleHdf5(dir + "/x.h5", Attributes(), plain, kTimes,
                              EnsembleStats(kSamples, kSpecies), {1})
                .code(),
            StatusCode::kInvalidArgument);
  Hdf5Attributes clash = Attributes();
  clash.settings.push_back({"seed", "1"});
  EXPECT_EQ(WriteEnsembleHdf5(dir + "/x.h5", clash, Layout(), kTimes, stats, {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(DirEntries(dir).empty());
  {
    const Status status = ProbeHdf5Output(dir + "/x.h5");
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_TRUE(DirEntries(dir).empty());
}

// --- saved runs ------------------------------------------------------------------

std::vector<double> RunValues(std::uint64_t run, std::size_t values) {
  std::vector<double> x(values);
  for (std::size_t k = 0; k < values; ++k) x[k] = static_cast<double>(run * 1000 + k) / 7.0;
  return x;
}

TEST(RunsHdf5WriterTest, StreamsRunsInOrder) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/runs.h5";
  const std::vector<std::string> species = {"A", "B_2"};
  auto writer = RunsHdf5Writer::Open(path, Attributes(), species, kTimes);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  RunsHdf5Writer& w = **writer;
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{
                                 std::filesystem::path(w.temp_path()).filename().string()});
  constexpr std::uint64_t kRuns = 5;
  std::vector<double> all;
  for (std::uint64_t r = 0; r < kRuns; ++r) {
    const std::vector<double> x = RunValues(r, kSamples * kSpecies);
    {
      const Status status = w.Append(r, x);
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
    all.insert(all.end(), x.begin(), x.end());
  }
  EXPECT_EQ(w.runs_written(), kRuns);
  {
    const Status status = w.Commit();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"runs.h5"});

  H5File file(path);
  ASSERT_GE(file.id(), 0);
  ExpectAttributes(file.id(), Attributes());
  EXPECT_EQ(Bits(ReadDoubles(file.id(), "/time")), Bits(kTimes));
  EXPECT_EQ(ReadStrings(file.id(), "/species"), species);
  EXPECT_EQ(Dims(file.id(), "/runs"), (std::vector<hsize_t>{kRuns, kSamples, kSpecies}));
  EXPECT_EQ(Bits(ReadDoubles(file.id(), "/runs")), Bits(all));
  ExpectChunkedAndCompressed(file.id(), "/runs");
  const Storage s = StorageOf(file.id(), "/runs");
  ASSERT_EQ(s.chunk.size(), 3u);
  EXPECT_EQ(s.chunk[1], kSamples);
  EXPECT_EQ(s.chunk[2], kSpecies);
}

// A run larger than a chunk is split, one run per chunk row.
TEST(RunsHdf5WriterTest, LargeRunsSpanSeveralChunks) {
  const std::string path = MakeTempDir() + "/runs.h5";
  const std::vector<double> times(300, 1.0);
  const std::vector<std::string> species(500, "S");
  auto writer = RunsHdf5Writer::Open(path, Attributes(), species, times);
  ASSERT_TRUE(writer.ok());
  const std::vector<double> r0 = RunValues(0, 150000), r1 = RunValues(1, 150000);
  {
    const Status status = (*writer)->Append(0, r0);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  {
    const Status status = (*writer)->Append(1, r1);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  {
    const Status status = (*writer)->Commit();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  H5File file(path);
  std::vector<double> both = r0;
  both.insert(both.end(), r1.begin(), r1.end());
  EXPECT_EQ(Bits(ReadDoubles(file.id(), "/runs")), Bits(both));
  const Storage s = StorageOf(file.id(), "/runs");
  ASSERT_EQ(s.chunk.size(), 3u);
  EXPECT_EQ(s.chunk[0], 1u);
  EXPECT_LT(s.chunk[1] * s.chunk[2], 150000u);
}

TEST(RunsHdf5WriterTest, RefusesRunsOutOfOrderOrOfTheWrongSize) {
  const std::string path = MakeTempDir() + "/runs.h5";
  auto writer = RunsHdf5Writer::Open(path, Attributes(), {"A", "B_2"}, kTimes);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->Append(1, RunValues(1, 6)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Append(0, RunValues(0, 5)).code(), StatusCode::kInvalidArgument);
  {
    const Status status = (*writer)->Append(0, RunValues(0, 6));
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ((*writer)->Append(0, RunValues(0, 6)).code(), StatusCode::kFailedPrecondition);
}

TEST(RunsHdf5WriterTest, UnwritableFolderFailsAtOpen) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/file", "x");
  const std::string path = dir + "/file/runs.h5";  // a file where a folder should be
  auto writer = RunsHdf5Writer::Open(path, Attributes(), {"A"}, kTimes);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), StatusCode::kIOError);
  EXPECT_EQ(writer.status().message().rfind(path + ": cannot create the HDF5 file (HDF5: ", 0),
            0u)
      << writer.status().message();
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"file"});
}

TEST(RunsHdf5WriterTest, DiscardAndDestructionLeaveNothing) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/kept.h5", "earlier result\n");
  {
    auto writer = RunsHdf5Writer::Open(dir + "/kept.h5", Attributes(), {"A", "B_2"}, kTimes);
    ASSERT_TRUE(writer.ok());
    {
      const Status status = (*writer)->Append(0, RunValues(0, 6));
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
    (*writer)->Discard();
    (*writer)->Discard();  // twice is harmless
    EXPECT_EQ((*writer)->Append(1, RunValues(1, 6)).code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ((*writer)->Commit().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"kept.h5"});
  {
    auto writer = RunsHdf5Writer::Open(dir + "/gone.h5", Attributes(), {"A", "B_2"}, kTimes);
    ASSERT_TRUE(writer.ok());
    {
      const Status status = (*writer)->Append(0, RunValues(0, 6));
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
  }  // destroyed without Commit
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"kept.h5"});
  EXPECT_EQ(ReadFile(dir + "/kept.h5"), "earlier result\n");
}

TEST(RunsHdf5WriterTest, NoRunsGiveAnEmptyDataset) {
  const std::string path = MakeTempDir() + "/runs.h5";
  auto writer = RunsHdf5Writer::Open(path, Attributes(), {"A", "B_2"}, kTimes);
  ASSERT_TRUE(writer.ok());
  {
    const Status status = (*writer)->Commit();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  H5File file(path);
  EXPECT_EQ(Dims(file.id(), "/runs"), (std::vector<hsize_t>{0, kSamples, kSpecies}));
}

}  // namespace
}  // namespace grn
