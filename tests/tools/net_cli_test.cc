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
  for (const char* command : {"show", "lint", "graph", "diff", "set", "rename", "remove", "knockout", "overexpress",
                              "add-species", "add-reaction"}) {
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

// add-species and add-reaction insert the new element as lines of their own
// after the last of its kind: every other byte of the file stays.
TEST(NetCliTest, AddSpeciesAndReactionKeepCommentsAndLayout) {
  const std::string dir = MakeTempDir();
  const std::string text =
      "# header comment\n"
      "name: \"a\" time_unit: h\n"
      "species { name: \"G\" initial_count: 1 role: gene }  # the gene\n"
      "species { name: \"M\" }\n"
      "parameter { name: \"k_tx\" value: 2 }\n"
      "reaction { name: \"tx\" reactant { species: \"G\" } product { species: \"G\" }\n"
      "           product { species: \"M\" } k_param: \"k_tx\" }  # transcription\n"
      "# trailing comment\n";
  WriteFile(dir + "/in.textproto", text);
  Result r = Grnsim(dir, "net add-species " + dir + "/in.textproto P --count 5 --role protein "
                         "--description 'made by tx' -o " + dir + "/out.textproto");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string species_line =
      "species { name: \"P\" initial_count: 5 role: protein description: \"made by tx\" }\n";
  std::string expected = text;
  expected.insert(expected.find("parameter {"), species_line);
  EXPECT_EQ(ReadFile(dir + "/out.textproto"), expected);

  r = Grnsim(dir, "net add-reaction " + dir + "/out.textproto dimer --reactants '2 P' --products '' "
                  "--k 0.01 --hill-activation G:K_none:2 --in-place");
  EXPECT_EQ(r.exit_code, 2);  // K_none is no parameter: refused, file untouched
  EXPECT_TRUE(Contains(r.err, "(new reaction 'dimer'): reaction 'dimer'")) << r.err;
  EXPECT_EQ(ReadFile(dir + "/out.textproto"), expected);
  r = Grnsim(dir, "net add-reaction " + dir + "/out.textproto dimer --reactants '2 P' --k 0.01 "
                  "--hill-activation G:k_tx:2 --mm G:3 --in-place");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string out = ReadFile(dir + "/out.textproto");
  EXPECT_EQ(out.rfind(expected.substr(0, expected.find("# trailing")), 0), 0u) << out;
  EXPECT_TRUE(Contains(out, "  k: 0.01\n")) << out;
  // After the last reaction (and its comment), before the trailing comment.
  EXPECT_TRUE(Contains(out, "}  # transcription\nreaction {\n  name: \"dimer\"")) << out;
  EXPECT_TRUE(Contains(out, "  }\n}\n# trailing comment\n")) << out;
  EXPECT_EQ(Grnsim(dir, "validate " + dir + "/out.textproto").exit_code, 0);
  EXPECT_TRUE(Contains(Grnsim(dir, "net show " + dir + "/out.textproto").out,
                       "rate 0.01 * P*(P-1)/2 * hill_act(G; K=k_tx, n=2) * mm(G; K=3)"));

  // A propensity, to binary.
  r = Grnsim(dir, "net add-reaction " + dir + "/out.textproto deg --reactants P "
                  "--propensity 'k_tx * P / (1 + P)' -o " + dir + "/out.binpb");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(Grnsim(dir, "net show " + dir + "/out.binpb").out, "rate k_tx * P / (1 + P)"));
}

TEST(NetCliTest, AddRefusesInvalidAdditionsAndWritesNothing) {
  const std::string dir = MakeTempDir();
  const std::string in = Source("networks/runx2_bursty.textproto");
  const std::string out = dir + "/x.textproto";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"net add-species " + in + " GR_on -o " + out, "already a species named 'GR_on'"},
      {"net add-species " + in + " 9x -o " + out, "'9x' is not a name"},
      {"net add-species " + in + " X --count 1.5 -o " + out, "--count '1.5'"},
      {"net add-species " + in + " X --role enzyme -o " + out, "--role 'enzyme'"},
      {"net add-species " + in + " X --count 1 --count 2 -o " + out, "--count is given twice"},
      {"net add-reaction " + in + " r --reactants '2B' --k 1 -o " + out, "cannot read the term '2B'"},
      {"net add-reaction " + in + " r --reactants X -o " + out, "give exactly one rate"},
      {"net add-reaction " + in + " r --k 1 --k-param k_tx -o " + out, "give exactly one rate"},
      {"net add-reaction " + in + " r --reactants mRunx2 --propensity 'mRunx2' --mm RUNX2:3 -o " + out,
       "--mm multiplies a mass-action rate"},
      {"net add-reaction " + in + " r --reactants mRunx2 --k 1 --hill-repression RUNX2 -o " + out,
       "expected SPECIES:K:n or SPECIES:K"},
      {"net add-reaction " + in + " r --reactants Nope --k 1 -o " + out, "unknown species 'Nope'"},
      {"net add-reaction " + in + " r --reactants mRunx2 --k -1 -o " + out, "must be finite and >= 0"},
      {"net add-reaction " + in + " r --reactants mRunx2 --propensity 'mRunx2 +' -o " + out,
       "reaction 'r'"},
      {"net add-reaction " + in + " r --k 1", "give exactly one of -o OUT and --in-place"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = Grnsim(dir, args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, message)) << args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << args;
  }
}

