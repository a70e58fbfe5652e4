// engine/ssa/indexed_heap.h
//
// IndexedMinHeap: a binary min-heap over items 0..n-1 keyed by a double, with
// O(log n) change-key by item. Invariant: key(heap_[i]) >= key(heap_[parent])
// and pos_[heap_[i]] == i for every i. Used by the next-reaction method.
#ifndef GRN_ENGINE_SSA_INDEXED_HEAP_H_
#define GRN_ENGINE_SSA_INDEXED_HEAP_H_

#include <cstdint>
#include <span>
#include <vector>

#include "engine/base/check.h"

namespace grn {

class IndexedMinHeap {
 public:
  // Builds the heap from keys in O(n).
  void Build(std::span<const double> keys) {
    const std::uint32_t n = static_cast<std::uint32_t>(keys.size());
    key_.assign(keys.begin(), keys.end());
    heap_.resize(n);
    pos_.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) heap_[i] = pos_[i] = i;
    for (std::uint32_t i = n / 2; i-- > 0;) SiftDown(i);
  }

  std::size_t size() const { return heap_.size(); }
  // REQUIRES: size() > 0.
  std::uint32_t top() const { return heap_[0]; }
  double top_key() const { return key_[heap_[0]]; }
  double key(std::uint32_t item) const { return key_[item]; }

  // REQUIRES: item < size().
  void Set(std::uint32_t item, double key) {
    GRN_DCHECK(item < heap_.size());
    const double old = key_[item];
    key_[item] = key;
    if (key < old) {
      SiftUp(pos_[item]);
    } else if (key > old) {
      SiftDown(pos_[item]);
    }
  }

  // Checks the heap invariant (for tests).
  bool IsValid() const {
    for (std::size_t i = 0; i < heap_.size(); ++i) {
      if (pos_[heap_[i]] != i) return false;
      if (i > 0 && key_[heap_[i]] < key_[heap_[(i - 1) / 2]]) return false;
    }
    return true;
  }

 private:
  void Place(std::uint32_t i, std::uint32_t item) {
    heap_[i] = item;
    pos_[item] = i;
  }

  void SiftUp(std::uint32_t i) {
    const std::uint32_t item = heap_[i];
    const double k = key_[item];
    while (i > 0) {
      const std::uint32_t parent = (i - 1) / 2;
      if (!(k < key_[heap_[parent]])) break;
      Place(i, heap_[parent]);
      i = parent;
    }
    Place(i, item);
  }

  void SiftDown(std::uint32_t i) {
    const std::uint32_t n = static_cast<std::uint32_t>(heap_.size());
    const std::uint32_t item = heap_[i];
    const double k = key_[item];
    for (;;) {
      std::uint32_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && key_[heap_[child + 1]] < key_[heap_[child]]) ++child;
      if (!(key_[heap_[child]] < k)) break;
      Place(i, heap_[child]);
      i = child;
    }
    Place(i, item);
  }

  std::vector<double> key_;          // by item
  std::vector<std::uint32_t> heap_;  // heap position → item
  std::vector<std::uint32_t> pos_;   // item → heap position
};

}  // namespace grn

#endif  // GRN_ENGINE_SSA_INDEXED_HEAP_H_
