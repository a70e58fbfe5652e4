// tools/cmd_net.cc
//
// grnsim net <command>: dispatch, the helpers shared by the net commands, and
// `net show` (a readable summary of a network). Only finished commands are
// dispatched; each one's help comes from its own FlagParser.
#include "tools/cmd_net.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/io/atomic_file.h"
#include "engine/io/compose_io.h"
#include "engine/io/sbml_import.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

using grnsim::v1::Network;
using grnsim::v1::Reaction;

constexpr const char* kNetUsage =
    "usage: grnsim net <command> [options]\n"
    "\n"
    "Tools for network files (.textproto, .binpb; SBML .xml is read too).\n"
    "\n"
    "commands:\n"
    "  show FILE               a readable summary: species, parameters, reactions with\n"
    "                          their rate laws, events and rules\n"
    "  lint FILE               problems and structure: unreachable species, reactions that\n"
    "                          never fire, unused parameters, feedback loops, conservation\n"
    "                          laws (exit 1 when it reports an error)\n"
    "  graph FILE -o OUT       draw the network as Graphviz .dot, or .svg through `dot`\n"
    "  diff A B                semantic differences (exit 0 same, 1 different)\n"
    "  set FILE NAME=VALUE...  set parameter values and initial counts (-o OUT or\n"
    "                          --in-place); comments and layout are kept\n"
    "  rename FILE OLD NEW     rename a species, parameter, reaction or event and every\n"
    "                          reference to it (-o OUT or --in-place)\n"
    "  add-species FILE NAME   add a species (--count, --role, --constant; -o OUT or\n"
    "                          --in-place); comments and layout are kept\n"
    "  add-reaction FILE NAME  add a reaction: --reactants \"A + 2 B\" --products C and\n"
    "                          --k, --k-param or --propensity, with --hill-activation,\n"
    "                          --hill-repression, --mm modifiers\n"
    "  remove FILE NAME...     remove species, parameters, reactions, events\n"
    "  knockout FILE SPECIES...  set gene copies to 0, checking they stay 0\n"
    "  merge A B [C...] -o OUT  merge networks by name into one flattened network,\n"
    "                          refusing conflicting definitions (all listed)\n"
    "  apply NET SCENARIO...   apply scenario overlays (set, scale, additions) and write\n"
    "                          the result (-o OUT or --in-place)\n"
    "  overexpress FILE GENE FACTOR  multiply a gene's copy number (all its promoter\n"
    "                          states) by FACTOR\n"
    "\n"
    "  grnsim net <command> --help   options of a command\n"
    "\n"
    "exit status: 0 ok, 1 runtime failure (lint: errors found; diff: files differ),\n"
    "2 bad usage or input\n";

std::string TermList(const google::protobuf::RepeatedPtrField<grnsim::v1::Term>& terms) {
  if (terms.empty()) return "∅";
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " + ";
    const std::uint32_t m = t.has_stoichiometry() ? t.stoichiometry() : 1;
    if (m != 1) out += std::to_string(m) + " ";
    out += t.species();
  }
  return out;
}

template <typename HalfMax>
std::string HalfMaxText(const HalfMax& h) {
  return h.has_k_param() ? h.k_param() : FormatNumber(h.k());
}

