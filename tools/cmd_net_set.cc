// tools/cmd_net_set.cc
//
// grnsim net set FILE NAME=VALUE... (-o OUT | --in-place): sets parameter
// values and species initial counts. The edited network is validated before
// anything is written, and written atomically. A text file written as text
// keeps its comments and layout: only the value token of each changed field
// is rewritten (engine/io/text_edit.h), so one edit changes one line; other
// outputs (.binpb, or text from .binpb/SBML input) are printed from the
// message.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "engine/io/compose_io.h"
#include "engine/io/sbml_import.h"
#include "engine/io/text_edit.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

// When `name` lives in a module `network` includes, says where, and how to
// change it without editing the shared module.
std::string DefinedInModuleHint(const std::string& input, const grnsim::v1::Network& network,
                                const std::string& name) {
  if (network.include_size() == 0) return "";
  StatusOr<NetworkFile> composed = ReadComposedNetworkFile(input);
  if (!composed.ok()) return "";
  auto hint = [&](const FieldPath& where) {
    return " in this file; it is defined in an included module (" +
           composed->source->Locate(where) +
           "): edit that module, or change it for this network with a scenario "
           "(grnsim net apply / --scenario)";
  };
  for (int p = 0; p < composed->network.parameter_size(); ++p)
    if (composed->network.parameter(p).name() == name) return hint({{"parameter", p}});
  for (int s = 0; s < composed->network.species_size(); ++s)
    if (composed->network.species(s).name() == name) return hint({{"species", s}});
  return "";
}

}  // namespace

int RunNetSet(int argc, char** argv) {
  EditCommand edit;
  if (int rc = ParseEditCommand(
          "set", "grnsim net set FILE NAME=VALUE... (-o OUT | --in-place)",
          "Sets the value of parameter NAME, or the initial count of species NAME, to\n"
          "VALUE (a number; a count must be a whole number >= 0). The result is\n"
          "validated before it is written, atomically, to OUT (.textproto or .binpb) or\n"
          "over FILE. Editing a text file into a text file keeps every comment and all\n"
          "layout: only the edited values change (a value written nowhere, such as an\n"
          "initial count of 0 left out, is added after the element's name).",
          2, 0, "FILE and at least one NAME=VALUE", argc, argv, &edit);
      rc >= 0) {
    return rc;
  }
  const std::vector<std::string>& args = edit.args;
  const std::string& input = edit.input;
  const std::string& output = edit.output;
  NetworkFile file;
  if (int rc = LoadValidNetwork("set", input, &file); rc != 0) return rc;

  grnsim::v1::Network edited = file.network;
  std::vector<TextFieldEdit> edits;
  std::set<std::string> seen;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const std::size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      PrintError("net set: '" + arg + "': expected NAME=VALUE");
      return 2;
    }
    const std::string name = arg.substr(0, eq), text = arg.substr(eq + 1);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value)) {
      PrintError("net set: '" + arg + "': value '" + text + "' is not a finite number");
      return 2;
    }
    if (!seen.insert(name).second) {
      PrintError("net set: '" + name + "' is set twice");
      return 2;
    }
    int parameter = -1, species = -1;
    for (int p = 0; p < edited.parameter_size(); ++p)
      if (edited.parameter(p).name() == name) parameter = p;
    for (int s = 0; s < edited.species_size(); ++s)
      if (edited.species(s).name() == name) species = s;
    if (parameter >= 0 && species >= 0) {
      PrintError("net set: '" + name + "' names both a parameter and a species");
      return 2;
    }
    if (parameter >= 0) {
      edited.mutable_parameter(parameter)->set_value(value);
      edits.push_back({{{"parameter", parameter}, {"value", -1}}, FormatNumberToken(value)});
    } else if (species >= 0) {
      if (value < 0 || value != std::floor(value)) {
        PrintError("net set: species '" + name + "': initial count " + text +
                   " is not a whole number >= 0");
        return 2;
      }
      edited.mutable_species(species)->set_initial_count(value);
      edits.push_back({{{"species", species}, {"initial_count", -1}}, FormatNumberToken(value)});
    } else {
      PrintError("net set: " + input + ": no parameter or species named '" + name + "'" +
                 DefinedInModuleHint(input, file.network, name));
      return 2;
    }
  }
  return WriteEditedNetwork("set", input, output, file, edited, edits);
}

}  // namespace grn::cli
