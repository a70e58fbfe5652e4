// tests/tools/simulate_hdf5_test.cc
//
// `grnsim simulate --format hdf5` end to end: the statistics in the HDF5 file
// are bit-for-bit those of the CSV of the same seed, the saved runs have the
// shape runs × samples × species, the root attributes carry the provenance
// the CSV's `#` lines carry, and the file does not depend on --threads.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

const std::string kModel = GRN_SOURCE_DIR "/bench/models/dimer_decay.textproto";

int Grnsim(const std::string& args) {
  const int raw = std::system((std::string(GRNSIM_BINARY) + " " + args + " 2>/dev/null").c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct H5 {
  explicit H5(const std::string& path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  ~H5() {
    if (id >= 0) H5Fclose(id);
  }
  std::vector<double> Doubles(const std::string& name, std::vector<hsize_t>* dims_out) const {
    const hid_t d = H5Dopen2(id, name.c_str(), H5P_DEFAULT);
    if (d < 0) return {};
    const hid_t space = H5Dget_space(d);
    std::vector<hsize_t> dims(H5Sget_simple_extent_ndims(space));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    hsize_t n = 1;
    for (hsize_t k : dims) n *= k;
    std::vector<double> values(n);
    if (n > 0) H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Sclose(space);
    H5Dclose(d);
    if (dims_out != nullptr) *dims_out = dims;
    return values;
  }
  std::string StringAttribute(const std::string& name) const {
    const hid_t a = H5Aopen_by_name(id, "/", name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) return "<missing>";
    const hid_t type = H5Aget_type(a);
    std::string value;
    if (H5Tis_variable_str(type) > 0) {
      char* raw = nullptr;
      H5Aread(a, type, &raw);
      value = raw == nullptr ? "" : raw;
      H5free_memory(raw);
    } else {
      value.resize(H5Tget_size(type));
      H5Aread(a, type, value.data());
      value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
    }
    H5Tclose(type);
    H5Aclose(a);
    return value;
  }
  std::uint64_t SeedAttribute() const {
    std::uint64_t seed = 0;
    const hid_t a = H5Aopen_by_name(id, "/", "seed", H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
      H5Aread(a, H5T_NATIVE_UINT64, &seed);
      H5Aclose(a);
    }
    return seed;
  }
  hid_t id = -1;
};

// The CSV's data rows (after the '#' lines and the header) as numbers.
std::vector<std::vector<double>> CsvRows(const std::string& path, std::string* model_line) {
  std::ifstream in(path);
  std::vector<std::vector<double>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.rfind("# model: ", 0) == 0 && model_line != nullptr) *model_line = line.substr(9, 16);
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<double> row;
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) row.push_back(std::strtod(cell.c_str(), nullptr));
    rows.push_back(row);
  }
  return rows;
}

TEST(SimulateHdf5Test, StatisticsMatchTheCsvBitForBitWithProvenance) {
  const std::string dir = test_support::MakeTempDir();
  const std::string common = kModel + " --runs 40 --t-end 1 --steps 4 --seed 3 --quiet";
  ASSERT_EQ(Grnsim("simulate " + common + " --output " + dir + "/s.csv"), 0);
  ASSERT_EQ(Grnsim("simulate " + common + " --output " + dir + "/s.h5 --save-runs " + dir +
                   "/runs.h5 --threads 1"),
            0);
  std::string model_hash;
  const auto csv = CsvRows(dir + "/s.csv", &model_hash);
  ASSERT_EQ(csv.size(), 5u);
  H5 file(dir + "/s.h5");
  ASSERT_GE(file.id, 0);
  std::vector<hsize_t> dims;
  const std::vector<double> mean = file.Doubles("/statistics/mean", &dims);
  const std::vector<double> sd = file.Doubles("/statistics/sd", nullptr);
  ASSERT_EQ(dims, (std::vector<hsize_t>{5, 3}));
  ASSERT_EQ(sd.size(), 15u);
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_EQ(csv[i].size(), 7u);
    for (std::size_t s = 0; s < 3; ++s) {
      EXPECT_EQ(mean[i * 3 + s], csv[i][1 + 2 * s]) << i << "," << s;
      EXPECT_EQ(sd[i * 3 + s], csv[i][2 + 2 * s]) << i << "," << s;
    }
  }
  EXPECT_EQ(file.StringAttribute("method"), "direct");
  EXPECT_EQ(file.StringAttribute("model_hash"), model_hash);
  EXPECT_EQ(file.SeedAttribute(), 3u);
  EXPECT_EQ(file.StringAttribute("--runs"), "40");

  H5 runs(dir + "/runs.h5");
  ASSERT_GE(runs.id, 0);
  const std::vector<double> values = runs.Doubles("/runs", &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{40, 5, 3}));
  EXPECT_EQ(values[0], 10000.0);  // run 0 at t = 0: S1
  // The saved runs give the statistics: the mean of S1 at t = 1.
  double sum = 0;
  for (std::size_t r = 0; r < 40; ++r) sum += values[r * 15 + 4 * 3 + 0];
  EXPECT_NEAR(sum / 40, mean[4 * 3 + 0], 1e-9 * mean[4 * 3 + 0]);

  // Threads change nothing in the file.
  ASSERT_EQ(Grnsim("simulate " + common + " --output " + dir + "/s2.h5 --threads 2"), 0);
  EXPECT_EQ(Slurp(dir + "/s.h5"), Slurp(dir + "/s2.h5"));
  std::filesystem::remove_all(dir);
}

TEST(SimulateHdf5Test, RefusedCombinationsExitTwoAndWriteNothing) {
  const std::string dir = test_support::MakeTempDir();
  EXPECT_EQ(Grnsim("simulate " + kModel + " --runs 4 --format hdf5 --output -"), 2);
  EXPECT_EQ(Grnsim("simulate " + kModel + " --runs 4 --format xml --output " + dir + "/x"), 2);
  EXPECT_EQ(Grnsim("simulate " + kModel + " --runs 4 --t-end 1 --output " + dir +
                   "/x.h5 --save-runs " + dir + "/r.h5 --checkpoint " + dir + "/c"),
            2);
  EXPECT_EQ(Grnsim("simulate " + kModel + " --runs 4 --t-end 1 --output " + dir +
                   "/missing/x.h5"),
            1);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace grn
