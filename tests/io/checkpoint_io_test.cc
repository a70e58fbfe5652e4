// tests/io/checkpoint_io_test.cc
//
// Checkpoint files: a round trip keeps every number; a checkpoint from
// another model, seed or option set is refused naming what differs; damaged
// or foreign bytes (wrong sizes, gaps, counts that do not add up, garbage)
// are refused before anything is indexed; MPI rank statistics round-trip.
#include "engine/io/checkpoint_io.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "proto/checkpoint.pb.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

constexpr std::uint64_t kRuns = 40;  // blocks 0..2, the last of 8 runs

EnsembleShape Shape(bool keep_runs = true) {
  return EnsembleShape{kRuns, /*samples=*/2, /*species=*/2, /*histogram_species=*/{1},
                       /*block_begin=*/0, /*block_end=*/3, keep_runs};
}

CheckpointIdentity Identity() {
  return CheckpointIdentity{"0123456789abcdef", 42, {{"--t-end", "10"}, {"--runs", "40"}}};
}

std::vector<double> RunValues(double base) { return {base, base + 1, base + 2, base + 3}; }

// Block 0 merged, block 2 partly run (3 of 8 runs).
EnsembleCheckpoint State() {
  EnsembleCheckpoint c;
  c.merged = BlockReduction(2, 2, {1}, 0);
  EnsembleStats block0(2, 2);
  std::vector<double> raw;
  for (int r = 0; r < 16; ++r) {
    block0.AddRun(RunValues(r));
    const auto x = RunValues(r);
    raw.insert(raw.end(), x.begin(), x.end());
  }
  c.merged.PushBlock(block0, raw);
  c.events = 1234;
  EnsembleBlock partial;
  partial.index = 2;
  partial.events = 55;
  partial.stats = EnsembleStats(2, 2);
  for (int r = 0; r < 3; ++r) {
    partial.stats.AddRun(RunValues(100 + r));
    const auto x = RunValues(100 + r);
    partial.runs.insert(partial.runs.end(), x.begin(), x.end());
  }
  c.pending.push_back(partial);
  return c;
}

TEST(CheckpointIoTest, RoundTripKeepsEveryNumber) {
  const std::string bytes = SerializeCheckpoint(Identity(), State(), 777);
  auto loaded = ParseCheckpoint(bytes, "ck", Identity(), Shape());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->saved_runs_bytes, 777u);
  EXPECT_EQ(loaded->state.events, 1234u);
  EXPECT_EQ(loaded->state.merged.end_block(), 1u);
  EXPECT_EQ(loaded->state.merged.runs(), 16u);
  const EnsembleStats a = State().merged.Result(), b = loaded->state.merged.Result();
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t s = 0; s < 2; ++s) {
      EXPECT_EQ(a.mean(i, s), b.mean(i, s));
      EXPECT_EQ(a.sd(i, s), b.sd(i, s));
      EXPECT_EQ(a.max(i, s), b.max(i, s));
    }
    EXPECT_EQ(a.histogram(i, 1)->counts(), b.histogram(i, 1)->counts());
  }
  ASSERT_EQ(loaded->state.pending.size(), 1u);
  EXPECT_EQ(loaded->state.pending[0].index, 2u);
  EXPECT_EQ(loaded->state.pending[0].events, 55u);
  EXPECT_EQ(loaded->state.pending[0].stats.runs(), 3u);
  EXPECT_EQ(loaded->state.pending[0].runs, State().pending[0].runs);
}

