// tools/cmd_net_merge.cc
//
// grnsim net merge A B [C...] -o OUT: merges network files (each with its
// includes resolved) into one flattened network through the project's one
// merge function (engine/model/compose.h): by name, refusing conflicting
// definitions, every conflict listed with both files' line:column. The result
// is validated (and compiled) before it is written, atomically; nothing may
// stay `external` unless --allow-external (a larger module).
#include <cstdio>

#include "engine/io/compose_io.h"
#include "engine/io/sbml_import.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

// Prints each line of `message` as "net merge: <line>".
void PrintLines(const std::string& message) {
  std::string out;
  std::size_t start = 0;
  while (start <= message.size()) {
    std::size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    if (!out.empty()) out += '\n';
    out += "net merge: " + message.substr(start, end - start);
    start = end + 1;
  }
  PrintError(out);
}

}  // namespace

int RunNetMerge(int argc, char** argv) {
  FlagParser flags("grnsim net merge A B [C...] -o OUT",
                   "Merges network files into one flattened network (no includes): species\n"
                   "and parameters by name (a name defined in two files must have the same\n"
                   "definition), `external` declarations resolved by the file that defines\n"
                   "them, reactions, events and rules unique. Every conflict is listed with\n"
                   "both files' line:column and nothing is written. The merged network takes\n"
                   "A's name and description, is validated, and is written atomically as\n"
                   "text or binary by OUT's extension.");
  std::string output;
  bool allow_external = false;
  flags.AddString("o", "OUT", &output, "write the merged network here (.textproto or .binpb)");
  flags.AddString("output", "OUT", &output, "the same as -o");
  flags.AddBool("allow-external", &allow_external,
                "write a module whose inputs are still external (not simulatable alone)");
  std::vector<std::string> inputs;
  bool help = false;
  if (Status s = flags.Parse(argc, argv, 3, &inputs, &help); !s.ok()) {
    PrintError("net merge: " + s.message());
    return 2;
  }
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (inputs.size() < 2) {
    PrintError("net merge: expected at least two network files (see grnsim net merge --help)");
    return 2;
  }
  if (output.empty()) {
    PrintError("net merge: no output given (-o OUT)");
    return 2;
  }
  if (IsSbmlPath(output)) {
    PrintError("net merge: " + output + ": writing SBML is not supported (write .textproto or .binpb)");
    return 2;
  }
  StatusOr<NetworkFile> merged = MergeNetworkFiles(inputs);
  Status status = merged.status();
  if (status.ok()) {
    status = ValidateNetworkFile(*merged, ValidateOptions{.allow_external = allow_external});
  }
  if (status.ok() && !allow_external) status = Compile(merged->network).status();
  if (!status.ok()) {
    PrintLines(status.message());
    return ExitCodeFor(status);
  }
  if (Status s = WriteNetworkFile(output, merged->network); !s.ok()) {
    PrintLines(s.message());
    return ExitCodeFor(s);
  }
  return 0;
}

}  // namespace grn::cli
