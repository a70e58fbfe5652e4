// tools/cmd_validate.cc
//
// grnsim validate FILE...: parse, validate and compile each file; list every
// problem with file:line:column. Exit 0 if all are valid, 2 otherwise.
#include <algorithm>
#include <cstdio>

#include "engine/io/network_io.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {

int RunValidate(int argc, char** argv) {
  FlagParser flags("grnsim validate FILE...",
                   "Checks network files: syntax (with file:line:column), names, references,\n"
                   "rates and counts. Every problem is listed; nothing is written.");
  std::vector<std::string> files;
  bool help = false;
  if (Status s = flags.Parse(argc, argv, 2, &files, &help); !s.ok()) {
    PrintError(s.message());
    return 2;
  }
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (files.empty()) {
    PrintError("validate: no network file given (see grnsim validate --help)");
    return 2;
  }
  int exit_code = 0;
  for (const std::string& path : files) {
    StatusOr<NetworkFile> file = ReadNetworkFile(path);
    Status status = file.status();
    if (status.ok()) status = ValidateNetworkFile(*file);
    StatusOr<CompiledModel> model = status.ok() ? Compile(file->network) : StatusOr<CompiledModel>(status);
    if (!model.ok()) {
      PrintError(model.status().message());
      exit_code = std::max(exit_code, ExitCodeFor(model.status()));
      continue;
    }
    std::printf("%s: ok (%zu species, %zu reactions, %d parameters, time unit %s)\n", path.c_str(),
                model->num_species(), model->num_reactions(), file->network.parameter_size(),
                model->time_unit().c_str());
  }
  return exit_code;
}

}  // namespace grn::cli
