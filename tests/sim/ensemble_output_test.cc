// tests/sim/ensemble_output_test.cc
//
// Ensemble output files byte for byte: the statistics table with chosen
// statistics and quantiles, the histogram table, and saved runs, including a
// partial saved-runs file cut back and continued after a resume.
#include "engine/sim/ensemble_output.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

TEST(EnsembleOutputTest, ParseStatisticsAndQuantiles) {
  auto s = ParseStatistics("max,mean");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (std::vector<Statistic>{Statistic::kMax, Statistic::kMean}));
  EXPECT_FALSE(ParseStatistics("mean,median").ok());
  EXPECT_FALSE(ParseStatistics("sd,sd").ok());
  EXPECT_FALSE(ParseStatistics("").ok());
  auto q = ParseQuantiles("0,0.05,0.5,1");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q, (std::vector<double>{0, 0.05, 0.5, 1}));
  for (const char* bad : {"0.5,0.05", "1.5", "-0.1", "0.5,", "abc", "0.5x", "nan"}) {
    EXPECT_FALSE(ParseQuantiles(bad).ok()) << bad;
  }
  EXPECT_NE(ParseQuantiles("1.5").status().message().find("'1.5' is not a number in [0, 1]"),
            std::string::npos);
}

TEST(EnsembleOutputTest, StatsTableByteForByte) {
  // Runs (A, B) at two times: (1, 10), (3, 10) and (2, 20), (6, 20).
  EnsembleStats stats(2, 2, {0});
  stats.AddRun(std::vector<double>{1, 10, 2, 20});
  stats.AddRun(std::vector<double>{3, 10, 6, 20});
  StatsTableLayout layout;
  layout.species = {"A", "B"};
  layout.statistics = {Statistic::kMean, Statistic::kSd, Statistic::kMin, Statistic::kMax};
  EXPECT_EQ(EnsembleStatsCsv(layout, {0, 1.5}, stats),
            "time,A.mean,A.sd,A.min,A.max,B.mean,B.sd,B.min,B.max\n"
            "0,2,1.4142135623730951,1,3,10,0,10,10\n"
            "1.5,4,2.8284271247461903,2,6,20,0,20,20\n");
  layout.species = {"A", "B"};
  layout.statistics = {Statistic::kMean};
  layout.quantiles = {0.5};
  EnsembleStats only_a(2, 2, {0, 1});
  only_a.AddRun(std::vector<double>{1, 10, 2, 20});
  only_a.AddRun(std::vector<double>{3, 10, 6, 20});
  only_a.AddRun(std::vector<double>{5, 10, 4, 20});
  EXPECT_EQ(EnsembleStatsCsv(layout, {0, 1.5}, only_a),
            "time,A.mean,A.q0.5,B.mean,B.q0.5\n"
            "0,3,3,10,10\n"
            "1.5,4,4,20,20\n");
}

TEST(EnsembleOutputTest, HistogramTable) {
  EnsembleStats stats(1, 2, {1});
  for (double b : {3.0, 3.0, 700.0, -1.0}) stats.AddRun(std::vector<double>{0, b});
  EXPECT_EQ(HistogramCsv({"A", "B"}, {1}, {2.5}, stats),
            "time,species,low,high,count\n"
            "2.5,B,-inf,-1,1\n"
            "2.5,B,3,3,2\n"
            "2.5,B,700,701,1\n");
}

TEST(EnsembleOutputTest, SavedRunsStreamAndResume) {
  const std::string dir = test_support::MakeTempDir();
  const std::string path = dir + "/runs.csv", partial = path + ".partial";
  std::uint64_t valid = 0;
  {
    auto w = RunsCsvWriter::Open(path, partial, {"A", "B"}, {0, 1}, true, 0);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(0, std::vector<double>{1, 2, 3, 4.5}).ok());
    auto synced = (*w)->Sync();
    ASSERT_TRUE(synced.ok());
    valid = *synced;
    // Written after the last checkpoint, then the process dies.
    ASSERT_TRUE((*w)->Append(1, std::vector<double>{9, 9, 9, 9}).ok());
    ASSERT_TRUE((*w)->Sync().ok());
  }
  EXPECT_EQ(valid, std::string("run,time,A,B\n0,0,1,2\n0,1,3,4.5\n").size());
  auto w = RunsCsvWriter::Open(path, partial, {"A", "B"}, {0, 1}, true, valid);
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_TRUE((*w)->Append(1, std::vector<double>{5, 6, 7, 8}).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(test_support::ReadFile(path), "run,time,A,B\n0,0,1,2\n0,1,3,4.5\n1,0,5,6\n1,1,7,8\n");
  // A partial file shorter than the checkpoint says cannot be continued.
  test_support::WriteFile(partial, "run,time\n");
  EXPECT_EQ(RunsCsvWriter::Open(path, partial, {"A"}, {0}, true, 100).status().code(),
            StatusCode::kIOError);
}

}  // namespace
}  // namespace grn
