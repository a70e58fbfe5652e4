// engine/model/fate_rules.cc
#include "engine/model/fate_rules.h"

#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "engine/base/status_macros.h"
#include "proto/network.pb.h"

namespace grn {
namespace {

using grnsim::v1::Network;

std::string Num(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

// The parameters the population layer writes while cells run.
std::set<std::string> WrittenParameters(const Network& net) {
  std::set<std::string> names;
  for (const auto& c : net.coupling()) names.insert(c.parameter());
  for (const auto& h : net.population().heterogeneity()) names.insert(h.parameter());
  for (const auto& m : net.population().mosaic()) {
    for (const auto& s : m.set()) names.insert(s.name());
  }
  for (const auto& fate : net.fate()) {
    for (const auto& s : fate.on_commit()) names.insert(s.name());
  }
  std::set<std::string> parameters;
  for (const auto& p : net.parameter()) {
    if (names.count(p.name()) > 0) parameters.insert(p.name());
  }
  return parameters;
}

}  // namespace

int PopulationRules::FateIndex(const std::string& name) const {
  for (std::size_t i = 0; i < fates.size(); ++i) {
    if (fates[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

double HoursPerTimeUnit(const std::string& time_unit) {
  if (time_unit == "s") return 1.0 / 3600.0;
  if (time_unit == "min") return 1.0 / 60.0;
  if (time_unit == "h") return 1.0;
  if (time_unit == "d") return 24.0;
  return 0.0;
}

std::vector<Diagnostic> ValidatePopulationRules(const Network& net) {
  std::vector<Diagnostic> out;
  auto add = [&out](FieldPath where, std::string message) {
    out.push_back({std::move(where), std::move(message)});
  };
  const ModelNames names(net);
  auto check_expression = [&](const std::string& text, const FieldPath& at,
                              const std::string& who) {
    if (text.empty()) {
      add(at, who + ": empty expression");
      return;
    }
    auto program = names.CompileText(text);
    if (!program.ok()) add(at, who + ": " + program.status().message());
  };

  std::set<std::string> fate_names;
  for (int i = 0; i < net.fate_size(); ++i) {
    const auto& fate = net.fate(i);
    const std::string who = "fate '" + fate.name() + "'";
    if (!IsIdentifier(fate.name())) {
      add({{"fate", i}, {"name", -1}},
          fate.name().empty() ? "fate #" + std::to_string(i + 1) + " has no name"
                              : who + ": name is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    } else if (!fate_names.insert(fate.name()).second) {
      add({{"fate", i}, {"name", -1}}, "duplicate fate '" + fate.name() + "'");
    } else if (fate.name() == "uncommitted" || fate.name() == "senescent") {
      add({{"fate", i}, {"name", -1}},
          who + ": the name is reserved for cells that have no fate (or are senescent)");
    }
    check_expression(fate.condition(), {{"fate", i}, {"condition", -1}}, who + " condition");
    if (!(std::isfinite(fate.dwell()) && fate.dwell() >= 0)) {
      add({{"fate", i}, {"dwell", -1}},
          who + ": dwell " + Num(fate.dwell()) + " must be finite and >= 0 (time units)");
    }
    for (int j = 0; j < fate.on_commit_size(); ++j) {
      const auto& s = fate.on_commit(j);
      const FieldPath at = {{"fate", i}, {"on_commit", j}, {"name", -1}};
      if (names.IsSpecies(s.name())) {
        const double v = s.value();
        if (!(v >= 0 && v == std::floor(v) && v < kMaxExactCount)) {
          add({{"fate", i}, {"on_commit", j}, {"value", -1}},
              who + ": on_commit sets species '" + s.name() + "' to " + Num(v) +
                  "; expected a whole count in [0, 2^53)");
        }
      } else if (names.IsParameter(s.name())) {
        if (!std::isfinite(s.value())) {
          add({{"fate", i}, {"on_commit", j}, {"value", -1}},
              who + ": on_commit sets parameter '" + s.name() + "' to " + Num(s.value()));
        }
      } else {
        add(at, who + ": on_commit target '" + s.name() + "' is not a species or parameter");
        continue;
      }
      if (names.HasRule(s.name())) {
        add(at, who + ": on_commit target '" + s.name() + "' is defined by an assignment rule");
      }
    }
    if (fate.has_cycle_time_factor() &&
        !(std::isfinite(fate.cycle_time_factor()) && fate.cycle_time_factor() > 0)) {
      add({{"fate", i}, {"cycle_time_factor", -1}},
          who + ": cycle_time_factor " + Num(fate.cycle_time_factor()) + " must be > 0");
    }
    if (fate.has_death_rate_factor() &&
        !(std::isfinite(fate.death_rate_factor()) && fate.death_rate_factor() >= 0)) {
      add({{"fate", i}, {"death_rate_factor", -1}},
          who + ": death_rate_factor " + Num(fate.death_rate_factor()) + " must be >= 0");
    }
  }

  std::set<std::string> coupled;
  for (int i = 0; i < net.coupling_size(); ++i) {
    const auto& c = net.coupling(i);
    const std::string who = "coupling of '" + c.parameter() + "'";
    const FieldPath at_parameter = {{"coupling", i}, {"parameter", -1}};
    if (!names.IsParameter(c.parameter())) {
      add(at_parameter, who + ": '" + c.parameter() + "' is not a parameter of the network" +
                            (names.IsSpecies(c.parameter()) ? " (it is a species)" : ""));
    } else if (!coupled.insert(c.parameter()).second) {
      add(at_parameter, who + ": the parameter is coupled twice");
    }
    if (!names.IsSpecies(c.species())) {
      add({{"coupling", i}, {"species", -1}},
          who + ": '" + c.species() + "' is not a species of the network");
    }
  }
  for (const auto& ev : net.event()) {
    for (const auto& a : ev.assign()) {
      if (coupled.count(a.target()) > 0) {
        for (int i = 0; i < net.coupling_size(); ++i) {
          if (net.coupling(i).parameter() == a.target()) {
            add({{"coupling", i}, {"parameter", -1}},
                "coupling of '" + a.target() + "': event '" + ev.name() +
                    "' also sets it; a coupled parameter is written only by the population layer");
          }
        }
      }
    }
  }

  if (net.has_population()) {
    const auto& pop = net.population();
    const std::pair<const std::string*, const char*> expressions[] = {
        {&pop.cycle_time(), "cycle_time"},
        {&pop.death_rate(), "death_rate"},
        {&pop.senescent_fraction(), "senescent_fraction"},
        {&pop.senescence_per_division(), "senescence_per_division"}};
    for (const auto& [text, field] : expressions) {
      if (text->empty()) continue;  // the default
      auto program = names.CompileText(*text);
      if (!program.ok()) {
        add({{"population", -1}, {field, -1}},
            std::string("population ") + field + ": " + program.status().message());
      }
    }
    if (pop.cycle_shape() > 1000) {
      add({{"population", -1}, {"cycle_shape", -1}},
          "population cycle_shape " + std::to_string(pop.cycle_shape()) +
              " must be in [1, 1000] (0: the default, 4)");
    }
    // Below 3 sites a side, a site's six neighbours are not distinct.
    const std::pair<std::uint32_t, const char*> sides[] = {
        {pop.lattice_width(), "lattice_width"}, {pop.lattice_height(), "lattice_height"}};
    for (const auto& [side, field] : sides) {
      if (side != 0 && (side < 3 || side > kMaxLatticeSide)) {
        add({{"population", -1}, {field, -1}},
            std::string("population ") + field + " " + std::to_string(side) +
                " must be in [3, " + std::to_string(kMaxLatticeSide) + "] (0: the default, 40)");
      }
    }
    for (int i = 0; i < pop.copy_at_division_size(); ++i) {
      if (!names.IsSpecies(pop.copy_at_division(i))) {
        add({{"population", -1}, {"copy_at_division", i}},
            "population copy_at_division: '" + pop.copy_at_division(i) + "' is not a species");
      }
    }
    if (pop.has_fusion()) {
      const auto& fusion = pop.fusion();
      bool known = false;
      for (const auto& f : net.fate()) known = known || f.name() == fusion.fate();
      if (!known) {
        add({{"population", -1}, {"fusion", -1}, {"fate", -1}},
            "population fusion: fate '" + fusion.fate() + "' is not declared");
      }
      if (!pop.quiescent()) {
        add({{"population", -1}, {"fusion", -1}},
            "population fusion needs quiescent: true (fused cells do not divide)");
      }
      if (fusion.rate().empty()) {
        add({{"population", -1}, {"fusion", -1}, {"rate", -1}}, "population fusion: rate is empty");
      } else {
        check_expression(fusion.rate(), {{"population", -1}, {"fusion", -1}, {"rate", -1}},
                         "population fusion rate");
      }
      if (fusion.min_contact() == 1 || fusion.min_contact() > 7 || fusion.min_nuclei() == 1 ||
          fusion.min_nuclei() > 1000) {
        add({{"population", -1}, {"fusion", -1}},
            "population fusion: min_contact must be in [2, 7] (a pair and the cells touching it; "
            "0: the default, 3) and min_nuclei in [2, 1000] (0: 3)");
      }
    }
    if (pop.has_homing()) {
      check_expression(pop.homing().probability(),
                       {{"population", -1}, {"homing", -1}, {"probability", -1}},
                       "population homing probability");
    }
    // A heterogeneous parameter must keep the value drawn for the cell: the
    // layer's per-sync writes (couplings, medium feeds) would replace it.
    std::set<std::string> overwritten, seen;
    for (const auto& c : net.coupling()) overwritten.insert(c.parameter());
    for (const auto& pool : net.medium().pool()) {
      for (const auto& fed : pool.feeds()) overwritten.insert(fed);
    }
    for (int i = 0; i < pop.heterogeneity_size(); ++i) {
      const auto& h = pop.heterogeneity(i);
      const FieldPath at = {{"population", -1}, {"heterogeneity", i}};
      const std::string who = "population heterogeneity of '" + h.parameter() + "'";
      if (!names.IsParameter(h.parameter())) {
        add(at, who + ": not a parameter of the network");
      } else if (overwritten.count(h.parameter()) > 0) {
        add(at, who + ": the parameter is coupled or fed by the medium, so the population "
                      "layer overwrites it at every synchronisation point");
      } else if (!seen.insert(h.parameter()).second) {
        add(at, who + ": given twice");
      }
      if (!(h.cv() > 0.0 && h.cv() <= kMaxHeterogeneityCv)) {
        add(at, who + ": cv " + Num(h.cv()) + " must be in (0, " + Num(kMaxHeterogeneityCv) + "]");
      }
    }
    if (pop.mosaic_size() > kMaxMosaicEntries) {
      add({{"population", -1}, {"mosaic", kMaxMosaicEntries}},
          "population mosaic: " + std::to_string(pop.mosaic_size()) + " entries; at most " +
              std::to_string(kMaxMosaicEntries) + " (one bit of the cell's mosaic flag each)");
    }
    for (int i = 0; i < pop.mosaic_size(); ++i) {
      const auto& m = pop.mosaic(i);
      const std::string who = "population mosaic #" + std::to_string(i + 1);
      if (!(m.fraction() >= 0.0 && m.fraction() <= 1.0)) {
        add({{"population", -1}, {"mosaic", i}, {"fraction", -1}},
            who + ": fraction " + Num(m.fraction()) + " must be in [0, 1]");
      }
      if (m.set_size() == 0) add({{"population", -1}, {"mosaic", i}}, who + ": sets nothing");
      for (int j = 0; j < m.set_size(); ++j) {
        const auto& s = m.set(j);
        const FieldPath at = {{"population", -1}, {"mosaic", i}, {"set", j}, {"name", -1}};
        const FieldPath value_at = {{"population", -1}, {"mosaic", i}, {"set", j}, {"value", -1}};
        if (names.IsSpecies(s.name())) {
          const double v = s.value();
          if (!(v >= 0 && v == std::floor(v) && v < kMaxExactCount)) {
            add(value_at, who + ": sets species '" + s.name() + "' to " + Num(v) +
                              "; expected a whole count in [0, 2^53)");
          }
        } else if (names.IsParameter(s.name())) {
          if (!std::isfinite(s.value())) {
            add(value_at, who + ": sets parameter '" + s.name() + "' to " + Num(s.value()));
          } else if (overwritten.count(s.name()) > 0) {
            add(at, who + ": parameter '" + s.name() + "' is coupled or fed by the medium, so "
                          "the population layer overwrites it at every synchronisation point");
          }
        } else {
          add(at, who + ": '" + s.name() + "' is not a species or parameter");
          continue;
        }
        if (names.HasRule(s.name())) {
          add(at, who + ": '" + s.name() + "' is defined by an assignment rule");
        }
      }
    }
  }
  return out;
}

void PreparePopulationNetwork(Network* network) {
  std::set<std::string> coupled;
  for (const auto& c : network->coupling()) coupled.insert(c.parameter());
  auto* rules = network->mutable_assignment_rule();
  for (int i = rules->size() - 1; i >= 0; --i) {
    if (coupled.count(rules->Get(i).variable()) > 0) rules->DeleteSubrange(i, 1);
  }
  const std::set<std::string> written = WrittenParameters(*network);
  MakeParametersLive(network, std::vector<std::string>(written.begin(), written.end()));
}

void MakeParametersLive(Network* network, const std::vector<std::string>& names) {
  std::set<std::string> taken, live, parameters;
  for (const auto& ev : network->event()) {
    taken.insert(ev.name());
    for (const auto& a : ev.assign()) live.insert(a.target());
  }
  for (const auto& sp : network->species()) taken.insert(sp.name());
  for (const auto& p : network->parameter()) {
    taken.insert(p.name());
    parameters.insert(p.name());
  }
  for (const auto& r : network->reaction()) taken.insert(r.name());
  for (const std::string& name : names) {
    // Not a parameter, or an event writes it already (so it is read live).
    if (parameters.count(name) == 0 || !live.insert(name).second) continue;
    // An event that never fires (at the largest finite time) but assigns the
    // parameter: to Compile that makes it a parameter that changes.
    std::string event_name = "population_writes_" + name;
    while (taken.count(event_name) > 0) event_name += "_";
    taken.insert(event_name);
    auto* ev = network->add_event();
    ev->set_name(event_name);
    ev->set_description("the population layer sets " + name + " (never fires)");
    ev->set_at_time(std::numeric_limits<double>::max());
    auto* assign = ev->add_assign();
    assign->set_target(name);
    assign->set_value(name);
  }
}

StatusOr<PopulationRules> CompilePopulationRules(const Network& net, const CompiledModel& model) {
  PopulationRules rules;
  const ModelNames names(net);
  for (const auto& fate : net.fate()) {
    FateRule rule;
    rule.name = fate.name();
    GRN_ASSIGN_OR_RETURN(rule.condition, names.CompileText(fate.condition()));
    rule.dwell = fate.dwell();
    for (const auto& s : fate.on_commit()) {
      const bool species = names.IsSpecies(s.name());
      rule.on_commit.push_back(
          {species, species ? names.SpeciesIndex(s.name()) : names.ParameterIndex(s.name()),
           s.value()});
    }
    if (fate.has_cycle_time_factor()) rule.cycle_time_factor = fate.cycle_time_factor();
    if (fate.has_max_divisions()) rule.max_divisions = fate.max_divisions();
    if (fate.has_death_rate_factor()) rule.death_rate_factor = fate.death_rate_factor();
    rules.fates.push_back(std::move(rule));
  }
  for (const auto& c : net.coupling()) {
    rules.couplings.push_back({c.parameter(), c.species(), names.ParameterIndex(c.parameter()),
                               names.SpeciesIndex(c.species()),
                               c.average() == grnsim::v1::Coupling::sites});
  }

  rules.copy_at_division.assign(model.num_species(), 0);
  for (int i = 0; i < net.species_size(); ++i) {
    const auto& sp = net.species(i);
    if (sp.role() == grnsim::v1::Species::gene || sp.constant() || names.HasRule(sp.name())) {
      rules.copy_at_division[names.SpeciesIndex(sp.name())] = 1;
    }
  }

  rules.hours_per_time_unit = HoursPerTimeUnit(model.time_unit());
  if (!(rules.hours_per_time_unit > 0)) {
    return InvalidArgumentError("unknown time unit '" + model.time_unit() + "'");
  }
  const double per_hour = 1.0 / rules.hours_per_time_unit;  // time units per hour
  rules.cycle_time = kDefaultCycleHours * per_hour;
  rules.death_rate = kDefaultDeathRatePerHour / per_hour;
  if (net.has_population()) {
    const auto& pop = net.population();
    // Evaluated once from the initial counts and parameters.
    auto evaluate = [&](const std::string& text, const char* field, double* out,
                        double lo, double hi) -> Status {
      if (text.empty()) return Status::OK();
      GRN_ASSIGN_OR_RETURN(ExpressionProgram program, names.CompileText(text));
      const double v = EvaluateExpression(program, model.initial_counts().data(),
                                          model.initial_parameters().data(), 0.0);
      if (!(v >= lo && v <= hi)) {
        return InvalidArgumentError(std::string("population ") + field + ": '" + text +
                                    "' evaluates to " + Num(v) + "; expected a value in [" +
                                    Num(lo) + ", " + Num(hi) + "]");
      }
      *out = v;
      return Status::OK();
    };
    GRN_RETURN_IF_ERROR(evaluate(pop.cycle_time(), "cycle_time", &rules.cycle_time,
                                 std::numeric_limits<double>::min(), 1e300));
    GRN_RETURN_IF_ERROR(evaluate(pop.death_rate(), "death_rate", &rules.death_rate, 0.0, 1e300));
    GRN_RETURN_IF_ERROR(evaluate(pop.senescent_fraction(), "senescent_fraction",
                                 &rules.senescent_fraction, 0.0, 1.0));
    GRN_RETURN_IF_ERROR(evaluate(pop.senescence_per_division(), "senescence_per_division",
                                 &rules.senescence_per_division, 0.0, 1.0));
    if (pop.cycle_shape() > 0) rules.cycle_shape = pop.cycle_shape();
    if (pop.max_neighbours() > 0) rules.max_neighbours = pop.max_neighbours();
    if (pop.lattice_width() > 0) rules.lattice_width = pop.lattice_width();
    if (pop.lattice_height() > 0) rules.lattice_height = pop.lattice_height();
    rules.divides = !pop.quiescent();
    for (const auto& h : pop.heterogeneity()) {
      rules.heterogeneity.push_back({h.parameter(), names.ParameterIndex(h.parameter()),
                                     std::sqrt(std::log1p(h.cv() * h.cv()))});
    }
    if (pop.has_fusion()) {
      const auto& fusion = pop.fusion();
      rules.fusion.fate = rules.FateIndex(fusion.fate());
      GRN_RETURN_IF_ERROR(evaluate(fusion.rate(), "fusion rate", &rules.fusion.rate, 0.0, 1e300));
      if (fusion.min_contact() > 0) rules.fusion.min_contact = fusion.min_contact();
      if (fusion.min_nuclei() > 0) rules.fusion.min_nuclei = fusion.min_nuclei();
    }
    if (pop.has_homing()) {
      rules.has_homing = true;
      rules.homing.text = pop.homing().probability();
      GRN_ASSIGN_OR_RETURN(rules.homing.probability, names.CompileText(rules.homing.text));
    }
    for (const auto& m : pop.mosaic()) {
      MosaicRule rule;
      rule.fraction = m.fraction();
      for (const auto& s : m.set()) {
        const bool species = names.IsSpecies(s.name());
        rule.settings.push_back(
            {species, species ? names.SpeciesIndex(s.name()) : names.ParameterIndex(s.name()),
             s.value()});
      }
      rules.mosaic.push_back(std::move(rule));
    }
    for (const auto& name : pop.copy_at_division()) {
      rules.copy_at_division[names.SpeciesIndex(name)] = 1;
    }
  }
  return rules;
}

}  // namespace grn
