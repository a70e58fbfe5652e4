// tests/population/population_cli_test.cc
//
// End-to-end checks of `grnsim population` (runs the built binary,
// GRNSIM_BINARY): identical output files for 1 and 2 threads, the summary
// columns, provenance lines, bad input (exit 2 with file:line:col), and the
// plot (skipped, exit 0, when gnuplot is not on PATH).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::MakeTempDir;
using test_support::ReadFile;
using test_support::WriteFile;

struct Result {
  int exit_code;
  std::string out, err;
};

Result Grnsim(const std::string& dir, const std::string& args, const std::string& env = "") {
  const std::string out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  const std::string command = (env.empty() ? "" : "env " + env + " ") + GRNSIM_BINARY + " " +
                              args + " > " + out + " 2> " + err + " < /dev/null";
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, ReadFile(out), ReadFile(err)};
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

const std::string kToggle =
    std::string(GRN_SOURCE_DIR) + "/tests/testdata/population/toggle.textproto";
const std::string kSmallRun = "population " + kToggle +
                              " --cells 30 --days 3 --replicates 3 --seed 7 --quiet";

TEST(PopulationCliTest, SameFilesForOneAndTwoThreads) {
  const std::string dir = MakeTempDir();
  const Result one = Grnsim(dir, kSmallRun + " --threads 1 --output " + dir + "/t1");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const Result two = Grnsim(dir, kSmallRun + " --threads 2 --output " + dir + "/t2");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  for (const char* file : {"/replicates.csv", "/summary.csv"}) {
    const std::string a = ReadFile(dir + "/t1" + file);
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_EQ(a, ReadFile(dir + "/t2" + file)) << file;
  }
  const std::string summary = ReadFile(dir + "/t1/summary.csv");
  EXPECT_TRUE(Contains(summary,
                       "\nday,osteo_fraction,adipo_fraction,uncommitted_fraction,log2_ratio,"
                       "log2_ratio_lo,log2_ratio_hi\n0,"))
      << summary;
  EXPECT_TRUE(Contains(summary, "# grnsim ")) << "provenance line";
  EXPECT_TRUE(Contains(summary, "(fnv1a64 ")) << "network hash";
  EXPECT_TRUE(Contains(summary, "seed 7; replicates 3; cells 30")) << summary;
  const std::string replicates = ReadFile(dir + "/t1/replicates.csv");
  EXPECT_TRUE(Contains(replicates, "\nreplicate,day,cells,osteo_count,adipo_count,")) << replicates;
  EXPECT_TRUE(Contains(replicates, "\n2,3,")) << "replicate 2, day 3";
  EXPECT_TRUE(Contains(one.out, "log2 R")) << one.out;
}

TEST(PopulationCliTest, ScenariosApplyAndAreRecorded) {
  // Without self-activation (k1 = 0) neither gene switches on: no commitment.
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/off.textproto",
            "# proto-message: grnsim.v1.Scenario\nname: \"off\"\nset { name: \"k1\" value: 0 }\n");
  const Result r = Grnsim(dir, kSmallRun + " --scenario " + dir + "/off.textproto --output " + dir +
                                   "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string summary = ReadFile(dir + "/out/summary.csv");
  EXPECT_TRUE(Contains(summary, "; scenarios " + dir + "/off.textproto; ")) << summary;
  EXPECT_TRUE(Contains(summary, "\n3,0,0,")) << "no osteo, no adipo at day 3:\n" << summary;
  const Result missing = Grnsim(dir, kSmallRun + " --scenario " + dir + "/none.textproto");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(Contains(missing.err, "none.textproto")) << missing.err;
}

TEST(PopulationCliTest, SnapshotWritesMarkersAndBimodalityWithoutChangingTheRun) {
  const std::string dir = MakeTempDir();
  const Result plain = Grnsim(dir, kSmallRun + " --output " + dir + "/plain");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const Result snap =
      Grnsim(dir, kSmallRun + " --output " + dir + "/snap --snapshot 2 --markers A,B");
  ASSERT_EQ(snap.exit_code, 0) << snap.err;
  // Snapshots only look: the run and its files are the same.
  EXPECT_EQ(ReadFile(dir + "/plain/replicates.csv"), ReadFile(dir + "/snap/replicates.csv"));
  const std::string cells = ReadFile(dir + "/snap/snapshot_day2.csv");
  EXPECT_TRUE(Contains(cells, "\nreplicate,day,lineage,fate,committed_day,A,B\n")) << cells;
  const std::string stats = ReadFile(dir + "/snap/bimodality.csv");
  EXPECT_TRUE(Contains(stats, "\nday,marker,n,bc,dip,dip_p,delta_bic,ashman_d,valley\n2,A,"))
      << stats;
  EXPECT_TRUE(Contains(stats, "\n2,B,")) << stats;
  // An unknown marker is bad input.
  const Result bad = Grnsim(dir, kSmallRun + " --output " + dir + "/bad --snapshot 2 --markers X");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "--markers: 'X' is not a species")) << bad.err;
}

TEST(PopulationCliTest, BadInput) {
  const std::string dir = MakeTempDir();
  EXPECT_EQ(Grnsim(dir, "population --help").exit_code, 0);
  EXPECT_EQ(Grnsim(dir, "population").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, kSmallRun + " --mode cubic").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, kSmallRun + " --method ode").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, kSmallRun + " --cells 401").exit_code, 2) << "20x20 lattice";
  const Result no_fate = Grnsim(dir, kSmallRun + " --adipo-fate fat");
  EXPECT_EQ(no_fate.exit_code, 2);
  EXPECT_TRUE(Contains(no_fate.err, "fate 'fat' is not declared (declared: osteo, adipo)"))
      << no_fate.err;

  std::string text = ReadFile(kToggle);
  text.replace(text.find("dwell: 24"), 9, "dwell: -24");
  WriteFile(dir + "/bad.textproto", text);
  const Result bad = Grnsim(dir, "population " + dir + "/bad.textproto --seed 1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "bad.textproto:"));
  EXPECT_TRUE(Contains(bad.err, ": fate 'osteo': dwell -24 must be finite and >= 0")) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out"));
}

TEST(PopulationCliTest, PlotOrSayWhyNot) {
  const std::string dir = MakeTempDir();
  const Result missing = Grnsim(dir, kSmallRun + " --plot " + dir + "/p.svg", "PATH=/nonexistent");
  EXPECT_EQ(missing.exit_code, 0);
  EXPECT_TRUE(Contains(missing.err, "gnuplot not found")) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.svg"));
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "gnuplot is not installed";
  }
  const Result drawn = Grnsim(dir, kSmallRun + " --plot " + dir + "/p.svg");
  EXPECT_EQ(drawn.exit_code, 0) << drawn.err;
  EXPECT_TRUE(Contains(ReadFile(dir + "/p.svg"), "<svg"));
}

}  // namespace
}  // namespace grn
