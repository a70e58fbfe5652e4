// tests/tools/net_cli_test.cc
//
// End-to-end checks of `grnsim net` (runs the built binary, GRNSIM_BINARY):
// exit codes (0 ok, 1 lint errors / files differ / runtime, 2 bad usage or
// input), the one-line edit of a commented file by `net set`, nothing written
// when an edit is invalid, DOT and SVG output of `net graph`, and `net diff`.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::MakeTempDir;
using test_support::ReadFile;
using test_support::WriteFile;

struct Result {
  int exit_code;
  std::string out, err;
};

// Runs `grnsim ARGS` (ARGS already shell-quoted where needed) with `env`
// prepended (e.g. "PATH=/nonexistent").
Result Grnsim(const std::string& dir, const std::string& args, const std::string& env = "") {
  const std::string out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  const std::string command = (env.empty() ? "" : "env " + env + " ") + GRNSIM_BINARY + " " +
                              args + " > " + out + " 2> " + err + " < /dev/null";
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, ReadFile(out), ReadFile(err)};
}

std::string Source(const std::string& relative) {
  return std::string(GRN_SOURCE_DIR) + "/" + relative;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(NetCliTest, HelpAndUsage) {
  const std::string dir = MakeTempDir();
  EXPECT_EQ(Grnsim(dir, "net --help").exit_code, 0);
  EXPECT_EQ(Grnsim(dir, "net").exit_code, 2);
  const Result unknown = Grnsim(dir, "net frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "grnsim: unknown command 'net frobnicate'"));
  for (const char* command : {"show", "lint", "graph", "diff", "set", "rename", "remove", "knockout", "overexpress"}) {
    const Result help = Grnsim(dir, std::string("net ") + command + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_TRUE(Contains(help.out, std::string("usage: grnsim net ") + command)) << command;
  }
  EXPECT_EQ(Grnsim(dir, "net show").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net show --bogus x.textproto").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net show " + dir + "/missing.textproto").exit_code, 2);
}

TEST(NetCliTest, Show) {
  const Result r = Grnsim(MakeTempDir(), "net show " + Source("networks/runx2_bursty.textproto"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "network runx2_bursty (time unit h)"));
  EXPECT_TRUE(Contains(r.out, "promoter_on: GR_off -> GR_on"));
  EXPECT_TRUE(Contains(r.out, "rate k_tx * GR_on"));
  EXPECT_TRUE(Contains(r.out, "mrna_decay: mRunx2 -> ∅"));
}

TEST(NetCliTest, LintExitCodes) {
  const std::string dir = MakeTempDir();
  const Result clean = Grnsim(dir, "net lint " + Source("networks/runx2_bursty.textproto"));
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_TRUE(Contains(clean.out, "runx2_bursty.textproto: info: conservation law: GR_off + GR_on = 2"));

  // Nothing can fire: an error, exit 1; the unused parameter points at its line.
  WriteFile(dir + "/frozen.textproto",
            "name: \"frozen\" time_unit: s\n"
            "species { name: \"X\" initial_count: 0 }\n"
            "parameter { name: \"unused\" value: 1 }\n"
            "reaction { name: \"d\" reactant { species: \"X\" } k: 1 }\n");
  const Result frozen = Grnsim(dir, "net lint " + dir + "/frozen.textproto");
  EXPECT_EQ(frozen.exit_code, 1);
  EXPECT_TRUE(Contains(frozen.out, "frozen.textproto: error: no reaction can ever fire"));
  EXPECT_TRUE(Contains(frozen.out, "frozen.textproto:3:1: warning: parameter 'unused' is never used"));
  const Result quiet = Grnsim(dir, "net lint --no-info " + dir + "/frozen.textproto");
  EXPECT_FALSE(Contains(quiet.out, ": info: "));

  // Invalid input: exit 2, the validation problem listed.
  WriteFile(dir + "/bad.textproto", "name: \"bad\" time_unit: s\nspecies { name: \"X\" }\n"
                                    "reaction { name: \"r\" reactant { species: \"Y\" } k: 1 }\n");
  const Result bad = Grnsim(dir, "net lint " + dir + "/bad.textproto");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "grnsim: net lint: " + dir + "/bad.textproto:3:"));
}

