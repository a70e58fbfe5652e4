// tools/cmd_net_apply.cc
//
// grnsim net apply NET SCENARIO... (-o OUT | --in-place): writes NET with the
// scenario overlays applied in order (engine/model/scenario.h), validated
// before anything is written, atomically. A text network written as text
// keeps its comments and layout: `set`/`scale` rewrite only the changed
// values (engine/io/text_edit.h) and the additions are appended at the end
// under a comment naming the scenario. A network with includes is written
// flattened (the overlay may change any module), so it needs -o OUT.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine/base/status_macros.h"
#include "engine/io/atomic_file.h"
#include "engine/io/compose_io.h"
#include "engine/io/scenario_io.h"
#include "engine/io/text_edit.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

namespace pb = google::protobuf;
using grnsim::v1::Network;

// Prints each line of `message` as "net apply: <line>".
void PrintLines(const std::string& message) {
  std::string out;
  std::size_t start = 0;
  while (start <= message.size()) {
    std::size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    if (!out.empty()) out += '\n';
    out += "net apply: " + message.substr(start, end - start);
    start = end + 1;
  }
  PrintError(out);
}

int Fail(const Status& status) {
  PrintLines(status.message());
  return ExitCodeFor(status);
}

// One element as a single text line: `species { name: "D" initial_count: 7 }`.
std::string ElementLine(const char* field, const pb::Message& element) {
  pb::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  std::string body;
  printer.PrintToString(element, &body);
  while (!body.empty() && body.back() == ' ') body.pop_back();
  return std::string(field) + " { " + body + " }\n";
}

// The original text with the changed values rewritten in place and the
// added elements appended; it must parse back to `applied`.
StatusOr<std::string> EditedText(const std::string& input, const Network& original,
                                 const Network& applied,
                                 const std::vector<std::string>& scenario_paths) {
  std::ifstream in(input, std::ios::binary);
  std::ostringstream read;
  read << in.rdbuf();
  if (!in || in.bad()) return IOError(input + ": cannot read");
  Network values_only = original;
  std::vector<TextFieldEdit> edits;
  for (int i = 0; i < original.species_size(); ++i) {
    const double v = applied.species(i).initial_count();
    if (v == original.species(i).initial_count()) continue;
    values_only.mutable_species(i)->set_initial_count(v);
    edits.push_back({{{"species", i}, {"initial_count", -1}}, FormatNumberToken(v)});
  }
  for (int i = 0; i < original.parameter_size(); ++i) {
    const double v = applied.parameter(i).value();
    if (v == original.parameter(i).value()) continue;
    values_only.mutable_parameter(i)->set_value(v);
    edits.push_back({{{"parameter", i}, {"value", -1}}, FormatNumberToken(v)});
  }
  std::string text = read.str();
  if (!edits.empty()) {
    GRN_ASSIGN_OR_RETURN(text, EditTextFields(input, text, edits, values_only));
  }
  std::string added;
  for (int i = original.species_size(); i < applied.species_size(); ++i)
    added += ElementLine("species", applied.species(i));
  for (int i = original.parameter_size(); i < applied.parameter_size(); ++i)
    added += ElementLine("parameter", applied.parameter(i));
  for (int i = original.reaction_size(); i < applied.reaction_size(); ++i)
    added += ElementLine("reaction", applied.reaction(i));
  for (int i = original.event_size(); i < applied.event_size(); ++i)
    added += ElementLine("event", applied.event(i));
  if (!added.empty()) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    std::string names;
    for (const std::string& s : scenario_paths) names += (names.empty() ? "" : ", ") + s;
    text += "\n# Added by scenario " + names + " (grnsim net apply).\n" + added;
  }
  // Fields are appended in the order the schema repeats them, so the text
  // must read back to exactly the applied network.
  Network check;
  if (!pb::TextFormat::ParseFromString(text, &check) ||
      !pb::util::MessageDifferencer::Equals(check, applied)) {
    return InternalError(input + ": the edited text does not read back to the applied network");
  }
  return text;
}

}  // namespace

int RunNetApply(int argc, char** argv) {
  EditCommand edit;
  if (int rc = ParseEditCommand(
          "apply", "grnsim net apply NET SCENARIO... (-o OUT | --in-place)",
          "Applies scenario overlay files (grnsim.v1.Scenario: set, then scale, then\n"
          "additions) to NET, in order, and writes the result, validated, atomically,\n"
          "to OUT (.textproto or .binpb) or over NET. A text network written as text\n"
          "keeps its comments and layout: only the changed values are rewritten and\n"
          "added species, parameters, reactions and events are appended at the end.\n"
          "A network with includes is written flattened (a scenario may change any\n"
          "module), so it takes -o OUT, not --in-place.",
          2, 0, "NET and at least one SCENARIO file", argc, argv, &edit);
      rc >= 0) {
    return rc;
  }
  const std::vector<std::string> scenarios(edit.args.begin() + 1, edit.args.end());
  NetworkFile file;
  if (int rc = LoadValidNetwork("apply", edit.input, &file); rc != 0) return rc;
  const bool composed = file.network.include_size() > 0;
  if (composed && edit.output == edit.input) {
    PrintError("net apply: " + edit.input +
               " includes other files; --in-place would replace it by the flattened network: "
               "write it with -o OUT");
    return 2;
  }
  StatusOr<NetworkFile> applied = ComposeNetworkFile(file, scenarios);
  if (!applied.ok()) return Fail(applied.status());
  if (Status s = ValidateNetworkFile(*applied); !s.ok()) {
    PrintLines("the network with the scenarios applied is not valid; nothing written:\n" +
               s.message());
    return 2;
  }
  Status status;
  if (!composed && IsTextNetworkPath(edit.input) && IsTextNetworkPath(edit.output)) {
    StatusOr<std::string> text = EditedText(edit.input, file.network, applied->network, scenarios);
    status = text.ok() ? WriteFileAtomically(edit.output, *text) : text.status();
  } else {
    status = WriteNetworkFile(edit.output, applied->network);
  }
  if (!status.ok()) return Fail(status);
  return 0;
}

}  // namespace grn::cli
