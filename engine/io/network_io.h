// engine/io/network_io.h
//
// Reading and writing network files. The format follows the extension:
// .textproto (protobuf text format, what people edit) or .binpb (binary).
// Every error names the file; text errors also carry line:column (1-based)
// and say what was expected. Writes go to a temporary file that is renamed
// over the target only when complete.
#ifndef GRN_ENGINE_IO_NETWORK_IO_H_
#define GRN_ENGINE_IO_NETWORK_IO_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/model/compiled_model.h"
#include "engine/model/validate.h"
#include "proto/network.pb.h"

namespace grn {

// Where each field of a parsed text file came from. Empty for binary files.
class SourceMap {
 public:
  virtual ~SourceMap() = default;
  // "file:line:col" for the field at `where` (or the nearest enclosing field
  // that has a location), or "file" when none is known.
  virtual std::string Locate(const FieldPath& where) const = 0;
  // The file whose fields this map locates (the top file of a composed
  // network); "" when not known. Includes are resolved relative to it.
  virtual std::string path() const { return ""; }
};

struct NetworkFile {
  grnsim::v1::Network network;
  std::shared_ptr<const SourceMap> source;
};

// The file as written: its `include`s are not followed (see compose_io.h).
StatusOr<NetworkFile> ReadNetworkFile(const std::string& path);

// Reads a message of any type, text or binary by the extension, with the
// same checks and file:line:col errors as a network file; `what` names the
// kind of file in messages ("scenario"). Returns where its fields are.
StatusOr<std::shared_ptr<const SourceMap>> ReadMessageFile(const std::string& path,
                                                           google::protobuf::Message* message,
                                                           const std::string& what);

// Validates and reports every problem as "file:line:col: message", one per
// line. The file is checked as a module: its includes are resolved (relative
// to file.source->path()) and the result may leave species and parameters
// `external`. Problems inside an included file point into that file.
Status ValidateNetworkFile(const NetworkFile& file);
// The same with explicit options; the default ValidateOptions refuse
// `external` (a network that is simulated must define everything).
Status ValidateNetworkFile(const NetworkFile& file, const ValidateOptions& options);

// Read → resolve includes → apply the scenario files in order → Validate
// (nothing may stay external) → Compile. Problems point into the file that
// wrote the offending field (a module, a scenario).
StatusOr<CompiledModel> LoadModel(const std::string& path);
StatusOr<CompiledModel> LoadModel(const std::string& path,
                                  const std::vector<std::string>& scenario_paths);

// Writes text or binary by extension, atomically.
Status WriteNetworkFile(const std::string& path, const grnsim::v1::Network& network);

}  // namespace grn

#endif  // GRN_ENGINE_IO_NETWORK_IO_H_