int RunShowImpl(int argc, char** argv) {
  FlagParser flags("grnsim net show FILE",
                   "Prints a readable summary of a network: species with their initial counts\n"
                   "and roles, parameters with values and units, reactions with their rate\n"
                   "laws, events, assignment rules and initial assignments. The file must\n"
                   "validate.");
  std::vector<std::string> files;
  bool help = false;
  if (Status s = flags.Parse(argc, argv, 3, &files, &help); !s.ok()) {
    PrintError("net show: " + s.message());
    return 2;
  }
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (files.size() != 1) {
    PrintError("net show: expected exactly one network file (see grnsim net show --help)");
    return 2;
  }
  NetworkFile file;
  if (int rc = LoadValidNetwork("show", files[0], &file, true); rc != 0) return rc;
  const Network& net = file.network;
  std::string out = "network " + net.name() + " (time unit " +
                    Network::TimeUnit_Name(net.time_unit()) + ")\n";
  if (!net.description().empty()) out += "  " + net.description() + "\n";
  std::size_t width = 0;
  for (const auto& s : net.species()) width = std::max(width, s.name().size());
  for (const auto& p : net.parameter()) width = std::max(width, p.name().size());
  auto pad = [width](const std::string& s) { return s + std::string(width + 2 - s.size(), ' '); };

  out += "\nspecies (" + std::to_string(net.species_size()) + "):\n";
  for (const auto& s : net.species()) {
    std::string line = "  " + pad(s.name()) + FormatNumber(s.initial_count());
    if (s.role() != grnsim::v1::Species::ROLE_UNSPECIFIED)
      line += "  " + grnsim::v1::Species::Role_Name(s.role());
    if (s.constant()) line += "  constant";
    if (!s.description().empty()) line += "  # " + s.description();
    out += line + "\n";
  }
  if (net.parameter_size() > 0) {
    out += "\nparameters (" + std::to_string(net.parameter_size()) + "):\n";
    for (const auto& p : net.parameter()) {
      std::string line = "  " + pad(p.name()) + "= " + FormatNumber(p.value());
      if (!p.unit().empty()) line += " " + p.unit();
      if (!p.description().empty()) line += "  # " + p.description();
      out += line + "\n";
    }
  }
  out += "\nreactions (" + std::to_string(net.reaction_size()) + "):\n";
  for (const auto& r : net.reaction()) {
    out += "  " + r.name() + ": " + ReactionEquation(r) + "\n      rate " + RateLaw(r) + "\n";
  }
  if (net.event_size() > 0) {
    out += "\nevents (" + std::to_string(net.event_size()) + "):\n";
    for (const auto& e : net.event()) {
      std::string line = "  " + e.name() + ": ";
      line += e.has_at_time() ? "at time " + FormatNumber(e.at_time()) : "when " + e.when();
      if (e.true_before_start()) line += " (true before start)";
      for (const auto& a : e.assign()) line += "; " + a.target() + " = " + a.value();
      out += line + "\n";
    }
  }
  if (net.assignment_rule_size() > 0) {
    out += "\nassignment rules (" + std::to_string(net.assignment_rule_size()) + "):\n";
    for (const auto& r : net.assignment_rule()) out += "  " + r.variable() + " = " + r.expression() + "\n";
  }
  if (net.initial_assignment_size() > 0) {
    out += "\ninitial assignments (" + std::to_string(net.initial_assignment_size()) + "):\n";
    for (const auto& r : net.initial_assignment())
      out += "  " + r.variable() + "(0) = " + r.expression() + "\n";
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

std::string FormatNumber(double value) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

bool IsTextNetworkPath(const std::string& path) {
  for (const std::string ext : {".textproto", ".txtpb", ".pbtxt"})
    if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0)
      return true;
  return false;
}

int ParseEditCommand(const std::string& command, const std::string& usage,
                     const std::string& summary, std::size_t min_args, std::size_t max_args,
                     const std::string& expected, int argc, char** argv, EditCommand* out) {
  bool in_place = false;
  FlagParser flags(usage, summary);
  flags.AddString("o", "OUT", &out->output, "write the edited network here");
  flags.AddString("output", "OUT", &out->output, "the same as -o");
  flags.AddBool("in-place", &in_place, "overwrite FILE (atomically)");
  bool help = false;
  if (Status s = flags.Parse(argc, argv, 3, &out->args, &help); !s.ok()) {
    PrintError("net " + command + ": " + s.message());
    return 2;
  }
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (out->args.size() < min_args || (max_args != 0 && out->args.size() > max_args)) {
    PrintError("net " + command + ": expected " + expected + " (see grnsim net " + command +
               " --help)");
    return 2;
  }
  if (in_place == !out->output.empty()) {
    PrintError("net " + command + ": give exactly one of -o OUT and --in-place");
    return 2;
  }
  out->input = out->args[0];
  if (in_place) out->output = out->input;
  if (IsSbmlPath(out->output)) {
    PrintError("net " + command + ": " + out->output +
               ": writing SBML is not supported (write .textproto or .binpb)");
    return 2;
  }
  return -1;
}

int LoadValidNetwork(const std::string& command, const std::string& path, NetworkFile* file,
                     bool resolve_includes) {
  StatusOr<NetworkFile> read =
      resolve_includes ? ReadComposedNetworkFile(path) : ReadNetworkFile(path);
  Status status = read.status();
  if (status.ok()) status = ValidateNetworkFile(*read);
  if (!status.ok()) {
    // Messages already start with the file name; the command is added so a
    // script running several tools can tell which one failed.
    std::string message = status.message();
    std::string prefixed;
    std::size_t start = 0;
    while (start <= message.size()) {
      std::size_t end = message.find('\n', start);
      if (end == std::string::npos) end = message.size();
      if (!prefixed.empty()) prefixed += '\n';
      prefixed += "net " + command + ": " + message.substr(start, end - start);
      start = end + 1;
    }
    PrintError(prefixed);
    return ExitCodeFor(status);
  }
  *file = std::move(*read);
  return 0;
}

namespace {

// Include paths are relative to the file that holds them: written to another
// folder, they must be rewritten to point at the same modules.
void RebaseIncludes(const std::string& input, const std::string& output, Network* edited,
                    std::vector<TextFieldEdit>* edits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path from = fs::weakly_canonical(fs::absolute(fs::path(input)).parent_path(), ec);
  const fs::path to = fs::weakly_canonical(fs::absolute(fs::path(output)).parent_path(), ec);
  if (ec || from == to) return;
  for (int i = 0; i < edited->include_size(); ++i) {
    const fs::path old_path(edited->include(i).path());
    if (old_path.is_absolute()) continue;
    const fs::path rebased = fs::relative(from / old_path, to, ec);
    if (ec || rebased.empty()) continue;
    const std::string text = rebased.generic_string();
    edited->mutable_include(i)->set_path(text);
    std::string token = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') token += '\\';
      token += c;
    }
    token += '"';
    edits->push_back({{{"include", i}, {"path", -1}}, token});
  }
}

}  // namespace

