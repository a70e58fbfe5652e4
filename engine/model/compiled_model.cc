// engine/model/compiled_model.cc
//
// Compile: Network (names) → CompiledModel (indices and flat arrays).
// The stochastic mass-action term for reactants {X_i, m_i} is
//   c · Π_i C(x_i, m_i) = (c / Π_i m_i!) · Π_i x_i (x_i − 1) … (x_i − m_i + 1),
// so 1/Π m_i! is folded into c here, once (as JumpProcesses' scalerates!).
// The deterministic (reaction-rate equation) form of the same law is
// (c / Π m_i!) · Π x_i^{m_i}; it shares the folded constant.
#include "engine/model/compiled_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <unordered_map>

#include "engine/base/rng.h"
#include "engine/base/status_macros.h"
#include "engine/model/dependency_graph.h"
#include "engine/model/validate.h"
#include "proto/network.pb.h"

namespace grn {
namespace {

using grnsim::v1::Network;

const char* TimeUnitName(Network::TimeUnit unit) {
  switch (unit) {
    case Network::s: return "s";
    case Network::min: return "min";
    case Network::h: return "h";
    case Network::d: return "d";
    default: return "";
  }
}

double Factorial(std::uint32_t m) {
  double f = 1;
  for (std::uint32_t i = 2; i <= m; ++i) f *= i;
  return f;
}

RateFactor MakeHill(SpeciesIndex s, bool activation, double k, double n) {
  RateFactor f{};
  f.species = s;
  f.inv_k = 1.0 / k;
  f.n = n;
  const double rounded = std::round(n);
  if (rounded == n && n >= 1 && n <= 8) {
    f.kind = activation ? FactorKind::kHillActivationInt : FactorKind::kHillRepressionInt;
    f.int_n = static_cast<std::uint8_t>(rounded);
  } else {
    f.kind = activation ? FactorKind::kHillActivation : FactorKind::kHillRepression;
    f.int_n = 0;
  }
  return f;
}

std::string Literal(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return std::string("(") + buf + ")";
}

// The text of a structured (mass-action × modifiers) law, for reactions whose
// constants are parameters that events change: compiled like any expression,
// it reads the current parameter values. `stochastic` selects x(x−1)… over x².
std::string StructuredLawText(const grnsim::v1::Reaction& rx, bool stochastic) {
  auto value = [](bool is_param, double literal, const std::string& name) {
    return is_param ? name : Literal(literal);
  };
  std::string text = value(rx.has_k_param(), rx.k(), rx.k_param());
  std::map<std::string, std::uint32_t> order;
  for (const auto& t : rx.reactant()) order[t.species()] += t.has_stoichiometry() ? t.stoichiometry() : 1;
  for (const auto& [species, m] : order) {
    text += " / " + Literal(Factorial(m));
    for (std::uint32_t j = 0; j < m; ++j) {
      text += " * (" + species + (stochastic && j > 0 ? " - " + std::to_string(j) : "") + ")";
    }
  }
  for (const auto& mod : rx.modifier()) {
    if (mod.has_michaelis_menten()) {
      const auto& mm = mod.michaelis_menten();
      text += " * (" + mm.species() + " / (" + value(mm.has_k_param(), mm.k(), mm.k_param()) + " + " +
              mm.species() + "))";
      continue;
    }
    const bool act = mod.has_hill_activation();
    const auto& h = act ? mod.hill_activation() : mod.hill_repression();
    const std::string n = h.coefficient_case() == grnsim::v1::Hill::COEFFICIENT_NOT_SET
                              ? "1"
                              : value(h.has_n_param(), h.n(), h.n_param());
    const std::string rn = "(" + h.species() + " / " + value(h.has_k_param(), h.k(), h.k_param()) +
                           ")^" + n;
    text += act ? " * (1 - 1 / (1 + " + rn + "))" : " * (1 / (1 + " + rn + "))";
  }
  return text;
}

// If a propensity expression is exactly mass action over the reaction's own
// reactants — c·x, c·x(x−1), c·x·y or c — returns c (in the folded form the
// fast path uses), so SBML laws such as "k1 * P * (P - 1) / 2" run as fast
// as structured ones. Only arithmetic over constants and the reactants
// qualifies (a rational function), and it must match c·h(x) at many random
// states and at the zeros 0 and 1: two different rational functions of this
// size cannot agree on all of them.
std::optional<double> MatchMassAction(const ExpressionProgram& program, const ReactionKinetics& kin,
                                      const std::vector<SpeciesIndex>& reactants,
                                      std::size_t num_species) {
  if (!program.parameters.empty() || program.reads_time) return std::nullopt;
  if (program.species != std::vector<std::uint32_t>(reactants.begin(), reactants.end())) {
    return std::nullopt;
  }
  for (const Instr& in : program.code) {
    switch (in.op) {
      case OpCode::kConst: case OpCode::kSpecies: case OpCode::kAdd: case OpCode::kSub:
      case OpCode::kMul: case OpCode::kDiv: case OpCode::kNeg: case OpCode::kAddConst:
      case OpCode::kSubConst: case OpCode::kMulConst: case OpCode::kDivConst:
      case OpCode::kAddSpecies: case OpCode::kSubSpecies: case OpCode::kMulSpecies:
      case OpCode::kDivSpecies:
        break;
      default:
        return std::nullopt;
    }
  }
  auto h = [&](const std::vector<double>& x) {
    switch (kin.shape) {
      case MassActionKind::kZeroOrder: return 1.0;
      case MassActionKind::kFirstOrder: return x[kin.s0];
      case MassActionKind::kHomodimer: return x[kin.s0] * (x[kin.s0] - 1);
      case MassActionKind::kHeterodimer: return x[kin.s0] * x[kin.s1];
      default: return std::nan("");
    }
  };
  if (kin.shape == MassActionKind::kGeneral || kin.shape == MassActionKind::kExpression) {
    return std::nullopt;
  }
  std::vector<double> x(num_species, 0.0);
  Rng rng(0x5eed);
  std::optional<double> c;
  const int probes = static_cast<int>(program.code.size()) + 16;
  for (int i = 0; i < probes; ++i) {
    for (SpeciesIndex s : reactants) x[s] = 2 + static_cast<double>(rng.NextU64() % 100000);
    const double v = EvaluateExpression(program, x.data(), nullptr, 0.0);
    const double ci = v / h(x);
    if (!std::isfinite(ci) || ci < 0) return std::nullopt;
    if (!c) c = ci;
    if (std::abs(ci - *c) > 1e-9 * std::abs(*c)) return std::nullopt;
  }
  // Where mass action vanishes (a reactant below its order) the law must too.
  for (SpeciesIndex s : reactants) {
    for (double low : {0.0, 1.0}) {
      for (SpeciesIndex o : reactants) x[o] = 7;
      x[s] = low;
      const double v = EvaluateExpression(program, x.data(), nullptr, 0.0);
      if (std::abs(v - *c * h(x)) > 1e-9 * std::abs(*c) * 49) return std::nullopt;
    }
  }
  return c;
}

// Orders initial assignments so that each is evaluated after those it reads.
StatusOr<std::vector<int>> InitialAssignmentOrder(const Network& net) {
  const int n = net.initial_assignment_size();
  std::unordered_map<std::string, int> by_variable;
  for (int i = 0; i < n; ++i) by_variable[net.initial_assignment(i).variable()] = i;
  std::vector<std::vector<int>> readers(n);
  std::vector<int> pending(n, 0);
  for (int i = 0; i < n; ++i) {
    for (const std::string& name : ExpressionNames(net.initial_assignment(i).expression())) {
      auto it = by_variable.find(name);
      if (it == by_variable.end() || it->second == i) {
        if (it != by_variable.end()) {
          return InvalidArgumentError("initial assignment of '" + name + "' reads itself");
        }
        continue;
      }
      readers[it->second].push_back(i);
      ++pending[i];
    }
  }
  std::vector<int> order;
  for (int i = 0; i < n; ++i) if (pending[i] == 0) order.push_back(i);
  for (std::size_t k = 0; k < order.size(); ++k) {
    for (int reader : readers[order[k]]) if (--pending[reader] == 0) order.push_back(reader);
  }
  if (static_cast<int>(order.size()) != n) {
    return InvalidArgumentError("initial assignments refer to each other in a cycle");
  }
  return order;
}

}  // namespace

StatusOr<CompiledModel> Compile(const Network& net) {
  const std::vector<Diagnostic> problems = Validate(net);
  if (!problems.empty()) {
    std::string message = "network '" + net.name() + "' is invalid:";
    for (const Diagnostic& d : problems) message += "\n  " + d.message;
    return InvalidArgumentError(message);
  }

  CompiledModel m;
  m.name_ = net.name();
  m.time_unit_ = TimeUnitName(net.time_unit());

  std::unordered_map<std::string, SpeciesIndex> species_index;
  std::vector<bool> constant;
  for (const auto& sp : net.species()) {
    species_index.emplace(sp.name(), static_cast<SpeciesIndex>(m.species_names_.size()));
    m.species_names_.push_back(sp.name());
    m.initial_counts_.push_back(sp.initial_count());
    constant.push_back(sp.constant());
  }
  std::unordered_map<std::string, double> param;
  for (const auto& p : net.parameter()) {
    m.parameter_names_.push_back(p.name());
    m.initial_parameters_.push_back(p.value());
  }

  const ModelNames names(net);
  auto add_program = [&m](const ExpressionProgram& program) {
    ProgramRange range;
    range.begin = static_cast<std::uint32_t>(m.program_code_.size());
    m.program_code_.insert(m.program_code_.end(), program.code.begin(), program.code.end());
    range.end = static_cast<std::uint32_t>(m.program_code_.size());
    return range;
  };
  auto compile = [&](const std::string& text) -> StatusOr<ProgramRange> {
    auto program = names.CompileText(text);
    if (!program.ok()) return program.status();
    return add_program(*program);
  };

  // Initial assignments, in dependency order, over the initial values.
  GRN_ASSIGN_OR_RETURN(std::vector<int> ia_order, InitialAssignmentOrder(net));
  for (int i : ia_order) {
    const auto& ia = net.initial_assignment(i);
    GRN_ASSIGN_OR_RETURN(ProgramRange range, compile(ia.expression()));
    const double v = m.Evaluate(range, m.initial_counts_.data(), m.initial_parameters_.data(), 0.0);
    if (names.IsSpecies(ia.variable())) {
      if (!(v >= 0 && v < kMaxExactCount && v == std::floor(v))) {
        return InvalidArgumentError("initial assignment of '" + ia.variable() + "' gives " +
                                    std::to_string(v) + ", not a whole count in [0, 2^53)");
      }
      m.initial_counts_[names.SpeciesIndex(ia.variable())] = v;
    } else {
      if (!std::isfinite(v)) {
        return InvalidArgumentError("initial assignment of '" + ia.variable() + "' gives " +
                                    std::to_string(v));
      }
      m.initial_parameters_[names.ParameterIndex(ia.variable())] = v;
    }
  }
  for (std::size_t i = 0; i < m.parameter_names_.size(); ++i) {
    param[m.parameter_names_[i]] = m.initial_parameters_[i];
  }
  auto value = [&](bool is_param, double literal, const std::string& name) {
    return is_param ? param.at(name) : literal;
  };

  // Parameters that events change: laws that read them must read them live.
  std::unordered_map<std::string, bool> variable_param;
  for (const auto& ev : net.event()) {
    for (const auto& a : ev.assign()) {
      if (names.IsParameter(a.target())) variable_param[a.target()] = true;
    }
  }
  for (const auto& rule : net.assignment_rule()) {
    if (names.IsParameter(rule.variable())) variable_param[rule.variable()] = true;
  }
  auto reads_variable_param = [&](const grnsim::v1::Reaction& rx) {
    if (rx.has_k_param() && variable_param.count(rx.k_param())) return true;
    for (const auto& mod : rx.modifier()) {
      for (const auto* h : {mod.has_hill_activation() ? &mod.hill_activation() : nullptr,
                            mod.has_hill_repression() ? &mod.hill_repression() : nullptr}) {
        if (h != nullptr && ((h->has_k_param() && variable_param.count(h->k_param())) ||
                             (h->has_n_param() && variable_param.count(h->n_param())))) {
          return true;
        }
      }
      if (mod.has_michaelis_menten() && mod.michaelis_menten().has_k_param() &&
          variable_param.count(mod.michaelis_menten().k_param())) {
        return true;
      }
    }
    return false;
  };

  std::vector<std::vector<std::uint32_t>> reads(net.reaction_size());
  std::vector<std::vector<std::uint32_t>> changes(net.reaction_size());

  for (int r = 0; r < net.reaction_size(); ++r) {
    const auto& rx = net.reaction(r);
    m.reaction_names_.push_back(rx.name());

    // Reactant orders, merged per species (a species listed twice adds up).
    std::map<SpeciesIndex, std::uint32_t> order;
    for (const auto& t : rx.reactant()) {
      order[species_index.at(t.species())] += t.has_stoichiometry() ? t.stoichiometry() : 1;
    }
    std::map<SpeciesIndex, long> delta;
    for (const auto& [s, k] : order) delta[s] -= k;
    for (const auto& t : rx.product()) {
      delta[species_index.at(t.species())] += t.has_stoichiometry() ? t.stoichiometry() : 1;
    }

    ReactionKinetics kin{};
    double folded = rx.has_propensity() ? 0.0 : value(rx.has_k_param(), rx.k(), rx.k_param());
    kin.reactant_begin = static_cast<std::uint32_t>(m.reactant_species_.size());
    for (const auto& [s, k] : order) {
      folded /= Factorial(k);
      m.reactant_species_.push_back(s);
      m.reactant_order_.push_back(k);
      reads[r].push_back(s);
    }
    kin.reactant_end = static_cast<std::uint32_t>(m.reactant_species_.size());
    kin.c = folded;
    kin.c_deterministic = folded;
    kin.s0 = kin.s1 = 0;
    const auto one = static_cast<SpeciesIndex>(net.species_size());  // the 1.0 slot
    kin.fast_s0 = kin.fast_s1 = one;
    kin.fast_offset = 0.0;
    if (order.empty()) {
      kin.shape = MassActionKind::kZeroOrder;
    } else if (order.size() == 1 && order.begin()->second == 1) {
      kin.shape = MassActionKind::kFirstOrder;
      kin.s0 = kin.fast_s0 = order.begin()->first;
    } else if (order.size() == 1 && order.begin()->second == 2) {
      kin.shape = MassActionKind::kHomodimer;
      kin.s0 = kin.fast_s0 = kin.fast_s1 = order.begin()->first;
      kin.fast_offset = 1.0;
    } else if (order.size() == 2 && order.begin()->second == 1 &&
               std::next(order.begin())->second == 1) {
      kin.shape = MassActionKind::kHeterodimer;
      kin.s0 = kin.fast_s0 = order.begin()->first;
      kin.s1 = kin.fast_s1 = std::next(order.begin())->first;
    } else {
      kin.shape = MassActionKind::kGeneral;
    }
    kin.slow = kin.shape == MassActionKind::kGeneral || rx.modifier_size() > 0;

    kin.factor_begin = static_cast<std::uint32_t>(m.factors_.size());
    for (const auto& mod : rx.modifier()) {
      if (mod.has_hill_activation() || mod.has_hill_repression()) {
        const bool act = mod.has_hill_activation();
        const auto& h = act ? mod.hill_activation() : mod.hill_repression();
        const SpeciesIndex s = species_index.at(h.species());
        const double k = value(h.has_k_param(), h.k(), h.k_param());
        const double n = h.coefficient_case() == grnsim::v1::Hill::COEFFICIENT_NOT_SET
                             ? 1.0
                             : value(h.has_n_param(), h.n(), h.n_param());
        m.factors_.push_back(MakeHill(s, act, k, n));
        reads[r].push_back(s);
      } else {
        const auto& mm = mod.michaelis_menten();
        const SpeciesIndex s = species_index.at(mm.species());
        RateFactor f{};
        f.species = s;
        f.kind = FactorKind::kMichaelisMenten;
        f.inv_k = 1.0 / value(mm.has_k_param(), mm.k(), mm.k_param());
        m.factors_.push_back(f);
        reads[r].push_back(s);
      }
    }
    kin.factor_end = static_cast<std::uint32_t>(m.factors_.size());

    bool expression = rx.has_propensity() || reads_variable_param(rx);
    if (rx.has_propensity()) {
      GRN_ASSIGN_OR_RETURN(ExpressionProgram program, names.CompileText(rx.propensity()));
      std::vector<SpeciesIndex> reactants;
      for (const auto& [s, k] : order) reactants.push_back(s);
      if (auto c = MatchMassAction(program, kin, reactants, m.species_names_.size())) {
        kin.c = kin.c_deterministic = *c;
        expression = false;
      }
    }
    if (expression) {
      const std::string stochastic = rx.has_propensity() ? rx.propensity() : StructuredLawText(rx, true);
      const std::string deterministic = rx.has_propensity() ? rx.propensity() : StructuredLawText(rx, false);
      GRN_ASSIGN_OR_RETURN(ExpressionProgram program, names.CompileText(stochastic));
      GRN_ASSIGN_OR_RETURN(ExpressionProgram det_program, names.CompileText(deterministic));
      const ProgramRange range = add_program(program);
      const ProgramRange det_range = add_program(det_program);
      kin.program_begin = range.begin;
      kin.program_end = range.end;
      kin.det_program_begin = det_range.begin;
      kin.det_program_end = det_range.end;
      kin.shape = MassActionKind::kExpression;
      kin.slow = true;
      kin.factor_begin = kin.factor_end;  // the program holds the factors
      reads[r].insert(reads[r].end(), program.species.begin(), program.species.end());
      m.propensity_reads_time_ |= program.reads_time;
    }
    m.kinetics_.push_back(kin);

    for (const auto& [s, d] : delta) {
      if (d == 0 || constant[s]) continue;
      m.stoich_species_.push_back(s);
      m.stoich_delta_.push_back(static_cast<double>(d));
      changes[r].push_back(s);
    }
    m.stoich_begin_.push_back(static_cast<std::uint32_t>(m.stoich_species_.size()));
  }

  // Species → readers, and the size the flattened lists would have (an upper
  // bound: a reaction reading two changed species counts twice).
  {
    std::vector<std::vector<std::uint32_t>> readers(m.species_names_.size());
    for (std::uint32_t r = 0; r < reads.size(); ++r) {
      std::sort(reads[r].begin(), reads[r].end());
      reads[r].erase(std::unique(reads[r].begin(), reads[r].end()), reads[r].end());
      for (std::uint32_t s : reads[r]) readers[s].push_back(r);
    }
    std::size_t flat_size = 0;
    for (const auto& row : changes) {
      flat_size += 1;
      for (std::uint32_t s : row) flat_size += readers[s].size();
    }
    for (const auto& row : readers) m.readers_.AppendRow(row);
    m.flat_dependencies_ = flat_size <= kMaxFlatDependencies;
    if (m.flat_dependencies_) {
      m.dependents_ = BuildDependencies(m.species_names_.size(), reads, changes);
    } else {
      m.dependents_.begin.assign(reads.size() + 1, 0);  // empty rows
    }
  }

  // Species defined by rules: their value at time 0 is the rule's.
  for (const auto& rule : net.assignment_rule()) {
    if (!names.IsSpecies(rule.variable())) continue;
    GRN_ASSIGN_OR_RETURN(ProgramRange range, compile(rule.expression()));
    const SpeciesIndex s = names.SpeciesIndex(rule.variable());
    m.species_rules_.push_back({s, range});
  }
  for (const SpeciesRule& rule : m.species_rules_) {
    m.initial_counts_[rule.species] =
        m.Evaluate(rule.program, m.initial_counts_.data(), m.initial_parameters_.data(), 0.0);
  }

  // Events, and for each reaction the condition events it can make true.
  std::vector<std::vector<std::uint32_t>> condition_species;
  for (const auto& ev : net.event()) {
    CompiledEvent ce;
    ce.name = ev.name();
    ce.timed = ev.has_at_time();
    ce.at_time = ev.at_time();
    ce.period = ce.timed ? ev.period() : 0.0;
    ce.true_before_start = ev.true_before_start();
    std::vector<std::uint32_t> read;
    if (!ce.timed) {
      GRN_ASSIGN_OR_RETURN(ExpressionProgram program, names.CompileText(ev.when()));
      ce.condition = add_program(program);
      read = program.species;
      m.has_condition_events_ = true;
    }
    for (const auto& a : ev.assign()) {
      CompiledEvent::Assignment ca;
      ca.species = names.IsSpecies(a.target());
      ca.index = ca.species ? names.SpeciesIndex(a.target()) : names.ParameterIndex(a.target());
      GRN_ASSIGN_OR_RETURN(ca.value, compile(a.value()));
      ce.assignments.push_back(ca);
    }
    condition_species.push_back(std::move(read));
    m.events_.push_back(std::move(ce));
  }
  std::vector<std::uint32_t> row;
  for (int r = 0; r < net.reaction_size(); ++r) {
    row.clear();
    for (std::uint32_t e = 0; e < m.events_.size(); ++e) {
      if (m.events_[e].timed) continue;
      for (std::uint32_t s : changes[r]) {
        if (std::binary_search(condition_species[e].begin(), condition_species[e].end(), s)) {
          row.push_back(e);
          break;
        }
      }
    }
    m.event_checks_.AppendRow(row);
  }
  return m;
}

}  // namespace grn
