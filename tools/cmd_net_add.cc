// tools/cmd_net_add.cc
//
// grnsim net add-species FILE NAME [...] and grnsim net add-reaction FILE
// NAME [...] (-o OUT | --in-place): add one element, given on the command
// line in the vocabulary of the file (proto/network.proto). The result is
// validated before anything is written, and written atomically. A text file
// written as text keeps every byte it had: the new element is inserted as
// new lines after the last element of its kind (or at the end of the file),
// and the edited text must parse back to exactly the expected network.
//
// Flags of their own are taken out of argv here; the rest (FILE NAME, -o,
// --in-place, --help) goes through ParseEditCommand like every edit command.
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/io/atomic_file.h"
#include "engine/io/sbml_import.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

namespace pb = google::protobuf;
using grnsim::v1::Network;

// One flag of an add command: its values in order (a flag may repeat).
struct OwnFlag {
  bool takes_value = true;
  bool repeats = false;
  std::vector<std::string> values;
};

// Moves the command's own flags (--name V, --name=V) out of argv into
// `flags`; everything else, in order, into `rest` (argv[0..2] included).
// Stops at "--". Returns an error for a missing value or a non-repeating
// flag given twice.
Status SplitOwnFlags(int argc, char** argv, std::map<std::string, OwnFlag>* flags,
                     std::vector<char*>* rest) {
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i < 3 || arg.rfind("--", 0) != 0) {
      rest->push_back(argv[i]);
      continue;
    }
    if (arg == "--") {
      for (; i < argc; ++i) rest->push_back(argv[i]);
      break;
    }
    if (arg == "--output") {  // its value is not a flag of ours, whatever it looks like
      rest->push_back(argv[i]);
      if (i + 1 < argc) rest->push_back(argv[++i]);
      continue;
    }
    std::string name = arg.substr(2), value;
    const std::size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto flag = flags->find(name);
    if (flag == flags->end()) {
      rest->push_back(argv[i]);
      continue;
    }
    if (flag->second.takes_value && !inline_value) {
      if (i + 1 >= argc) return InvalidArgumentError("--" + name + " needs a value");
      value = argv[++i];
    } else if (!flag->second.takes_value && inline_value) {
      return InvalidArgumentError("--" + name + " takes no value");
    }
    if (!flag->second.repeats && !flag->second.values.empty()) {
      return InvalidArgumentError("--" + name + " is given twice");
    }
    flag->second.values.push_back(value);
  }
  // -o's value: ParseEditCommand reads it from `rest`, where it stayed.
  return Status::OK();
}

std::string Trim(const std::string& s) {
  const std::size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") + 1 - begin);
}

bool ParseNumber(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return *end == '\0' && std::isfinite(*out);
}

// "A + 2 B", "2*B", "" or "0" (nothing) → terms.
Status ParseSide(const std::string& flag, const std::string& text,
                 google::protobuf::RepeatedPtrField<grnsim::v1::Term>* out) {
  const std::string all = Trim(text);
  if (all.empty() || all == "0" || all == "∅") return Status::OK();
  std::size_t start = 0;
  while (start <= all.size()) {
    std::size_t plus = all.find('+', start);
    if (plus == std::string::npos) plus = all.size();
    std::string term = Trim(all.substr(start, plus - start));
    auto bad = [&] {
      return InvalidArgumentError("--" + flag + " '" + text + "': cannot read the term '" + term +
                                  "' (expected terms like 'A + 2 B': a whole number of molecules, "
                                  "then a species name)");
    };
    std::size_t i = 0;
    while (i < term.size() && std::isdigit(static_cast<unsigned char>(term[i]))) ++i;
    std::uint64_t m = 1;
    if (i > 0) {
      if (i > 9) return bad();
      m = std::stoull(term.substr(0, i));
      std::size_t j = i;
      while (j < term.size() && (term[j] == ' ' || term[j] == '\t' || term[j] == '*')) ++j;
      if (j == i) return bad();  // "2B": the number must be set apart
      term = term.substr(j);
    }
    if (!IsIdentifier(term) || m == 0) return bad();
    grnsim::v1::Term* t = out->Add();
    t->set_species(term);
    if (m != 1) t->set_stoichiometry(static_cast<std::uint32_t>(m));
    start = plus + 1;
  }
  return Status::OK();
}

