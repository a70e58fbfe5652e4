// tests/io/text_edit_test.cc
//
// Comment-preserving edits (engine/io/text_edit.h): editing one value of a
// commented, hand-laid-out file changes exactly that one line, byte for byte
// everywhere else; tabs, comments between a field's name and its value, and
// fields left at their default (not written) are handled; an edit that would
// not give the expected network is refused.
#include "engine/io/text_edit.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using grnsim::v1::Network;

// A commented file with mixed layout: one-line and multi-line messages, a
// tab, a comment between a name and its value, a species with no
// initial_count (0 by default).
const char* const kCommented =
    "# A commented network: every comment must survive an edit.\n"   // 1
    "name: \"edit_me\"  # the name\n"                                 // 2
    "time_unit: h\n"                                                  // 3
    "\n"                                                              // 4
    "species { name: \"X\" initial_count: 5 }  # five to start\n"     // 5
    "species { name: \"Y\" role: protein }      # starts at 0\n"      // 6
    "parameter {\n"                                                   // 7
    "  name: \"k1\"\n"                                                // 8
    "  value:\t2.5   # per hour\n"                                    // 9
    "  unit: \"1/h\"\n"                                               // 10
    "}\n"                                                             // 11
    "parameter { name: \"k2\" value  # odd but legal\n"               // 12
    "  : 1e-3 }\n"                                                    // 13
    "\tparameter { name: \"k3\" value: -4 }\n"                        // 14
    "reaction { name: \"r\" reactant { species: \"X\" } product { species: \"Y\" } k_param: \"k1\" }\n"
    "reaction { name: \"d\" reactant { species: \"Y\" } k_param: \"k2\" }\n"
    "reaction { name: \"e\" reactant { species: \"Y\" } propensity: \"k3 * 0 + Y\" }\n";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The 1-based numbers of the lines that differ (the texts must have the same
// number of lines).
std::vector<int> ChangedLines(const std::string& a, const std::string& b) {
  const auto la = Lines(a), lb = Lines(b);
  EXPECT_EQ(la.size(), lb.size());
  std::vector<int> changed;
  for (std::size_t i = 0; i < std::min(la.size(), lb.size()); ++i)
    if (la[i] != lb[i]) changed.push_back(static_cast<int>(i) + 1);
  return changed;
}

Network Original() { return test_support::ParseNetwork(kCommented); }

TEST(TextEditTest, OneParameterChangesExactlyOneLine) {
  Network expected = Original();
  expected.mutable_parameter(0)->set_value(3.75);
  StatusOr<std::string> out =
      EditTextFields("f.textproto", kCommented, {{{{"parameter", 0}, {"value", -1}}, "3.75"}}, expected);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(ChangedLines(kCommented, *out), std::vector<int>{9});
  EXPECT_EQ(Lines(*out)[8], "  value:\t3.75   # per hour");  // the tab and comment kept
}

TEST(TextEditTest, ValueAfterACommentAndNegativeValues) {
  Network expected = Original();
  expected.mutable_parameter(1)->set_value(0.002);
  expected.mutable_parameter(2)->set_value(7);
  StatusOr<std::string> out = EditTextFields(
      "f.textproto", kCommented,
      {{{{"parameter", 1}, {"value", -1}}, "0.002"}, {{{"parameter", 2}, {"value", -1}}, "7"}},
      expected);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(ChangedLines(kCommented, *out), (std::vector<int>{13, 14}));
  EXPECT_EQ(Lines(*out)[12], "  : 0.002 }");
  EXPECT_EQ(Lines(*out)[13], "\tparameter { name: \"k3\" value: 7 }");
}

TEST(TextEditTest, FieldNotWrittenIsInsertedAfterTheName) {
  Network expected = Original();
  expected.mutable_species(1)->set_initial_count(12);
  StatusOr<std::string> out = EditTextFields(
      "f.textproto", kCommented, {{{{"species", 1}, {"initial_count", -1}}, "12"}}, expected);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(ChangedLines(kCommented, *out), std::vector<int>{6});
  EXPECT_EQ(Lines(*out)[5], "species { name: \"Y\" initial_count: 12 role: protein }      # starts at 0");
}

TEST(TextEditTest, WrongExpectationIsRefused) {
  // The edit sets 3.75 but the caller expects 4: the result is checked.
  Network expected = Original();
  expected.mutable_parameter(0)->set_value(4);
  StatusOr<std::string> out =
      EditTextFields("f.textproto", kCommented, {{{{"parameter", 0}, {"value", -1}}, "3.75"}}, expected);
  EXPECT_FALSE(out.ok());
}

TEST(TextEditTest, RemovesElementsByLinesOrInPlace) {
  const std::string text =
      "name: \"r\" time_unit: s\n"
      "species { name: \"A\" } species { name: \"B\" }  # two on a line\n"
      "species {\n"
      "  name: \"C\"\n"
      "}  # C's comment goes with it\n"
      "# D's comment stays\n"
      "species { name: \"D\" }\n";
  Network expected = test_support::ParseNetwork(text);
  // Remove A (first on a shared line) and C (whole lines).
  expected.mutable_species()->DeleteSubrange(2, 1);
  expected.mutable_species()->DeleteSubrange(0, 1);
  StatusOr<std::string> out = EditTextFields(
      "f.textproto", text, {{{{"species", 0}}, "", true}, {{{"species", 2}}, "", true}}, expected);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out,
            "name: \"r\" time_unit: s\n"
            "species { name: \"B\" }  # two on a line\n"
            "# D's comment stays\n"
            "species { name: \"D\" }\n");
}

TEST(TextEditTest, NumberTokensReadBackExactly) {
  for (double v : {0.1, 2.5, 1e-3, 100.0, 6.02214076e23, 1.0 / 3})
    EXPECT_EQ(std::stod(FormatNumberToken(v)), v) << FormatNumberToken(v);
  EXPECT_EQ(FormatNumberToken(100), "100");
}

}  // namespace
}  // namespace grn
