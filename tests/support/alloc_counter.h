// tests/support/alloc_counter.h
//
// Counts heap allocations made by the calling thread, for the no-allocation
// tests (the JumpProcesses allocations.jl idea). alloc_counter.cc replaces
// every global operator new/delete variant (plain, array, nothrow, aligned,
// sized) in the test binaries with malloc-based versions that bump a
// thread-local counter, so other threads (gtest internals, ensemble workers)
// cannot disturb a measurement.
#ifndef GRN_TESTS_SUPPORT_ALLOC_COUNTER_H_
#define GRN_TESTS_SUPPORT_ALLOC_COUNTER_H_

#include <cstdint>

namespace grn::test_support {

// Number of operator new calls (any variant) made so far by this thread.
std::uint64_t ThreadAllocationCount();

// Counts the allocations made by this thread between construction and count().
class AllocationScope {
 public:
  AllocationScope() : start_(ThreadAllocationCount()) {}
  std::uint64_t count() const { return ThreadAllocationCount() - start_; }

 private:
  std::uint64_t start_;
};

}  // namespace grn::test_support

#endif  // GRN_TESTS_SUPPORT_ALLOC_COUNTER_H_
