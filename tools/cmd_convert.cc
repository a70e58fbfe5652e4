// tools/cmd_convert.cc
//
// grnsim convert IN -o OUT: reads any network file grnsim understands
// (.textproto, .binpb, SBML .xml/.sbml), validates it, and writes the same
// network as OUT (.textproto, .binpb or SBML L3V2 .xml/.sbml by extension,
// atomically). The output is only written when the input is valid, so a
// converted file always simulates; an SBML export is also checked by
// libsbml's consistency checks (engine/io/sbml_export.h) before it is written.
#include <cstdio>
#include <string>
#include <vector>

#include "engine/io/compose_io.h"
#include "engine/io/network_io.h"
#include "engine/io/sbml_export.h"
#include "engine/io/sbml_import.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {

int RunConvert(int argc, char** argv) {
  std::string output;
  FlagParser flags("grnsim convert IN -o OUT",
                   "Converts a network file: IN may be .textproto, .binpb, SBML (.xml, .sbml,\n"
                   "levels 2 and 3) or BioNetGen .net; OUT is written as .textproto, .binpb or\n"
                   "SBML Level 3 Version 2 (.xml, .sbml), by its extension, after IN has been\n"
                   "validated. A network that includes modules is written with them merged in.\n"
                   "The SBML is plain SBML core: species as amounts, kinetic laws that are the\n"
                   "propensities (mass action written out with its combinatorial factor,\n"
                   "Hill and Michaelis-Menten terms as formulas), events, rules and initial\n"
                   "assignments; it passes libsbml's consistency checks and reads back to a\n"
                   "network that simulates the same. Periodic events cannot be written to\n"
                   "SBML (exit 2). Exit 0 ok, 1 I/O failure, 2 bad input or usage.");
  flags.AddString("o", "OUT", &output,
                  "the network file to write (.textproto, .binpb, .xml or .sbml)");
  flags.AddString("output", "OUT", &output, "the same as -o");
  std::vector<std::string> inputs;
  bool help = false;
  if (Status s = flags.Parse(argc, argv, 2, &inputs, &help); !s.ok()) {
    PrintError("convert: " + s.message());
    return 2;
  }
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (inputs.size() != 1) {
    PrintError("convert: expected exactly one input file, got " + std::to_string(inputs.size()) +
               " (see grnsim convert --help)");
    return 2;
  }
  if (output.empty()) {
    PrintError("convert: no output file given (-o OUT; see grnsim convert --help)");
    return 2;
  }
  // The output stands alone: a composed network is written with its
  // modules merged in (its include paths would not hold elsewhere, and SBML
  // has no equivalent).
  StatusOr<NetworkFile> file = ReadComposedNetworkFile(inputs[0]);
  Status status = file.status();
  if (status.ok()) status = ValidateNetworkFile(*file);
  if (status.ok()) {
    status = IsSbmlPath(output) ? WriteSbmlFile(output, file->network)
                                : WriteNetworkFile(output, file->network);
  }
  if (!status.ok()) {
    PrintError(status.message());
    return ExitCodeFor(status);
  }
  return 0;
}

}  // namespace grn::cli
