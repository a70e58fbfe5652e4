// engine/io/text_edit.cc
//
// Locations come from TextFormat::ParseInfoTree: 0-based line and column of a
// field's name, where the column counts a tab as advancing to the next
// multiple of 8 (protobuf's tokenizer). From the name, the value token is
// found by skipping the name, blanks, # comments and the ':' separator.
#include "engine/io/text_edit.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <charconv>
#include <cctype>

#include "engine/base/status_macros.h"

namespace grn {
namespace {

namespace pb = google::protobuf;
using grnsim::v1::Network;

class IgnoreErrors : public pb::io::ErrorCollector {
 public:
  void AddError(int, pb::io::ColumnNumber, const std::string&) override {}
};

// Byte offset of (line, column) as protobuf's tokenizer counts them; npos if
// the text is shorter.
std::size_t OffsetOf(const std::string& text, int line, int column) {
  std::size_t offset = 0;
  for (int l = 0; l < line; ++l) {
    offset = text.find('\n', offset);
    if (offset == std::string::npos) return std::string::npos;
    ++offset;
  }
  int col = 0;
  while (col < column && offset < text.size() && text[offset] != '\n') {
    col = text[offset] == '\t' ? col + 8 - col % 8 : col + 1;
    ++offset;
  }
  return col == column ? offset : std::string::npos;
}

// Skips blanks and # comments.
std::size_t SkipBlank(const std::string& text, std::size_t i) {
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    } else if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      break;
    }
  }
  return i;
}

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The end of the value token starting at `i`: a quoted string (with escapes)
// or a bare number/identifier (a leading '-' included).
std::size_t ValueEnd(const std::string& text, std::size_t i) {
  if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
    const char quote = text[i++];
    while (i < text.size() && text[i] != quote && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
    return std::min(i + 1, text.size());
  }
  if (i < text.size() && text[i] == '-') i = SkipBlank(text, i + 1);
  while (i < text.size() && (IsIdentChar(text[i]) || text[i] == '.' ||
                             ((text[i] == '+' || text[i] == '-') && i > 0 &&
                              (text[i - 1] == 'e' || text[i - 1] == 'E'))))
    ++i;
  return i;
}

struct Splice {
  std::size_t begin, end;  // replaced byte range [begin, end)
  std::string with;
};

// The byte range that deleting the top-level element at `where` removes.
StatusOr<Splice> RemovalOf(const std::string& path, const std::string& text,
                           const pb::TextFormat::ParseInfoTree& root, const FieldPath& where) {
  const pb::FieldDescriptor* field =
      where.size() == 1 ? Network::descriptor()->FindFieldByName(where[0].first) : nullptr;
  if (field == nullptr || field->message_type() == nullptr) {
    return InternalError(path + ": only top-level elements can be removed");
  }
  const pb::TextFormat::ParseLocationRange range = root.GetLocationRange(field, where[0].second);
  std::size_t begin = OffsetOf(text, range.start.line, range.start.column);
  std::size_t end = OffsetOf(text, range.end.line, range.end.column);
  if (range.start.line < 0 || begin == std::string::npos || end == std::string::npos || end < begin) {
    return InternalError(path + ": cannot find " + where[0].first + " " +
                         std::to_string(where[0].second) + " in the text");
  }
  const std::size_t line_begin = begin == 0 ? 0 : text.rfind('\n', begin - 1) + 1;
  std::size_t line_end = text.find('\n', end);
  if (line_end == std::string::npos) line_end = text.size();
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
    return true;
  };
  // After the element: only blanks, or blanks and a comment, up to the line end.
  std::size_t after = end;
  while (after < line_end && (text[after] == ' ' || text[after] == '\t' || text[after] == '\r')) ++after;
  const bool rest_blank = after == line_end || text[after] == '#';
  if (blank(line_begin, begin) && rest_blank) {
    return Splice{line_begin, std::min(line_end + 1, text.size()), ""};  // whole lines
  }
  if (rest_blank) {  // others before it on the line: drop it, its comment and the blanks before
    while (begin > line_begin && (text[begin - 1] == ' ' || text[begin - 1] == '\t')) --begin;
    return Splice{begin, line_end, ""};
  }
  return Splice{begin, after, ""};  // others after it: drop it and the blanks after
}

}  // namespace

