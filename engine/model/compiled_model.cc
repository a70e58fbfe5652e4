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
#include <map>
#include <unordered_map>

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
  for (const auto& p : net.parameter()) param.emplace(p.name(), p.value());
  auto value = [&](bool is_param, double literal, const std::string& name) {
    return is_param ? param.at(name) : literal;
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
    double folded = value(rx.has_k_param(), rx.k(), rx.k_param());
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
    m.kinetics_.push_back(kin);

    for (const auto& [s, d] : delta) {
      if (d == 0 || constant[s]) continue;
      m.stoich_species_.push_back(s);
      m.stoich_delta_.push_back(static_cast<double>(d));
      changes[r].push_back(s);
    }
    m.stoich_begin_.push_back(static_cast<std::uint32_t>(m.stoich_species_.size()));
  }

  m.dependents_ = BuildDependencies(m.species_names_.size(), reads, changes);
  return m;
}

}  // namespace grn
