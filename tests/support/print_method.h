// tests/support/print_method.h
//
// Lets gtest print a MethodKind by name ("direct", "nrm") in failure messages
// and in the test names ctest shows, instead of "4-byte object <00-00 ...>".
// gtest finds PrintTo by argument-dependent lookup, so it lives in grn.
#ifndef GRN_TESTS_SUPPORT_PRINT_METHOD_H_
#define GRN_TESTS_SUPPORT_PRINT_METHOD_H_

#include <ostream>

#include "engine/sim/stepper.h"

namespace grn {

inline void PrintTo(MethodKind kind, std::ostream* os) { *os << MethodName(kind); }

}  // namespace grn

#endif  // GRN_TESTS_SUPPORT_PRINT_METHOD_H_
