// tests/support/test_size.h
//
// The size the larger tests (labels statistical, conformance, validation) run
// at, read from the environment:
//   GRN_TEST_SIZE unset, "quick" or "ci"   the CI size (the default);
//   GRN_TEST_SIZE=full (or GRN_FULL=1)     the full size (tools/check --full);
//   GRN_TEST_SIZE=smoke                    a few runs per case, for the
//       ASan+UBSan build (tools/check's sanitizer stage): every code path
//       runs, but the samples are far too small for the statistical
//       thresholds, so each test skips its final statistical assertion and
//       prints that it did (SkipStatisticalAssertionAtSmokeSize). Engine
//       errors, exact checks and sanitizer reports still fail the test.
// Any other value fails the test that reads it: a misspelt size must not
// silently run another one.
//
// Header-only: the statistical, conformance and validation binaries compile
// only their own *_test.cc files (and tests/support/*.cc).
#ifndef GRN_TESTS_SUPPORT_TEST_SIZE_H_
#define GRN_TESTS_SUPPORT_TEST_SIZE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace grn::test_size {

enum class TestSize { kSmoke, kCi, kFull };

inline TestSize CurrentTestSize() {
  const char* full = std::getenv("GRN_FULL");
  if (full != nullptr && std::string(full) == "1") return TestSize::kFull;
  const char* size = std::getenv("GRN_TEST_SIZE");
  const std::string name = size != nullptr ? size : "";
  if (name.empty() || name == "quick" || name == "ci") return TestSize::kCi;
  if (name == "full") return TestSize::kFull;
  if (name == "smoke") return TestSize::kSmoke;
  ADD_FAILURE() << "GRN_TEST_SIZE=" << name << " is not a test size (smoke, quick, ci or full)";
  return TestSize::kCi;
}

inline bool SmokeSize() { return CurrentTestSize() == TestSize::kSmoke; }
inline bool FullSize() { return CurrentTestSize() == TestSize::kFull; }

inline const char* TestSizeName() {
  switch (CurrentTestSize()) {
    case TestSize::kSmoke: return "smoke";
    case TestSize::kFull: return "full";
    case TestSize::kCi: break;
  }
  return "ci";
}

// True (after printing which assertion it leaves out) at smoke size, where a
// statistical threshold cannot hold: the caller returns before asserting it.
inline bool SkipStatisticalAssertionAtSmokeSize(const std::string& assertion) {
  if (!SmokeSize()) return false;
  std::printf("[smoke size] statistical assertion skipped: %s\n", assertion.c_str());
  return true;
}

}  // namespace grn::test_size

#endif  // GRN_TESTS_SUPPORT_TEST_SIZE_H_
