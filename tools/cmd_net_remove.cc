// tools/cmd_net_remove.cc
//
// grnsim net remove FILE NAME... (-o OUT | --in-place): deletes species,
// parameters, reactions and events by name. Nothing is removed implicitly:
// if anything left still refers to a removed name, the command lists every
// such reference and writes nothing, so the user removes (or renames) the
// dependants in the same call. Text files keep their comments and layout;
// the removed elements' lines go (comment lines above them stay).
#include <cstdio>
#include <set>

#include "engine/io/sbml_import.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

// Locations of the original file do not fit the shortened network: problems
// of the result name the file only.
class FileOnly : public SourceMap {
 public:
  explicit FileOnly(std::string path) : path_(std::move(path)) {}
  std::string Locate(const FieldPath&) const override { return path_; }
  // Includes resolve relative to this file, not to the working directory.
  std::string path() const override { return path_; }

 private:
  std::string path_;
};

template <typename T>
void RemoveNamed(google::protobuf::RepeatedPtrField<T>* elements, const char* field,
                 std::set<std::string>* names, std::vector<TextFieldEdit>* edits) {
  google::protobuf::RepeatedPtrField<T> kept;
  for (int i = 0; i < elements->size(); ++i) {
    if (names->erase(elements->Get(i).name()) > 0) {
      edits->push_back({{{field, i}}, "", true});
    } else {
      *kept.Add() = elements->Get(i);
    }
  }
  elements->Swap(&kept);
}

}  // namespace

int RunNetRemove(int argc, char** argv) {
  EditCommand edit;
  if (int rc = ParseEditCommand(
          "remove", "grnsim net remove FILE NAME... (-o OUT | --in-place)",
          "Removes the species, parameters, reactions and events named. Whatever still\n"
          "refers to a removed name (a reaction using a removed species, a rate using a\n"
          "removed parameter) is listed and nothing is written: remove the dependants\n"
          "in the same call. The result is validated, then written atomically; a text\n"
          "file keeps its comments and layout (comment lines above a removed element\n"
          "stay).",
          2, 0, "FILE and at least one NAME", argc, argv, &edit);
      rc >= 0) {
    return rc;
  }
  const std::vector<std::string>& args = edit.args;
  const std::string& input = edit.input;
  const std::string& output = edit.output;
  NetworkFile file;
  if (int rc = LoadValidNetwork("remove", input, &file); rc != 0) return rc;
  grnsim::v1::Network edited = file.network;
  std::set<std::string> names(args.begin() + 1, args.end());
  std::vector<TextFieldEdit> edits;
  RemoveNamed(edited.mutable_species(), "species", &names, &edits);
  RemoveNamed(edited.mutable_parameter(), "parameter", &names, &edits);
  RemoveNamed(edited.mutable_reaction(), "reaction", &names, &edits);
  RemoveNamed(edited.mutable_event(), "event", &names, &edits);
  if (!names.empty()) {
    PrintError("net remove: " + input + ": no species, parameter, reaction or event named '" +
               *names.begin() + "'");
    return 2;
  }
  if (Status s = ValidateNetworkFile(NetworkFile{edited, std::make_shared<FileOnly>(input)});
      !s.ok()) {
    PrintError(
        "net remove: the network would not be valid (remove what still refers to the "
        "removed names too); nothing written:\n" +
        s.message());
    return 2;
  }
  return WriteEditedNetwork("remove", input, output, file, edited, edits);
}

}  // namespace grn::cli
