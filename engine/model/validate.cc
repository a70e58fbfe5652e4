// engine/model/validate.cc
#include "engine/model/validate.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <map>
#include <sstream>
#include <unordered_map>

#include "engine/model/compiled_model.h"
#include "proto/network.pb.h"

namespace grn {
namespace {

using grnsim::v1::Hill;
using grnsim::v1::MichaelisMenten;
using grnsim::v1::Modifier;
using grnsim::v1::Network;
using grnsim::v1::Reaction;

// Largest stoichiometry accepted: beyond it a single firing moves counts by
// more than any gene-network reaction does, and C(x, m) loses all precision.
constexpr std::uint32_t kMaxStoichiometry = 1000;
constexpr double kMaxHillCoefficient = 100.0;

std::string Num(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

// The shortest decimal that reads back to `v` ("0.1", not 0.10000000000000001).
std::string Shortest(double v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

class Validator {
 public:
  Validator(const Network& net, const ValidateOptions& options) : net_(net), options_(options) {}

  std::vector<Diagnostic> Run() {
    names_ = std::make_unique<ModelNames>(net_);
    if (net_.name().empty()) {
      Add({{"name", -1}}, "network has no name (expected name: \"...\")");
    } else if (!IsIdentifier(net_.name())) {
      Add({{"name", -1}}, "network name '" + net_.name() +
                              "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    }
    if (net_.time_unit() == Network::TIME_UNIT_UNSPECIFIED) {
      Add({{"time_unit", -1}},
          "network has no time_unit (expected time_unit: s, min, h or d)");
    }
    // Includes are resolved when a file is read (engine/io); a network that
    // still has them here was built in code and never composed.
    for (int i = 0; i < net_.include_size(); ++i) {
      Add({{"include", i}}, "include '" + net_.include(i).path() +
                                "' is not resolved: compose the network first (reading it from a "
                                "file does)");
    }
    if (net_.species_size() == 0) Add({}, "network has no species");
    if (net_.reaction_size() == 0) Add({}, "network has no reactions");
    for (int i = 0; i < net_.species_size(); ++i) CheckSpecies(i);
    for (int i = 0; i < net_.parameter_size(); ++i) CheckParameter(i);
    for (int i = 0; i < net_.reaction_size(); ++i) DeclareReaction(i);
    for (int i = 0; i < net_.reaction_size(); ++i) CheckReaction(i);
    CheckRules();
    for (int i = 0; i < net_.initial_assignment_size(); ++i) CheckInitialAssignment(i);
    for (int i = 0; i < net_.event_size(); ++i) CheckEvent(i);
    return std::move(out_);
  }

 private:
  void Add(FieldPath where, std::string message) {
    out_.push_back({std::move(where), std::move(message)});
  }

  // Names share one namespace so that later rate expressions are unambiguous.
  void Declare(const std::string& name, const std::string& what, FieldPath where) {
    if (name.empty()) {
      Add(where, what + " #" + std::to_string(where.front().second + 1) + " has no name");
      return;
    }
    if (!IsIdentifier(name)) {
      Add(where, what + " name '" + name +
                     "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    }
    auto [it, inserted] = kind_of_.emplace(name, what);
    if (!inserted) {
      Add(where, "duplicate name '" + name + "': already used by a " + it->second);
    }
  }

  void CheckSpecies(int i) {
    const auto& sp = net_.species(i);
    Declare(sp.name(), "species", {{"species", i}, {"name", -1}});
    species_constant_[sp.name()] = sp.constant();
    if (sp.external()) {
      CheckExternal({{"species", i}, {"external", -1}}, "species", sp.name());
      return;  // its count comes from the module that defines it
    }
    const double x = sp.initial_count();
    const FieldPath at = {{"species", i}, {"initial_count", -1}};
    if (!std::isfinite(x) || x < 0) {
      Add(at, "species '" + sp.name() + "': initial_count " + Num(x) +
                  " must be a finite non-negative count");
    } else if (x != std::floor(x)) {
      Add(at, "species '" + sp.name() + "': initial_count " + Num(x) +
                  " is not a whole number of molecules");
    } else if (x >= kMaxExactCount) {
      Add(at, "species '" + sp.name() + "': initial_count " + Num(x) +
                  " is not below 2^53, beyond which counts are not exact");
    }
  }

  void CheckParameter(int i) {
    const auto& p = net_.parameter(i);
    Declare(p.name(), "parameter", {{"parameter", i}, {"name", -1}});
    parameter_value_[p.name()] = p.value();
    if (p.external()) {
      CheckExternal({{"parameter", i}, {"external", -1}}, "parameter", p.name());
      external_parameters_.insert(p.name());
      return;  // its value comes from the module that defines it
    }
    if (!std::isfinite(p.value())) {
      Add({{"parameter", i}, {"value", -1}},
          "parameter '" + p.name() + "': value " + Num(p.value()) + " is not finite");
    }
    if (p.has_range()) {
      const double lo = p.range().min(), hi = p.range().max();
      const FieldPath at = {{"parameter", i}, {"range", -1}};
      if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
        Add(at, "parameter '" + p.name() + "': range [" + Shortest(lo) + ", " + Shortest(hi) +
                    "] must be finite with min <= max");
      } else if (std::isfinite(p.value()) && (p.value() < lo || p.value() > hi)) {
        Add({{"parameter", i}, {"value", -1}},
            "parameter '" + p.name() + "': value " + Shortest(p.value()) +
                " is outside its range [" + Shortest(lo) + ", " + Shortest(hi) + "]");
      }
    }
  }

  // An external declaration is a module's input: another module defines it.
  void CheckExternal(const FieldPath& at, const std::string& kind, const std::string& name) {
    if (options_.allow_external) return;
    Add(at, kind + " '" + name +
                "' is declared external (an input defined by another module), but no module of "
                "this network defines it; include a module that does, or define it here");
  }

  void DeclareReaction(int i) {
    Declare(net_.reaction(i).name(), "reaction", {{"reaction", i}, {"name", -1}});
  }

  // A value given as a literal or a parameter name; checks it against `ok`.
  // Returns the value, or NaN if it cannot be resolved.
  double Resolve(bool is_param, double literal, const std::string& param,
                 const FieldPath& at, const std::string& who, const std::string& what) {
    if (!is_param) {
      // A literal NaN is a value error here, not "unresolved" (which NaN
      // signals to the callers): report it now.
      if (std::isnan(literal)) {
        Add(at, who + ": " + what + " is nan; expected a finite number");
      }
      return literal;
    }
    if (external_parameters_.count(param)) return std::nan("");  // no value here to check
    auto it = parameter_value_.find(param);
    if (it == parameter_value_.end()) {
      auto kind = kind_of_.find(param);
      Add(at, who + ": " + what + " refers to unknown parameter '" + param + "'" +
                  (kind != kind_of_.end() ? " (it is a " + kind->second + ")" : ""));
      return std::nan("");
    }
    return it->second;
  }

  void CheckTerms(int r, const char* field, std::map<std::string, long>& net_change,
                  int sign) {
    const Reaction& rx = net_.reaction(r);
    const auto& terms = sign < 0 ? rx.reactant() : rx.product();
    for (int j = 0; j < terms.size(); ++j) {
      const auto& t = terms[j];
      const FieldPath at = {{"reaction", r}, {field, j}};
      const std::string who = "reaction '" + rx.name() + "'";
      if (t.species().empty()) {
        Add(at, who + ": " + field + " #" + std::to_string(j + 1) + " names no species");
        continue;
      }
      if (!species_constant_.count(t.species())) {
        Add(at, who + ": unknown species '" + t.species() + "' in " + field);
        continue;
      }
      const std::uint32_t m = t.has_stoichiometry() ? t.stoichiometry() : 1;
      if (m == 0 || m > kMaxStoichiometry) {
        Add({{"reaction", r}, {field, j}, {"stoichiometry", -1}},
            who + ": stoichiometry " + std::to_string(m) + " of '" + t.species() +
                "' must be between 1 and " + std::to_string(kMaxStoichiometry));
        continue;
      }
      if (!species_constant_[t.species()]) net_change[t.species()] += sign * long(m);
    }
  }

  void CheckHalfMax(double value, const FieldPath& at, const std::string& who) {
    if (std::isnan(value)) return;  // already reported as unresolved
    if (!std::isfinite(value) || value <= 0) {
      Add(at, who + ": half-maximal constant K = " + Num(value) +
                  " must be finite and > 0");
    }
  }

  void CheckModifier(int r, int j) {
    const Reaction& rx = net_.reaction(r);
    const Modifier& mod = rx.modifier(j);
    const std::string who = "reaction '" + rx.name() + "'";
    FieldPath at = {{"reaction", r}, {"modifier", j}};
    auto check_species = [&](const std::string& s, const FieldPath& p) {
      if (s.empty()) {
        Add(p, who + ": modifier #" + std::to_string(j + 1) + " names no species");
      } else if (!species_constant_.count(s)) {
        Add(p, who + ": unknown species '" + s + "' in modifier");
      }
    };
    if (mod.has_hill_activation() || mod.has_hill_repression()) {
      const char* kind = mod.has_hill_activation() ? "hill_activation" : "hill_repression";
      const Hill& h = mod.has_hill_activation() ? mod.hill_activation() : mod.hill_repression();
      at.push_back({kind, -1});
      check_species(h.species(), at);
      if (h.half_max_case() == Hill::HALF_MAX_NOT_SET) {
        Add(at, who + ": " + kind + " needs k (or k_param), the half-maximal count");
      } else {
        FieldPath kp = at;
        kp.push_back({h.has_k_param() ? "k_param" : "k", -1});
        CheckHalfMax(Resolve(h.has_k_param(), h.k(), h.k_param(), kp, who, "K"), kp, who);
      }
      if (h.coefficient_case() != Hill::COEFFICIENT_NOT_SET) {
        FieldPath np = at;
        np.push_back({h.has_n_param() ? "n_param" : "n", -1});
        const double n = Resolve(h.has_n_param(), h.n(), h.n_param(), np, who, "n");
        if (!std::isnan(n) && !(n > 0 && n <= kMaxHillCoefficient)) {
          Add(np, who + ": Hill coefficient n = " + Num(n) + " must be in (0, " +
                      Num(kMaxHillCoefficient) + "]");
        }
      }
    } else if (mod.has_michaelis_menten()) {
      const MichaelisMenten& mm = mod.michaelis_menten();
      at.push_back({"michaelis_menten", -1});
      check_species(mm.species(), at);
      if (mm.half_max_case() == MichaelisMenten::HALF_MAX_NOT_SET) {
        Add(at, who + ": michaelis_menten needs k (or k_param), the half-maximal count");
      } else {
        FieldPath kp = at;
        kp.push_back({mm.has_k_param() ? "k_param" : "k", -1});
        CheckHalfMax(Resolve(mm.has_k_param(), mm.k(), mm.k_param(), kp, who, "K"), kp, who);
      }
    } else {
      Add(at, who + ": modifier #" + std::to_string(j + 1) +
                  " is empty (expected hill_activation, hill_repression or michaelis_menten)");
    }
  }

  void CheckReaction(int r) {
    const Reaction& rx = net_.reaction(r);
    const std::string who = "reaction '" + rx.name() + "'";
    std::map<std::string, long> net_change;
    CheckTerms(r, "reactant", net_change, -1);
    CheckTerms(r, "product", net_change, +1);

    if (rx.rate_case() == Reaction::RATE_NOT_SET) {
      Add({{"reaction", r}}, who + ": no rate (expected k: <number>, k_param: \"<parameter>\" or propensity: \"<expression>\")");
    } else if (rx.has_propensity()) {
      const FieldPath at = {{"reaction", r}, {"propensity", -1}};
      auto program = names_->CompileText(rx.propensity());
      if (!program.ok()) Add(at, who + ": " + program.status().message());
      if (rx.modifier_size() > 0) {
        Add({{"reaction", r}, {"modifier", 0}},
            who + ": modifiers apply to mass-action laws; write them into the propensity expression");
      }
    } else {
      const FieldPath at = {{"reaction", r}, {rx.has_k_param() ? "k_param" : "k", -1}};
      const double c = Resolve(rx.has_k_param(), rx.k(), rx.k_param(), at, who, "rate constant");
      if (!std::isnan(c) && (!std::isfinite(c) || c < 0)) {
        Add(at, who + ": rate constant " + Num(c) + " must be finite and >= 0");
      }
    }
    for (int j = 0; j < rx.modifier_size(); ++j) CheckModifier(r, j);

    bool has_effect = false;
    for (const auto& [species, change] : net_change) has_effect |= (change != 0);
    if (!has_effect && rx.reactant_size() + rx.product_size() > 0) {
      bool all_known = true;
      for (const auto& t : rx.reactant()) all_known &= species_constant_.count(t.species()) > 0;
      for (const auto& t : rx.product()) all_known &= species_constant_.count(t.species()) > 0;
      if (all_known) {
        Add({{"reaction", r}}, who + " has no effect: it changes no (non-constant) species");
      }
    } else if (rx.reactant_size() + rx.product_size() == 0) {
      Add({{"reaction", r}}, who + " has no reactants and no products");
    }
  }

  // Expression fields (condition, value, rule) compile against the model.
  void CheckExpression(const std::string& text, const FieldPath& at, const std::string& who) {
    if (text.empty()) {
      Add(at, who + ": empty expression");
      return;
    }
    auto program = names_->CompileText(text);
    if (!program.ok()) Add(at, who + ": " + program.status().message());
  }

  void CheckRules() {
    std::unordered_map<std::string, int> seen;
    std::unordered_map<std::string, bool> changed_by_reactions, used_structurally;
    for (const auto& rx : net_.reaction()) {
      std::map<std::string, long> change;
      for (const auto& t : rx.reactant()) {
        change[t.species()] -= t.has_stoichiometry() ? t.stoichiometry() : 1;
        used_structurally[t.species()] = true;
      }
      for (const auto& t : rx.product()) change[t.species()] += t.has_stoichiometry() ? t.stoichiometry() : 1;
      for (const auto& [s, d] : change) if (d != 0) changed_by_reactions[s] = true;
      for (const auto& mod : rx.modifier()) {
        if (mod.has_hill_activation()) used_structurally[mod.hill_activation().species()] = true;
        if (mod.has_hill_repression()) used_structurally[mod.hill_repression().species()] = true;
        if (mod.has_michaelis_menten()) used_structurally[mod.michaelis_menten().species()] = true;
      }
      if (!rx.has_propensity()) {
        used_structurally[rx.k_param()] = true;
      }
    }
    for (int i = 0; i < net_.assignment_rule_size(); ++i) {
      const auto& rule = net_.assignment_rule(i);
      const std::string who = "assignment rule for '" + rule.variable() + "'";
      const FieldPath at = {{"assignment_rule", i}, {"variable", -1}};
      if (!names_->IsSpecies(rule.variable()) && !names_->IsParameter(rule.variable())) {
        Add(at, who + ": '" + rule.variable() + "' is not a species or parameter");
        continue;
      }
      if (seen[rule.variable()]++ > 0) Add(at, who + ": the variable already has a rule");
      if (changed_by_reactions[rule.variable()]) {
        Add(at, who + ": reactions change '" + rule.variable() +
                    "'; a variable defined by a rule cannot also be changed by reactions");
      }
      if (used_structurally[rule.variable()]) {
        Add(at, who + ": '" + rule.variable() +
                    "' is used as a reactant, modifier or k_param; read it in a propensity expression instead");
      }
      CheckExpression(rule.expression(), {{"assignment_rule", i}, {"expression", -1}}, who);
    }
  }

  void CheckInitialAssignment(int i) {
    const auto& ia = net_.initial_assignment(i);
    const std::string who = "initial assignment of '" + ia.variable() + "'";
    if (!names_->IsSpecies(ia.variable()) && !names_->IsParameter(ia.variable())) {
      Add({{"initial_assignment", i}, {"variable", -1}},
          who + ": '" + ia.variable() + "' is not a species or parameter");
    }
    CheckExpression(ia.expression(), {{"initial_assignment", i}, {"expression", -1}}, who);
    const auto read = ExpressionNames(ia.expression());
    if (std::find(read.begin(), read.end(), ia.variable()) != read.end()) {
      Add({{"initial_assignment", i}, {"expression", -1}}, who + " reads itself");
    }
  }

  void CheckEvent(int i) {
    const auto& ev = net_.event(i);
    const std::string who = "event '" + ev.name() + "'";
    if (ev.name().empty()) {
      Add({{"event", i}}, "event #" + std::to_string(i + 1) + " has no name");
    } else if (!IsIdentifier(ev.name())) {
      Add({{"event", i}, {"name", -1}}, who + ": name is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    }
    if (ev.trigger_case() == grnsim::v1::Event::TRIGGER_NOT_SET) {
      Add({{"event", i}}, who + ": no trigger (expected at_time: <time> or when: \"<condition>\")");
    } else if (ev.has_at_time()) {
      if (!std::isfinite(ev.at_time()) || ev.at_time() < 0) {
        Add({{"event", i}, {"at_time", -1}}, who + ": at_time " + Num(ev.at_time()) + " must be finite and >= 0");
      }
      if (ev.period() != 0 && !(std::isfinite(ev.period()) && ev.period() > 0)) {
        Add({{"event", i}, {"period", -1}},
            who + ": period " + Num(ev.period()) + " must be finite and > 0 (or left out: once)");
      }
    } else {
      if (ev.period() != 0) {
        Add({{"event", i}, {"period", -1}},
            who + ": period repeats an at_time event; a `when` event fires each time its "
                  "condition turns true");
      }
      const FieldPath at = {{"event", i}, {"when", -1}};
      auto program = names_->CompileText(ev.when());
      if (!program.ok()) {
        Add(at, who + ": " + program.status().message());
      } else if (program->reads_time) {
        // Exact methods check conditions after each reaction; a condition on
        // time can turn true between reactions. Timed changes use at_time.
        Add(at, who + ": the condition reads time; use at_time for events at a given time");
      }
    }
    if (ev.assign_size() == 0) Add({{"event", i}}, who + ": assigns nothing");
    for (int j = 0; j < ev.assign_size(); ++j) {
      const auto& a = ev.assign(j);
      const FieldPath at = {{"event", i}, {"assign", j}, {"target", -1}};
      if (!names_->IsSpecies(a.target()) && !names_->IsParameter(a.target())) {
        Add(at, who + ": target '" + a.target() + "' is not a species or parameter");
      } else if (names_->HasRule(a.target())) {
        Add(at, who + ": target '" + a.target() + "' is defined by an assignment rule");
      }
      CheckExpression(a.value(), {{"event", i}, {"assign", j}, {"value", -1}}, who);
    }
  }

  const Network& net_;
  const ValidateOptions options_;
  std::unique_ptr<ModelNames> names_;
  std::vector<Diagnostic> out_;
  std::unordered_map<std::string, std::string> kind_of_;
  std::unordered_map<std::string, bool> species_constant_;
  std::unordered_map<std::string, double> parameter_value_;
  std::set<std::string> external_parameters_;
};

}  // namespace

bool IsIdentifier(const std::string& name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

ModelNames::ModelNames(const Network& net) {
  for (int i = 0; i < net.species_size(); ++i) species_.emplace(net.species(i).name(), i);
  for (int i = 0; i < net.parameter_size(); ++i) {
    parameters_.emplace(net.parameter(i).name(), i);
    parameter_values_.push_back(net.parameter(i).value());
  }
  for (const auto& rule : net.assignment_rule()) rules_.emplace(rule.variable(), rule.expression());
  // Parameters that events or initial assignments set are read at run time;
  // all others are constants and are folded into the code.
  for (const auto& ev : net.event())
    for (const auto& a : ev.assign()) variable_parameters_.insert(a.target());
  for (const auto& ia : net.initial_assignment()) variable_parameters_.insert(ia.variable());
  // An external parameter's value is not known here: never fold it in.
  for (const auto& p : net.parameter())
    if (p.external()) variable_parameters_.insert(p.name());
}

NameBinding ModelNames::Resolve(const std::string& name) const {
  NameBinding b;
  if (auto rule = rules_.find(name); rule != rules_.end()) {
    if (auto done = compiled_rules_.find(name); done != compiled_rules_.end()) {
      b.kind = NameBinding::kInline;
      b.inline_program = &done->second;
      return b;
    }
    if (std::find(in_progress_.begin(), in_progress_.end(), name) != in_progress_.end()) {
      if (cycle_.empty()) {
        for (const std::string& v : in_progress_) cycle_ += v + " → ";
        cycle_ += name;
      }
      return b;  // kUnknown
    }
    in_progress_.push_back(name);
    auto program = CompileText(rule->second);
    in_progress_.pop_back();
    if (!program.ok()) return b;
    b.kind = NameBinding::kInline;
    b.inline_program = &compiled_rules_.emplace(name, std::move(*program)).first->second;
    return b;
  }
  if (auto s = species_.find(name); s != species_.end()) {
    b.kind = NameBinding::kSpecies;
    b.index = s->second;
  } else if (auto p = parameters_.find(name); p != parameters_.end()) {
    if (variable_parameters_.count(name)) {
      b.kind = NameBinding::kParameter;
      b.index = p->second;
    } else {
      b.kind = NameBinding::kConstant;
      b.value = parameter_values_[p->second];
    }
  }
  return b;
}

StatusOr<ExpressionProgram> ModelNames::CompileText(const std::string& text) const {
  auto program = CompileExpression(text, [this](const std::string& n) { return Resolve(n); });
  if (!program.ok() && !cycle_.empty() && in_progress_.empty()) {
    const std::string cycle = cycle_;
    cycle_.clear();
    return InvalidArgumentError("assignment rules refer to each other in a cycle: " + cycle);
  }
  return program;
}

std::vector<Diagnostic> Validate(const Network& network) {
  return Validator(network, ValidateOptions{}).Run();
}

std::vector<Diagnostic> Validate(const Network& network, const ValidateOptions& options) {
  return Validator(network, options).Run();
}

}  // namespace grn