TEST(NetCliTest, SetChangesExactlyOneLineOfACommentedFile) {
  const std::string dir = MakeTempDir();
  const std::string original = ReadFile(Source("networks/runx2_bursty.textproto"));
  ASSERT_FALSE(original.empty());
  WriteFile(dir + "/in.textproto", original);
  const Result r = Grnsim(dir, "net set " + dir + "/in.textproto k_tx=7.5 -o " + dir + "/out.textproto");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto before = Lines(original), after = Lines(ReadFile(dir + "/out.textproto"));
  ASSERT_EQ(before.size(), after.size());
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < before.size(); ++i)
    if (before[i] != after[i]) changed.push_back(i);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(after[changed[0]], "  name: \"k_tx\" value: 7.5 unit: \"1/h\"");
  EXPECT_EQ(ReadFile(dir + "/in.textproto"), original);  // -o leaves the input alone

  // --in-place, a species count and a parameter at once: two lines.
  ASSERT_EQ(Grnsim(dir, "net set " + dir + "/in.textproto GR_on=1 k_on=0.05 --in-place").exit_code, 0);
  const auto edited = Lines(ReadFile(dir + "/in.textproto"));
  ASSERT_EQ(edited.size(), before.size());
  int differing = 0;
  for (std::size_t i = 0; i < before.size(); ++i) differing += before[i] != edited[i];
  EXPECT_EQ(differing, 2);
  const Result diff = Grnsim(dir, "net diff " + Source("networks/runx2_bursty.textproto") + " " +
                                      dir + "/in.textproto");
  EXPECT_EQ(diff.exit_code, 1);
  EXPECT_EQ(diff.out,
            "~ species GR_on: initial_count 0 -> 1\n~ parameter k_on: value 0.02 -> 0.05\n");
}

TEST(NetCliTest, SetRefusesBadEditsAndWritesNothing) {
  const std::string dir = MakeTempDir();
  const std::string original = ReadFile(Source("networks/runx2_bursty.textproto"));
  WriteFile(dir + "/in.textproto", original);
  const std::string in = dir + "/in.textproto", out = dir + "/out.textproto";
  EXPECT_EQ(Grnsim(dir, "net set " + in + " k_tx=-1 -o " + out).exit_code, 2);  // invalid rate
  EXPECT_EQ(Grnsim(dir, "net set " + in + " GR_on=0.5 -o " + out).exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net set " + in + " nothing=1 -o " + out).exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net set " + in + " k_tx=abc -o " + out).exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net set " + in + " k_tx=1").exit_code, 2);  // neither -o nor --in-place
  EXPECT_EQ(Grnsim(dir, "net set " + in + " k_tx=1 -o " + out + " --in-place").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net set " + in + " k_tx=-1 --in-place").exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(ReadFile(in), original);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "in.textproto" || name == "stdout.txt" || name == "stderr.txt") << name;
  }
}

TEST(NetCliTest, SetOnBinaryAndDiffAcrossFormats) {
  const std::string dir = MakeTempDir();
  const std::string text = Source("networks/runx2_bursty.textproto");
  ASSERT_EQ(Grnsim(dir, "convert " + text + " -o " + dir + "/a.binpb").exit_code, 0);
  EXPECT_EQ(Grnsim(dir, "net diff " + text + " " + dir + "/a.binpb").exit_code, 0);
  ASSERT_EQ(Grnsim(dir, "net set " + dir + "/a.binpb delta_p=0.2 -o " + dir + "/b.binpb").exit_code, 0);
  const Result diff = Grnsim(dir, "net diff " + dir + "/a.binpb " + dir + "/b.binpb");
  EXPECT_EQ(diff.exit_code, 1);
  EXPECT_EQ(diff.out, "~ parameter delta_p: value 0.1 -> 0.2\n");
}

TEST(NetCliTest, DiffReportsAddedRemovedAndChanged) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/a.textproto",
            "name: \"n\" time_unit: s\n"
            "species { name: \"X\" initial_count: 1 } species { name: \"Old\" initial_count: 0 }\n"
            "parameter { name: \"k\" value: 1 }\n"
            "reaction { name: \"d\" reactant { species: \"X\" } k_param: \"k\" }\n"
            "reaction { name: \"o\" reactant { species: \"Old\" } k: 1 }\n");
  WriteFile(dir + "/b.textproto",
            "# reordered and commented: not a difference\n"
            "name: \"n\" time_unit: s\n"
            "parameter { name: \"k\" value: 1 }\n"
            "species { name: \"New\" initial_count: 3 role: protein } species { name: \"X\" initial_count: 1 }\n"
            "reaction { name: \"d\" reactant { species: \"X\" } product { species: \"New\" } k_param: \"k\" }\n");
  const Result r = Grnsim(dir, "net diff " + dir + "/a.textproto " + dir + "/b.textproto");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out,
            "- species Old\n"
            "+ species New (initial_count 3, role protein)\n"
            "~ reaction d: equation [X -> ∅] -> [X -> New]\n"
            "- reaction o\n");
  EXPECT_EQ(Grnsim(dir, "net diff " + dir + "/a.textproto").exit_code, 2);
}