// "S:K:n" (--hill-*) or "S:K" (--mm): K and n a number or a parameter name.
Status ParseModifier(const std::string& flag, const std::string& text, bool with_n,
                     grnsim::v1::Reaction* rx) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ':');) parts.push_back(Trim(part));
  if (!text.empty() && text.back() == ':') parts.push_back("");
  const bool shape_ok = with_n ? (parts.size() == 2 || parts.size() == 3) : parts.size() == 2;
  if (!shape_ok || !IsIdentifier(parts[0]) || parts[1].empty() ||
      (parts.size() == 3 && parts[2].empty())) {
    return InvalidArgumentError("--" + flag + " '" + text + "': expected " +
                                (with_n ? "SPECIES:K:n or SPECIES:K" : "SPECIES:K") +
                                " (K and n a number or a parameter name)");
  }
  auto set_value = [&](const std::string& value, auto set_number, auto set_param) -> Status {
    double number;
    if (ParseNumber(value, &number)) {
      set_number(number);
    } else if (IsIdentifier(value)) {
      set_param(value);
    } else {
      return InvalidArgumentError("--" + flag + " '" + text + "': '" + value +
                                  "' is neither a finite number nor a parameter name");
    }
    return Status::OK();
  };
  grnsim::v1::Modifier* mod = rx->add_modifier();
  if (!with_n) {
    grnsim::v1::MichaelisMenten* mm = mod->mutable_michaelis_menten();
    mm->set_species(parts[0]);
    return set_value(parts[1], [&](double v) { mm->set_k(v); },
                     [&](const std::string& p) { mm->set_k_param(p); });
  }
  grnsim::v1::Hill* h = flag == "hill-activation" ? mod->mutable_hill_activation()
                                                  : mod->mutable_hill_repression();
  h->set_species(parts[0]);
  if (Status s = set_value(parts[1], [&](double v) { h->set_k(v); },
                           [&](const std::string& p) { h->set_k_param(p); });
      !s.ok()) {
    return s;
  }
  if (parts.size() < 3) return Status::OK();
  return set_value(parts[2], [&](double v) { h->set_n(v); },
                   [&](const std::string& p) { h->set_n_param(p); });
}

// Problems in the existing elements point into the file; the new element has
// no place there yet, so its problems name it instead.
class NewElementSource : public SourceMap {
 public:
  NewElementSource(std::shared_ptr<const SourceMap> original, std::string field, int index,
                   std::string label)
      : original_(std::move(original)), field_(std::move(field)), index_(index),
        label_(std::move(label)) {}
  std::string Locate(const FieldPath& where) const override {
    if (!where.empty() && where[0].first == field_ && where[0].second == index_) return label_;
    return original_->Locate(where);
  }

 private:
  std::shared_ptr<const SourceMap> original_;
  std::string field_;
  int index_;
  std::string label_;
};

class IgnoreErrors : public pb::io::ErrorCollector {
 public:
  void AddError(int, pb::io::ColumnNumber, const std::string&) override {}
};

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

