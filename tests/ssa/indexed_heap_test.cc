// tests/ssa/indexed_heap_test.cc
//
// IndexedMinHeap: the heap invariant (IsValid) and top() == argmin key hold
// after Build and after every Set, including moves to and from +inf.
#include "engine/ssa/indexed_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "engine/base/rng.h"

namespace grn {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double MinKey(const std::vector<double>& keys) {
  return *std::min_element(keys.begin(), keys.end());
}

TEST(IndexedMinHeapTest, BuildOrdersKeys) {
  IndexedMinHeap heap;
  const std::vector<double> keys = {5, 3, 9, 1, 7, kInf, 2};
  heap.Build(keys);
  ASSERT_TRUE(heap.IsValid());
  EXPECT_EQ(heap.size(), keys.size());
  EXPECT_EQ(heap.top(), 3u);
  EXPECT_EQ(heap.top_key(), 1.0);
  for (std::uint32_t i = 0; i < keys.size(); ++i) EXPECT_EQ(heap.key(i), keys[i]);
}

TEST(IndexedMinHeapTest, SingleItem) {
  IndexedMinHeap heap;
  heap.Build(std::vector<double>{kInf});
  EXPECT_TRUE(heap.IsValid());
  EXPECT_EQ(heap.top(), 0u);
  EXPECT_EQ(heap.top_key(), kInf);
  heap.Set(0, 2.5);
  EXPECT_EQ(heap.top_key(), 2.5);
  EXPECT_TRUE(heap.IsValid());
}

TEST(IndexedMinHeapTest, EmptyBuild) {
  IndexedMinHeap heap;
  heap.Build(std::vector<double>{});
  EXPECT_EQ(heap.size(), 0u);
  EXPECT_TRUE(heap.IsValid());
}

TEST(IndexedMinHeapTest, DecreaseAndIncreaseKey) {
  IndexedMinHeap heap;
  heap.Build(std::vector<double>{4, 8, 6, 10});
  heap.Set(3, 1);  // decrease to the new minimum
  EXPECT_EQ(heap.top(), 3u);
  EXPECT_TRUE(heap.IsValid());
  heap.Set(3, 100);  // increase past everyone
  EXPECT_EQ(heap.top(), 0u);
  EXPECT_TRUE(heap.IsValid());
  heap.Set(0, kInf);
  EXPECT_EQ(heap.top(), 2u);
  EXPECT_EQ(heap.top_key(), 6.0);
  heap.Set(2, 6);  // unchanged key
  EXPECT_TRUE(heap.IsValid());
  EXPECT_EQ(heap.key(0), kInf);
}

// Random Set operations against a plain array of keys.
TEST(IndexedMinHeapTest, RandomSetsKeepInvariant) {
  Rng rng(8);
  for (std::uint32_t n : {1u, 2u, 3u, 17u, 64u, 1000u}) {
    std::vector<double> keys(n);
    for (double& k : keys) k = rng.Uniform01() * 100.0;
    IndexedMinHeap heap;
    heap.Build(keys);
    ASSERT_TRUE(heap.IsValid()) << "n " << n;
    for (int step = 0; step < 5000; ++step) {
      const std::uint32_t item = static_cast<std::uint32_t>(rng.NextU64() % n);
      const double u = rng.Uniform01();
      double key;
      if (u < 0.1) {
        key = kInf;
      } else if (u < 0.2) {
        key = keys[(item + 1) % n];  // ties
      } else {
        key = rng.Uniform01() * 100.0;
      }
      keys[item] = key;
      heap.Set(item, key);
      ASSERT_TRUE(heap.IsValid()) << "n " << n << " step " << step;
      ASSERT_EQ(heap.top_key(), MinKey(keys)) << "n " << n << " step " << step;
      ASSERT_EQ(keys[heap.top()], heap.top_key());
      ASSERT_EQ(heap.key(item), key);
    }
  }
}

}  // namespace
}  // namespace grn