std::string FormatNumberToken(double value) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

StatusOr<std::string> EditTextFields(const std::string& path, const std::string& text,
                                     const std::vector<TextFieldEdit>& edits,
                                     const Network& expected) {
  pb::TextFormat::ParseInfoTree root;
  Network original;
  IgnoreErrors ignore;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&ignore);
  parser.WriteLocationsTo(&root);
  if (!parser.ParseFromString(text, &original)) {
    return InvalidArgumentError(path + ": cannot parse network file");
  }
  std::vector<Splice> splices;
  for (const TextFieldEdit& edit : edits) {
    if (edit.path.empty()) return InternalError(path + ": empty field path in an edit");
    if (edit.remove) {
      GRN_ASSIGN_OR_RETURN(Splice splice, RemovalOf(path, text, root, edit.path));
      splices.push_back(std::move(splice));
      continue;
    }
    const pb::Descriptor* type = Network::descriptor();
    const pb::TextFormat::ParseInfoTree* tree = &root;
    pb::TextFormat::ParseLocation message_loc;  // the innermost enclosing message's field
    for (std::size_t i = 0; i + 1 < edit.path.size(); ++i) {
      const pb::FieldDescriptor* field = type->FindFieldByName(edit.path[i].first);
      if (field == nullptr || field->message_type() == nullptr || tree == nullptr) {
        return InternalError(path + ": no message field '" + edit.path[i].first + "'");
      }
      message_loc = tree->GetLocation(field, edit.path[i].second);
      tree = tree->GetTreeForNested(field, edit.path[i].second);
      type = field->message_type();
    }
    const auto& [name, index] = edit.path.back();
    const pb::FieldDescriptor* field = type->FindFieldByName(name);
    if (field == nullptr || tree == nullptr) {
      return InternalError(path + ": no field '" + name + "' to edit");
    }
    const pb::TextFormat::ParseLocation loc = tree->GetLocation(field, index);
    if (loc.line >= 0) {
      // The field is written: replace its value token.
      std::size_t at = OffsetOf(text, loc.line, loc.column);
      if (at == std::string::npos || text.compare(at, name.size(), name) != 0) {
        return InternalError(path + ": cannot find field '" + name + "' at its recorded place");
      }
      at = SkipBlank(text, at + name.size());
      if (at < text.size() && text[at] == ':') at = SkipBlank(text, at + 1);
      splices.push_back({at, ValueEnd(text, at), edit.token});
      continue;
    }
    // Not written (a default value): insert it after the message's name, or
    // right after the message's opening brace when it has no name field.
    if (message_loc.line < 0) return InternalError(path + ": cannot place field '" + name + "'");
    std::size_t at = std::string::npos;
    if (const pb::FieldDescriptor* name_field = type->FindFieldByName("name")) {
      const pb::TextFormat::ParseLocation name_loc = tree->GetLocation(name_field, -1);
      if (name_loc.line >= 0) {
        at = OffsetOf(text, name_loc.line, name_loc.column);
        if (at != std::string::npos) {
          at = SkipBlank(text, at + 4);
          if (at < text.size() && text[at] == ':') at = SkipBlank(text, at + 1);
          at = ValueEnd(text, at);
        }
      }
    }
    if (at == std::string::npos) {
      at = OffsetOf(text, message_loc.line, message_loc.column);
      if (at != std::string::npos) at = text.find_first_of("{<", at);
      if (at != std::string::npos) ++at;
    }
    if (at == std::string::npos) return InternalError(path + ": cannot place field '" + name + "'");
    splices.push_back({at, at, " " + name + ": " + edit.token});
  }
  std::sort(splices.begin(), splices.end(),
            [](const Splice& a, const Splice& b) { return a.begin > b.begin; });
  std::string out = text;
  for (const Splice& s : splices) out.replace(s.begin, s.end - s.begin, s.with);

  Network reparsed;
  pb::TextFormat::Parser check;
  check.RecordErrorsTo(&ignore);
  if (!check.ParseFromString(out, &reparsed) ||
      !pb::util::MessageDifferencer::Equals(reparsed, expected)) {
    return InternalError(path +
                         ": the comment-preserving edit did not give the expected network; "
                         "nothing was written");
  }
  return out;
}

}  // namespace grn
