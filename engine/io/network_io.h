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
};

struct NetworkFile {
  grnsim::v1::Network network;
  std::shared_ptr<const SourceMap> source;
};

StatusOr<NetworkFile> ReadNetworkFile(const std::string& path);

// Validates and reports every problem as "file:line:col: message", one per line.
Status ValidateNetworkFile(const NetworkFile& file);

// Read → Validate → Compile.
StatusOr<CompiledModel> LoadModel(const std::string& path);

// Writes text or binary by extension, atomically.
Status WriteNetworkFile(const std::string& path, const grnsim::v1::Network& network);

}  // namespace grn

#endif  // GRN_ENGINE_IO_NETWORK_IO_H_
