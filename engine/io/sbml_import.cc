// engine/io/sbml_import.cc
//
// SBML → grnsim::v1::Network (see sbml_import.h for the semantics carried
// over). The only file in grnsim that includes libsbml. libsbml parses the
// XML and builds the object model; everything else is ours: a printer from
// libsbml's ASTNode trees to the expression syntax of proto/network.proto
// (so every MathML construct is either mapped or refused by name, never
// passed through), a recogniser of plain mass-action laws for the structured
// fast path, and the bookkeeping of names (renamed local parameters, the
// compartments a model reads).
//
// No full consistency check is run (libsbml's checkConsistency is slow on big
// models and mostly about units); readSBML's own XML and schema errors are
// reported with line:column, and every construct the importer relies on is
// checked here as it is read.
#include "engine/io/sbml_import.h"

#include <sbml/SBMLTypes.h>
#include <sbml/extension/SBasePlugin.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/status_macros.h"

LIBSBML_CPP_NAMESPACE_USE

namespace grn {
namespace {

using grnsim::v1::Network;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Binding strength of a printed expression, loosest first. A child is put in
// parentheses when it binds more loosely than its position needs, so the
// printed text evaluates in exactly the order of the SBML tree (floating-point
// results do not depend on how our parser re-associates).
enum Prec : int { kOr = 1, kAnd, kCmp, kAdd, kMul, kUnary, kPow, kAtom };

struct Expr {
  std::string text;
  int prec = kAtom;
};

std::string Wrap(const Expr& e, int min_prec) {
  return e.prec >= min_prec ? e.text : "(" + e.text + ")";
}

// Shortest text that reads back as the same double; whole numbers without
// a decimal point ("2", not "2.0").
std::string FormatNumber(double v) {
  if (v == 0) return "0";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

Expr Number(double v) { return {FormatNumber(v), v < 0 ? kUnary : kAtom}; }

// Words our expression syntax gives a meaning; an SBML id spelled like one
// is renamed so it cannot be misread.
const std::set<std::string>& ReservedWords() {
  static const std::set<std::string> words = {
      "time", "exp", "log", "log10", "sqrt", "abs", "floor", "ceil", "pow",
      "min",  "max", "piecewise", "inf", "nan", "e", "pi", "true", "false"};
  return words;
}

// "\n  Some   message\n" → "Some message".
std::string OneLine(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The formula of a (sub)tree in SBML's own infix notation, for messages.
std::string Formula(const ASTNode* n) {
  if (n == nullptr) return "(none)";
  char* s = SBML_formulaToL3String(n);
  if (s == nullptr) return "(unprintable)";
  std::string out(s);
  std::free(s);
  return out;
}

struct CompartmentInfo {
  double size = 1.0;
  bool used = false;  // read by some printed expression: emitted as a parameter
};

struct SpeciesInfo {
  std::string name;         // our name
  std::string compartment;  // SBML compartment id
  bool concentration = false;  // hasOnlySubstanceUnits=false: math reads count/size
  bool constant = false;       // our `constant` (boundary or constant species)
  bool in_reactions = true;    // false for boundary species set by rules/events
};

struct ParameterInfo {
  std::string name;  // our name
  double value = 0.0;
  bool foldable = false;  // its value never changes: may be folded into constants
};

// The names visible while printing one piece of math.
struct Scope {
  explicit Scope(std::string w, const std::map<std::string, ParameterInfo>* l = nullptr)
      : who(std::move(w)), locals(l) {}
  std::string who;  // "reaction 'R1': kinetic law", for messages
  // Local parameters of the reaction being read: SBML id → parameter.
  const std::map<std::string, ParameterInfo>* locals = nullptr;
  // Inside an inlined function body: argument name → printed argument.
  const std::map<std::string, Expr>* args = nullptr;
  std::string function;  // the function being inlined, for messages
  int depth = 0;         // inlining depth (recursion guard)
};

// A kinetic law recognised as plain mass action: c · Π species^power.
struct MassAction {
  double c = 1.0;
  std::map<std::string, int> species;  // SBML species id → power
  std::vector<std::string> params;     // our names of the parameters multiplied in
  bool other_factors = false;          // numbers, sizes or divisions were folded into c
};

// A term on one side of a reaction, merged over repeated species references.
struct SideTerm {
  std::string species;  // SBML id
  std::uint32_t stoichiometry = 0;
};

class Importer {
 public:
  // REQUIRES: doc.getModel() != nullptr.
  Importer(std::string path, SBMLDocument& doc)
      : path_(std::move(path)), doc_(doc), model_(*doc.getModel()) {}

  StatusOr<Network> Run();

 private:
  Status Unsupported(const std::string& who, const std::string& what) const {
    return NotSupportedError(path_ + ": " + who + ": " + what);
  }
  Status Invalid(const std::string& who, const std::string& what) const {
    return InvalidArgumentError(path_ + ": " + who + ": " + what);
  }

  // Our name for an SBML id: itself, or a fresh one if it is a reserved word.
  std::string OurName(const std::string& id);
  std::string UniqueName(const std::string& base);

  void CollectTargets();
  Status ReadTimeUnit();
  Status ReadCompartments();
  Status ReadSpecies();
  Status ReadParameters();
  Status ReadInitialAssignments();
  Status ReadRules();
  Status ReadReactions();
  Status ReadReaction(const Reaction& r);
  Status ReadEvents();

  StatusOr<Expr> Print(const ASTNode* n, const Scope& scope);
  StatusOr<Expr> PrintName(const ASTNode* n, const Scope& scope);
  StatusOr<Expr> PrintCall(const ASTNode* n, const Scope& scope);
  StatusOr<std::vector<Expr>> PrintChildren(const ASTNode* n, const Scope& scope);
  StatusOr<std::string> PrintText(const ASTNode* n, const Scope& scope) {
    GRN_ASSIGN_OR_RETURN(Expr e, Print(n, scope));
    return e.text;
  }

  // The expression that sets `variable` (an SBML species or parameter id):
  // a concentration species is set in counts, value × size. Refuses
  // compartments and species references as targets.
  StatusOr<std::string> Target(const std::string& variable, const std::string& who,
                               std::string* our_name);
  StatusOr<std::string> ValueFor(const std::string& variable, const ASTNode* math,
                                 const Scope& scope);

  // Mass-action recognition; false when `n` is not a product of constants
  // and species.
  bool CollectProduct(const ASTNode* n, const Scope& scope, MassAction* ma) const;
  // Fills `rx` with the structured form when `law` is mass action over
  // exactly `reactants` (each once, stoichiometry 1; constant reactants the
  // law does not read are left out). Returns false otherwise.
  bool TryMassAction(const ASTNode* law, const Scope& scope,
                     const std::vector<SideTerm>& reactants,
                     const std::vector<SideTerm>& products, grnsim::v1::Reaction* rx) const;
  std::optional<double> ConstantValue(const ASTNode* n) const;
  StatusOr<std::vector<SideTerm>> ReadSide(const Reaction& r, bool reactants,
                                           const std::string& who);
  void AddTerms(const std::vector<SideTerm>& terms, bool reactants,
                grnsim::v1::Reaction* rx) const;

  std::string path_;
  const SBMLDocument& doc_;
  Model& model_;  // non-const only for getElementBySId
  Network net_;

  std::set<std::string> taken_;    // every SBML id and every name we made up
  std::set<std::string> targets_;  // ids set by rules, events or initial assignments
  std::map<std::string, CompartmentInfo> compartments_;
  std::map<std::string, SpeciesInfo> species_;
  std::map<std::string, ParameterInfo> parameters_;
  std::vector<grnsim::v1::Parameter> local_parameters_;
};

std::string Importer::UniqueName(const std::string& base) {
  std::string name = base;
  for (int k = 2; taken_.count(name); ++k) name = base + "_" + std::to_string(k);
  taken_.insert(name);
  return name;
}

std::string Importer::OurName(const std::string& id) {
  return ReservedWords().count(id) ? UniqueName(id + "_") : id;
}

void Importer::CollectTargets() {
  for (unsigned i = 0; i < model_.getNumRules(); ++i) {
    if (model_.getRule(i)->isSetVariable()) targets_.insert(model_.getRule(i)->getVariable());
  }
  for (unsigned i = 0; i < model_.getNumInitialAssignments(); ++i) {
    targets_.insert(model_.getInitialAssignment(i)->getSymbol());
  }
  for (unsigned i = 0; i < model_.getNumEvents(); ++i) {
    const Event* e = model_.getEvent(i);
    for (unsigned j = 0; j < e->getNumEventAssignments(); ++j) {
      targets_.insert(e->getEventAssignment(j)->getVariable());
    }
  }
}

Status Importer::ReadTimeUnit() {
  net_.set_time_unit(Network::s);
  std::string unit;
  if (model_.getLevel() >= 3) {
    if (!model_.isSetTimeUnits()) return Status::OK();
    unit = model_.getTimeUnits();
  } else {
    // Level 2 redefines the built-in unit "time" to change it.
    if (model_.getUnitDefinition("time") == nullptr) return Status::OK();
    unit = "time";
  }
  if (unit == "second") return Status::OK();
  const UnitDefinition* def = model_.getUnitDefinition(unit);
  if (def != nullptr && def->getNumUnits() == 1) {
    const Unit* u = def->getUnit(0);
    const double factor = u->getMultiplier() * std::pow(10.0, u->getScale());
    if (u->getKind() == UNIT_KIND_SECOND && u->getExponentAsDouble() == 1.0) {
      const double rel = 1e-12;
      if (std::fabs(factor - 1) <= rel) return Status::OK();
      if (std::fabs(factor / 60 - 1) <= rel) { net_.set_time_unit(Network::min); return Status::OK(); }
      if (std::fabs(factor / 3600 - 1) <= rel) { net_.set_time_unit(Network::h); return Status::OK(); }
      if (std::fabs(factor / 86400 - 1) <= rel) { net_.set_time_unit(Network::d); return Status::OK(); }
    }
  }
  return Unsupported("model", "time unit '" + unit +
                                  "' is not one grnsim knows (second, or a unit definition "
                                  "equal to 60, 3600 or 86400 seconds)");
}

Status Importer::ReadCompartments() {
  for (unsigned i = 0; i < model_.getNumCompartments(); ++i) {
    const Compartment* c = model_.getCompartment(i);
    const std::string who = "compartment '" + c->getId() + "'";
    if (targets_.count(c->getId())) {
      return Unsupported(who, "its size is set by a rule, event or initial assignment; "
                              "grnsim needs constant compartment sizes");
    }
    CompartmentInfo info;
    if (c->isSetSize()) info.size = c->getSize();  // a missing size means 1
    if (!std::isfinite(info.size) || info.size <= 0) {
      return Invalid(who, "size " + FormatNumber(info.size) + " must be finite and > 0");
    }
    compartments_[c->getId()] = info;
  }
  return Status::OK();
}

Status Importer::ReadSpecies() {
  for (unsigned i = 0; i < model_.getNumSpecies(); ++i) {
    const Species* sp = model_.getSpecies(i);
    const std::string who = "species '" + sp->getId() + "'";
    if (sp->isSetConversionFactor()) {
      return Unsupported(who, "conversionFactor (reactions change it by a scaled amount)");
    }
    auto comp = compartments_.find(sp->getCompartment());
    if (comp == compartments_.end()) {
      return Invalid(who, "unknown compartment '" + sp->getCompartment() + "'");
    }
    SpeciesInfo info;
    info.name = OurName(sp->getId());
    info.compartment = sp->getCompartment();
    info.concentration = !sp->getHasOnlySubstanceUnits();
    const bool targeted = targets_.count(sp->getId()) > 0;
    // A boundary species is changed by rules and events but not reactions:
    // when it is a target it cannot be `constant`, so it leaves the reactions.
    info.constant = sp->getConstant() || (sp->getBoundaryCondition() && !targeted);
    info.in_reactions = !(sp->getBoundaryCondition() && targeted);

    double count = 0.0;
    if (sp->isSetInitialAmount()) {
      count = sp->getInitialAmount();
    } else if (sp->isSetInitialConcentration()) {
      count = sp->getInitialConcentration() * comp->second.size;
    } else if (!targeted) {
      return Invalid(who, "no initialAmount, initialConcentration, initial assignment or rule");
    }
    if (!std::isfinite(count) || count < 0) {
      return Invalid(who, "initial amount " + FormatNumber(count) + " is not a count >= 0");
    }
    // Concentration × size may miss a whole number by rounding only.
    const double whole = std::round(count);
    if (std::fabs(count - whole) > 1e-9 * std::max(1.0, whole)) {
      return Unsupported(who, "initial amount " + FormatNumber(count) +
                                  " is not a whole number of molecules");
    }
    taken_.insert(sp->getId());
    grnsim::v1::Species* out = net_.add_species();
    out->set_name(info.name);
    out->set_initial_count(whole);
    out->set_constant(info.constant);
    std::string description = sp->isSetName() && sp->getName() != sp->getId() ? sp->getName() : "";
    if (info.name != sp->getId()) {
      description += (description.empty() ? "" : "; ") + std::string("SBML id '") + sp->getId() + "'";
    }
    out->set_description(description);
    species_[sp->getId()] = info;
  }
  return Status::OK();
}

Status Importer::ReadParameters() {
  for (unsigned i = 0; i < model_.getNumParameters(); ++i) {
    const Parameter* p = model_.getParameter(i);
    const std::string who = "parameter '" + p->getId() + "'";
    const bool targeted = targets_.count(p->getId()) > 0;
    if (!p->isSetValue() && !targeted) return Invalid(who, "no value and no rule sets it");
    ParameterInfo info;
    info.name = OurName(p->getId());
    info.value = p->isSetValue() ? p->getValue() : 0.0;
    info.foldable = !targeted;
    taken_.insert(p->getId());
    grnsim::v1::Parameter* out = net_.add_parameter();
    out->set_name(info.name);
    out->set_value(info.value);
    if (p->isSetUnits()) out->set_unit(p->getUnits());
    std::string description = p->isSetName() && p->getName() != p->getId() ? p->getName() : "";
    if (info.name != p->getId()) {
      description += (description.empty() ? "" : "; ") + std::string("SBML id '") + p->getId() + "'";
    }
    out->set_description(description);
    parameters_[p->getId()] = info;
  }
  return Status::OK();
}

StatusOr<std::string> Importer::Target(const std::string& variable, const std::string& who,
                                       std::string* our_name) {
  if (auto s = species_.find(variable); s != species_.end()) {
    *our_name = s->second.name;
    return std::string();
  }
  if (auto p = parameters_.find(variable); p != parameters_.end()) {
    *our_name = p->second.name;
    return std::string();
  }
  if (compartments_.count(variable)) {
    return Unsupported(who, "sets the size of compartment '" + variable + "'");
  }
  if (model_.getElementBySId(variable) != nullptr) {
    return Unsupported(who, "sets '" + variable + "', which is not a species or parameter "
                            "(stoichiometries set by math are not supported)");
  }
  return Invalid(who, "unknown variable '" + variable + "'");
}

StatusOr<std::string> Importer::ValueFor(const std::string& variable, const ASTNode* math,
                                         const Scope& scope) {
  if (math == nullptr) return Invalid(scope.who, "no math");
  GRN_ASSIGN_OR_RETURN(Expr e, Print(math, scope));
  auto s = species_.find(variable);
  if (s == species_.end() || !s->second.concentration) return e.text;
  // The math gives a concentration; the state holds the count.
  CompartmentInfo& comp = compartments_[s->second.compartment];
  comp.used = true;
  return Wrap(e, kMul) + " * " + s->second.compartment;
}

Status Importer::ReadInitialAssignments() {
  for (unsigned i = 0; i < model_.getNumInitialAssignments(); ++i) {
    const InitialAssignment* ia = model_.getInitialAssignment(i);
    Scope scope("initial assignment of '" + ia->getSymbol() + "'");
    std::string name;
    GRN_ASSIGN_OR_RETURN(std::string unused, Target(ia->getSymbol(), scope.who, &name));
    (void)unused;
    GRN_ASSIGN_OR_RETURN(std::string value, ValueFor(ia->getSymbol(), ia->getMath(), scope));
    grnsim::v1::InitialAssignment* out = net_.add_initial_assignment();
    out->set_variable(name);
    out->set_expression(value);
  }
  return Status::OK();
}

// Every SBML id a tree reads (through function calls: their arguments).
void CollectNames(const ASTNode* n, std::set<std::string>* names) {
  if (n == nullptr) return;
  if (n->getType() == AST_NAME) names->insert(n->getName());
  for (unsigned k = 0; k < n->getNumChildren(); ++k) CollectNames(n->getChild(k), names);
}

Status Importer::ReadRules() {
  struct Pending {
    std::string variable;  // SBML id
    std::string name;      // ours
    std::string value;
    std::set<std::string> reads;
  };
  std::vector<Pending> rules;
  for (unsigned i = 0; i < model_.getNumRules(); ++i) {
    const Rule* rule = model_.getRule(i);
    if (rule->isAlgebraic()) {
      return Unsupported("algebraic rule #" + std::to_string(i + 1),
                         "algebraic rules are not supported (" + Formula(rule->getMath()) + " = 0)");
    }
    if (rule->isRate()) {
      return Unsupported("rate rule for '" + rule->getVariable() + "'",
                         "rate rules (continuous change by an ODE) are not supported");
    }
    Scope scope("assignment rule for '" + rule->getVariable() + "'");
    Pending p;
    p.variable = rule->getVariable();
    GRN_ASSIGN_OR_RETURN(std::string unused, Target(p.variable, scope.who, &p.name));
    (void)unused;
    GRN_ASSIGN_OR_RETURN(p.value, ValueFor(p.variable, rule->getMath(), scope));
    CollectNames(rule->getMath(), &p.reads);
    rules.push_back(std::move(p));
  }
  // SBML allows rules in any order as long as they are acyclic; emit them so
  // that each reads only variables of rules before it (file order otherwise).
  std::vector<bool> done(rules.size(), false);
  std::set<std::string> pending_vars;
  for (const Pending& p : rules) pending_vars.insert(p.variable);
  for (std::size_t emitted = 0; emitted < rules.size();) {
    bool progress = false;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (const std::string& r : rules[i].reads) ready &= !pending_vars.count(r) || r == rules[i].variable;
      if (!ready) continue;
      grnsim::v1::AssignmentRule* out = net_.add_assignment_rule();
      out->set_variable(rules[i].name);
      out->set_expression(rules[i].value);
      done[i] = true;
      pending_vars.erase(rules[i].variable);
      ++emitted;
      progress = true;
    }
    if (!progress) {
      return Invalid("assignment rules", "the rules depend on each other in a cycle");
    }
  }
  return Status::OK();
}

StatusOr<std::vector<SideTerm>> Importer::ReadSide(const Reaction& r, bool reactants,
                                                   const std::string& who) {
  std::vector<SideTerm> terms;
  const unsigned n = reactants ? r.getNumReactants() : r.getNumProducts();
  for (unsigned j = 0; j < n; ++j) {
    const SpeciesReference* ref = reactants ? r.getReactant(j) : r.getProduct(j);
    auto sp = species_.find(ref->getSpecies());
    if (sp == species_.end()) return Invalid(who, "unknown species '" + ref->getSpecies() + "'");
    if (ref->isSetId() && targets_.count(ref->getId())) {
      return Unsupported(who, "the stoichiometry of '" + ref->getSpecies() +
                                  "' is set by a rule or assignment");
    }
    if (ref->isSetStoichiometryMath()) {
      return Unsupported(who, "stoichiometryMath for '" + ref->getSpecies() + "'");
    }
    if (r.getLevel() >= 3 && !ref->isSetStoichiometry()) {
      return Invalid(who, "no stoichiometry given for '" + ref->getSpecies() + "'");
    }
    const double m = ref->getStoichiometry();
    if (!(m >= 0) || m != std::floor(m) || m > 4294967295.0) {
      return Unsupported(who, "stoichiometry " + FormatNumber(m) + " of '" + ref->getSpecies() +
                                  "' is not a whole number of molecules");
    }
    if (m == 0 || !sp->second.in_reactions) continue;
    auto same = std::find_if(terms.begin(), terms.end(),
                             [&](const SideTerm& t) { return t.species == ref->getSpecies(); });
    if (same != terms.end()) {
      same->stoichiometry += static_cast<std::uint32_t>(m);
    } else {
      terms.push_back({ref->getSpecies(), static_cast<std::uint32_t>(m)});
    }
  }
  return terms;
}

void Importer::AddTerms(const std::vector<SideTerm>& terms, bool reactants,
                        grnsim::v1::Reaction* rx) const {
  for (const SideTerm& t : terms) {
    grnsim::v1::Term* out = reactants ? rx->add_reactant() : rx->add_product();
    out->set_species(species_.at(t.species).name);
    if (t.stoichiometry != 1) out->set_stoichiometry(t.stoichiometry);
  }
}

std::optional<double> Importer::ConstantValue(const ASTNode* n) const {
  if (n->isNumber()) return n->getValue();
  if (n->getType() == AST_NAME) {
    auto p = parameters_.find(n->getName());
    if (p != parameters_.end() && p->second.foldable) return p->second.value;
  }
  return std::nullopt;
}

bool Importer::CollectProduct(const ASTNode* n, const Scope& scope, MassAction* ma) const {
  switch (n->getType()) {
    case AST_TIMES:
      for (unsigned k = 0; k < n->getNumChildren(); ++k) {
        if (!CollectProduct(n->getChild(k), scope, ma)) return false;
      }
      return true;
    case AST_DIVIDE: {
      if (n->getNumChildren() != 2 || !CollectProduct(n->getChild(0), scope, ma)) return false;
      MassAction den;
      if (!CollectProduct(n->getChild(1), scope, &den) || !den.species.empty()) return false;
      ma->c /= den.c;
      ma->other_factors = true;
      return true;
    }
    case AST_INTEGER:
    case AST_REAL:
    case AST_REAL_E:
    case AST_RATIONAL:
      ma->c *= n->getValue();
      ma->other_factors = true;
      return true;
    case AST_NAME: {
      const std::string id = n->getName();
      if (scope.locals != nullptr) {
        if (auto l = scope.locals->find(id); l != scope.locals->end()) {
          ma->c *= l->second.value;
          ma->params.push_back(l->second.name);
          return true;
        }
      }
      if (auto p = parameters_.find(id); p != parameters_.end()) {
        if (!p->second.foldable) return false;
        ma->c *= p->second.value;
        ma->params.push_back(p->second.name);
        return true;
      }
      if (auto c = compartments_.find(id); c != compartments_.end()) {
        ma->c *= c->second.size;
        ma->other_factors = true;
        return true;
      }
      if (auto s = species_.find(id); s != species_.end()) {
        ++ma->species[id];
        if (s->second.concentration) {
          ma->c /= compartments_.at(s->second.compartment).size;
          ma->other_factors = true;
        }
        return true;
      }
      return false;
    }
    default:
      return false;
  }
}

bool Importer::TryMassAction(const ASTNode* law, const Scope& scope,
                             const std::vector<SideTerm>& reactants,
                             const std::vector<SideTerm>& products,
                             grnsim::v1::Reaction* rx) const {
  MassAction ma;
  if (!CollectProduct(law, scope, &ma)) return false;
  if (!std::isfinite(ma.c) || ma.c < 0) return false;
  for (const auto& [id, power] : ma.species) {
    if (power != 1) return false;
  }
  // The reactants the propensity multiplies: all of them, except constant
  // ones the law does not read (a boundary source is not consumed, and an
  // SBML law that ignores it means the rate does not depend on it).
  std::vector<SideTerm> used;
  for (const SideTerm& t : reactants) {
    const bool read = ma.species.count(t.species) > 0;
    if (!read && species_.at(t.species).constant) continue;
    if (!read || t.stoichiometry != 1) return false;
    used.push_back(t);
  }
  if (used.size() != ma.species.size()) return false;  // the law reads a non-reactant
  AddTerms(used, true, rx);
  AddTerms(products, false, rx);
  if (ma.params.size() == 1 && !ma.other_factors) {
    rx->set_k_param(ma.params[0]);
  } else {
    rx->set_k(ma.c);
  }
  return true;
}

Status Importer::ReadReactions() {
  for (unsigned i = 0; i < model_.getNumReactions(); ++i) {
    GRN_RETURN_IF_ERROR(ReadReaction(*model_.getReaction(i)));
  }
  return Status::OK();
}

Status Importer::ReadReaction(const Reaction& r) {
  const std::string who = "reaction '" + r.getId() + "'";
  if (r.isSetFast() && r.getFast()) {
    return Unsupported(who, "fast reactions (fast=\"true\", quasi-equilibrium) are not supported");
  }
  const KineticLaw* kl = r.getKineticLaw();
  if (kl == nullptr || !kl->isSetMath()) return Unsupported(who, "no kinetic law");

  // Local parameters shadow globals of the same id inside this law only.
  std::map<std::string, ParameterInfo> locals;
  const unsigned num_locals = r.getLevel() >= 3 ? kl->getNumLocalParameters() : kl->getNumParameters();
  for (unsigned j = 0; j < num_locals; ++j) {
    const Parameter* p = r.getLevel() >= 3 ? kl->getLocalParameter(j) : kl->getParameter(j);
    if (!p->isSetValue()) return Invalid(who, "local parameter '" + p->getId() + "' has no value");
    ParameterInfo info;
    info.name = UniqueName(r.getId() + "_" + p->getId());
    info.value = p->getValue();
    info.foldable = true;
    grnsim::v1::Parameter out;
    out.set_name(info.name);
    out.set_value(info.value);
    if (p->isSetUnits()) out.set_unit(p->getUnits());
    out.set_description("local parameter '" + p->getId() + "' of reaction '" + r.getId() + "'" +
                        (p->isSetName() && p->getName() != p->getId() ? ": " + p->getName() : ""));
    local_parameters_.push_back(std::move(out));
    locals[p->getId()] = info;
  }
  Scope scope(who + ": kinetic law", &locals);

  GRN_ASSIGN_OR_RETURN(std::vector<SideTerm> reactants, ReadSide(r, true, who));
  GRN_ASSIGN_OR_RETURN(std::vector<SideTerm> products, ReadSide(r, false, who));
  const std::string description = r.isSetName() && r.getName() != r.getId() ? r.getName() : "";
  const ASTNode* law = kl->getMath();

  if (r.getReversible()) {
    // Only forward − backward mass action has one meaning as two channels.
    grnsim::v1::Reaction forward, reverse;
    const bool splits = law->getType() == AST_MINUS && law->getNumChildren() == 2 &&
                        TryMassAction(law->getChild(0), scope, reactants, products, &forward) &&
                        TryMassAction(law->getChild(1), scope, products, reactants, &reverse);
    if (!splits) {
      return Unsupported(who, "reversible reaction whose kinetic law (" + Formula(law) +
                                  ") is not forward minus backward mass action; write it as "
                                  "two irreversible reactions");
    }
    forward.set_name(UniqueName(r.getId() + "_forward"));
    reverse.set_name(UniqueName(r.getId() + "_reverse"));
    forward.set_description(description.empty() ? "forward half of reversible '" + r.getId() + "'"
                                                : description + " (forward)");
    reverse.set_description(description.empty() ? "reverse half of reversible '" + r.getId() + "'"
                                                : description + " (reverse)");
    *net_.add_reaction() = std::move(forward);
    *net_.add_reaction() = std::move(reverse);
    return Status::OK();
  }

  grnsim::v1::Reaction rx;
  rx.set_name(r.getId());
  rx.set_description(description);
  if (!TryMassAction(law, scope, reactants, products, &rx)) {
    GRN_ASSIGN_OR_RETURN(std::string text, PrintText(law, scope));
    AddTerms(reactants, true, &rx);
    AddTerms(products, false, &rx);
    rx.set_propensity(text);
  }
  *net_.add_reaction() = std::move(rx);
  return Status::OK();
}

Status Importer::ReadEvents() {
  const unsigned num_events = model_.getNumEvents();
  for (unsigned i = 0; i < num_events; ++i) {
    const Event* e = model_.getEvent(i);
    const std::string id = e->isSetId() ? e->getId() : "";
    const std::string name = id.empty() ? UniqueName("event_" + std::to_string(i + 1)) : OurName(id);
    const std::string who = "event '" + (id.empty() ? name : id) + "'";
    if (e->isSetDelay()) return Unsupported(who, "event delays are not supported");
    // With a single event, priority and persistence cannot change anything.
    if (e->isSetPriority() && num_events > 1) {
      return Unsupported(who, "event priorities are not supported");
    }
    const Trigger* trigger = e->getTrigger();
    if (trigger == nullptr || !trigger->isSetMath()) return Invalid(who, "no trigger");
    if (e->getLevel() >= 3 && !trigger->getPersistent() && num_events > 1) {
      return Unsupported(who, "non-persistent triggers (persistent=\"false\") among several "
                              "events are not supported");
    }
    // Level 2 triggers cannot fire at the start: the same as initialValue=true.
    const bool initial_value = e->getLevel() >= 3 ? trigger->getInitialValue() : true;

    grnsim::v1::Event out;
    out.set_name(name);
    if (e->isSetName() && e->getName() != id) out.set_description(e->getName());
    const ASTNode* t = trigger->getMath();
    // time >= T (or T <= time, or strict) with a constant T > 0 is reached
    // exactly once, at T, whatever initialValue says.
    std::optional<double> at;
    if (t->getNumChildren() == 2) {
      const ASTNode* a = t->getChild(0);
      const ASTNode* b = t->getChild(1);
      const ASTNodeType_t type = t->getType();
      if ((type == AST_RELATIONAL_GEQ || type == AST_RELATIONAL_GT) && a->getType() == AST_NAME_TIME) {
        at = ConstantValue(b);
      } else if ((type == AST_RELATIONAL_LEQ || type == AST_RELATIONAL_LT) &&
                 b->getType() == AST_NAME_TIME) {
        at = ConstantValue(a);
      }
    }
    if (at.has_value() && std::isfinite(*at) && *at > 0) {
      out.set_at_time(*at);
    } else {
      GRN_ASSIGN_OR_RETURN(std::string when, PrintText(t, Scope(who + ": trigger")));
      out.set_when(when);
      out.set_true_before_start(initial_value);
    }
    for (unsigned j = 0; j < e->getNumEventAssignments(); ++j) {
      const EventAssignment* ea = e->getEventAssignment(j);
      Scope scope(who + ": assignment to '" + ea->getVariable() + "'");
      std::string target;
      GRN_ASSIGN_OR_RETURN(std::string unused, Target(ea->getVariable(), scope.who, &target));
      (void)unused;
      GRN_ASSIGN_OR_RETURN(std::string value, ValueFor(ea->getVariable(), ea->getMath(), scope));
      grnsim::v1::EventAssignment* assign = out.add_assign();
      assign->set_target(target);
      assign->set_value(value);
    }
    *net_.add_event() = std::move(out);
  }
  return Status::OK();
}

StatusOr<std::vector<Expr>> Importer::PrintChildren(const ASTNode* n, const Scope& scope) {
  std::vector<Expr> out;
  for (unsigned k = 0; k < n->getNumChildren(); ++k) {
    GRN_ASSIGN_OR_RETURN(Expr e, Print(n->getChild(k), scope));
    out.push_back(std::move(e));
  }
  return out;
}

StatusOr<Expr> Importer::PrintName(const ASTNode* n, const Scope& scope) {
  const std::string id = n->getName() != nullptr ? n->getName() : "";
  if (scope.args != nullptr) {
    // A function body sees only its arguments.
    if (auto a = scope.args->find(id); a != scope.args->end()) return a->second;
    return Invalid(scope.who, "function '" + scope.function + "' reads '" + id +
                                  "', which is not one of its arguments");
  }
  if (scope.locals != nullptr) {
    if (auto l = scope.locals->find(id); l != scope.locals->end()) return Expr{l->second.name};
  }
  if (auto s = species_.find(id); s != species_.end()) {
    if (!s->second.concentration) return Expr{s->second.name};
    // hasOnlySubstanceUnits=false: the symbol means count / size.
    compartments_[s->second.compartment].used = true;
    return Expr{"(" + s->second.name + " / " + s->second.compartment + ")"};
  }
  if (auto p = parameters_.find(id); p != parameters_.end()) return Expr{p->second.name};
  if (auto c = compartments_.find(id); c != compartments_.end()) {
    c->second.used = true;
    return Expr{id};
  }
  if (model_.getReaction(id) != nullptr) {
    return Unsupported(scope.who, "reads the rate of reaction '" + id + "'");
  }
  if (model_.getElementBySId(id) != nullptr) {
    return Unsupported(scope.who, "reads '" + id + "', which is not a species, parameter or "
                                  "compartment (species-reference stoichiometries are not supported)");
  }
  return Invalid(scope.who, "unknown name '" + id + "'");
}

StatusOr<Expr> Importer::PrintCall(const ASTNode* n, const Scope& scope) {
  const std::string id = n->getName() != nullptr ? n->getName() : "";
  const FunctionDefinition* fd = model_.getFunctionDefinition(id);
  if (fd == nullptr || fd->getBody() == nullptr) {
    return Invalid(scope.who, "call of unknown function '" + id + "'");
  }
  if (n->getNumChildren() != fd->getNumArguments()) {
    return Invalid(scope.who, "function '" + id + "' takes " +
                                  std::to_string(fd->getNumArguments()) + " arguments, given " +
                                  std::to_string(n->getNumChildren()));
  }
  if (scope.depth > 64) return Invalid(scope.who, "function '" + id + "' calls itself");
  // Inline: the body with each argument replaced by the caller's expression.
  std::map<std::string, Expr> args;
  for (unsigned k = 0; k < n->getNumChildren(); ++k) {
    GRN_ASSIGN_OR_RETURN(Expr a, Print(n->getChild(k), scope));
    args[fd->getArgument(k)->getName()] = std::move(a);
  }
  Scope body(scope.who);
  body.args = &args;
  body.function = id;
  body.depth = scope.depth + 1;
  return Print(fd->getBody(), body);
}

StatusOr<Expr> Importer::Print(const ASTNode* n, const Scope& scope) {
  if (n == nullptr) return Invalid(scope.who, "missing math");
  const unsigned nc = n->getNumChildren();
  auto refuse = [&](const std::string& what) {
    return Unsupported(scope.who, what + " is not supported (in " + Formula(n) + ")");
  };
  auto call = [&](const std::string& fn, const std::vector<Expr>& a) {
    std::string text = fn + "(";
    for (std::size_t k = 0; k < a.size(); ++k) text += (k ? ", " : "") + a[k].text;
    return Expr{text + ")"};
  };
  auto need = [&](unsigned count) -> Status {
    if (nc == count) return Status::OK();
    return Invalid(scope.who, std::string(n->getOperatorName() ? n->getOperatorName() : "operator") +
                                  " with " + std::to_string(nc) + " arguments in " + Formula(n));
  };
  switch (n->getType()) {
    case AST_INTEGER:
    case AST_REAL:
    case AST_REAL_E:
    case AST_RATIONAL: {
      const double v = n->getValue();
      if (!std::isfinite(v)) return refuse("the non-finite number " + FormatNumber(v));
      return Number(v);
    }
    case AST_CONSTANT_E: return Expr{"exp(1)"};
    case AST_CONSTANT_PI: return Number(std::numbers::pi);
    case AST_CONSTANT_TRUE: return Expr{"1"};
    case AST_CONSTANT_FALSE: return Expr{"0"};
    case AST_NAME_AVOGADRO: return Number(n->getValue());
    case AST_NAME_TIME: return Expr{"time"};
    case AST_NAME: return PrintName(n, scope);
    case AST_FUNCTION: return PrintCall(n, scope);

    case AST_PLUS: {
      if (nc == 0) return Expr{"0"};
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      if (nc == 1) return a[0];
      std::string text = Wrap(a[0], kAdd);
      for (unsigned k = 1; k < nc; ++k) text += " + " + Wrap(a[k], kMul);
      return Expr{text, kAdd};
    }
    case AST_MINUS: {
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      if (nc == 1) return Expr{"-" + Wrap(a[0], kAtom), kUnary};
      GRN_RETURN_IF_ERROR(need(2));
      return Expr{Wrap(a[0], kAdd) + " - " + Wrap(a[1], kMul), kAdd};
    }
    case AST_TIMES: {
      if (nc == 0) return Expr{"1"};
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      if (nc == 1) return a[0];
      std::string text = Wrap(a[0], kMul);
      for (unsigned k = 1; k < nc; ++k) text += " * " + Wrap(a[k], kPow);
      return Expr{text, kMul};
    }
    case AST_DIVIDE: {
      GRN_RETURN_IF_ERROR(need(2));
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      return Expr{Wrap(a[0], kMul) + " / " + Wrap(a[1], kPow), kMul};
    }
    case AST_POWER:
    case AST_FUNCTION_POWER: {
      GRN_RETURN_IF_ERROR(need(2));
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      return Expr{Wrap(a[0], kAtom) + "^" + Wrap(a[1], kAtom), kPow};
    }
    case AST_FUNCTION_ROOT: {
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      if (nc == 1) return call("sqrt", a);
      GRN_RETURN_IF_ERROR(need(2));  // (degree, x)
      if (ConstantValue(n->getChild(0)) == 2.0) return call("sqrt", {a[1]});
      return Expr{Wrap(a[1], kAtom) + "^(1 / " + Wrap(a[0], kPow) + ")", kPow};
    }
    case AST_FUNCTION_LOG: {
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      if (nc == 1) return call("log10", a);  // MathML's default base is 10
      GRN_RETURN_IF_ERROR(need(2));          // (base, x)
      if (ConstantValue(n->getChild(0)) == 10.0) return call("log10", {a[1]});
      return Expr{call("log", {a[1]}).text + " / " + call("log", {a[0]}).text, kMul};
    }
    case AST_FUNCTION_LN: { GRN_RETURN_IF_ERROR(need(1)); GRN_ASSIGN_OR_RETURN(auto a, PrintChildren(n, scope)); return call("log", a); }
    case AST_FUNCTION_EXP: { GRN_RETURN_IF_ERROR(need(1)); GRN_ASSIGN_OR_RETURN(auto a, PrintChildren(n, scope)); return call("exp", a); }
    case AST_FUNCTION_ABS: { GRN_RETURN_IF_ERROR(need(1)); GRN_ASSIGN_OR_RETURN(auto a, PrintChildren(n, scope)); return call("abs", a); }
    case AST_FUNCTION_FLOOR: { GRN_RETURN_IF_ERROR(need(1)); GRN_ASSIGN_OR_RETURN(auto a, PrintChildren(n, scope)); return call("floor", a); }
    case AST_FUNCTION_CEILING: { GRN_RETURN_IF_ERROR(need(1)); GRN_ASSIGN_OR_RETURN(auto a, PrintChildren(n, scope)); return call("ceil", a); }
    case AST_FUNCTION_MIN:
    case AST_FUNCTION_MAX: {
      if (nc == 0) return Invalid(scope.who, "min/max without arguments");
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      if (nc == 1) return a[0];
      return call(n->getType() == AST_FUNCTION_MIN ? "min" : "max", a);
    }
    case AST_FUNCTION_PIECEWISE: {
      if (nc % 2 == 0) {
        return refuse("piecewise without an <otherwise> (its value is undefined when no "
                      "condition holds)");
      }
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      if (nc == 1) return a[0];
      return call("piecewise", a);
    }

    case AST_RELATIONAL_EQ:
    case AST_RELATIONAL_NEQ:
    case AST_RELATIONAL_GEQ:
    case AST_RELATIONAL_GT:
    case AST_RELATIONAL_LEQ:
    case AST_RELATIONAL_LT: {
      if (nc < 2) return Invalid(scope.who, "comparison with fewer than two arguments in " + Formula(n));
      const char* op = n->getType() == AST_RELATIONAL_EQ    ? " == "
                       : n->getType() == AST_RELATIONAL_NEQ ? " != "
                       : n->getType() == AST_RELATIONAL_GEQ ? " >= "
                       : n->getType() == AST_RELATIONAL_GT  ? " > "
                       : n->getType() == AST_RELATIONAL_LEQ ? " <= "
                                                            : " < ";
      if (n->getType() == AST_RELATIONAL_NEQ && nc != 2) return refuse("neq with more than two arguments");
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      // MathML a < b < c means a < b && b < c.
      std::string text;
      for (unsigned k = 0; k + 1 < nc; ++k) {
        text += (k ? " && " : "") + Wrap(a[k], kAdd) + op + Wrap(a[k + 1], kAdd);
      }
      return Expr{text, nc == 2 ? kCmp : kAnd};
    }
    case AST_LOGICAL_AND:
    case AST_LOGICAL_OR: {
      const bool is_and = n->getType() == AST_LOGICAL_AND;
      if (nc == 0) return Expr{is_and ? "1" : "0"};
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      if (nc == 1) return Expr{"(" + a[0].text + ") != 0", kCmp};
      const int p = is_and ? kAnd : kOr;
      std::string text = Wrap(a[0], p);
      for (unsigned k = 1; k < nc; ++k) text += (is_and ? " && " : " || ") + Wrap(a[k], p + 1);
      return Expr{text, p};
    }
    case AST_LOGICAL_NOT: {
      GRN_RETURN_IF_ERROR(need(1));
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      return Expr{"!" + Wrap(a[0], kAtom), kUnary};
    }
    case AST_LOGICAL_XOR: {
      // Booleans are 0/1 in our syntax, so xor is "differs", applied pairwise.
      if (nc < 2) return refuse("xor with fewer than two arguments");
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      std::string text = Wrap(a[0], kAtom);
      for (unsigned k = 1; k < nc; ++k) text = "(" + text + " != " + Wrap(a[k], kAtom) + ")";
      return Expr{text};
    }
    case AST_LOGICAL_IMPLIES: {
      GRN_RETURN_IF_ERROR(need(2));
      GRN_ASSIGN_OR_RETURN(std::vector<Expr> a, PrintChildren(n, scope));
      return Expr{"!" + Wrap(a[0], kAtom) + " || " + Wrap(a[1], kAnd), kOr};
    }

    case AST_FUNCTION_DELAY: return refuse("the delay() function");
    case AST_FUNCTION_RATE_OF: return refuse("the rateOf() function");
    case AST_LAMBDA: return refuse("a lambda outside a function definition");
    default:
      break;
  }
  const char* name = n->getName() != nullptr ? n->getName() : n->getOperatorName();
  if (n->getType() >= AST_DISTRIB_FUNCTION_NORMAL && n->getType() <= AST_DISTRIB_FUNCTION_RAYLEIGH) {
    return refuse(std::string("the distrib package function '") + (name ? name : "?") + "'");
  }
  return refuse(std::string("the MathML function '") + (name ? name : "?") + "'");
}

StatusOr<Network> Importer::Run() {
  const std::string model_id = model_.isSetId() ? model_.getId() : "";
  if (model_.isSetConversionFactor()) {
    return Unsupported("model", "conversionFactor (reactions change species by a scaled amount)");
  }
  // Every SBML id is reserved first, so names we make up never collide.
  for (unsigned i = 0; i < model_.getNumCompartments(); ++i) taken_.insert(model_.getCompartment(i)->getId());
  for (unsigned i = 0; i < model_.getNumSpecies(); ++i) taken_.insert(model_.getSpecies(i)->getId());
  for (unsigned i = 0; i < model_.getNumParameters(); ++i) taken_.insert(model_.getParameter(i)->getId());
  for (unsigned i = 0; i < model_.getNumReactions(); ++i) taken_.insert(model_.getReaction(i)->getId());
  for (unsigned i = 0; i < model_.getNumEvents(); ++i) taken_.insert(model_.getEvent(i)->getId());
  for (unsigned i = 0; i < model_.getNumFunctionDefinitions(); ++i) {
    taken_.insert(model_.getFunctionDefinition(i)->getId());
  }
  CollectTargets();

  std::string name = model_id;
  if (name.empty()) {
    // The file's stem, made an identifier.
    std::string stem = path_.substr(path_.find_last_of('/') + 1);
    stem = stem.substr(0, stem.find('.'));
    for (char& c : stem) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    if (stem.empty() || std::isdigit(static_cast<unsigned char>(stem[0]))) stem = "model_" + stem;
    name = stem;
  }
  net_.set_name(name);
  std::string description = model_.isSetName() ? model_.getName() : "";
  description += std::string(description.empty() ? "" : " ") + "(imported from SBML level " +
                 std::to_string(doc_.getLevel()) + " version " + std::to_string(doc_.getVersion()) + ")";
  net_.set_description(description);

  GRN_RETURN_IF_ERROR(ReadTimeUnit());
  GRN_RETURN_IF_ERROR(ReadCompartments());
  GRN_RETURN_IF_ERROR(ReadSpecies());
  GRN_RETURN_IF_ERROR(ReadParameters());
  GRN_RETURN_IF_ERROR(ReadReactions());
  GRN_RETURN_IF_ERROR(ReadRules());
  GRN_RETURN_IF_ERROR(ReadInitialAssignments());
  GRN_RETURN_IF_ERROR(ReadEvents());

  for (grnsim::v1::Parameter& p : local_parameters_) *net_.add_parameter() = std::move(p);
  // Compartments the math reads become constant parameters holding their size.
  for (unsigned i = 0; i < model_.getNumCompartments(); ++i) {
    const Compartment* c = model_.getCompartment(i);
    const CompartmentInfo& info = compartments_.at(c->getId());
    if (!info.used) continue;
    grnsim::v1::Parameter* p = net_.add_parameter();
    p->set_name(c->getId());
    p->set_value(info.size);
    p->set_description("size of compartment '" + c->getId() + "'" +
                       (c->isSetSize() ? "" : " (no size in the SBML file: 1)"));
  }
  return std::move(net_);
}

// The first few errors libsbml found while reading, one per line.
std::string ReadErrors(const std::string& path, const SBMLDocument& doc) {
  std::string message;
  int shown = 0;
  const unsigned total = doc.getNumErrors();
  for (unsigned i = 0; i < total; ++i) {
    const SBMLError* e = doc.getError(i);
    if (e->getSeverity() < LIBSBML_SEV_ERROR) continue;
    if (++shown > 10) {
      message += "\n" + path + ": ... (more errors not shown)";
      break;
    }
    if (!message.empty()) message += '\n';
    message += path + ":" + std::to_string(e->getLine()) + ":" + std::to_string(e->getColumn()) +
               ": " + OneLine(e->getMessage()) + " (libsbml error " + std::to_string(e->getErrorId()) + ")";
  }
  return message;
}

// Packages that only draw or group (they never change what a model does).
bool IsPresentationPackage(const std::string& name) {
  return name == "layout" || name == "render" || name == "groups" || name == "l3v2extendedmath";
}

}  // namespace

bool IsSbmlPath(const std::string& path) { return EndsWith(path, ".xml") || EndsWith(path, ".sbml"); }

StatusOr<Network> ImportSbml(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError(path + ": no such file");
    return IOError(path + ": cannot read: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return InvalidArgumentError(path + ": is a directory, not an SBML file");
  std::unique_ptr<SBMLDocument> doc(readSBMLFromFile(path.c_str()));
  if (doc == nullptr) return IOError(path + ": cannot read");

  // Packages first: libsbml reports an unknown package as an error too, and
  // "package 'distrib' is not supported" says more than its message.
  if (doc->getNumUnknownPackages() > 0) {
    return NotSupportedError(path + ": SBML package '" + doc->getUnknownPackagePrefix(0) +
                             "' is not supported (grnsim reads SBML core only)");
  }
  for (unsigned i = 0; i < doc->getNumPlugins(); ++i) {
    const std::string pkg = doc->getPlugin(i)->getPackageName();
    if (!IsPresentationPackage(pkg)) {
      return NotSupportedError(path + ": SBML package '" + pkg +
                               "' is not supported (grnsim reads SBML core only)");
    }
  }
  if (doc->getNumErrors(LIBSBML_SEV_ERROR) + doc->getNumErrors(LIBSBML_SEV_FATAL) > 0) {
    return InvalidArgumentError(ReadErrors(path, *doc));
  }
  if (doc->getLevel() < 2) {
    return NotSupportedError(path + ": SBML level " + std::to_string(doc->getLevel()) +
                             " is not supported (levels 2 and 3 are)");
  }
  if (doc->getModel() == nullptr) return InvalidArgumentError(path + ": the SBML file has no model");
  return Importer(path, *doc).Run();
}

}  // namespace grn
