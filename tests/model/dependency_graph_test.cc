// tests/model/dependency_graph_test.cc
//
// BuildDependencies against hand-built read/change lists, including a brute
// force check of the definition {r} ∪ {q : reads(q) ∩ changes(r) ≠ ∅}.
#include "engine/model/dependency_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "engine/base/rng.h"

namespace grn {
namespace {

using Lists = std::vector<std::vector<std::uint32_t>>;

std::vector<std::uint32_t> Row(const CsrIndex& deps, std::size_t r) {
  auto row = deps.row(r);
  return {row.begin(), row.end()};
}

TEST(DependencyGraphTest, EmptyNetwork) {
  const CsrIndex deps = BuildDependencies(3, {}, {});
  EXPECT_EQ(deps.num_rows(), 0u);
  EXPECT_TRUE(deps.index.empty());
}

TEST(DependencyGraphTest, ReactionThatChangesNothingDependsOnlyOnItself) {
  const CsrIndex deps = BuildDependencies(2, Lists{{0}, {1}}, Lists{{}, {0}});
  ASSERT_EQ(deps.num_rows(), 2u);
  EXPECT_EQ(Row(deps, 0), (std::vector<std::uint32_t>{0}));
  // Reaction 1 changes species 0, which reaction 0 reads.
  EXPECT_EQ(Row(deps, 1), (std::vector<std::uint32_t>{0, 1}));
}

// A chain S0 → S1 → S2 → S3 (reaction i reads S_i, changes S_i and S_{i+1}).
TEST(DependencyGraphTest, Chain) {
  const Lists reads = {{0}, {1}, {2}};
  const Lists changes = {{0, 1}, {1, 2}, {2, 3}};
  const CsrIndex deps = BuildDependencies(4, reads, changes);
  EXPECT_EQ(Row(deps, 0), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(Row(deps, 1), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(Row(deps, 2), (std::vector<std::uint32_t>{2}));
}

// A species read twice by the same reaction, and reached through two changed
// species, must appear once.
TEST(DependencyGraphTest, RowsAreUnique) {
  const Lists reads = {{0, 0, 1}, {0, 1}};
  const Lists changes = {{0, 1}, {}};
  const CsrIndex deps = BuildDependencies(2, reads, changes);
  EXPECT_EQ(Row(deps, 0), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(Row(deps, 1), (std::vector<std::uint32_t>{1}));
}

TEST(DependencyGraphTest, MatchesBruteForceOnRandomNetworks) {
  Rng rng(31);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t num_species = 1 + rng.NextU64() % 12;
    const std::size_t num_reactions = 1 + rng.NextU64() % 15;
    Lists reads(num_reactions), changes(num_reactions);
    for (std::size_t r = 0; r < num_reactions; ++r) {
      for (int i = 0, n = static_cast<int>(rng.NextU64() % 4); i < n; ++i)
        reads[r].push_back(static_cast<std::uint32_t>(rng.NextU64() % num_species));
      for (int i = 0, n = static_cast<int>(rng.NextU64() % 3); i < n; ++i)
        changes[r].push_back(static_cast<std::uint32_t>(rng.NextU64() % num_species));
    }
    const CsrIndex deps = BuildDependencies(num_species, reads, changes);
    ASSERT_EQ(deps.num_rows(), num_reactions);
    for (std::size_t r = 0; r < num_reactions; ++r) {
      std::set<std::uint32_t> want = {static_cast<std::uint32_t>(r)};
      for (std::size_t q = 0; q < num_reactions; ++q) {
        for (std::uint32_t s : changes[r]) {
          if (std::find(reads[q].begin(), reads[q].end(), s) != reads[q].end())
            want.insert(static_cast<std::uint32_t>(q));
        }
      }
      EXPECT_EQ(Row(deps, r), std::vector<std::uint32_t>(want.begin(), want.end()))
          << "trial " << trial << " reaction " << r;
    }
  }
}

}  // namespace
}  // namespace grn