// --- net merge, net apply, validate with includes and scenarios ---

TEST(NetCliTest, MergeWritesTheFlattenedNetworkOrListsConflicts) {
  const std::string dir = MakeTempDir();
  const std::string producer = Source("tests/testdata/compose/modules/producer.textproto");
  const std::string consumer = Source("tests/testdata/compose/modules/consumer.textproto");
  const std::string out = dir + "/merged.textproto";
  // K_X stays external: refused unless asked for a module.
  Result r = Grnsim(dir, "net merge " + producer + " " + consumer + " -o " + out);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "net merge: " + consumer + ":9:25: parameter 'K_X' is declared external"))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  r = Grnsim(dir, "net merge " + producer + " " + consumer + " --allow-external -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Grnsim(dir, "validate " + out);
  EXPECT_TRUE(Contains(r.out, "ok, a module (3 species, 4 reactions, 3 parameters, time unit h); "
                              "external inputs a network including it must define: K_X"))
      << r.out << r.err;
  // Conflicts: both files named, nothing written.
  const std::string other = dir + "/other.textproto";
  WriteFile(other, "name: \"other\" time_unit: h\nspecies { name: \"X\" initial_count: 3 }\n");
  r = Grnsim(dir, "net merge " + producer + " " + other + " -o " + dir + "/bad.textproto");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "grnsim: net merge: " + other + ":2:1: species 'X' is defined with initial_count 3 "
                   "and no role here, but " + producer + ":7:1 defines it with initial_count 0 and "
                   "role protein (a species defined in two modules must have the same definition)\n");
  EXPECT_FALSE(std::filesystem::exists(dir + "/bad.textproto"));
  EXPECT_EQ(Grnsim(dir, "net merge " + producer + " -o " + out).exit_code, 2);  // one input
  EXPECT_EQ(Grnsim(dir, "net merge --help").exit_code, 0);
}

TEST(NetCliTest, ApplyKeepsCommentsAndAppendsAdditions) {
  const std::string dir = MakeTempDir();
  const std::string net = dir + "/net.textproto";
  WriteFile(net, ReadFile(Source("networks/runx2_bursty.textproto")));
  const std::string scenario = dir + "/oe.textproto";
  WriteFile(scenario,
            "# proto-message: grnsim.v1.Scenario\n"
            "name: \"oe\"\n"
            "scale { name: \"k_tx\" value: 2 }\n"
            "add_event { name: \"pulse\" at_time: 6 period: 24 assign { target: \"k_tx\" value: \"k_tx\" } }\n");
  const std::string before = ReadFile(net);
  Result r = Grnsim(dir, "net apply " + net + " " + scenario + " --in-place");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> a = Lines(before), b = Lines(ReadFile(net));
  ASSERT_GT(b.size(), a.size());
  int changed = 0;
  for (std::size_t i = 0; i < a.size(); ++i) changed += a[i] != b[i];
  EXPECT_EQ(changed, 1);  // the k_tx line; every comment kept
  EXPECT_TRUE(Contains(ReadFile(net), "event { name: \"pulse\" at_time: 6"));
  EXPECT_EQ(Grnsim(dir, "validate " + net).exit_code, 0);
  // An unknown name: the scenario's line and column, nothing written.
  WriteFile(scenario, "# proto-message: grnsim.v1.Scenario\nset { name: \"k_nope\" value: 1 }\n");
  r = Grnsim(dir, "net apply " + net + " " + scenario + " -o " + dir + "/x.textproto");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "grnsim: net apply: " + scenario +
                       ":2:1: scenario sets 'k_nope', which is not a species or parameter of "
                       "network 'runx2_bursty'\n");
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.textproto"));
  // A network with includes is flattened, so it needs -o.
  const std::string composed = Source("tests/testdata/compose/composed.textproto");
  const std::string knockout = Source("tests/testdata/compose/knockout.textproto");
  EXPECT_EQ(Grnsim(dir, "net apply " + composed + " " + knockout + " --in-place").exit_code, 2);
  r = Grnsim(dir, "net apply " + composed + " " + knockout + " -o " + dir + "/flat.binpb");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Grnsim(dir, "validate " + dir + "/flat.binpb");
  EXPECT_TRUE(Contains(r.out, "ok (4 species, 4 reactions, 3 parameters")) << r.out << r.err;
}