int WriteEditedNetwork(const std::string& command, const std::string& input,
                       const std::string& output, const NetworkFile& file,
                       const Network& edited_as_given,
                       const std::vector<TextFieldEdit>& edits_as_given) {
  // Validated where it was read, so includes resolve as written.
  if (Status s = ValidateNetworkFile(NetworkFile{edited_as_given, file.source}); !s.ok()) {
    PrintError("net " + command + ": the edited network is not valid; nothing written:\n" +
               s.message());
    return 2;
  }
  Network edited = edited_as_given;
  std::vector<TextFieldEdit> edits = edits_as_given;
  RebaseIncludes(input, output, &edited, &edits);
  Status status;
  if (IsTextNetworkPath(input) && IsTextNetworkPath(output)) {
    std::ifstream in(input, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || in.bad()) {
      status = IOError(input + ": cannot read");
    } else {
      StatusOr<std::string> rewritten = EditTextFields(input, text.str(), edits, edited);
      status = rewritten.ok() ? WriteFileAtomically(output, *rewritten) : rewritten.status();
    }
  } else {
    status = WriteNetworkFile(output, edited);
  }
  if (!status.ok()) {
    PrintError("net " + command + ": " + status.message());
    return ExitCodeFor(status);
  }
  return 0;
}

std::string ReactionEquation(const Reaction& r) {
  return TermList(r.reactant()) + " -> " + TermList(r.product());
}

std::string RateLaw(const Reaction& r) {
  if (r.has_propensity()) return r.propensity();
  std::string out = r.has_k_param() ? r.k_param() : FormatNumber(r.k());
  for (const auto& t : r.reactant()) {
    const std::uint32_t m = t.has_stoichiometry() ? t.stoichiometry() : 1;
    const std::string& x = t.species();
    if (m == 1) out += " * " + x;
    else if (m == 2) out += " * " + x + "*(" + x + "-1)/2";
    else out += " * C(" + x + "," + std::to_string(m) + ")";
  }
  for (const auto& mod : r.modifier()) {
    if (mod.has_michaelis_menten()) {
      const auto& mm = mod.michaelis_menten();
      out += " * mm(" + mm.species() + "; K=" + HalfMaxText(mm) + ")";
      continue;
    }
    const bool act = mod.has_hill_activation();
    const grnsim::v1::Hill& h = act ? mod.hill_activation() : mod.hill_repression();
    const std::string n = h.has_n_param() ? h.n_param() : h.has_n() ? FormatNumber(h.n()) : "1";
    out += std::string(" * ") + (act ? "hill_act(" : "hill_rep(") + h.species() +
           "; K=" + HalfMaxText(h) + ", n=" + n + ")";
  }
  return out;
}

// tools/cmd_net_add.cc
int RunNetAddSpecies(int argc, char** argv);
int RunNetAddReaction(int argc, char** argv);

// tools/cmd_net_merge.cc, tools/cmd_net_apply.cc
int RunNetMerge(int argc, char** argv);
int RunNetApply(int argc, char** argv);

int RunNet(int argc, char** argv) {
  if (argc < 3) {
    std::fputs(kNetUsage, stderr);
    return 2;
  }
  const std::string command = argv[2];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kNetUsage, stdout);
    return 0;
  }
  if (command == "show") return RunShowImpl(argc, argv);
  if (command == "lint") return RunNetLint(argc, argv);
  if (command == "graph") return RunNetGraph(argc, argv);
  if (command == "diff") return RunNetDiff(argc, argv);
  if (command == "set") return RunNetSet(argc, argv);
  if (command == "rename") return RunNetRename(argc, argv);
  if (command == "add-species") return RunNetAddSpecies(argc, argv);
  if (command == "add-reaction") return RunNetAddReaction(argc, argv);
  if (command == "remove") return RunNetRemove(argc, argv);
  if (command == "merge") return RunNetMerge(argc, argv);
  if (command == "apply") return RunNetApply(argc, argv);
  if (command == "knockout") return RunNetKnockout(argc, argv);
  if (command == "overexpress") return RunNetOverexpress(argc, argv);
  PrintError("unknown command 'net " + command + "' (see grnsim net --help)");
  return 2;
}

int RunNetShow(int argc, char** argv) { return RunShowImpl(argc, argv); }

}  // namespace grn::cli
