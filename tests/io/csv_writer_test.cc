// tests/io/csv_writer_test.cc
//
// CSV output byte for byte (trajectory and ensemble), the shortest
// round-trip number format, and AtomicFile's all-or-nothing contract.
#include "engine/io/csv_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "engine/io/atomic_file.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::MakeTempDir;
using test_support::ReadFile;

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string Num(double v) {
  std::string s;
  AppendNumber(s, v);
  return s;
}

TEST(AppendNumberTest, ShortestRoundTrip) {
  EXPECT_EQ(Num(0.0), "0");
  EXPECT_EQ(Num(42.0), "42");
  EXPECT_EQ(Num(-3.0), "-3");
  EXPECT_EQ(Num(0.1), "0.1");
  EXPECT_EQ(Num(2.5), "2.5");
  EXPECT_EQ(Num(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(Num(1e-7), "1e-07");
  const double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(Num(third)), third);
}

// Counts print as integers, although std::to_chars' shortest form would write
// 100000 as "1e+05".
TEST(AppendNumberTest, WholeCountsPrintAsIntegers) {
  EXPECT_EQ(Num(100000.0), "100000");
  EXPECT_EQ(Num(1200000.0), "1200000");
}

TEST(TrajectoryCsvWriterTest, ByteForByte) {
  const std::string path = MakeTempDir() + "/traj.csv";
  TrajectoryCsvWriter writer(path, {"A", "B_2"});
  ASSERT_TRUE(writer.Append(0.0, std::vector<double>{10, 0}).ok());
  ASSERT_TRUE(writer.Append(0.25, std::vector<double>{9, 1}).ok());
  ASSERT_TRUE(writer.Append(0.5, std::vector<double>{7, 3}).ok());
  ASSERT_TRUE(writer.Commit().ok());
  EXPECT_EQ(ReadFile(path), "time,A,B_2\n0,10,0\n0.25,9,1\n0.5,7,3\n");
}

TEST(TrajectoryCsvWriterTest, LargeOutputIsFlushedInPiecesAndComplete) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/big.csv";
  std::string expected = "time,X\n";
  {
    TrajectoryCsvWriter writer(path, {"X"});
    for (int i = 0; i < 20000; ++i) {
      ASSERT_TRUE(writer.Append(i, std::vector<double>{static_cast<double>(i % 97)}).ok());
      expected += std::to_string(i) + "," + std::to_string(i % 97) + "\n";
    }
    // Before Commit the target does not exist, even though data was flushed.
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(writer.Commit().ok());
  }
  EXPECT_EQ(ReadFile(path), expected);
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"big.csv"});
}

TEST(TrajectoryCsvWriterTest, NotCommittedLeavesNothing) {
  const std::string dir = MakeTempDir();
  {
    TrajectoryCsvWriter writer(dir + "/never.csv", {"A"});
    ASSERT_TRUE(writer.Append(0.0, std::vector<double>{1}).ok());
  }
  EXPECT_TRUE(DirEntries(dir).empty());
}

TEST(WriteEnsembleCsvTest, ByteForByte) {
  // Two species, two samples, three runs.
  EnsembleStats stats(2, 2);
  stats.AddRun(std::vector<double>{1, 10, 2, 20});
  stats.AddRun(std::vector<double>{2, 10, 4, 24});
  stats.AddRun(std::vector<double>{3, 10, 6, 28});
  const std::string path = MakeTempDir() + "/ens.csv";
  ASSERT_TRUE(WriteEnsembleCsv(path, {"A", "B"}, {0.0, 1.5}, stats).ok());
  // Sample 0: A = 1,2,3 (mean 2, sd 1); B = 10,10,10 (mean 10, sd 0).
  // Sample 1: A = 2,4,6 (mean 4, sd 2); B = 20,24,28 (mean 24, sd 4).
  EXPECT_EQ(ReadFile(path),
            "time,A.mean,A.sd,B.mean,B.sd\n"
            "0,2,1,10,0\n"
            "1.5,4,2,24,4\n");
}

TEST(AtomicFileTest, CommitMovesIntoPlace) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/out.txt";
  {
    AtomicFile f(path);
    ASSERT_TRUE(f.status().ok()) << f.status().message();
    f.Write("hello ");
    f.Write("world\n");
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_EQ(DirEntries(dir).size(), 1u);  // only the temporary
    ASSERT_TRUE(f.Commit().ok());
  }
  EXPECT_EQ(ReadFile(path), "hello world\n");
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"out.txt"});
}

TEST(AtomicFileTest, NotCommittedLeavesNoFileAndNoTemporary) {
  const std::string dir = MakeTempDir();
  {
    AtomicFile f(dir + "/out.txt");
    ASSERT_TRUE(f.status().ok());
    f.Write("partial result");
  }
  EXPECT_TRUE(DirEntries(dir).empty());
}

TEST(AtomicFileTest, UncommittedRewriteKeepsTheOldFile) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/out.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "old\n").ok());
  {
    AtomicFile f(path);
    f.Write("new, but abandoned\n");
  }
  EXPECT_EQ(ReadFile(path), "old\n");
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"out.txt"});
  ASSERT_TRUE(WriteFileAtomically(path, "new\n").ok());
  EXPECT_EQ(ReadFile(path), "new\n");
}

TEST(AtomicFileTest, MissingDirectoryIsAnIOError) {
  const std::string path = MakeTempDir() + "/no/such/dir/out.csv";
  AtomicFile f(path);
  EXPECT_EQ(f.status().code(), StatusCode::kIOError);
  EXPECT_EQ(f.status().message().rfind(path + ": cannot create output file", 0), 0u)
      << f.status().message();
  f.Write("x");
  const Status s = f.Commit();
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(WriteEnsembleCsv(path, {"A"}, {0.0}, EnsembleStats(1, 1)).code(),
            StatusCode::kIOError);
}

}  // namespace
}  // namespace grn
