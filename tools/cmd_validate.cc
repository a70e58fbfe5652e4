// tools/cmd_validate.cc
//
// grnsim validate FILE... [--scenario S]...: parse, resolve includes, apply
// the scenarios, validate and compile each file; list every problem with
// file:line:column (inside the module or scenario that wrote it). A module
// whose inputs are `external` is valid on its own (it cannot be simulated
// alone; the ok line lists them). A scenario file (`# proto-message:
// grnsim.v1.Scenario`) given as FILE is checked on its own: syntax and
// field types. Exit 0 if all are valid, 2 otherwise (1 on I/O failure).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/io/compose_io.h"
#include "engine/io/network_io.h"
#include "engine/io/scenario_io.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

// A scenario file given alone: it parses, and its settings are finite. Its
// names are checked only against a network (--scenario).
int ValidateScenarioAlone(const std::string& path) {
  StatusOr<ScenarioFile> file = ReadScenarioFile(path);
  if (!file.ok()) {
    PrintError(file.status().message());
    return 2;
  }
  for (const auto* settings : {&file->scenario.set(), &file->scenario.scale()}) {
    for (const grnsim::v1::Setting& setting : *settings) {
      if (!std::isfinite(setting.value())) {
        PrintError(path + ": the setting of '" + setting.name() + "' is not a finite number");
        return 2;
      }
    }
  }
  std::printf("%s: ok (scenario '%s': %d set, %d scale, %d additions; apply it with "
              "--scenario to check its names)\n",
              path.c_str(), file->scenario.name().c_str(), file->scenario.set_size(),
              file->scenario.scale_size(),
              file->scenario.add_species_size() + file->scenario.add_parameter_size() +
                  file->scenario.add_reaction_size() + file->scenario.add_event_size());
  return 0;
}

}  // namespace

int RunValidate(int argc, char** argv) {
  FlagParser flags("grnsim validate FILE... [--scenario S]...",
                   "Checks network files: syntax (with file:line:column), names, references,\n"
                   "rates and counts, after following `include`s (problems inside a module\n"
                   "point into the module) and applying each --scenario S in order. Every\n"
                   "problem is listed; nothing is written. A module that declares inputs\n"
                   "`external` is valid on its own; the ok line lists those inputs, which a\n"
                   "network that includes it must define before it can be simulated. A\n"
                   "scenario file (starting `# proto-message: grnsim.v1.Scenario`) given as\n"
                   "FILE is checked for syntax on its own.");
  std::vector<std::string> scenarios;
  flags.AddStringList("scenario", "S", &scenarios,
                      "apply scenario file S after reading each FILE (repeatable)");
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
    if (LooksLikeScenarioFile(path)) {
      exit_code = std::max(exit_code, ValidateScenarioAlone(path));
      continue;
    }
    StatusOr<NetworkFile> file = ReadComposedNetworkFile(path, scenarios);
    Status status = file.status();
    if (status.ok()) status = ValidateNetworkFile(*file);
    std::vector<std::string> external;
    if (status.ok()) {
      for (const auto& s : file->network.species())
        if (s.external()) external.push_back(s.name());
      for (const auto& p : file->network.parameter())
        if (p.external()) external.push_back(p.name());
    }
    // A module with inputs cannot compile; everything else must.
    StatusOr<CompiledModel> model =
        !status.ok() ? StatusOr<CompiledModel>(status)
        : external.empty() ? Compile(file->network)
                           : StatusOr<CompiledModel>(InternalError("not compiled"));
    if (!status.ok() || (external.empty() && !model.ok())) {
      const Status& failed = status.ok() ? model.status() : status;
      PrintError(failed.message());
      exit_code = std::max(exit_code, ExitCodeFor(failed));
      continue;
    }
    const char* unit_names[] = {"unspecified", "s", "min", "h", "d"};
    const int unit = static_cast<int>(file->network.time_unit());
    if (external.empty()) {
      std::printf("%s: ok (%zu species, %zu reactions, %d parameters, time unit %s)\n",
                  path.c_str(), model->num_species(), model->num_reactions(),
                  file->network.parameter_size(), model->time_unit().c_str());
    } else {
      std::string inputs;
      for (const std::string& name : external) inputs += (inputs.empty() ? "" : ", ") + name;
      std::printf("%s: ok, a module (%d species, %d reactions, %d parameters, time unit %s); "
                  "external inputs a network including it must define: %s\n",
                  path.c_str(), file->network.species_size(), file->network.reaction_size(),
                  file->network.parameter_size(), unit >= 0 && unit <= 4 ? unit_names[unit] : "?",
                  inputs.c_str());
    }
  }
  return exit_code;
}

}  // namespace grn::cli
