// engine/io/network_io.cc
//
// The only place that drives protobuf's text parser. Locations come from
// TextFormat::ParseInfoTree (0-based; reported 1-based), syntax errors from an
// io::ErrorCollector (protobuf 3.21 signature AddError(int, ColumnNumber, ...)).
#include "engine/io/network_io.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/text_format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "engine/base/status_macros.h"
#include "engine/io/atomic_file.h"
#include "engine/io/bng_import.h"
#include "engine/io/compose_io.h"
#include "engine/io/sbml_import.h"

namespace grn {
namespace {

namespace pb = google::protobuf;
using grnsim::v1::Network;

enum class Format { kText, kBinary };

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

StatusOr<Format> FormatOf(const std::string& path, const std::string& what = "network") {
  for (const char* ext : {".textproto", ".txtpb", ".pbtxt"})
    if (EndsWith(path, ext)) return Format::kText;
  for (const char* ext : {".binpb", ".pb"})
    if (EndsWith(path, ext)) return Format::kBinary;
  return InvalidArgumentError(path + ": unknown " + what +
                              " file type (expected a .textproto or .binpb file)");
}

// protobuf logs some parse problems to stderr itself; our errors say it all.
void SilenceProtobufLogging() {
  static std::once_flag once;
  std::call_once(once, [] { pb::SetLogHandler(nullptr); });
}

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError(path + ": no such file");
    return IOError(path + ": cannot read: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return InvalidArgumentError(path + ": is a directory, not a network file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return IOError(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return IOError(path + ": read failed");
  return buffer.str();
}

// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t FindInvalidUtf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len;
    std::uint32_t min_code;
    if (c < 0x80) { ++i; continue; }
    else if ((c & 0xE0) == 0xC0) { len = 2; min_code = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; min_code = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; min_code = 0x10000; }
    else return i;
    if (i + len > s.size()) return i;
    std::uint32_t code = c & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      code = (code << 6) | (cc & 0x3F);
    }
    if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

std::string LineCol(const std::string& text, std::size_t offset) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

// True if the text holds nothing but whitespace and # comments.
bool IsBlank(const std::string& text) {
  bool in_comment = false;
  for (char c : text) {
    if (in_comment) { in_comment = c != '\n'; continue; }
    if (c == '#') { in_comment = true; continue; }
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

// Protobuf reports an unknown field or enum value at the token after the
// name (the ':' or, at the end of a line, the next line). Point at the name
// itself: the last occurrence of `token` at or before (line, column).
void AnchorAtToken(const std::string& text, const std::string& token, int& line, int& column) {
  std::size_t offset = 0;
  for (int l = 0; l < line && offset != std::string::npos; ++l) {
    offset = text.find('\n', offset);
    if (offset != std::string::npos) ++offset;
  }
  if (offset == std::string::npos || token.empty()) return;
  offset = std::min(offset + static_cast<std::size_t>(column), text.size());
  const std::size_t found = text.rfind(token, offset);
  if (found == std::string::npos) return;
  const std::size_t line_start = text.rfind('\n', found == 0 ? 0 : found - 1);
  line = static_cast<int>(std::count(text.begin(), text.begin() + found, '\n'));
  column = static_cast<int>(found - (line_start == std::string::npos || found == 0 ? 0 : line_start + 1));
}

// The quoted name after `prefix` in a protobuf message, or "".
std::string QuotedAfter(const std::string& message, const std::string& prefix) {
  const std::size_t at = message.find(prefix);
  if (at == std::string::npos) return "";
  const std::size_t begin = at + prefix.size();
  const std::size_t end = message.find('"', begin);
  return end == std::string::npos ? "" : message.substr(begin, end - begin);
}

class CollectErrors : public pb::io::ErrorCollector {
 public:
  CollectErrors(std::string path, const std::string& text) : path_(std::move(path)), text_(text) {}
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    std::string token = QuotedAfter(message, "has no field named \"");
    if (token.empty()) token = QuotedAfter(message, "Unknown enumeration value of \"");
    if (!token.empty()) AnchorAtToken(text_, token, line, column);
    errors_.push_back(path_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) +
                      ": " + message);
  }
  void AddWarning(int, pb::io::ColumnNumber, const std::string&) override {}
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string path_;
  const std::string& text_;
  std::vector<std::string> errors_;
};

class TextSourceMap : public SourceMap {
 public:
  TextSourceMap(std::string path, const pb::Descriptor* root)
      : path_(std::move(path)), root_(root) {}
  pb::TextFormat::ParseInfoTree* tree() { return &tree_; }
  std::string path() const override { return path_; }

  std::string Locate(const FieldPath& where) const override {
    const pb::Descriptor* type = root_;
    const pb::TextFormat::ParseInfoTree* tree = &tree_;
    pb::TextFormat::ParseLocation best;  // line -1: unknown
    for (const auto& [name, index] : where) {
      if (type == nullptr || tree == nullptr) break;
      const pb::FieldDescriptor* field = type->FindFieldByName(name);
      if (field == nullptr) break;
      const pb::TextFormat::ParseLocation loc = tree->GetLocation(field, index);
      if (loc.line >= 0) best = loc;
      if (field->message_type() == nullptr) break;
      tree = tree->GetTreeForNested(field, index);
      type = field->message_type();
    }
    if (best.line < 0) return path_ + ":1:1";
    return path_ + ":" + std::to_string(best.line + 1) + ":" + std::to_string(best.column + 1);
  }

 private:
  std::string path_;
  const pb::Descriptor* root_;
  pb::TextFormat::ParseInfoTree tree_;
};

class BinarySourceMap : public SourceMap {
 public:
  explicit BinarySourceMap(std::string path) : path_(std::move(path)) {}
  std::string Locate(const FieldPath&) const override { return path_; }
  std::string path() const override { return path_; }

