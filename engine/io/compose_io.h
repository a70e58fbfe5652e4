// engine/io/compose_io.h
//
// Composition of network files: follows `include`s and applies scenario
// files. Include paths are relative to the including file; includes nest;
// a file included twice (e.g. by two modules) is merged once; a cycle is
// refused naming it. The merge itself is engine/model/compose.h. The result
// has no includes, and its SourceMap points every field into the file that
// wrote it (a module, a scenario), so validation errors read
// "networks/modules/F.textproto:40:3: ...".
#ifndef GRN_ENGINE_IO_COMPOSE_IO_H_
#define GRN_ENGINE_IO_COMPOSE_IO_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/io/network_io.h"

namespace grn {

// Resolves the includes of `file` (read from file.source->path()) and
// applies the scenario files in order. Without includes and scenarios the
// file is returned as it is. Conflicts between modules are all listed.
StatusOr<NetworkFile> ComposeNetworkFile(NetworkFile file,
                                         const std::vector<std::string>& scenario_paths = {});

// ReadNetworkFile + ComposeNetworkFile.
StatusOr<NetworkFile> ReadComposedNetworkFile(const std::string& path,
                                              const std::vector<std::string>& scenario_paths = {});

// Merges whole network files, each with its includes resolved, in order
// (`grnsim net merge`): the first gives the result its name and
// description. Every conflict is listed with both files' locations.
StatusOr<NetworkFile> MergeNetworkFiles(const std::vector<std::string>& paths);

// Applies scenario files in order to `file` (already composed).
Status ApplyScenarioFiles(NetworkFile& file, const std::vector<std::string>& scenario_paths);

}  // namespace grn

#endif  // GRN_ENGINE_IO_COMPOSE_IO_H_
