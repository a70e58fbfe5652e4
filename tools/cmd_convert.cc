// tools/cmd_convert.cc
//
// grnsim convert IN -o OUT: reads any network file grnsim understands
// (.textproto, .binpb, SBML .xml/.sbml), validates it, and writes the same
// network as OUT (.textproto or .binpb by extension, atomically). The
// output is only written when the input is valid, so a converted file always
// simulates. Writing SBML is not supported yet.
#include <cstdio>
#include <string>
#include <vector>

#include "engine/io/network_io.h"
#include "engine/io/sbml_import.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {

int RunConvert(int argc, char** argv) {
  std::string output;
  FlagParser flags("grnsim convert IN -o OUT",
                   "Converts a network file: IN may be .textproto, .binpb or SBML (.xml, .sbml,\n"
                   "levels 2 and 3); OUT is written as .textproto or .binpb (by its extension)\n"
                   "after IN has been validated. Exit 0 ok, 1 I/O failure, 2 bad input or usage.");
  flags.AddString("o", "OUT", &output, "the network file to write (.textproto or .binpb)");
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
  if (IsSbmlPath(output)) {
    PrintError("convert: " + output +
               ": writing SBML is not supported yet (write a .textproto or .binpb file)");
    return 2;
  }
  StatusOr<NetworkFile> file = ReadNetworkFile(inputs[0]);
  Status status = file.status();
  if (status.ok()) status = ValidateNetworkFile(*file);
  if (status.ok()) status = WriteNetworkFile(output, file->network);
  if (!status.ok()) {
    PrintError(status.message());
    return ExitCodeFor(status);
  }
  return 0;
}

}  // namespace grn::cli