TEST(CheckpointIoTest, WriteAndReadAFile) {
  const std::string path = test_support::MakeTempDir() + "/ck";
  EXPECT_EQ(ReadCheckpoint(path, Identity(), Shape()).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(WriteCheckpoint(path, Identity(), State(), 0).ok());
  EXPECT_TRUE(ReadCheckpoint(path, Identity(), Shape()).ok());
}

std::string RefusalMessage(const CheckpointIdentity& now) {
  auto loaded = ParseCheckpoint(SerializeCheckpoint(Identity(), State(), 0), "ck", now, Shape());
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  return loaded.status().message();
}

TEST(CheckpointIoTest, RefusesAnotherModelSeedOrOptions) {
  CheckpointIdentity model = Identity();
  model.model_hash = "fedcba9876543210";
  EXPECT_NE(RefusalMessage(model).find("the model (network hash 0123456789abcdef in the checkpoint, "
                                       "fedcba9876543210 now)"),
            std::string::npos)
      << RefusalMessage(model);
  CheckpointIdentity seed = Identity();
  seed.seed = 43;
  EXPECT_NE(RefusalMessage(seed).find("--seed (42 in the checkpoint, 43 now)"), std::string::npos);
  CheckpointIdentity options = Identity();
  options.settings[0].second = "20";
  options.settings.push_back({"--species", "A,B"});
  const std::string message = RefusalMessage(options);
  EXPECT_NE(message.find("--t-end (10 in the checkpoint, 20 now)"), std::string::npos) << message;
  EXPECT_NE(message.find("--species (absent in the checkpoint, A,B now)"), std::string::npos);
  EXPECT_EQ(message.rfind("ck: checkpoint was made with a different ", 0), 0u) << message;
}

// Decodes, edits and re-encodes a valid checkpoint.
template <class Edit>
StatusOr<LoadedCheckpoint> ParseEdited(Edit edit, const EnsembleShape& shape = Shape()) {
  grnsim::v1::Checkpoint c;
  EXPECT_TRUE(c.ParseFromString(SerializeCheckpoint(Identity(), State(), 0)));
  edit(c);
  return ParseCheckpoint(c.SerializeAsString(), "ck", Identity(), shape);
}

TEST(CheckpointIoTest, RefusesDamagedContents) {
  using C = grnsim::v1::Checkpoint;
  const std::vector<std::pair<const char*, std::function<void(C&)>>> cases = {
      {"version", [](C& c) { c.set_version(2); }},
      {"short means", [](C& c) { c.mutable_merged()->mutable_nodes(0)->mutable_moments()->mutable_mean()->RemoveLast(); }},
      {"long m2", [](C& c) { c.mutable_merged()->mutable_nodes(0)->mutable_moments()->add_m2(1); }},
      {"node gap", [](C& c) { c.mutable_merged()->mutable_nodes(0)->set_first_block(1); }},
      {"huge level", [](C& c) { c.mutable_merged()->mutable_nodes(0)->set_level(4000000000u); }},
      {"end beyond range", [](C& c) { c.mutable_merged()->set_end_block(99); }},
      {"runs do not add up", [](C& c) { c.mutable_merged()->mutable_nodes(0)->mutable_moments()->set_runs(15); }},
      {"too many runs", [](C& c) { c.mutable_merged()->mutable_nodes(0)->mutable_moments()->set_runs(17); }},
      {"histogram total", [](C& c) { c.mutable_merged()->mutable_order_free()->mutable_histograms(0)->set_negative(5); }},
      {"histogram bins", [](C& c) { c.mutable_merged()->mutable_order_free()->mutable_histograms(0)->set_first_bin(11775); }},
      {"missing histograms", [](C& c) { c.mutable_merged()->mutable_order_free()->mutable_histograms()->RemoveLast(); }},
      {"histogram species", [](C& c) { c.mutable_merged()->mutable_order_free()->set_histogram_species(0, 0); }},
      {"extrema size", [](C& c) { c.mutable_merged()->mutable_order_free()->add_min(0); }},
      {"samples", [](C& c) { c.mutable_merged()->mutable_order_free()->set_num_samples(3); }},
      {"block index beyond", [](C& c) { c.mutable_pending(0)->set_index(3); }},
      {"block index merged", [](C& c) { c.mutable_pending(0)->set_index(0); }},
      {"block too full", [](C& c) { c.mutable_pending(0)->mutable_stats()->mutable_moments()->set_runs(9); }},
      {"block empty", [](C& c) { c.mutable_pending(0)->mutable_stats()->mutable_moments()->set_runs(0); }},
      {"block runs size", [](C& c) { c.mutable_pending(0)->add_runs(1); }},
      {"block histograms", [](C& c) { c.mutable_pending(0)->mutable_stats()->add_histogram_species(0); }},
      {"duplicate block", [](C& c) { *c.add_pending() = c.pending(0); }},
  };
  for (const auto& [name, edit] : cases) {
    auto loaded = ParseEdited(edit);
    EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(loaded.status().message().rfind("ck: ", 0), 0u) << name << ": " << loaded.status().message();
  }
  // Trajectories present although the ensemble keeps none.
  EXPECT_FALSE(ParseEdited([](C&) {}, Shape(/*keep_runs=*/false)).ok());
}

TEST(CheckpointIoTest, RefusesGarbageAndTruncation) {
  const std::string bytes = SerializeCheckpoint(Identity(), State(), 0);
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_FALSE(ParseCheckpoint(bytes.substr(0, cut), "ck", Identity(), Shape()).ok()) << cut;
  }
  EXPECT_FALSE(ParseCheckpoint("\xff\xff\xff\xff garbage", "ck", Identity(), Shape()).ok());
}

TEST(CheckpointIoTest, RankStatisticsRoundTrip) {
  EnsembleShape shape = Shape();
  shape.block_begin = 1;
  shape.block_end = 3;
  BlockReduction part(2, 2, {1}, 1);
  for (std::uint64_t b = 1; b < 3; ++b) {
    EnsembleStats block(2, 2);
    std::vector<double> raw;
    for (int r = 0; r < (b == 2 ? 8 : 16); ++r) {
      block.AddRun(RunValues(r * b));
      const auto x = RunValues(r * b);
      raw.insert(raw.end(), x.begin(), x.end());
    }
    part.PushBlock(block, raw);
  }
  auto parsed = ParseReduction(SerializeReduction(part, 99), shape);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->second, 99u);
  EXPECT_EQ(parsed->first.runs(), 24u);
  EXPECT_EQ(parsed->first.Result().mean(1, 1), part.Result().mean(1, 1));
  shape.block_end = 4;  // a rank that should have had more blocks
  EXPECT_FALSE(ParseReduction(SerializeReduction(part, 99), shape).ok());
}

}  // namespace
}  // namespace grn
