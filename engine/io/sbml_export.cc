// engine/io/sbml_export.cc
//
// Network → SBML L3V2 (see sbml_export.h for the mapping). Math is built as
// text and handed to libsbml's L3 formula parser, with the document's model
// attached so that every id (even one spelled like a built-in, such as `pi`)
// reads as the element it names. Expressions are first compiled by our own
// compiler, and the formula is printed from the compiled postfix program with
// a parenthesis around every operation: the SBML tree then has exactly the
// evaluation order grnsim uses, so an import evaluates to the same doubles.
#include "engine/io/sbml_export.h"

#include <sbml/SBMLTypes.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/base/status_macros.h"
#include "engine/io/atomic_file.h"
#include "engine/io/text_edit.h"
#include "engine/kinetics/expression.h"
#include "engine/model/validate.h"

LIBSBML_CPP_NAMESPACE_USE

namespace grn {
namespace {

namespace v1 = grnsim::v1;

// Shortest text that reads back as the same double; negative numbers are
// parenthesised so they can stand anywhere in a formula.
std::string Num(double v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string text(buf, r.ptr);
  return v < 0 ? "(" + text + ")" : text;
}

// Free text (descriptions) as XML 1.0 allows it: control characters other
// than tab and newlines, and the non-characters U+FFFE and U+FFFF, cannot
// appear in an XML document at all, escaped or not; each becomes a space.
std::string XmlText(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += ' ';
    } else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
               (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE) {
      out += ' ';
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string XmlEscape(const std::string& text) {
  const std::string s = XmlText(text);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// One value of a formula being rebuilt from postfix code. MathML types its
// operands: arithmetic takes numbers, logic and piecewise conditions take
// booleans, so each value remembers which it is.
struct Piece {
  std::string text;
  bool boolean = false;
};

std::string AsNumber(const Piece& p) {
  return p.boolean ? "piecewise(1, " + p.text + ", 0)" : p.text;
}
std::string AsTruth(const Piece& p) { return p.boolean ? p.text : "(" + p.text + " != 0)"; }

// The formula of `text` (an expression of proto/network.proto) in the
// evaluation order of its compiled program, and the names it reads.
StatusOr<Piece> ExpressionFormula(const std::string& text, const std::string& who,
                                  std::set<std::string>* reads) {
  // Every name is bound as a run-time parameter so that nothing is inlined
  // or folded away: names stay names.
  std::vector<std::string> names;
  std::map<std::string, std::uint32_t> index;
  auto resolve = [&](const std::string& name) {
    NameBinding b;
    auto [it, fresh] = index.emplace(name, static_cast<std::uint32_t>(names.size()));
    if (fresh) names.push_back(name);
    b.kind = NameBinding::kParameter;
    b.index = it->second;
    return b;
  };
  StatusOr<ExpressionProgram> program = CompileExpression(text, resolve);
  if (!program.ok()) return InvalidArgumentError(who + ": " + program.status().message());
  reads->insert(names.begin(), names.end());

  std::vector<Piece> stack;
  auto pop = [&stack] {
    Piece p = std::move(stack.back());
    stack.pop_back();
    return p;
  };
  auto binary = [&](const char* op) {
    const Piece b = pop(), a = pop();
    stack.push_back({"(" + AsNumber(a) + op + AsNumber(b) + ")"});
  };
  auto compare = [&](const char* op) {
    const Piece b = pop(), a = pop();
    stack.push_back({"(" + AsNumber(a) + op + AsNumber(b) + ")", true});
  };
  auto logic = [&](const char* op) {
    const Piece b = pop(), a = pop();
    stack.push_back({"(" + AsTruth(a) + op + AsTruth(b) + ")", true});
  };
  auto call = [&](const char* fn) { stack.push_back({std::string(fn) + "(" + AsNumber(pop()) + ")"}); };
  auto with_operand = [&](const char* op, const std::string& operand) {
    stack.push_back({"(" + AsNumber(pop()) + op + operand + ")"});
  };
  for (const Instr& in : program->code) {
    if ((in.op == OpCode::kConst || in.op == OpCode::kAddConst || in.op == OpCode::kSubConst ||
         in.op == OpCode::kMulConst || in.op == OpCode::kDivConst) &&
        !std::isfinite(in.value)) {
      return NotSupportedError(who + ": expression '" + text + "' has the non-finite value " +
                               Num(in.value) + " (SBML import refuses it)");
    }
    switch (in.op) {
      case OpCode::kConst: stack.push_back({Num(in.value)}); break;
      case OpCode::kSpecies:
      case OpCode::kParam: stack.push_back({names[in.index]}); break;
      case OpCode::kTime: stack.push_back({"time"}); break;
      case OpCode::kAdd: binary(" + "); break;
      case OpCode::kSub: binary(" - "); break;
      case OpCode::kMul: binary(" * "); break;
      case OpCode::kDiv: binary(" / "); break;
      case OpCode::kPow: binary(" ^ "); break;
      case OpCode::kNeg: stack.push_back({"(-" + AsNumber(pop()) + ")"}); break;
      case OpCode::kExp: call("exp"); break;
      case OpCode::kLog: call("ln"); break;  // "log" would read as log10 in L3 syntax
      case OpCode::kLog10: call("log10"); break;
      case OpCode::kSqrt: call("sqrt"); break;
      case OpCode::kAbs: call("abs"); break;
      case OpCode::kFloor: call("floor"); break;
      case OpCode::kCeil: call("ceil"); break;
      case OpCode::kMin:
      case OpCode::kMax: {
        const Piece b = pop(), a = pop();
        stack.push_back({std::string(in.op == OpCode::kMin ? "min(" : "max(") + AsNumber(a) +
                         ", " + AsNumber(b) + ")"});
        break;
      }
      case OpCode::kLt: compare(" < "); break;
      case OpCode::kLe: compare(" <= "); break;
      case OpCode::kGt: compare(" > "); break;
      case OpCode::kGe: compare(" >= "); break;
      case OpCode::kEq: compare(" == "); break;
      case OpCode::kNe: compare(" != "); break;
      case OpCode::kAnd: logic(" && "); break;
      case OpCode::kOr: logic(" || "); break;
      case OpCode::kNot: {
        const Piece a = pop();
        stack.push_back({a.boolean ? "(!" + a.text + ")" : "(" + a.text + " == 0)", true});
        break;
      }
      case OpCode::kSelect: {
        const Piece otherwise = pop(), condition = pop(), value = pop();
        stack.push_back({"piecewise(" + AsNumber(value) + ", " + AsTruth(condition) + ", " +
                         AsNumber(otherwise) + ")"});
        break;
      }
      case OpCode::kAddConst: with_operand(" + ", Num(in.value)); break;
      case OpCode::kSubConst: with_operand(" - ", Num(in.value)); break;
      case OpCode::kMulConst: with_operand(" * ", Num(in.value)); break;
      case OpCode::kDivConst: with_operand(" / ", Num(in.value)); break;
      case OpCode::kAddSpecies: with_operand(" + ", names[in.index]); break;
      case OpCode::kSubSpecies: with_operand(" - ", names[in.index]); break;
      case OpCode::kMulSpecies:
      case OpCode::kMulParam: with_operand(" * ", names[in.index]); break;
      case OpCode::kDivSpecies: with_operand(" / ", names[in.index]); break;
      case OpCode::kPowInt: with_operand(" ^ ", Num(in.value)); break;
    }
  }
  if (stack.size() != 1) return InternalError(who + ": cannot rebuild expression '" + text + "'");
  return stack.back();
}

class Exporter {
 public:
  explicit Exporter(const v1::Network& net) : net_(net), doc_(3, 2) {}
  StatusOr<std::string> Run();

 private:
  Status Refuse(const std::string& who, const std::string& what) const {
    return NotSupportedError("SBML export: " + who + ": " + what);
  }
  std::string FreshId(const std::string& base) {
    std::string id = base;
    for (int k = 2; taken_.count(id); ++k) id = base + "_" + std::to_string(k);
    taken_.insert(id);
    return id;
  }
  // Parses `formula` against the model; libsbml owns nothing of the result.
  StatusOr<std::unique_ptr<ASTNode>> Parse(const std::string& formula, const std::string& who);
  // The math of an expression field; `truth` for triggers.
  StatusOr<std::unique_ptr<ASTNode>> ExpressionMath(const std::string& text, bool truth,
                                                    const std::string& who,
                                                    std::set<std::string>* reads);
  StatusOr<std::string> MassActionFormula(const v1::Reaction& r, std::set<std::string>* reads);
  Status AddTimeUnit();
  Status AddReaction(const v1::Reaction& r);
  Status AddEvent(const v1::Event& e);

  const v1::Network& net_;
  SBMLDocument doc_;
  Model* model_ = nullptr;
  std::string compartment_;
  std::set<std::string> taken_;
  std::map<std::string, int> species_index_;
  std::set<std::string> event_targets_, rule_targets_;
};

StatusOr<std::unique_ptr<ASTNode>> Exporter::Parse(const std::string& formula,
                                                   const std::string& who) {
  L3ParserSettings settings;
  settings.setModel(model_);
  settings.setParseLog(L3P_PARSE_LOG_AS_LN);
  std::unique_ptr<ASTNode> math(SBML_parseL3FormulaWithSettings(formula.c_str(), &settings));
  if (math == nullptr) {
    char* error = SBML_getLastParseL3Error();
    const std::string message = error != nullptr ? error : "unknown error";
    std::free(error);
    return InternalError("SBML export: " + who + ": libsbml cannot parse '" + formula +
                         "': " + message);
  }
  return math;
}

StatusOr<std::unique_ptr<ASTNode>> Exporter::ExpressionMath(const std::string& text, bool truth,
                                                            const std::string& who,
                                                            std::set<std::string>* reads) {
  GRN_ASSIGN_OR_RETURN(Piece piece, ExpressionFormula(text, who, reads));
  return Parse(truth ? AsTruth(piece) : AsNumber(piece), who);
}

// c / m1! / m2! … · Π (X)(X - 1)…(X - m + 1), species in model order, as the
// engine folds it (engine/model/compiled_model.cc), then the modifiers.
StatusOr<std::string> Exporter::MassActionFormula(const v1::Reaction& r,
                                                  std::set<std::string>* reads) {
  const std::string who = "reaction '" + r.name() + "'";
  std::map<int, std::pair<std::string, std::uint32_t>> order;  // species index → (name, m)
  for (const auto& t : r.reactant()) {
    auto& entry = order[species_index_.at(t.species())];
    entry.first = t.species();
    entry.second += t.has_stoichiometry() ? t.stoichiometry() : 1;
  }
  std::string formula = r.has_k_param() ? r.k_param() : Num(r.k());
  if (r.has_k_param()) reads->insert(r.k_param());
  for (const auto& [index, term] : order) {
    if (term.second > 170) {
      return Refuse(who, "stoichiometry " + std::to_string(term.second) + " of '" + term.first +
                             "' (over 170, its m! is not a finite number)");
    }
    double factorial = 1;
    for (std::uint32_t j = 2; j <= term.second; ++j) factorial *= j;
    if (term.second > 1) formula += " / " + Num(factorial);
  }
  for (const auto& [index, term] : order) {
    formula += " * " + term.first;
    for (std::uint32_t j = 1; j < term.second; ++j) {
      formula += " * (" + term.first + " - " + std::to_string(j) + ")";
    }
  }
  auto value = [reads](bool is_param, double number, const std::string& param) {
    if (!is_param) return Num(number);
    reads->insert(param);
    return param;
  };
  for (const auto& mod : r.modifier()) {
    if (mod.has_michaelis_menten()) {
      const auto& mm = mod.michaelis_menten();
      const std::string k = value(mm.has_k_param(), mm.k(), mm.k_param());
      reads->insert(mm.species());
      formula += " * (" + mm.species() + " / (" + k + " + " + mm.species() + "))";
      continue;
    }
    const bool activation = mod.has_hill_activation();
    const v1::Hill& h = activation ? mod.hill_activation() : mod.hill_repression();
    const std::string k = value(h.has_k_param(), h.k(), h.k_param());
    const std::string n = h.has_n_param() ? value(true, 0, h.n_param())
                          : h.has_n()     ? Num(h.n())
                                          : "1";
    reads->insert(h.species());
    const std::string kn = n == "1" ? k : k + "^" + n;
    const std::string xn = n == "1" ? h.species() : h.species() + "^" + n;
    formula += " * (" + (activation ? xn : kn) + " / (" + kn + " + " + xn + "))";
  }
  return formula;
}

Status Exporter::AddTimeUnit() {
  model_->setSubstanceUnits("item");
  model_->setExtentUnits("item");
  double seconds = 1;
  std::string name;
  switch (net_.time_unit()) {
    case v1::Network::s: model_->setTimeUnits("second"); return Status::OK();
    case v1::Network::min: seconds = 60; name = "minute"; break;
    case v1::Network::h: seconds = 3600; name = "hour"; break;
    case v1::Network::d: seconds = 86400; name = "day"; break;
    default: return Refuse("network", "no time_unit");
  }
  UnitDefinition* def = model_->createUnitDefinition();
  def->setId(name);  // unit ids have their own namespace
  Unit* unit = def->createUnit();
  unit->setKind(UNIT_KIND_SECOND);
  unit->setExponent(1.0);
  unit->setScale(0);
  unit->setMultiplier(seconds);
  model_->setTimeUnits(name);
  return Status::OK();
}

Status Exporter::AddReaction(const v1::Reaction& r) {
  const std::string who = "reaction '" + r.name() + "'";
  Reaction* out = model_->createReaction();
  out->setId(r.name());
  if (!r.description().empty()) out->setName(XmlText(r.description()));
  out->setReversible(false);
  std::set<std::string> sides;
  for (const bool reactants : {true, false}) {
    // Repeated terms are merged: SBML adds them up just the same, and one
    // reference per species keeps the file plain.
    std::vector<std::pair<std::string, std::uint32_t>> merged;
    for (const auto& t : reactants ? r.reactant() : r.product()) {
      const std::uint32_t m = t.has_stoichiometry() ? t.stoichiometry() : 1;
      auto same = std::find_if(merged.begin(), merged.end(),
                               [&](const auto& e) { return e.first == t.species(); });
      if (same != merged.end()) {
        same->second += m;
      } else {
        merged.emplace_back(t.species(), m);
      }
    }
    for (const auto& [species, m] : merged) {
      if (m == 0) continue;
      SpeciesReference* ref = reactants ? out->createReactant() : out->createProduct();
      ref->setSpecies(species);
      ref->setStoichiometry(m);
      ref->setConstant(true);
      sides.insert(species);
    }
  }
  std::set<std::string> reads;
  std::unique_ptr<ASTNode> math;
  if (r.has_propensity()) {
    GRN_ASSIGN_OR_RETURN(math, ExpressionMath(r.propensity(), false, who + ": propensity", &reads));
  } else {
    GRN_ASSIGN_OR_RETURN(std::string formula, MassActionFormula(r, &reads));
    GRN_ASSIGN_OR_RETURN(math, Parse(formula, who));
  }
  for (const std::string& name : reads) {
    if (species_index_.count(name) && !sides.count(name)) {
      ModifierSpeciesReference* mod = out->createModifier();
      mod->setSpecies(name);
    }
  }
  KineticLaw* law = out->createKineticLaw();
  law->setMath(math.get());
  return Status::OK();
}

Status Exporter::AddEvent(const v1::Event& e) {
  const std::string who = "event '" + e.name() + "'";
  if (e.period() != 0) {
    return Refuse(who, "it repeats (period " + Num(e.period()) +
                           "); SBML core has no periodic trigger that reads back as one, so "
                           "write the repetitions as separate at_time events to export it");
  }
  Event* out = model_->createEvent();
  out->setId(e.name());
  if (!e.description().empty()) out->setName(XmlText(e.description()));
  out->setUseValuesFromTriggerTime(true);
  Trigger* trigger = out->createTrigger();
  trigger->setPersistent(true);
  std::set<std::string> reads;
  std::unique_ptr<ASTNode> math;
  if (e.has_at_time()) {
    // Reached once, at T; at T = 0 it holds from the start, so initialValue
    // false lets it fire then.
    trigger->setInitialValue(false);
    GRN_ASSIGN_OR_RETURN(math, Parse("time >= " + Num(e.at_time()), who + ": at_time"));
  } else {
    trigger->setInitialValue(e.true_before_start());
    GRN_ASSIGN_OR_RETURN(math, ExpressionMath(e.when(), true, who + ": when", &reads));
  }
  trigger->setMath(math.get());
  for (const auto& a : e.assign()) {
    EventAssignment* ea = out->createEventAssignment();
    ea->setVariable(a.target());
    GRN_ASSIGN_OR_RETURN(std::unique_ptr<ASTNode> value,
                         ExpressionMath(a.value(), false, who + ": assignment to '" + a.target() + "'", &reads));
    ea->setMath(value.get());
  }
  return Status::OK();
}

StatusOr<std::string> Exporter::Run() {
  if (net_.include_size() > 0) {
    return Refuse("network", "it includes other files; compose it into one network first");
  }
  model_ = doc_.createModel();
  // Every id of the network is taken before any id is made up.
  auto take = [this](const std::string& kind, const std::string& id) -> Status {
    if (!taken_.insert(id).second) {
      return Refuse(kind + " '" + id + "'", "the name is used twice; SBML ids must be unique");
    }
    return Status::OK();
  };
  for (const auto& s : net_.species()) GRN_RETURN_IF_ERROR(take("species", s.name()));
  for (const auto& p : net_.parameter()) GRN_RETURN_IF_ERROR(take("parameter", p.name()));
  for (const auto& r : net_.reaction()) GRN_RETURN_IF_ERROR(take("reaction", r.name()));
  for (const auto& e : net_.event()) GRN_RETURN_IF_ERROR(take("event", e.name()));
  for (const auto& e : net_.event())
    for (const auto& a : e.assign()) event_targets_.insert(a.target());
  for (const auto& rule : net_.assignment_rule()) rule_targets_.insert(rule.variable());

  // The name is an SBML id when it can be one (the importer names the
  // network after it), and the model's free-text name in any case.
  model_->setId(FreshId(IsIdentifier(net_.name()) ? net_.name() : "network"));
  if (!net_.name().empty()) model_->setName(XmlText(net_.name()));
  if (!net_.description().empty()) {
    model_->setNotes("<body xmlns=\"http://www.w3.org/1999/xhtml\"><p>" +
                     XmlEscape(net_.description()) + "</p></body>");
  }
  GRN_RETURN_IF_ERROR(AddTimeUnit());

  compartment_ = FreshId("cell");
  Compartment* cell = model_->createCompartment();
  cell->setId(compartment_);
  cell->setSize(1.0);
  cell->setSpatialDimensions(3.0);
  cell->setConstant(true);

  for (int i = 0; i < net_.species_size(); ++i) {
    const v1::Species& s = net_.species(i);
    if (s.external()) return Refuse("species '" + s.name() + "'", "external (defined elsewhere)");
    species_index_[s.name()] = i;
    Species* out = model_->createSpecies();
    out->setId(s.name());
    if (!s.description().empty()) out->setName(XmlText(s.description()));
    out->setCompartment(compartment_);
    out->setInitialAmount(s.initial_count());
    out->setHasOnlySubstanceUnits(true);
    out->setBoundaryCondition(s.constant());
    // SBML forbids event and rule assignments to a constant; between its
    // events a boundary species keeps its count all the same.
    out->setConstant(s.constant() && !event_targets_.count(s.name()) &&
                     !rule_targets_.count(s.name()));
  }
  for (const v1::Parameter& p : net_.parameter()) {
    if (p.external()) return Refuse("parameter '" + p.name() + "'", "external (defined elsewhere)");
    Parameter* out = model_->createParameter();
    out->setId(p.name());
    if (!p.description().empty()) out->setName(XmlText(p.description()));
    // libsbml writes a subnormal double in a form its own reader (and the
    // XML schema type it checks against) rejects.
    if (std::fpclassify(p.value()) == FP_SUBNORMAL) {
      return Refuse("parameter '" + p.name() + "'",
                    "value " + FormatNumberToken(p.value()) +
                        " is subnormal (below 2.2e-308), which SBML files cannot carry");
    }
    out->setValue(p.value());
    out->setConstant(!event_targets_.count(p.name()) && !rule_targets_.count(p.name()));
  }
  for (const v1::Reaction& r : net_.reaction()) GRN_RETURN_IF_ERROR(AddReaction(r));
  for (const v1::AssignmentRule& rule : net_.assignment_rule()) {
    std::set<std::string> reads;
    GRN_ASSIGN_OR_RETURN(std::unique_ptr<ASTNode> math,
                         ExpressionMath(rule.expression(), false,
                                        "assignment rule for '" + rule.variable() + "'", &reads));
    AssignmentRule* out = model_->createAssignmentRule();
    out->setVariable(rule.variable());
    out->setMath(math.get());
  }
  for (const v1::InitialAssignment& ia : net_.initial_assignment()) {
    std::set<std::string> reads;
    GRN_ASSIGN_OR_RETURN(std::unique_ptr<ASTNode> math,
                         ExpressionMath(ia.expression(), false,
                                        "initial assignment of '" + ia.variable() + "'", &reads));
    InitialAssignment* out = model_->createInitialAssignment();
    out->setSymbol(ia.variable());
    out->setMath(math.get());
  }
  for (const v1::Event& e : net_.event()) GRN_RETURN_IF_ERROR(AddEvent(e));

  char* written = writeSBMLToString(&doc_);
  if (written == nullptr) return InternalError("SBML export: libsbml could not write the document");
  std::string xml(written);
  std::free(written);
  const std::vector<std::string> problems = SbmlConsistencyErrors(xml);
  if (!problems.empty()) {
    std::string message = "SBML export: the document fails libsbml's consistency check:";
    for (const std::string& p : problems) message += "\n  " + p;
    return InternalError(message);
  }
  return xml;
}

}  // namespace

StatusOr<std::string> ExportSbml(const grnsim::v1::Network& network) {
  return Exporter(network).Run();
}

Status WriteSbmlFile(const std::string& path, const grnsim::v1::Network& network) {
  StatusOr<std::string> xml = ExportSbml(network);
  if (!xml.ok()) {
    const Status& s = xml.status();
    // Name the file the export was for.
    return Status(s.code(), path + ": " + s.message());
  }
  return WriteFileAtomically(path, *xml);
}

std::vector<std::string> SbmlConsistencyErrors(const std::string& sbml) {
  std::unique_ptr<SBMLDocument> doc(readSBMLFromString(sbml.c_str()));
  std::vector<std::string> errors;
  if (doc == nullptr) return {"libsbml cannot read the document"};
  doc->setConsistencyChecks(LIBSBML_CAT_UNITS_CONSISTENCY, false);
  doc->checkConsistency();
  for (unsigned i = 0; i < doc->getNumErrors(); ++i) {
    const SBMLError* e = doc->getError(i);
    if (e->getSeverity() < LIBSBML_SEV_ERROR) continue;
    std::string message = e->getMessage();
    for (char& c : message) {
      if (c == '\n') c = ' ';
    }
    errors.push_back(std::to_string(e->getLine()) + ":" + std::to_string(e->getColumn()) + ": " +
                     message + " (libsbml error " + std::to_string(e->getErrorId()) + ")");
  }
  return errors;
}

}  // namespace grn
