// tests/support/test_networks.h
//
// Tiny networks written inline in protobuf text format, and helpers that parse
// and compile them, shared by the unit tests. Every helper fails the calling
// test (ADD_FAILURE) rather than crashing when the text does not parse.
#ifndef GRN_TESTS_SUPPORT_TEST_NETWORKS_H_
#define GRN_TESTS_SUPPORT_TEST_NETWORKS_H_

#include <memory>
#include <string>

#include "engine/model/compiled_model.h"
#include "proto/network.pb.h"

namespace grn::test_support {

// Parses protobuf text into a Network; an empty Network (and a test failure)
// if the text does not parse.
grnsim::v1::Network ParseNetwork(const std::string& text);

// Parses and compiles; null (and a test failure) on any error.
std::shared_ptr<const CompiledModel> CompileText(const std::string& text);

// Birth–death: birth ∅ → X at rate k, death X → ∅ at rate gamma·x.
// Stationary law Poisson(k/gamma).
std::string BirthDeathText(double k, double gamma, double x0);

// A three-species chain A → B → C (rates 1, 2) plus C → ∅ (rate 0.5),
// starting from A = 100.
std::string ChainText();

// A fresh, empty directory under testing::TempDir() for this test.
std::string MakeTempDir();

// Reads a whole file into a string ("" if it cannot be read).
std::string ReadFile(const std::string& path);

// Writes `contents` to `path` (binary-exact); fails the test on error.
void WriteFile(const std::string& path, const std::string& contents);

}  // namespace grn::test_support

#endif  // GRN_TESTS_SUPPORT_TEST_NETWORKS_H_
