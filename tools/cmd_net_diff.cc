// tools/cmd_net_diff.cc
//
// grnsim net diff A B: the semantic difference of two networks, matched by
// name, not by text lines: so reordering, reformatting, comments and the file
// format (.textproto, .binpb, SBML) never show up. One line per difference:
//   + KIND NAME (summary)           in B only
//   - KIND NAME                     in A only
//   ~ KIND NAME: FIELD OLD -> NEW   in both, changed ([...] around values with spaces)
// Exit 0 when the networks are the same, 1 when they differ (as diff(1)),
// 2 when a file does not read or validate.
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

using grnsim::v1::Network;

// An element's comparable fields, in a fixed order: (field, rendered value).
using Fields = std::vector<std::pair<std::string, std::string>>;

std::string Summary(const Fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (value.empty()) continue;
    if (!out.empty()) out += ", ";
    out += name + " " + value;
  }
  return out;
}

Fields SpeciesFields(const grnsim::v1::Species& s) {
  return {{"initial_count", FormatNumber(s.initial_count())},
          {"role", s.role() == grnsim::v1::Species::ROLE_UNSPECIFIED
                       ? ""
                       : grnsim::v1::Species::Role_Name(s.role())},
          {"constant", s.constant() ? "true" : ""},
          {"description", s.description().empty() ? "" : "\"" + s.description() + "\""}};
}

Fields ParameterFields(const grnsim::v1::Parameter& p) {
  return {{"value", FormatNumber(p.value())},
          {"unit", p.unit()},
          {"description", p.description().empty() ? "" : "\"" + p.description() + "\""},
          {"source", p.source().empty() ? "" : "\"" + p.source() + "\""}};
}

Fields ReactionFields(const grnsim::v1::Reaction& r) {
  return {{"equation", ReactionEquation(r)},
          {"rate", RateLaw(r)},
          {"description", r.description().empty() ? "" : "\"" + r.description() + "\""}};
}

Fields EventFields(const grnsim::v1::Event& e) {
  std::string assign;
  for (const auto& a : e.assign()) assign += (assign.empty() ? "" : "; ") + a.target() + " = " + a.value();
  return {{"trigger", e.has_at_time() ? "at time " + FormatNumber(e.at_time()) : "when " + e.when()},
          {"true_before_start", e.true_before_start() ? "true" : ""},
          {"assign", assign}};
}

class Differ {
 public:
  template <typename T>
  void Compare(const std::string& kind, const google::protobuf::RepeatedPtrField<T>& a,
               const google::protobuf::RepeatedPtrField<T>& b,
               const std::function<std::string(const T&)>& key,
               const std::function<Fields(const T&)>& fields) {
    std::map<std::string, const T*> in_b;
    for (const T& x : b) in_b[key(x)] = &x;
    std::map<std::string, const T*> in_a;
    for (const T& x : a) {
      in_a[key(x)] = &x;
      auto it = in_b.find(key(x));
      if (it == in_b.end()) {
        Line("- " + kind + " " + key(x));
        continue;
      }
      const Fields old_fields = fields(x), new_fields = fields(*it->second);
      for (std::size_t i = 0; i < old_fields.size(); ++i) {
        if (old_fields[i].second == new_fields[i].second) continue;
        Line("~ " + kind + " " + key(x) + ": " + old_fields[i].first + " " +
             Shown(old_fields[i].second) + " -> " + Shown(new_fields[i].second));
      }
    }
    for (const T& x : b) {
      if (in_a.count(key(x)) == 0) {
        const std::string summary = Summary(fields(x));
        Line("+ " + kind + " " + key(x) + (summary.empty() ? "" : " (" + summary + ")"));
      }
    }
  }

  void Scalar(const std::string& what, const std::string& a, const std::string& b) {
    if (a != b) Line("~ network " + what + ": " + Shown(a) + " -> " + Shown(b));
  }

  int count() const { return count_; }

 private:
  // Values with spaces (equations, rate laws) are bracketed so the "->"
  // between old and new stays unambiguous.
  static std::string Shown(const std::string& v) {
    if (v.empty()) return "(none)";
    if (v.find(' ') != std::string::npos && v.front() != '"') return "[" + v + "]";
    return v;
  }
  void Line(const std::string& text) {
    std::printf("%s\n", text.c_str());
    ++count_;
  }
  int count_ = 0;
};

}  // namespace

int RunNetDiff(int argc, char** argv) {
  FlagParser flags("grnsim net diff A B",
                   "Compares two networks element by element, matched by name: species\n"
                   "(initial count, role, constant, description), parameters (value, unit,\n"
                   "description, source), reactions (equation, rate law, description),\n"
                   "events, assignment rules, initial assignments, and the network's name and\n"
                   "time unit. Text layout, comments, order and file format do not count.\n"
                   "Output lines: '+ KIND NAME (...)' only in B, '- KIND NAME' only in A,\n"
                   "'~ KIND NAME: FIELD OLD -> NEW' changed.\n"
                   "Exit 0 when the networks are the same, 1 when they differ, 2 on bad input.");
  std::vector<std::string> files;
  bool help = false;
  if (Status s = flags.Parse(argc, argv, 3, &files, &help); !s.ok()) {
    PrintError("net diff: " + s.message());
    return 2;
  }
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (files.size() != 2) {
    PrintError("net diff: expected two network files A B (see grnsim net diff --help)");
    return 2;
  }
  NetworkFile a, b;
  if (int rc = LoadValidNetwork("diff", files[0], &a, true); rc != 0) return 2;
  if (int rc = LoadValidNetwork("diff", files[1], &b, true); rc != 0) return 2;
  const Network& x = a.network;
  const Network& y = b.network;
  Differ d;
  d.Scalar("name", x.name(), y.name());
  d.Scalar("time_unit", Network::TimeUnit_Name(x.time_unit()), Network::TimeUnit_Name(y.time_unit()));
  d.Scalar("description", x.description(), y.description());
  auto by_name = [](const auto& e) { return e.name(); };
  auto by_variable = [](const auto& e) { return e.variable(); };
  d.Compare<grnsim::v1::Species>("species", x.species(), y.species(), by_name, SpeciesFields);
  d.Compare<grnsim::v1::Parameter>("parameter", x.parameter(), y.parameter(), by_name,
                                   ParameterFields);
  d.Compare<grnsim::v1::Reaction>("reaction", x.reaction(), y.reaction(), by_name, ReactionFields);
  d.Compare<grnsim::v1::Event>("event", x.event(), y.event(), by_name, EventFields);
  d.Compare<grnsim::v1::AssignmentRule>(
      "assignment_rule", x.assignment_rule(), y.assignment_rule(), by_variable,
      [](const grnsim::v1::AssignmentRule& r) { return Fields{{"expression", r.expression()}}; });
  d.Compare<grnsim::v1::InitialAssignment>(
      "initial_assignment", x.initial_assignment(), y.initial_assignment(), by_variable,
      [](const grnsim::v1::InitialAssignment& r) { return Fields{{"expression", r.expression()}}; });
  std::fflush(stdout);
  return d.count() == 0 ? 0 : 1;
}

}  // namespace grn::cli
