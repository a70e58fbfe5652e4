// tests/model/network_graph_test.cc
//
// Lint findings, feedback loops, conservation laws and the DOT rendering of
// engine/model/network_graph, each on a small inline network whose answer is
// worked out by hand in the comment beside it; plus the bundled networks and
// the DSMTS dimerisation case 00030 (P + 2·P2 = 100, the suite's own model
// description).
#include "engine/model/network_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "engine/io/network_io.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::ParseNetwork;

const char* const kHeader = "name: \"t\" time_unit: s\n";

grnsim::v1::Network Net(const std::string& body) {
  grnsim::v1::Network net = ParseNetwork(std::string(kHeader) + body);
  EXPECT_TRUE(Validate(net).empty()) << "test network does not validate";
  return net;
}

// The messages of the findings of one severity.
std::vector<std::string> Messages(const std::vector<LintFinding>& findings,
                                  LintFinding::Severity severity) {
  std::vector<std::string> out;
  for (const LintFinding& f : findings)
    if (f.severity == severity) out.push_back(f.message);
  return out;
}

bool AnyContains(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

std::vector<std::string> Laws(const grnsim::v1::Network& net) {
  StatusOr<std::vector<ConservationLaw>> laws = FindConservationLaws(net);
  EXPECT_TRUE(laws.ok()) << laws.status().message();
  std::vector<std::string> out;
  if (laws.ok())
    for (const ConservationLaw& law : *laws) out.push_back(FormatConservationLaw(law));
  return out;
}

TEST(ConservationLawTest, DimerisationConservesMonomerUnits) {
  // 2P ⇄ P2: stoichiometry columns (−2, +1) and (+2, −1); y = (1, 2).
  const auto net = Net(
      "species { name: \"P\" initial_count: 100 } species { name: \"P2\" initial_count: 0 }\n"
      "reaction { name: \"d\" reactant { species: \"P\" stoichiometry: 2 } product { species: \"P2\" } k: 1 }\n"
      "reaction { name: \"u\" reactant { species: \"P2\" } product { species: \"P\" stoichiometry: 2 } k: 1 }\n");
  EXPECT_EQ(Laws(net), std::vector<std::string>{"P + 2*P2 = 100"});
}

TEST(ConservationLawTest, OpenNetworkHasNone) {
  // Birth–death: X changes by ±1 freely; the left null space is {0}.
  EXPECT_TRUE(Laws(ParseNetwork(test_support::BirthDeathText(1, 0.1, 0))).empty());
}

TEST(ConservationLawTest, TwoIndependentMoietiesAndConstantsLeftOut) {
  // A ⇄ B and C + E → CE → C + E with E constant: A + B, and C + CE (E is left out).
  const auto net = Net(
      "species { name: \"A\" initial_count: 3 } species { name: \"B\" initial_count: 4 }\n"
      "species { name: \"C\" initial_count: 5 } species { name: \"CE\" initial_count: 0 }\n"
      "species { name: \"E\" initial_count: 9 constant: true }\n"
      "reaction { name: \"ab\" reactant { species: \"A\" } product { species: \"B\" } k: 1 }\n"
      "reaction { name: \"ba\" reactant { species: \"B\" } product { species: \"A\" } k: 1 }\n"
      "reaction { name: \"bind\" reactant { species: \"C\" } reactant { species: \"E\" } product { species: \"CE\" } k: 1 }\n"
      "reaction { name: \"free\" reactant { species: \"CE\" } product { species: \"C\" } product { species: \"E\" } k: 1 }\n");
  EXPECT_EQ(Laws(net), (std::vector<std::string>{"A + B = 7", "C + CE = 5"}));
}

TEST(ConservationLawTest, EventTargetsBreakConservation) {
  // A ⇄ B would conserve A + B, but an event sets A.
  const auto net = Net(
      "species { name: \"A\" initial_count: 3 } species { name: \"B\" initial_count: 4 }\n"
      "reaction { name: \"ab\" reactant { species: \"A\" } product { species: \"B\" } k: 1 }\n"
      "reaction { name: \"ba\" reactant { species: \"B\" } product { species: \"A\" } k: 1 }\n"
      "event { name: \"e\" at_time: 1 assign { target: \"A\" value: \"10\" } }\n");
  EXPECT_TRUE(Laws(net).empty());
}

TEST(ConservationLawTest, OneLawPerFreeColumn) {
  // A → B + C alone: the row (−1, 1, 1) over columns (A, B, C) reduces to
  // (1, −1, −1); free columns B and C give A + B and A + C (B − C, also
  // conserved, is their difference).
  const auto net = Net(
      "species { name: \"A\" initial_count: 10 } species { name: \"B\" initial_count: 0 }\n"
      "species { name: \"C\" initial_count: 2 }\n"
      "reaction { name: \"split\" reactant { species: \"A\" } product { species: \"B\" } product { species: \"C\" } k: 1 }\n");
  EXPECT_EQ(Laws(net), (std::vector<std::string>{"A + B = 10", "A + C = 12"}));
}

TEST(ConservationLawTest, FormatsSignsAndCoefficients) {
  ConservationLaw law;
  law.terms = {{"B", 1}, {"C", -1}, {"D", 3}};
  law.total = -2;
  EXPECT_EQ(FormatConservationLaw(law), "B - C + 3*D = -2");
}

TEST(FeedbackLoopTest, ToggleSwitchIsPositive) {
  // A ⊣ B and B ⊣ A: two negative edges, a positive loop.
  const auto net = Net(
      "species { name: \"A\" initial_count: 10 } species { name: \"B\" initial_count: 0 }\n"
      "reaction { name: \"ma\" product { species: \"A\" } k: 1 modifier { hill_repression { species: \"B\" k: 10 n: 2 } } }\n"
      "reaction { name: \"mb\" product { species: \"B\" } propensity: \"5 / (1 + (A / 10)^2)\" }\n"
      "reaction { name: \"da\" reactant { species: \"A\" } k: 0.1 }\n"
      "reaction { name: \"db\" reactant { species: \"B\" } k: 0.1 }\n");
  const FeedbackLoops loops = FindFeedbackLoops(net);
  ASSERT_EQ(loops.loops.size(), 1u);
  EXPECT_EQ(loops.loops[0].species, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(loops.loops[0].sign, 1);
  EXPECT_FALSE(loops.loops[0].conversion_only);
  EXPECT_FALSE(loops.truncated);
}

TEST(FeedbackLoopTest, AutorepressionAndActivationLoop) {
  // P ⊣ its own production (negative self-loop); A → B → A by activation
  // (positive); decay is not a loop.
  const auto net = Net(
      "species { name: \"P\" initial_count: 1 } species { name: \"A\" initial_count: 1 }\n"
      "species { name: \"B\" initial_count: 1 }\n"
      "reaction { name: \"mp\" product { species: \"P\" } k: 1 modifier { hill_repression { species: \"P\" k: 10 } } }\n"
      "reaction { name: \"dp\" reactant { species: \"P\" } k: 0.1 }\n"
      "reaction { name: \"ma\" product { species: \"A\" } k: 1 modifier { hill_activation { species: \"B\" k: 10 } } }\n"
      "reaction { name: \"mb\" product { species: \"B\" } k: 1 modifier { michaelis_menten { species: \"A\" k: 10 } } }\n"
      "reaction { name: \"da\" reactant { species: \"A\" } k: 0.1 }\n"
      "reaction { name: \"db\" reactant { species: \"B\" } k: 0.1 }\n");
  const FeedbackLoops loops = FindFeedbackLoops(net);
  ASSERT_EQ(loops.loops.size(), 2u);
  EXPECT_EQ(loops.loops[0].species, std::vector<std::string>{"P"});
  EXPECT_EQ(loops.loops[0].sign, -1);
  EXPECT_EQ(loops.loops[1].species, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(loops.loops[1].sign, 1);
}

TEST(FeedbackLoopTest, NegativeLoopThroughConsumption) {
  // A activates B's production; B degrades A (B → consumption of A: negative).
  const auto net = Net(
      "species { name: \"A\" initial_count: 5 } species { name: \"B\" initial_count: 0 }\n"
      "reaction { name: \"mb\" product { species: \"B\" } k: 1 modifier { hill_activation { species: \"A\" k: 10 } } }\n"
      "reaction { name: \"kill\" reactant { species: \"A\" } reactant { species: \"B\" } product { species: \"B\" } k: 0.01 }\n"
      "reaction { name: \"ma\" product { species: \"A\" } k: 1 }\n"
      "reaction { name: \"db\" reactant { species: \"B\" } k: 0.1 }\n");
  const FeedbackLoops loops = FindFeedbackLoops(net);
  ASSERT_EQ(loops.loops.size(), 1u);
  EXPECT_EQ(loops.loops[0].species, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(loops.loops[0].sign, -1);
}

TEST(FeedbackLoopTest, CycleLimitIsHonoured) {
  // A complete digraph on 6 species (every species activates every other's
  // production) has Σ_k C(6,k)(k−1)! = 409 elementary cycles of length ≥ 2.
  std::string body;
  const char* names[] = {"A", "B", "C", "D", "E", "F"};
  for (const char* s : names) body += std::string("species { name: \"") + s + "\" initial_count: 1 }\n";
  for (const char* t : names) {
    body += std::string("reaction { name: \"m") + t + "\" product { species: \"" + t +
            "\" } k: 1";
    for (const char* s : names)
      if (std::string(s) != t)
        body += std::string(" modifier { hill_activation { species: \"") + s + "\" k: 10 } }";
    body += " }\n";
    body += std::string("reaction { name: \"d") + t + "\" reactant { species: \"" + t + "\" } k: 1 }\n";
  }
  const auto net = Net(body);
  EXPECT_EQ(FindFeedbackLoops(net).loops.size(), 409u);
  const FeedbackLoops limited = FindFeedbackLoops(net, 100);
  EXPECT_EQ(limited.loops.size(), 100u);
  EXPECT_TRUE(limited.truncated);
}

TEST(LintTest, ListsTheShortestLoopsAndCountsTheRest) {
  // A → B → A (positive, length 2) and C ⊣ C (negative, length 1), a P ⇄ Q
  // conversion cycle, and the longer positive loop A → B → D → A.
  const auto net = Net(
      "species { name: \"A\" initial_count: 1 } species { name: \"B\" initial_count: 1 }\n"
      "species { name: \"C\" initial_count: 1 } species { name: \"D\" initial_count: 1 }\n"
      "species { name: \"P\" initial_count: 1 } species { name: \"Q\" initial_count: 0 }\n"
      "reaction { name: \"ma\" product { species: \"A\" } k: 1 modifier { hill_activation { species: \"B\" k: 10 } } }\n"
      "reaction { name: \"ma2\" product { species: \"A\" } k: 1 modifier { hill_activation { species: \"D\" k: 10 } } }\n"
      "reaction { name: \"mb\" product { species: \"B\" } k: 1 modifier { hill_activation { species: \"A\" k: 10 } } }\n"
      "reaction { name: \"md\" product { species: \"D\" } k: 1 modifier { hill_activation { species: \"B\" k: 10 } } }\n"
      "reaction { name: \"mc\" product { species: \"C\" } k: 1 modifier { hill_repression { species: \"C\" k: 10 } } }\n"
      "reaction { name: \"pq\" reactant { species: \"P\" } product { species: \"Q\" } k: 1 }\n"
      "reaction { name: \"qp\" reactant { species: \"Q\" } product { species: \"P\" } k: 1 }\n"
      "reaction { name: \"da\" reactant { species: \"A\" } k: 0.1 } reaction { name: \"db\" reactant { species: \"B\" } k: 0.1 }\n"
      "reaction { name: \"dc\" reactant { species: \"C\" } k: 0.1 } reaction { name: \"dd\" reactant { species: \"D\" } k: 0.1 }\n");
  auto loop_lines = [](const std::vector<std::string>& infos) {
    std::vector<std::string> out;
    for (const std::string& m : infos)
      if (m.find(" feedback loop: ") != std::string::npos) out.push_back(m);
    return out;
  };
  const std::vector<std::string> all = Messages(Lint(net), LintFinding::kInfo);
  EXPECT_EQ(loop_lines(all).size(), 4u);
  EXPECT_FALSE(AnyContains(all, "feedback loops: ")) << "no summary when every loop is listed";

  const std::vector<std::string> two = Messages(Lint(net, 2), LintFinding::kInfo);
  const std::vector<std::string> listed = loop_lines(two);
  ASSERT_EQ(listed.size(), 2u);
  // Regulatory loops first, shortest first; the conversion cycle comes last.
  EXPECT_EQ(listed[0], "negative feedback loop: C -> C");
  EXPECT_EQ(listed[1], "positive feedback loop: A -> B -> A");
  EXPECT_TRUE(AnyContains(two, "feedback loops: 4 (3 positive, 1 negative, 0 mixed-sign; 1 conversion cycles); "
                               "the 2 shortest regulatory ones listed"))
      << ::testing::PrintToString(two);
}

TEST(LintTest, ReachabilityAndNeverFiring) {
  // X is present; X → Y fires; Z starts at 0 and only W (0, never made)
  // makes it, so Z and W are unreachable and w_to_z can never fire.
  const auto net = Net(
      "species { name: \"X\" initial_count: 5 } species { name: \"Y\" initial_count: 0 }\n"
      "species { name: \"Z\" initial_count: 0 } species { name: \"W\" initial_count: 0 }\n"
      "reaction { name: \"x_to_y\" reactant { species: \"X\" } product { species: \"Y\" } k: 1 }\n"
      "reaction { name: \"y_decay\" reactant { species: \"Y\" } k: 1 }\n"
      "reaction { name: \"w_to_z\" reactant { species: \"W\" } product { species: \"Z\" } k: 1 }\n");
  const auto findings = Lint(net);
  const auto warnings = Messages(findings, LintFinding::kWarning);
  EXPECT_TRUE(AnyContains(warnings, "reaction 'w_to_z' can never fire: it needs 'W'"));
  EXPECT_TRUE(AnyContains(warnings, "species 'Z' is unreachable"));
  EXPECT_TRUE(AnyContains(warnings, "species 'W' is unreachable"));
  EXPECT_FALSE(AnyContains(warnings, "'Y' is unreachable"));
  EXPECT_TRUE(Messages(findings, LintFinding::kError).empty());
  // X is only consumed.
  EXPECT_TRUE(AnyContains(Messages(findings, LintFinding::kInfo), "species 'X' is never produced"));
}

TEST(LintTest, ConstantSpeciesAreInputsNotUnreachable) {
  // Src (constant 0) is read by nobody: info, not "unreachable". In (constant
  // 0) blocks make_y: the reaction is reported, not In itself.
  const auto net = Net(
      "species { name: \"Src\" initial_count: 0 constant: true }\n"
      "species { name: \"In\" initial_count: 0 constant: true }\n"
      "species { name: \"Y\" initial_count: 1 }\n"
      "reaction { name: \"make_y\" reactant { species: \"In\" } product { species: \"In\" } product { species: \"Y\" } k: 1 }\n"
      "reaction { name: \"y_decay\" reactant { species: \"Y\" } k: 1 }\n");
  const auto findings = Lint(net);
  const auto warnings = Messages(findings, LintFinding::kWarning);
  EXPECT_FALSE(AnyContains(warnings, "unreachable"));
  EXPECT_TRUE(AnyContains(warnings, "reaction 'make_y' can never fire: it needs 'In'"));
  EXPECT_TRUE(AnyContains(Messages(findings, LintFinding::kInfo),
                          "constant species 'Src' is read by no reaction"));
}

TEST(LintTest, ModuleInputsAndReadoutsAreNotMistakes) {
  // A module: B is external (another module makes it), k_in is an external
  // parameter it does not read, flux is a rule nothing reads (a readout).
  const auto net = ParseNetwork(std::string(kHeader) +
      "species { name: \"B\" external: true }\n"
      "species { name: \"Y\" initial_count: 0 }\n"
      "parameter { name: \"k_in\" external: true }\n"
      "parameter { name: \"flux\" value: 0 }\n"
      "assignment_rule { variable: \"flux\" expression: \"3 * Y\" }\n"
      "reaction { name: \"make_y\" product { species: \"Y\" } propensity: \"B\" }\n"
      "reaction { name: \"y_decay\" reactant { species: \"Y\" } k: 1 }\n");
  ValidateOptions module;
  module.allow_external = true;
  ASSERT_TRUE(Validate(net, module).empty());
  const auto findings = Lint(net);
  const auto warnings = Messages(findings, LintFinding::kWarning);
  EXPECT_FALSE(AnyContains(warnings, "unreachable")) << warnings.front();
  EXPECT_FALSE(AnyContains(warnings, "can never fire"));
  EXPECT_FALSE(AnyContains(warnings, "'k_in' is never used"));
  EXPECT_FALSE(AnyContains(warnings, "'flux' is never used"));
  const auto infos = Messages(findings, LintFinding::kInfo);
  EXPECT_TRUE(AnyContains(infos, "'flux' is computed by a rule and read by nothing"));
  EXPECT_FALSE(AnyContains(infos, "conservation law: B = 0"));
}

TEST(LintTest, ActivatorThatNeverAppearsBlocksTheReaction) {
  // make_y needs activator A (Hill factor 0 at A = 0), which nothing makes.
  const auto net = Net(
      "species { name: \"A\" initial_count: 0 } species { name: \"Y\" initial_count: 1 }\n"
      "reaction { name: \"make_y\" product { species: \"Y\" } k: 1 modifier { hill_activation { species: \"A\" k: 5 } } }\n"
      "reaction { name: \"y_decay\" reactant { species: \"Y\" } k: 1 }\n");
  const auto warnings = Messages(Lint(net), LintFinding::kWarning);
  EXPECT_TRUE(AnyContains(warnings, "reaction 'make_y' can never fire: it needs 'A'"));
}

TEST(LintTest, NothingCanFireIsAnError) {
  const auto net = Net(
      "species { name: \"X\" initial_count: 0 }\n"
      "reaction { name: \"x_decay\" reactant { species: \"X\" } k: 1 }\n");
  const auto errors = Messages(Lint(net), LintFinding::kError);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("no reaction can ever fire"), std::string::npos);
}

TEST(LintTest, ProducedNeverConsumed) {
  // Y is made and read (it activates Z's production): warning. S is a sink
  // nothing reads: info. C never changes: info.
  const auto net = Net(
      "species { name: \"Y\" initial_count: 1 } species { name: \"Z\" initial_count: 0 }\n"
      "species { name: \"S\" initial_count: 0 } species { name: \"C\" initial_count: 3 }\n"
      "reaction { name: \"make_y\" product { species: \"Y\" } k: 1 }\n"
      "reaction { name: \"make_z\" product { species: \"Z\" } k: 1 modifier { hill_activation { species: \"Y\" k: 5 } } }\n"
      "reaction { name: \"z_to_s\" reactant { species: \"Z\" } product { species: \"S\" } k: 1 modifier { michaelis_menten { species: \"C\" k: 5 } } }\n");
  const auto findings = Lint(net);
  EXPECT_TRUE(AnyContains(Messages(findings, LintFinding::kWarning),
                          "species 'Y' is produced but never consumed"));
  const auto infos = Messages(findings, LintFinding::kInfo);
  EXPECT_TRUE(AnyContains(infos, "species 'S' is a sink"));
  EXPECT_TRUE(AnyContains(infos, "species 'C' is never changed"));
}

TEST(LintTest, UnusedParameters) {
  // k1 is a rate, K a Hill constant, k3 read by a propensity, k4 by an event
  // value, k5 by a rule; only k_unused is read by nothing, and k_set is only
  // written by an event.
  const auto net = Net(
      "species { name: \"X\" initial_count: 1 } species { name: \"Y\" initial_count: 0 }\n"
      "parameter { name: \"k1\" value: 1 } parameter { name: \"K\" value: 5 }\n"
      "parameter { name: \"k3\" value: 1 } parameter { name: \"k4\" value: 1 }\n"
      "parameter { name: \"k5\" value: 1 } parameter { name: \"k_unused\" value: 1 }\n"
      "parameter { name: \"k_set\" value: 1 } parameter { name: \"R\" value: 0 }\n"
      "reaction { name: \"a\" reactant { species: \"X\" } k_param: \"k1\" modifier { hill_repression { species: \"Y\" k_param: \"K\" } } }\n"
      "reaction { name: \"b\" product { species: \"Y\" } propensity: \"k3 * X\" }\n"
      "reaction { name: \"c\" reactant { species: \"Y\" } propensity: \"R * Y\" }\n"
      "event { name: \"e\" at_time: 1 assign { target: \"k_set\" value: \"k4 + 1\" } }\n"
      "assignment_rule { variable: \"R\" expression: \"k5 * 2\" }\n");
  const auto warnings = Messages(Lint(net), LintFinding::kWarning);
  EXPECT_TRUE(AnyContains(warnings, "parameter 'k_unused' is never used"));
  EXPECT_TRUE(AnyContains(warnings, "parameter 'k_set' is never used"));
  for (const char* used : {"'k1'", "'K'", "'k3'", "'k4'", "'k5'", "'R'"})
    EXPECT_FALSE(AnyContains(warnings, std::string("parameter ") + used)) << used;
}

TEST(LintTest, FindingsPointAtTheirElement) {
  const auto net = Net(
      "species { name: \"X\" initial_count: 1 }\n"
      "parameter { name: \"a\" value: 1 } parameter { name: \"b\" value: 1 }\n"
      "reaction { name: \"d\" reactant { species: \"X\" } k_param: \"a\" }\n");
  for (const LintFinding& f : Lint(net)) {
    if (f.message.find("'b' is never used") != std::string::npos) {
      EXPECT_EQ(f.where, (FieldPath{{"parameter", 1}}));
      return;
    }
  }
  ADD_FAILURE() << "no finding for parameter b";
}

TEST(NetworkToDotTest, DrawsRolesAndRegulationKinds) {
  const auto net = Net(
      "species { name: \"G\" initial_count: 1 role: gene } species { name: \"P\" initial_count: 0 role: protein }\n"
      "species { name: \"S\" initial_count: 5 role: signal constant: true }\n"
      "reaction { name: \"tx\" reactant { species: \"G\" } product { species: \"G\" } product { species: \"P\" } k: 1\n"
      "  modifier { hill_repression { species: \"P\" k: 10 } } modifier { hill_activation { species: \"S\" k: 10 } } }\n"
      "reaction { name: \"deg\" reactant { species: \"P\" } k: 0.1 }\n");
  const std::string dot = NetworkToDot(net);
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  EXPECT_NE(dot.find("label=\"G\", shape=ellipse, style=filled, fillcolor=\"#fde68a\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"S\", shape=box"), std::string::npos);  // constant
  EXPECT_NE(dot.find("arrowhead=tee"), std::string::npos);           // P ⊣ tx
  // G is a catalyst of tx (green arrow), S an activator: two green edges.
  std::size_t green = 0;
  for (std::size_t at = 0; (at = dot.find("#15803d", at)) != std::string::npos; ++at) ++green;
  EXPECT_EQ(green, 2u);
}

std::string SourcePath(const std::string& relative) {
  return std::string(GRN_SOURCE_DIR) + "/" + relative;
}

TEST(NetworkGraphFilesTest, BundledNetworksLintCleanly) {
  // runx2_bursty: the promoter switch GR_off ⇄ GR_on is the only cycle and
  // conserves the two alleles; dimer_decay: S1 ⇄ S2 cycles, S3 is a sink.
  for (const char* dir : {"networks", "bench/models"}) {
    for (const auto& entry : std::filesystem::directory_iterator(SourcePath(dir))) {
      if (entry.path().extension() != ".textproto") continue;
      StatusOr<NetworkFile> file = ReadNetworkFile(entry.path().string());
      ASSERT_TRUE(file.ok()) << file.status().message();
      const auto findings = Lint(file->network);
      EXPECT_TRUE(Messages(findings, LintFinding::kError).empty()) << entry.path();
      EXPECT_NE(NetworkToDot(file->network).find("digraph"), std::string::npos);
    }
  }
  StatusOr<NetworkFile> runx2 = ReadNetworkFile(SourcePath("networks/runx2_bursty.textproto"));
  ASSERT_TRUE(runx2.ok());
  EXPECT_EQ(Laws(runx2->network), std::vector<std::string>{"GR_off + GR_on = 2"});
  const FeedbackLoops loops = FindFeedbackLoops(runx2->network);
  ASSERT_EQ(loops.loops.size(), 1u);
  EXPECT_EQ(loops.loops[0].species, (std::vector<std::string>{"GR_off", "GR_on"}));
  EXPECT_TRUE(loops.loops[0].conversion_only);
  EXPECT_TRUE(Messages(Lint(runx2->network), LintFinding::kWarning).empty());

  StatusOr<NetworkFile> dimer = ReadNetworkFile(SourcePath("bench/models/dimer_decay.textproto"));
  ASSERT_TRUE(dimer.ok());
  EXPECT_TRUE(Laws(dimer->network).empty());  // S1 and S3 decay: nothing is conserved
  ASSERT_EQ(FindFeedbackLoops(dimer->network).loops.size(), 1u);
  EXPECT_TRUE(AnyContains(Messages(Lint(dimer->network), LintFinding::kInfo), "'S3' is a sink"));
}

TEST(NetworkGraphFilesTest, DsmtsDimerisationConservesMonomers) {
  const std::string path =
      std::string(GRN_SHARED_DIR) + "/conformance/sbml-stochastic/00030/00030-sbml-l3v1.xml";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  StatusOr<NetworkFile> file = ReadNetworkFile(path);
  ASSERT_TRUE(file.ok()) << file.status().message();
  // The model is 2P → P2 (k1·P(P−1)/2, a propensity expression) and
  // P2 → 2P, from P = 100: P + 2·P2 stays 100 (DSMTS user guide, model 003).
  EXPECT_EQ(Laws(file->network), std::vector<std::string>{"P + 2*P2 = 100"});
  const FeedbackLoops loops = FindFeedbackLoops(file->network);
  ASSERT_EQ(loops.loops.size(), 1u);
  EXPECT_EQ(loops.loops[0].species, (std::vector<std::string>{"P", "P2"}));
  EXPECT_TRUE(loops.loops[0].conversion_only);
  const auto findings = Lint(file->network);
  EXPECT_TRUE(Messages(findings, LintFinding::kError).empty());
  EXPECT_TRUE(Messages(findings, LintFinding::kWarning).empty());
}

}  // namespace
}  // namespace grn
