// engine/io/scenario_io.h
//
// Reading scenario overlay files (message grnsim.v1.Scenario): text or
// binary by extension, with the same checks and file:line:col errors as
// network files. Text files conventionally start with
// `# proto-message: grnsim.v1.Scenario`.
#ifndef GRN_ENGINE_IO_SCENARIO_IO_H_
#define GRN_ENGINE_IO_SCENARIO_IO_H_

#include <memory>
#include <string>

#include "engine/base/status.h"
#include "engine/io/network_io.h"
#include "proto/network.pb.h"

namespace grn {

struct ScenarioFile {
  grnsim::v1::Scenario scenario;
  std::shared_ptr<const SourceMap> source;  // locates fields of `scenario`
};

StatusOr<ScenarioFile> ReadScenarioFile(const std::string& path);

// True if a text file's first lines say `# proto-message: grnsim.v1.Scenario`
// (so `grnsim validate` can check a scenario file on its own).
bool LooksLikeScenarioFile(const std::string& path);

}  // namespace grn

#endif  // GRN_ENGINE_IO_SCENARIO_IO_H_