 private:
  std::string path_;
};

// Network files are read whole and parsed in memory (several times their
// size at peak), so a size limit is checked before any reading. 64 MiB is far
// above any real network: 10^5 species and 10^5 reactions are ~14 MB of text.
constexpr std::uint64_t kMaxNetworkFileBytes = 64ull << 20;

Status CheckFileSize(const std::string& path) {
  struct stat st;
  // Missing files, directories and the like are reported by the readers.
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Status::OK();
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size <= kMaxNetworkFileBytes) return Status::OK();
  return InvalidArgumentError(path + ": file is " + std::to_string(size) +
                              " bytes, over the limit of " + std::to_string(kMaxNetworkFileBytes) +
                              " bytes (64 MiB) for a network file; " +
                              "check that this is the right file");
}

// The text or binary reading behind ReadNetworkFile and ReadMessageFile.
StatusOr<std::shared_ptr<const SourceMap>> ReadMessage(const std::string& path,
                                                       pb::Message* message,
                                                       const std::string& what,
                                                       const std::string& expected_fields) {
  GRN_ASSIGN_OR_RETURN(Format format, FormatOf(path, what));
  GRN_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(path));
  if (format == Format::kBinary) {
    if (!message->ParseFromString(data)) {
      return InvalidArgumentError(path + ": not a valid binary " + what +
                                  " (.binpb): the data is truncated, corrupt, or not a " +
                                  message->GetDescriptor()->full_name());
    }
    return std::shared_ptr<const SourceMap>(std::make_shared<BinarySourceMap>(path));
  }
  if (IsBlank(data)) {
    return InvalidArgumentError(path + ":1:1: empty " + what + " file: expected fields such as " +
                                expected_fields);
  }
  if (const std::size_t bad = FindInvalidUtf8(data); bad != std::string::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(data[bad]));
    return InvalidArgumentError(path + ":" + LineCol(data, bad) + ": invalid UTF-8 (byte " + byte +
                                "): text " + what + " files must be UTF-8");
  }
  auto source = std::make_shared<TextSourceMap>(path, message->GetDescriptor());
  CollectErrors errors(path, data);
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(source->tree());
  if (!parser.ParseFromString(data, message)) {
    std::string text;
    for (const std::string& e : errors.errors()) {
      if (!text.empty()) text += '\n';
      text += e;
    }
    if (text.empty()) text = path + ": cannot parse " + what + " file";
    return InvalidArgumentError(text);
  }
  return std::shared_ptr<const SourceMap>(std::move(source));
}

}  // namespace

StatusOr<NetworkFile> ReadNetworkFile(const std::string& path) {
  SilenceProtobufLogging();
  GRN_RETURN_IF_ERROR(CheckFileSize(path));
  if (IsBngPath(path)) return ImportBng(path);  // BioNetGen .net: located by line
  if (IsSbmlPath(path)) {  // SBML (.xml, .sbml): imported; locations name the file only
    GRN_ASSIGN_OR_RETURN(Network network, ImportSbml(path));
    return NetworkFile{std::move(network), std::make_shared<BinarySourceMap>(path)};
  }
  NetworkFile file;
  GRN_ASSIGN_OR_RETURN(file.source, ReadMessage(path, &file.network, "network",
                                                "name, time_unit, species and reaction"));
  return file;
}

StatusOr<std::shared_ptr<const SourceMap>> ReadMessageFile(const std::string& path,
                                                           pb::Message* message,
                                                           const std::string& what) {
  SilenceProtobufLogging();
  GRN_RETURN_IF_ERROR(CheckFileSize(path));
  std::string fields;
  const pb::Descriptor* type = message->GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    if (i > 0) fields += i + 1 == type->field_count() ? " and " : ", ";
    fields += type->field(i)->name();
  }
  return ReadMessage(path, message, what, fields);
}

Status ValidateNetworkFile(const NetworkFile& file) {
  return ValidateNetworkFile(file, ValidateOptions{.allow_external = true});
}

Status ValidateNetworkFile(const NetworkFile& file, const ValidateOptions& options) {
  if (file.network.include_size() > 0) {
    GRN_ASSIGN_OR_RETURN(NetworkFile composed, ComposeNetworkFile(file));
    return ValidateNetworkFile(composed, options);
  }
  const std::vector<Diagnostic> problems = Validate(file.network, options);
  if (problems.empty()) return Status::OK();
  std::string message;
  for (const Diagnostic& d : problems) {
    if (!message.empty()) message += '\n';
    message += file.source->Locate(d.where);
    message += ": ";
    message += d.message;
  }
  return InvalidArgumentError(message);
}

StatusOr<CompiledModel> LoadModel(const std::string& path) { return LoadModel(path, {}); }

StatusOr<CompiledModel> LoadModel(const std::string& path,
                                  const std::vector<std::string>& scenario_paths) {
  GRN_ASSIGN_OR_RETURN(NetworkFile file, ReadNetworkFile(path));
  GRN_ASSIGN_OR_RETURN(NetworkFile composed, ComposeNetworkFile(std::move(file), scenario_paths));
  GRN_RETURN_IF_ERROR(ValidateNetworkFile(composed, ValidateOptions{}));  // nothing external
  return Compile(composed.network);
}

Status WriteNetworkFile(const std::string& path, const Network& network) {
  GRN_ASSIGN_OR_RETURN(Format format, FormatOf(path));
  std::string data;
  if (format == Format::kBinary) {
    if (!network.SerializeToString(&data)) return InternalError(path + ": cannot serialize network");
  } else {
    if (!pb::TextFormat::PrintToString(network, &data)) {
      return InternalError(path + ": cannot print network");
    }
  }
  return WriteFileAtomically(path, data);
}

}  // namespace grn