// `text` with the last element of `field` (the new one in `expected`)
// written in: on lines of its own after the last element of that kind, or at
// the end of the file. Fails unless the result parses to `expected`.
StatusOr<std::string> InsertElement(const std::string& path, const std::string& text,
                                    const std::string& field, const Network& expected) {
  const pb::FieldDescriptor* descriptor = Network::descriptor()->FindFieldByName(field);
  const pb::Reflection* reflection = expected.GetReflection();
  const int count = reflection->FieldSize(expected, descriptor);
  const pb::Message& element = reflection->GetRepeatedMessage(expected, descriptor, count - 1);
  std::string body;
  pb::TextFormat::Printer printer;
  printer.SetSingleLineMode(field == "species");
  printer.SetInitialIndentLevel(field == "species" ? 0 : 1);
  printer.PrintToString(element, &body);
  while (!body.empty() && (body.back() == ' ' || body.back() == '\n')) body.pop_back();
  const std::string block = field == "species" ? field + " { " + body + " }"
                                               : field + " {\n" + body + "\n}";

  pb::TextFormat::ParseInfoTree tree;
  Network original;
  IgnoreErrors ignore;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&ignore);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &original)) {
    return InvalidArgumentError(path + ": cannot parse network file");
  }
  std::vector<std::string> candidates;
  const int existing = reflection->FieldSize(original, descriptor);
  if (existing > 0) {
    const pb::TextFormat::ParseLocationRange range = tree.GetLocationRange(descriptor, existing - 1);
    const std::size_t end = OffsetOf(text, range.end.line, range.end.column);
    if (end != std::string::npos) {
      // After the line the last element ends on, when only a comment follows it.
      std::size_t line_end = text.find('\n', end);
      if (line_end == std::string::npos) line_end = text.size();
      const std::string tail = Trim(text.substr(end, line_end - end));
      if (tail.empty() || tail[0] == '#') {
        const bool at_eof = line_end == text.size();
        candidates.push_back(text.substr(0, line_end) + "\n" + block + (at_eof ? "\n" : "") +
                             text.substr(line_end));
      }
      candidates.push_back(text.substr(0, end) + " " + block + text.substr(end));
    }
  }
  std::string appended = text;
  if (!appended.empty() && appended.back() != '\n') appended += '\n';
  candidates.push_back(appended + block + "\n");
  for (const std::string& candidate : candidates) {
    Network reparsed;
    pb::TextFormat::Parser check;
    check.RecordErrorsTo(&ignore);
    if (check.ParseFromString(candidate, &reparsed) &&
        pb::util::MessageDifferencer::Equals(reparsed, expected)) {
      return candidate;
    }
  }
  return InternalError(path + ": could not insert the new " + field +
                       " into the text without changing the rest; nothing was written");
}

// Validates `edited` (whose last `field` element is new) and writes it.
int WriteWithNewElement(const std::string& command, const EditCommand& edit,
                        const NetworkFile& file, const Network& edited, const std::string& field,
                        int index, const std::string& name) {
  const std::string label = edit.input + " (new " + field + " '" + name + "')";
  if (Status s = ValidateNetworkFile(NetworkFile{
          edited, std::make_shared<NewElementSource>(file.source, field, index, label)});
      !s.ok()) {
    PrintError("net " + command + ": the result would not be valid; nothing written:\n" +
               s.message());
    return 2;
  }
  if (!IsTextNetworkPath(edit.input) || !IsTextNetworkPath(edit.output)) {
    return WriteEditedNetwork(command, edit.input, edit.output, file, edited, {});
  }
  std::ifstream in(edit.input, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  Status status;
  if (!in || in.bad()) {
    status = IOError(edit.input + ": cannot read");
  } else {
    StatusOr<std::string> rewritten = InsertElement(edit.input, text.str(), field, edited);
    status = rewritten.ok() ? WriteFileAtomically(edit.output, *rewritten) : rewritten.status();
  }
  if (!status.ok()) {
    PrintError("net " + command + ": " + status.message());
    return ExitCodeFor(status);
  }
  return 0;
}

// Exit code for a name that is taken, or -1.
int CheckNameIsFree(const std::string& command, const std::string& input, const Network& net,
                    const std::string& name) {
  std::string kind;
  for (const auto& s : net.species()) if (s.name() == name) kind = "species";
  for (const auto& p : net.parameter()) if (p.name() == name) kind = "parameter";
  for (const auto& r : net.reaction()) if (r.name() == name) kind = "reaction";
  for (const auto& e : net.event()) if (e.name() == name) kind = "event";
  if (kind.empty()) return -1;
  PrintError("net " + command + ": " + input + ": there is already a " + kind + " named '" + name +
             "'; nothing written");
  return 2;
}

}  // namespace

