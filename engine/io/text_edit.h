// engine/io/text_edit.h
//
// Comment-preserving edits of a network text file. protobuf's printer drops
// comments and layout, so an edit rewrites only the value token of each
// changed field, located through TextFormat::ParseInfoTree, and leaves every
// other byte of the file as it was: changing one parameter changes one line.
// The result is parsed again and must equal the expected message, so an edit
// can never silently produce a different network.
#ifndef GRN_ENGINE_IO_TEXT_EDIT_H_
#define GRN_ENGINE_IO_TEXT_EDIT_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/model/validate.h"
#include "proto/network.pb.h"

namespace grn {

// Sets the scalar field at `path` (a number, enum or string field of a
// message; e.g. {{"parameter", 3}, {"value", -1}}) to `token`, the new value
// exactly as it should appear in the text ("0.5", "\"X\"", "true").
// With `remove`, `path` names a top-level element instead ({{"reaction", 3}})
// and the element is deleted: its whole lines when nothing else shares them
// (a trailing # comment on its last line goes with it; comment lines above
// it stay), otherwise just its text.
struct TextFieldEdit {
  FieldPath path;
  std::string token;
  bool remove = false;
};

// Applies `edits` to `text`, a parsable network text file. A field already
// written is changed in place (its value token only); a field not written
// (a proto3 default, such as an initial_count of 0) is inserted on the line of
// its message's `name` field, right after the name. The edited text must
// parse to `expected`, else an InternalError is returned and nothing should
// be written. `path` only names the file in messages.
StatusOr<std::string> EditTextFields(const std::string& path, const std::string& text,
                                     const std::vector<TextFieldEdit>& edits,
                                     const grnsim::v1::Network& expected);

// The shortest text that reads back to exactly `value` ("0.5", "1e-06", "100").
std::string FormatNumberToken(double value);

}  // namespace grn

#endif  // GRN_ENGINE_IO_TEXT_EDIT_H_