TEST(NetCliTest, ValidateFollowsIncludesAndAppliesScenarios) {
  const std::string dir = MakeTempDir();
  const std::string composed = Source("tests/testdata/compose/composed.textproto");
  const std::string knockout = Source("tests/testdata/compose/knockout.textproto");
  Result r = Grnsim(dir, "validate " + composed + " --scenario " + knockout);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, composed + ": ok (4 species, 4 reactions, 3 parameters, time unit h)\n");
  r = Grnsim(dir, "validate " + knockout);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "ok (scenario 'knockout'")) << r.out;
  EXPECT_EQ(Grnsim(dir, "validate " + composed + " --scenario").exit_code, 2);
  // simulate follows includes too.
  r = Grnsim(dir, "simulate " + composed + " --t-end 1 --steps 1 --seed 1 --quiet");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "time,G,X,Y")) << r.out;
}

TEST(NetCliTest, BundledNetworksLintCleanAndDraw) {
  // Every bundled network, module and stand-alone network lints without
  // errors or warnings (a module's external inputs are not "unreachable");
  // the composed ones show their feedback loops and allele conservation, and
  // draw.
  const std::string dir = MakeTempDir();
  std::vector<std::string> files;
  for (const char* folder : {"networks", "networks/modules", "networks/standalone"}) {
    for (const auto& entry : std::filesystem::directory_iterator(Source(folder))) {
      if (entry.path().extension() == ".textproto") files.push_back(entry.path().string());
    }
  }
  ASSERT_GE(files.size(), 14u);
  for (const std::string& file : files) {
    const Result lint = Grnsim(dir, "net lint " + file);
    EXPECT_EQ(lint.exit_code, 0) << file << "\n" << lint.out << lint.err;
    EXPECT_FALSE(Contains(lint.out, ": warning: ")) << file << "\n" << lint.out;
  }
  const Result msc = Grnsim(dir, "net lint " + Source("networks/msc.textproto"));
  EXPECT_TRUE(Contains(msc.out, "info: positive feedback loop")) << msc.out;
  // Hundreds of loops: the 20 shortest by default, then their count by sign.
  auto loop_lines = [](const std::string& out) {
    std::size_t n = 0;
    for (std::size_t at = out.find(" feedback loop: "); at != std::string::npos;
         at = out.find(" feedback loop: ", at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(loop_lines(msc.out), 20u) << msc.out;
  EXPECT_TRUE(Contains(msc.out, "info: feedback loops: ")) << msc.out;
  const Result every = Grnsim(dir, "net lint --loops all " + Source("networks/msc.textproto"));
  EXPECT_GT(loop_lines(every.out), 100u);
  EXPECT_FALSE(Contains(every.out, "info: feedback loops: ")) << every.out;
  const Result bad = Grnsim(dir, "net lint --loops some " + Source("networks/msc.textproto"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "--loops expects a count or 'all'")) << bad.err;
  EXPECT_TRUE(Contains(msc.out, "info: conservation law: GR_off + GR_on = 2")) << msc.out;
  const Result oc = Grnsim(dir, "net lint " + Source("networks/osteoclast.textproto"));
  EXPECT_TRUE(Contains(oc.out, "info: conservation law: GN_off + GN_on = 2")) << oc.out;
  for (const char* net : {"networks/msc.textproto", "networks/osteoclast.textproto"}) {
    const Result graph = Grnsim(dir, std::string("net graph ") + Source(net) + " -o " + dir + "/g.dot");
    EXPECT_EQ(graph.exit_code, 0) << net << graph.err;
    EXPECT_TRUE(Contains(ReadFile(dir + "/g.dot"), "RUNX2") || Contains(ReadFile(dir + "/g.dot"), "NFATC1"));
  }
}

TEST(NetCliTest, EditsOfComposedNetworksKeepTheirModules) {
  const std::string dir = MakeTempDir();
  // A name defined in an included module: the error says where, and how.
  const Result set = Grnsim(dir, "net set " + Source("networks/msc.textproto") + " OI=1 -o " + dir +
                                     "/x.textproto");
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_TRUE(Contains(set.err, "it is defined in an included module (")) << set.err;
  EXPECT_TRUE(Contains(set.err, "F_fate_switch.textproto:")) << set.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.textproto"));
  // Written to another folder, include paths are rebased and still resolve.
  const Result moved = Grnsim(dir, "net set " + Source("networks/standalone/F_alone.textproto") +
                                       " BCAT=500 -o " + dir + "/f.textproto");
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  const Result valid = Grnsim(dir, "validate " + dir + "/f.textproto");
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  // diff composes both sides: only the change shows.
  const Result diff = Grnsim(dir, "net diff " + Source("networks/standalone/F_alone.textproto") + " " +
                                      dir + "/f.textproto");
  EXPECT_TRUE(Contains(diff.out, "BCAT")) << diff.out;
  EXPECT_FALSE(Contains(diff.out, "+ reaction")) << diff.out;
}

}  // namespace
}  // namespace grn
