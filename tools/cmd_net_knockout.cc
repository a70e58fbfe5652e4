// tools/cmd_net_knockout.cc
//
// grnsim net knockout and net overexpress: gene dosage edits.
//
// knockout FILE SPECIES... (-o OUT | --in-place): removes genes (or
// any species) by setting their initial counts to 0, and proves the knockout
// holds: after the edit each named species must be unreachable
// (engine/model/network_graph.h, FindReachable), i.e. no reaction that can
// still fire makes it. A gene written as promoter states (G_off, G_on) is
// knocked out by naming every state that starts above 0; if one is left out,
// the command names the reaction that would bring the gene back and writes
// nothing.
//
// overexpress FILE GENE FACTOR: multiplies the gene's copy number, i.e. the
// initial counts of the species of its conservation law (all promoter states).
// Both keep a text file's comments and layout.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "engine/io/sbml_import.h"
#include "engine/model/network_graph.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {

int RunNetKnockout(int argc, char** argv) {
  EditCommand edit;
  if (int rc = ParseEditCommand(
          "knockout", "grnsim net knockout FILE SPECIES... (-o OUT | --in-place)",
          "Knocks out each SPECIES (usually a gene's copies, or its promoter states):\n"
          "sets its initial count to 0 and checks that it then stays 0 in every run,\n"
          "i.e. that no reaction which can still fire produces it and no event or rule\n"
          "sets it. If something would bring it back, that is reported and nothing is\n"
          "written (name the other promoter states of the gene as well). The result\n"
          "is validated and written atomically; a text file keeps its comments.",
          2, 0, "FILE and at least one SPECIES", argc, argv, &edit);
      rc >= 0) {
    return rc;
  }
  const std::vector<std::string>& args = edit.args;
  const std::string& input = edit.input;
  const std::string& output = edit.output;
  NetworkFile file;
  if (int rc = LoadValidNetwork("knockout", input, &file); rc != 0) return rc;
  grnsim::v1::Network edited = file.network;
  std::vector<TextFieldEdit> edits;
  std::vector<int> knocked;
  for (std::size_t i = 1; i < args.size(); ++i) {
    int index = -1;
    for (int s = 0; s < edited.species_size(); ++s)
      if (edited.species(s).name() == args[i]) index = s;
    if (index < 0) {
      PrintError("net knockout: " + input + ": no species named '" + args[i] + "'");
      return 2;
    }
    knocked.push_back(index);
    if (edited.species(index).initial_count() == 0) continue;  // nothing to write
    edited.mutable_species(index)->set_initial_count(0);
    edits.push_back({{{"species", index}, {"initial_count", -1}}, "0"});
  }
  const Reachability reach = FindReachable(edited);
  std::string problems;
  for (int s : knocked) {
    if (!reach.species_present[s]) continue;
    const std::string& name = edited.species(s).name();
    std::string how = "an event, rule or initial assignment sets it";
    for (int r = 0; r < edited.reaction_size(); ++r) {
      if (!reach.reaction_fires[r]) continue;
      std::int64_t net = 0;
      for (const auto& t : edited.reaction(r).product())
        if (t.species() == name) net += t.has_stoichiometry() ? t.stoichiometry() : 1;
      for (const auto& t : edited.reaction(r).reactant())
        if (t.species() == name) net -= t.has_stoichiometry() ? t.stoichiometry() : 1;
      if (net > 0) {
        how = "reaction '" + edited.reaction(r).name() + "' can still produce it";
        break;
      }
    }
    if (!problems.empty()) problems += '\n';
    problems += "net knockout: species '" + name + "' would not stay 0: " + how +
                " (knock out what it is made from as well)";
  }
  if (!problems.empty()) {
    PrintError(problems + "\nnet knockout: nothing written");
    return 2;
  }
  return WriteEditedNetwork("knockout", input, output, file, edited, edits);
}

}  // namespace grn::cli

namespace grn::cli {

int RunNetOverexpress(int argc, char** argv) {
  EditCommand edit;
  if (int rc = ParseEditCommand(
          "overexpress", "grnsim net overexpress FILE GENE FACTOR (-o OUT | --in-place)",
          "Multiplies the copy number of GENE by FACTOR (> 0). A gene written as\n"
          "promoter states (G_off, G_on) has its copies in a conservation law\n"
          "(G_off + G_on = 2): the initial count of every species of each law that\n"
          "contains GENE is multiplied, so the total becomes FACTOR times larger and\n"
          "stays so; a GENE in no law (e.g. constant) has only its own count\n"
          "multiplied. Every new count must be a whole number. The species changed are\n"
          "listed on stderr; the result is validated and written atomically; a text\n"
          "file keeps its comments.",
          3, 3, "FILE GENE FACTOR", argc, argv, &edit);
      rc >= 0) {
    return rc;
  }
  const std::vector<std::string>& args = edit.args;
  const std::string& input = edit.input;
  const std::string& output = edit.output;
  const std::string& gene = args[1];
  char* end = nullptr;
  const double factor = std::strtod(args[2].c_str(), &end);
  if (args[2].empty() || *end != '\0' || !std::isfinite(factor) || factor <= 0) {
    PrintError("net overexpress: FACTOR '" + args[2] + "' is not a number > 0");
    return 2;
  }
  NetworkFile file;
  if (int rc = LoadValidNetwork("overexpress", input, &file); rc != 0) return rc;
  grnsim::v1::Network edited = file.network;
  std::set<std::string> scaled = {gene};
  bool found = false;
  for (const auto& s : edited.species()) found = found || s.name() == gene;
  if (!found) {
    PrintError("net overexpress: " + input + ": no species named '" + gene + "'");
    return 2;
  }
  StatusOr<std::vector<ConservationLaw>> laws = FindConservationLaws(edited);
  if (!laws.ok()) {
    PrintError("net overexpress: " + laws.status().message());
    return 1;
  }
  for (const ConservationLaw& law : *laws) {
    bool has_gene = false;
    for (const auto& [name, c] : law.terms) has_gene = has_gene || name == gene;
    if (has_gene)
      for (const auto& [name, c] : law.terms) scaled.insert(name);
  }
  std::vector<TextFieldEdit> edits;
  double total_before = 0;
  std::string changed;
  for (int s = 0; s < edited.species_size(); ++s) {
    grnsim::v1::Species* sp = edited.mutable_species(s);
    if (scaled.count(sp->name()) == 0) continue;
    total_before += sp->initial_count();
    const double count = sp->initial_count() * factor;
    if (count != std::floor(count) || count >= 9007199254740992.0) {
      PrintError("net overexpress: species '" + sp->name() +
                 "': " + FormatNumber(sp->initial_count()) + " x " + args[2] +
                 " is not a whole number of molecules below 2^53");
      return 2;
    }
    if (count == sp->initial_count()) continue;
    if (!changed.empty()) changed += ", ";
    changed += sp->name() + " " + FormatNumber(sp->initial_count()) + " -> " + FormatNumber(count);
    sp->set_initial_count(count);
    edits.push_back({{{"species", s}, {"initial_count", -1}}, FormatNumberToken(count)});
  }
  if (total_before == 0) {
    PrintError("net overexpress: '" + gene +
               "' has no copies to multiply (its initial count is 0; see grnsim net set)");
    return 2;
  }
  const int rc = WriteEditedNetwork("overexpress", input, output, file, edited, edits);
  if (rc == 0) PrintError("net overexpress: " + (changed.empty() ? "nothing changed" : changed));
  return rc;
}

}  // namespace grn::cli
