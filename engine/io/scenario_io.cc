// engine/io/scenario_io.cc
#include "engine/io/scenario_io.h"

#include <fstream>

#include "engine/base/status_macros.h"

namespace grn {

StatusOr<ScenarioFile> ReadScenarioFile(const std::string& path) {
  ScenarioFile file;
  GRN_ASSIGN_OR_RETURN(file.source, ReadMessageFile(path, &file.scenario, "scenario"));
  return file;
}

bool LooksLikeScenarioFile(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  // The header is a comment among the first few lines (after a proto-file line, say).
  for (int i = 0; i < 5 && std::getline(in, line); ++i) {
    if (line.empty() || line[0] != '#') break;
    if (line.find("proto-message:") != std::string::npos) {
      return line.find("grnsim.v1.Scenario") != std::string::npos;
    }
  }
  return false;
}

}  // namespace grn
