// tools/cmd_net_rename.cc
//
// grnsim net rename FILE OLD NEW (-o OUT | --in-place): renames a species,
// parameter, reaction or event and updates every reference to it: reaction
// terms, modifiers, k_param/n_param, event targets, rule and initial-assignment
// variables, and whole identifiers inside every expression (propensities,
// event conditions and values, rules). Text files keep their comments and
// layout: only the tokens that mention OLD change (engine/io/text_edit.h).
#include <cctype>
#include <cstdio>
#include <functional>

#include "engine/io/sbml_import.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {
namespace {

using grnsim::v1::Network;

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Replaces every whole identifier `from` in an expression by `to`; numbers
// (1e5, 2.5E-3) are skipped whole so their exponents are never identifiers.
std::string RenameInExpression(const std::string& text, const std::string& from,
                               const std::string& to) {
  std::string out;
  std::size_t i = 0;
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  while (i < text.size()) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      std::size_t j = i;
      while (j < text.size() &&
             (ident(text[j]) || text[j] == '.' ||
              ((text[j] == '+' || text[j] == '-') && (text[j - 1] == 'e' || text[j - 1] == 'E'))))
        ++j;
      out.append(text, i, j - i);
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < text.size() && ident(text[j])) ++j;
      const std::string word = text.substr(i, j - i);
      out += word == from ? to : word;
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

// Calls `visit(path, value, is_expression)` for every string field that can
// hold a name or an expression, with a setter into `net`.
using Visitor = std::function<void(const FieldPath& path, std::string* value, bool expression)>;

void VisitNames(Network* net, const Visitor& visit) {
  for (int i = 0; i < net->species_size(); ++i)
    visit({{"species", i}, {"name", -1}}, net->mutable_species(i)->mutable_name(), false);
  for (int i = 0; i < net->parameter_size(); ++i)
    visit({{"parameter", i}, {"name", -1}}, net->mutable_parameter(i)->mutable_name(), false);
  for (int i = 0; i < net->reaction_size(); ++i) {
    grnsim::v1::Reaction* r = net->mutable_reaction(i);
    visit({{"reaction", i}, {"name", -1}}, r->mutable_name(), false);
    for (int t = 0; t < r->reactant_size(); ++t)
      visit({{"reaction", i}, {"reactant", t}, {"species", -1}},
            r->mutable_reactant(t)->mutable_species(), false);
    for (int t = 0; t < r->product_size(); ++t)
      visit({{"reaction", i}, {"product", t}, {"species", -1}},
            r->mutable_product(t)->mutable_species(), false);
    if (r->has_k_param()) visit({{"reaction", i}, {"k_param", -1}}, r->mutable_k_param(), false);
    if (r->has_propensity())
      visit({{"reaction", i}, {"propensity", -1}}, r->mutable_propensity(), true);
    for (int m = 0; m < r->modifier_size(); ++m) {
      grnsim::v1::Modifier* mod = r->mutable_modifier(m);
      auto hill = [&](const char* kind, grnsim::v1::Hill* h) {
        const FieldPath base = {{"reaction", i}, {"modifier", m}, {kind, -1}};
        auto at = [&](const char* field) {
          FieldPath p = base;
          p.push_back({field, -1});
          return p;
        };
        visit(at("species"), h->mutable_species(), false);
        if (h->has_k_param()) visit(at("k_param"), h->mutable_k_param(), false);
        if (h->has_n_param()) visit(at("n_param"), h->mutable_n_param(), false);
      };
      if (mod->has_hill_activation()) hill("hill_activation", mod->mutable_hill_activation());
      if (mod->has_hill_repression()) hill("hill_repression", mod->mutable_hill_repression());
      if (mod->has_michaelis_menten()) {
        const FieldPath base = {{"reaction", i}, {"modifier", m}, {"michaelis_menten", -1}};
        FieldPath species = base, k = base;
        species.push_back({"species", -1});
        k.push_back({"k_param", -1});
        grnsim::v1::MichaelisMenten* mm = mod->mutable_michaelis_menten();
        visit(species, mm->mutable_species(), false);
        if (mm->has_k_param()) visit(k, mm->mutable_k_param(), false);
      }
    }
  }
  for (int i = 0; i < net->event_size(); ++i) {
    grnsim::v1::Event* e = net->mutable_event(i);
    visit({{"event", i}, {"name", -1}}, e->mutable_name(), false);
    if (e->has_when()) visit({{"event", i}, {"when", -1}}, e->mutable_when(), true);
    for (int a = 0; a < e->assign_size(); ++a) {
      visit({{"event", i}, {"assign", a}, {"target", -1}}, e->mutable_assign(a)->mutable_target(),
            false);
      visit({{"event", i}, {"assign", a}, {"value", -1}}, e->mutable_assign(a)->mutable_value(),
            true);
    }
  }
  for (int i = 0; i < net->assignment_rule_size(); ++i) {
    auto* r = net->mutable_assignment_rule(i);
    visit({{"assignment_rule", i}, {"variable", -1}}, r->mutable_variable(), false);
    visit({{"assignment_rule", i}, {"expression", -1}}, r->mutable_expression(), true);
  }
  for (int i = 0; i < net->initial_assignment_size(); ++i) {
    auto* r = net->mutable_initial_assignment(i);
    visit({{"initial_assignment", i}, {"variable", -1}}, r->mutable_variable(), false);
    visit({{"initial_assignment", i}, {"expression", -1}}, r->mutable_expression(), true);
  }
}

}  // namespace

int RunNetRename(int argc, char** argv) {
  EditCommand edit;
  if (int rc = ParseEditCommand(
          "rename", "grnsim net rename FILE OLD NEW (-o OUT | --in-place)",
          "Renames the species, parameter, reaction or event OLD to NEW (an identifier\n"
          "not yet used) and updates every reference: reaction terms, modifiers,\n"
          "k_param and n_param, event targets, rule and initial-assignment variables,\n"
          "and OLD as a whole word in every expression. The result is validated, then\n"
          "written atomically; a text file keeps its comments and layout.",
          3, 3, "FILE OLD NEW", argc, argv, &edit);
      rc >= 0) {
    return rc;
  }
  const std::vector<std::string>& args = edit.args;
  const std::string& input = edit.input;
  const std::string& output = edit.output;
  const std::string &from = args[1], &to = args[2];
  if (!IsIdentifier(to)) {
    PrintError("net rename: new name '" + to + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    return 2;
  }
  NetworkFile file;
  if (int rc = LoadValidNetwork("rename", input, &file); rc != 0) return rc;
  Network edited = file.network;
  bool defined = false, taken = false;
  std::vector<TextFieldEdit> edits;
  VisitNames(&edited, [&](const FieldPath& path, std::string* value, bool expression) {
    const bool is_definition = path.size() == 2 && path.back().first == "name";
    if (is_definition && *value == from) defined = true;
    if (is_definition && *value == to) taken = true;
    const std::string renamed =
        expression ? RenameInExpression(*value, from, to) : (*value == from ? to : *value);
    if (renamed == *value) return;
    *value = renamed;
    edits.push_back({path, Quote(renamed)});
  });
  if (!defined) {
    PrintError("net rename: " + input + ": no species, parameter, reaction or event named '" +
               from + "'");
    return 2;
  }
  if (taken) {
    PrintError("net rename: " + input + ": the name '" + to + "' is already used");
    return 2;
  }
  return WriteEditedNetwork("rename", input, output, file, edited, edits);
}

}  // namespace grn::cli