int RunNetAddSpecies(int argc, char** argv) {
  std::map<std::string, OwnFlag> own = {
      {"count", {}}, {"role", {}}, {"description", {}}, {"constant", {false, false, {}}}};
  std::vector<char*> rest;
  if (Status s = SplitOwnFlags(argc, argv, &own, &rest); !s.ok()) {
    PrintError("net add-species: " + s.message());
    return 2;
  }
  EditCommand edit;
  if (int rc = ParseEditCommand(
          "add-species",
          "grnsim net add-species FILE NAME [--count N] [--role R] [--description D]\n"
          "       [--constant] (-o OUT | --in-place)",
          "Adds species NAME. The result is validated before it is written,\n"
          "atomically, to OUT (.textproto or .binpb) or over FILE. A text file keeps\n"
          "every comment and all layout: the species is added on a line of its own\n"
          "after the last species.\n"
          "\n"
          "species options:\n"
          "  --count N                 initial count, a whole number >= 0 (default 0)\n"
          "  --role R                  gene, mrna, protein, mirna, complex, signal or other\n"
          "  --description D           free text\n"
          "  --constant                a clamped input: reactions read it but never change it",
          2, 2, "FILE and NAME", static_cast<int>(rest.size()), rest.data(), &edit);
      rc >= 0) {
    return rc;
  }
  const std::string& name = edit.args[1];
  if (!IsIdentifier(name)) {
    PrintError("net add-species: '" + name + "' is not a name ([A-Za-z_][A-Za-z0-9_]*)");
    return 2;
  }
  grnsim::v1::Species species;
  species.set_name(name);
  if (!own["count"].values.empty()) {
    double count;
    const std::string& text = own["count"].values[0];
    if (!ParseNumber(text, &count) || count < 0 || count != std::floor(count) || count >= 0x1p53) {
      PrintError("net add-species: --count '" + text +
                 "': expected a whole number of molecules >= 0 (below 2^53)");
      return 2;
    }
    species.set_initial_count(count);
  }
  if (!own["role"].values.empty()) {
    grnsim::v1::Species::Role role;
    const std::string& text = own["role"].values[0];
    if (!grnsim::v1::Species::Role_Parse(text, &role) ||
        role == grnsim::v1::Species::ROLE_UNSPECIFIED) {
      PrintError("net add-species: --role '" + text +
                 "': expected gene, mrna, protein, mirna, complex, signal or other");
      return 2;
    }
    species.set_role(role);
  }
  if (!own["description"].values.empty()) species.set_description(own["description"].values[0]);
  if (!own["constant"].values.empty()) species.set_constant(true);

  NetworkFile file;
  if (int rc = LoadValidNetwork("add-species", edit.input, &file); rc != 0) return rc;
  if (int rc = CheckNameIsFree("add-species", edit.input, file.network, name); rc >= 0) return rc;
  Network edited = file.network;
  *edited.add_species() = species;
  return WriteWithNewElement("add-species", edit, file, edited, "species",
                             edited.species_size() - 1, name);
}