TEST(NetCliTest, GraphWritesDotAndSvg) {
  const std::string dir = MakeTempDir();
  const std::string net = Source("networks/runx2_bursty.textproto");
  ASSERT_EQ(Grnsim(dir, "net graph " + net + " -o " + dir + "/g.dot").exit_code, 0);
  EXPECT_TRUE(Contains(ReadFile(dir + "/g.dot"), "digraph G {"));
  // Without dot on PATH, SVG is a clear error and nothing is written.
  const Result no_dot = Grnsim(dir, "net graph " + net + " -o " + dir + "/g.svg", "PATH=/nonexistent");
  EXPECT_EQ(no_dot.exit_code, 1);
  EXPECT_TRUE(Contains(no_dot.err, "needs Graphviz's `dot` on PATH"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/g.svg"));
  if (std::system("command -v dot > /dev/null 2>&1") != 0) GTEST_SKIP() << "graphviz not installed";
  for (const char* file : {"networks/runx2_bursty.textproto", "bench/models/dimer_decay.textproto"}) {
    const Result svg = Grnsim(dir, "net graph " + Source(file) + " -o " + dir + "/g.svg");
    EXPECT_EQ(svg.exit_code, 0) << svg.err;
    EXPECT_TRUE(Contains(ReadFile(dir + "/g.svg"), "<svg")) << file;
  }
}

TEST(NetCliTest, RenameUpdatesEveryReferenceAndKeepsComments) {
  const std::string dir = MakeTempDir();
  const std::string text =
      "# header comment\n"
      "name: \"r\" time_unit: s\n"
      "species { name: \"X\" initial_count: 5 }  # the one to rename\n"
      "species { name: \"X2\" initial_count: 1 }\n"
      "parameter { name: \"kX\" value: 1e-3 }\n"
      "reaction { name: \"a\" reactant { species: \"X\" } product { species: \"X2\" } k: 1\n"
      "  modifier { hill_repression { species: \"X\" k: 10 } } }\n"
      "reaction { name: \"b\" reactant { species: \"X2\" } product { species: \"X\" }\n"
      "  propensity: \"kX * X2 * (1 + X / (1e+1 + X))\" }  # X2 and 1e+1 stay\n"
      "event { name: \"e\" when: \"X > 3\" assign { target: \"X\" value: \"X - 1\" } }\n";
  WriteFile(dir + "/in.textproto", text);
  const Result r = Grnsim(dir, "net rename " + dir + "/in.textproto X Xnew -o " + dir + "/out.textproto");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected =
      "# header comment\n"
      "name: \"r\" time_unit: s\n"
      "species { name: \"Xnew\" initial_count: 5 }  # the one to rename\n"
      "species { name: \"X2\" initial_count: 1 }\n"
      "parameter { name: \"kX\" value: 1e-3 }\n"
      "reaction { name: \"a\" reactant { species: \"Xnew\" } product { species: \"X2\" } k: 1\n"
      "  modifier { hill_repression { species: \"Xnew\" k: 10 } } }\n"
      "reaction { name: \"b\" reactant { species: \"X2\" } product { species: \"Xnew\" }\n"
      "  propensity: \"kX * X2 * (1 + Xnew / (1e+1 + Xnew))\" }  # X2 and 1e+1 stay\n"
      "event { name: \"e\" when: \"Xnew > 3\" assign { target: \"Xnew\" value: \"Xnew - 1\" } }\n";
  EXPECT_EQ(ReadFile(dir + "/out.textproto"), expected);
  // A parameter, in place.
  ASSERT_EQ(Grnsim(dir, "net rename " + dir + "/out.textproto kX k_b --in-place").exit_code, 0);
  EXPECT_TRUE(Contains(ReadFile(dir + "/out.textproto"), "propensity: \"k_b * X2 * (1 + Xnew"));
  EXPECT_TRUE(Contains(ReadFile(dir + "/out.textproto"), "parameter { name: \"k_b\" value: 1e-3 }"));
  // Refused: an unknown name, a name already used, a non-identifier.
  EXPECT_EQ(Grnsim(dir, "net rename " + dir + "/in.textproto Q Z -o " + dir + "/x.textproto").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net rename " + dir + "/in.textproto X X2 -o " + dir + "/x.textproto").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net rename " + dir + "/in.textproto X 9x -o " + dir + "/x.textproto").exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.textproto"));
}

TEST(NetCliTest, KnockoutAndOverexpressChangeGeneDosage) {
  const std::string dir = MakeTempDir();
  const std::string net = Source("networks/runx2_bursty.textproto");
  const std::string original = ReadFile(net);
  // GR_off starts at 2, GR_on at 0: knocking out GR_off removes the gene.
  ASSERT_EQ(Grnsim(dir, "net knockout " + net + " GR_off -o " + dir + "/ko.textproto").exit_code, 0);
  Result diff = Grnsim(dir, "net diff " + net + " " + dir + "/ko.textproto");
  EXPECT_EQ(diff.out, "~ species GR_off: initial_count 2 -> 0\n");
  // With an allele already on, GR_off alone would come back: refused.
  ASSERT_EQ(Grnsim(dir, "net set " + net + " GR_on=1 -o " + dir + "/on.textproto").exit_code, 0);
  const Result refused = Grnsim(dir, "net knockout " + dir + "/on.textproto GR_off -o " + dir + "/x.textproto");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(Contains(refused.err, "reaction 'promoter_off' can still produce it"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.textproto"));
  ASSERT_EQ(Grnsim(dir, "net knockout " + dir + "/on.textproto GR_off GR_on -o " + dir + "/x.textproto").exit_code, 0);
  EXPECT_EQ(Grnsim(dir, "net knockout " + net + " nothing -o " + dir + "/y.textproto").exit_code, 2);

  // Overexpression scales both promoter states (their law GR_off + GR_on).
  ASSERT_EQ(Grnsim(dir, "net overexpress " + dir + "/on.textproto GR_off 3 -o " + dir + "/oe.textproto").exit_code, 0);
  diff = Grnsim(dir, "net diff " + dir + "/on.textproto " + dir + "/oe.textproto");
  EXPECT_EQ(diff.out, "~ species GR_off: initial_count 2 -> 6\n~ species GR_on: initial_count 1 -> 3\n");
  EXPECT_EQ(Grnsim(dir, "net overexpress " + dir + "/on.textproto GR_off 1.5 -o " + dir + "/z.textproto").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net overexpress " + net + " GR_off 0 -o " + dir + "/z.textproto").exit_code, 2);
  EXPECT_EQ(Grnsim(dir, "net overexpress " + net + " mRunx2 2 -o " + dir + "/z.textproto").exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/z.textproto"));
  EXPECT_EQ(ReadFile(net), original);
}

TEST(NetCliTest, RemoveDeletesElementsAndRefusesDanglingReferences) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/in.textproto",
            "# keep me\n"
            "name: \"rm\" time_unit: s\n"
            "species { name: \"X\" initial_count: 5 }\n"
            "species { name: \"Y\" initial_count: 0 }  # Y goes\n"
            "parameter { name: \"k\" value: 1 } parameter { name: \"unused\" value: 2 }\n"
            "# the decay of X stays\n"
            "reaction { name: \"dx\" reactant { species: \"X\" } k_param: \"k\" }\n"
            "reaction {\n"
            "  name: \"xy\"  # goes, all five lines\n"
            "  reactant { species: \"X\" }\n"
            "  product { species: \"Y\" }\n"
            "  k: 1\n"
            "}\n");
  // Y is still used by xy: refused, nothing written.
  const Result refused = Grnsim(dir, "net remove " + dir + "/in.textproto Y -o " + dir + "/out.textproto");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(Contains(refused.err, "reaction 'xy': unknown species 'Y'"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.textproto"));
  ASSERT_EQ(Grnsim(dir, "net remove " + dir + "/in.textproto Y xy unused -o " + dir + "/out.textproto").exit_code, 0);
  EXPECT_EQ(ReadFile(dir + "/out.textproto"),
            "# keep me\n"
            "name: \"rm\" time_unit: s\n"
            "species { name: \"X\" initial_count: 5 }\n"
            "parameter { name: \"k\" value: 1 }\n"
            "# the decay of X stays\n"
            "reaction { name: \"dx\" reactant { species: \"X\" } k_param: \"k\" }\n");
  EXPECT_EQ(Grnsim(dir, "net remove " + dir + "/in.textproto nothing -o " + dir + "/z.textproto").exit_code, 2);
}

}  // namespace
}  // namespace grn