int RunNetAddReaction(int argc, char** argv) {
  std::map<std::string, OwnFlag> own = {
      {"reactants", {}},       {"products", {}},
      {"k", {}},               {"k-param", {}},
      {"propensity", {}},      {"description", {}},
      {"hill-activation", {true, true, {}}},
      {"hill-repression", {true, true, {}}},
      {"mm", {true, true, {}}}};
  std::vector<char*> rest;
  if (Status s = SplitOwnFlags(argc, argv, &own, &rest); !s.ok()) {
    PrintError("net add-reaction: " + s.message());
    return 2;
  }
  EditCommand edit;
  if (int rc = ParseEditCommand(
          "add-reaction",
          "grnsim net add-reaction FILE NAME [--reactants \"A + 2 B\"] [--products \"C\"]\n"
          "       (--k C | --k-param P | --propensity EXPR) [--hill-activation S:K[:n]]...\n"
          "       [--hill-repression S:K[:n]]... [--mm S:K]... [--description D]\n"
          "       (-o OUT | --in-place)",
          "Adds reaction NAME, written as in the network file (see the README):\n"
          "terms are 'N SPECIES' joined by '+' (N defaults to 1; an empty side or '0'\n"
          "is nothing), the rate is a mass-action constant (a number, or a\n"
          "parameter's name) or a whole propensity expression, and each modifier\n"
          "multiplies a mass-action rate: K (and n, 1 when left out) are numbers or\n"
          "parameter names. For example\n"
          "  grnsim net add-reaction net.textproto tx --reactants G_on \\\n"
          "      --products \"G_on + M\" --k-param k_tx --hill-repression P:K_P:2 --in-place\n"
          "The result is validated before it is written, atomically, to OUT\n"
          "(.textproto or .binpb) or over FILE. A text file keeps every comment and\n"
          "all layout: the reaction is added as lines of its own after the last\n"
          "reaction.\n"
          "\n"
          "reaction options:\n"
          "  --reactants TERMS         what the reaction consumes, e.g. \"A + 2 B\"\n"
          "  --products TERMS          what it makes, e.g. \"C\"\n"
          "  --k C                     mass-action constant c (per time unit)\n"
          "  --k-param P               the same, as a parameter's name\n"
          "  --propensity EXPR         the whole propensity, e.g. \"k0 + k1 * P^2 / (K^2 + P^2)\"\n"
          "  --hill-activation S:K[:n] times S^n / (K^n + S^n) (repeatable)\n"
          "  --hill-repression S:K[:n] times K^n / (K^n + S^n) (repeatable)\n"
          "  --mm S:K                  times S / (K + S) (repeatable)\n"
          "  --description D           free text",
          2, 2, "FILE and NAME", static_cast<int>(rest.size()), rest.data(), &edit);
      rc >= 0) {
    return rc;
  }
  const std::string& name = edit.args[1];
  auto fail = [](const std::string& message) {
    PrintError("net add-reaction: " + message);
    return 2;
  };
  if (!IsIdentifier(name)) return fail("'" + name + "' is not a name ([A-Za-z_][A-Za-z0-9_]*)");
  grnsim::v1::Reaction rx;
  rx.set_name(name);
  if (!own["description"].values.empty()) rx.set_description(own["description"].values[0]);
  for (const char* side : {"reactants", "products"}) {
    if (own[side].values.empty()) continue;
    const bool reactants = std::string(side) == "reactants";
    if (Status s = ParseSide(side, own[side].values[0],
                             reactants ? rx.mutable_reactant() : rx.mutable_product());
        !s.ok()) {
      return fail(s.message());
    }
  }
  const int rates = static_cast<int>(own["k"].values.size() + own["k-param"].values.size() +
                                     own["propensity"].values.size());
  if (rates != 1) {
    return fail("give exactly one rate: --k C, --k-param P or --propensity EXPR");
  }
  if (!own["k"].values.empty()) {
    double k;
    if (!ParseNumber(own["k"].values[0], &k)) {
      return fail("--k '" + own["k"].values[0] + "': expected a finite number");
    }
    rx.set_k(k);
  } else if (!own["k-param"].values.empty()) {
    if (!IsIdentifier(own["k-param"].values[0])) {
      return fail("--k-param '" + own["k-param"].values[0] + "': expected a parameter name");
    }
    rx.set_k_param(own["k-param"].values[0]);
  } else {
    rx.set_propensity(own["propensity"].values[0]);
  }
  for (const char* flag : {"hill-activation", "hill-repression", "mm"}) {
    for (const std::string& value : own[flag].values) {
      if (rx.has_propensity()) {
        return fail(std::string("--") + flag +
                    " multiplies a mass-action rate; with --propensity write the regulation "
                    "into the expression");
      }
      if (Status s = ParseModifier(flag, value, std::string(flag) != "mm", &rx); !s.ok()) {
        return fail(s.message());
      }
    }
  }

  NetworkFile file;
  if (int rc = LoadValidNetwork("add-reaction", edit.input, &file); rc != 0) return rc;
  if (int rc = CheckNameIsFree("add-reaction", edit.input, file.network, name); rc >= 0) return rc;
  Network edited = file.network;
  *edited.add_reaction() = rx;
  return WriteWithNewElement("add-reaction", edit, file, edited, "reaction",
                             edited.reaction_size() - 1, name);
}

}  // namespace grn::cli
