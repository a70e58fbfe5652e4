// engine/model/medium_rules.cc
#include "engine/model/medium_rules.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "engine/base/status_macros.h"
#include "proto/network.pb.h"

namespace grn {
namespace {

using grnsim::v1::MediumPool;
using grnsim::v1::Network;

std::string Num(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

// What medium expressions may read besides the cell's own state: parameters
// as constants (with the given values) and, for reactions, pools.
class MediumNames {
 public:
  MediumNames(const Network& net, std::vector<double> parameter_values)
      : values_(std::move(parameter_values)) {
    for (int i = 0; i < net.parameter_size(); ++i) parameters_[net.parameter(i).name()] = i;
    for (const auto& sp : net.species()) species_.insert(sp.name());
    for (const auto& r : net.assignment_rule()) rules_.insert(r.variable());
    const auto& pools = net.medium().pool();
    for (int i = 0; i < pools.size(); ++i) pools_.emplace(pools[i].name(), i);
  }

  // Compiles `text`, reading parameters and (if `with_pools`) pools. An
  // explanation of the first name it may not read comes first.
  StatusOr<ExpressionProgram> Compile(const std::string& text, bool with_pools) const {
    for (const std::string& name : ExpressionNames(text)) {
      if (with_pools && pools_.count(name)) continue;
      if (rules_.count(name)) {
        return InvalidArgumentError("'" + name +
                                    "' is defined by an assignment rule (a cell quantity); "
                                    "the medium reads only parameters" +
                                    std::string(with_pools ? " and pools" : ""));
      }
      if (species_.count(name)) {
        return InvalidArgumentError("'" + name + "' is a species (a cell quantity); the medium "
                                    "reads only parameters" +
                                    std::string(with_pools ? " and pools" : ""));
      }
      if (!parameters_.count(name)) {
        return InvalidArgumentError(
            "'" + name + "' is not a parameter" +
            std::string(with_pools ? " or pool" : "") + " of the network" +
            (!with_pools && pools_.count(name) ? " (pools are read only by medium reactions)"
                                               : ""));
      }
    }
    return CompileExpression(text, [&](const std::string& name) {
      NameBinding b;
      if (with_pools) {
        if (auto pool = pools_.find(name); pool != pools_.end()) {
          b.kind = NameBinding::kSpecies;
          b.index = static_cast<std::uint32_t>(pool->second);
          return b;
        }
      }
      if (auto p = parameters_.find(name); p != parameters_.end() && !rules_.count(name)) {
        b.kind = NameBinding::kConstant;
        b.value = values_[p->second];
      }
      return b;
    });
  }

  // The value of a setting (empty text: `empty_value`).
  StatusOr<double> Evaluate(const std::string& text, double empty_value) const {
    if (text.empty()) return empty_value;
    GRN_ASSIGN_OR_RETURN(ExpressionProgram program, Compile(text, /*with_pools=*/false));
    return EvaluateExpression(program, nullptr, nullptr, 0.0);
  }

 private:
  std::vector<double> values_;
  std::unordered_map<std::string, int> parameters_;
  std::set<std::string> species_, rules_;
  std::unordered_map<std::string, int> pools_;
};

std::vector<double> WrittenValues(const Network& net) {
  std::vector<double> values;
  for (const auto& p : net.parameter()) values.push_back(p.value());
  return values;
}

const char* UnitName(const MediumPool& pool) {
  return pool.unit() == MediumPool::copies_per_cell ? "copies_per_cell" : "pM";
}

}  // namespace

int MediumSpec::PoolIndex(const std::string& name) const {
  for (std::size_t i = 0; i < pools.size(); ++i) {
    if (pools[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool HasMedium(const Network& network) {
  return network.has_medium() && network.medium().pool_size() > 0;
}

std::vector<Diagnostic> ValidateMedium(const Network& net) {
  std::vector<Diagnostic> out;
  if (!net.has_medium()) return out;
  const auto& medium = net.medium();
  auto add = [&out](FieldPath where, std::string message) {
    out.push_back({std::move(where), std::move(message)});
  };
  const MediumNames medium_names(net, WrittenValues(net));
  const ModelNames cell_names(net);

  // A setting: compiles over parameters and, at the written values, is in range.
  auto check_setting = [&](const std::string& text, const FieldPath& at, const std::string& who,
                           bool positive) {
    if (text.empty()) return;
    StatusOr<double> v = medium_names.Evaluate(text, 0.0);
    if (!v.ok()) {
      add(at, who + ": " + v.status().message());
    } else if (!(std::isfinite(*v) && (positive ? *v > 0 : *v >= 0))) {
      add(at, who + ": '" + text + "' is " + Num(*v) + "; expected a finite value " +
                  (positive ? "> 0" : ">= 0"));
    }
  };
  check_setting(medium.volume_per_cell(), {{"medium", -1}, {"volume_per_cell", -1}},
                "medium volume_per_cell (nL per cell)", /*positive=*/true);
  check_setting(medium.change_period(), {{"medium", -1}, {"change_period", -1}},
                "medium change_period", /*positive=*/false);

  std::set<std::string> taken;
  for (const auto& sp : net.species()) taken.insert(sp.name());
  for (const auto& p : net.parameter()) taken.insert(p.name());
  std::set<std::string> evented, coupled, committed;
  for (const auto& ev : net.event()) {
    for (const auto& a : ev.assign()) evented.insert(a.target());
  }
  for (const auto& c : net.coupling()) coupled.insert(c.parameter());
  for (const auto& fate : net.fate()) {
    for (const auto& s : fate.on_commit()) committed.insert(s.name());
  }

  std::map<std::string, std::string> fed_by;  // parameter → pool
  std::set<std::string> pool_names;
  for (int i = 0; i < medium.pool_size(); ++i) {
    const MediumPool& pool = medium.pool(i);
    const std::string who = "medium pool '" + pool.name() + "'";
    auto at = [i](const char* field, int index = -1) -> FieldPath {
      return {{"medium", -1}, {"pool", i}, {field, index}};
    };
    if (!IsIdentifier(pool.name())) {
      add(at("name"), pool.name().empty()
                          ? "medium pool #" + std::to_string(i + 1) + " has no name"
                          : who + ": name is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    } else if (taken.count(pool.name())) {
      add(at("name"), who + ": the name is already a species or parameter of the network "
                            "(pools have names of their own, e.g. 'OPG' feeding 'OPG_med')");
    } else if (!pool_names.insert(pool.name()).second) {
      add(at("name"), "duplicate medium pool '" + pool.name() + "'");
    }
    if (pool.unit() == MediumPool::UNIT_UNSPECIFIED) {
      add(at("unit"), who + ": no unit (pM or copies_per_cell)");
    }
    check_setting(pool.fresh(), at("fresh"), who + " fresh", /*positive=*/false);
    check_setting(pool.clearance(), at("clearance"), who + " clearance", /*positive=*/false);
    const std::pair<const std::string*, const char*> cell_expressions[] = {
        {&pool.secretion(), "secretion"}, {&pool.uptake(), "uptake"}};
    for (const auto& [text, field] : cell_expressions) {
      if (text->empty()) continue;
      auto program = cell_names.CompileText(*text);
      if (!program.ok()) add(at(field), who + " " + field + ": " + program.status().message());
    }
    for (int j = 0; j < pool.feeds_size(); ++j) {
      const std::string& name = pool.feeds(j);
      const std::string what = who + " feeds '" + name + "'";
      if (!cell_names.IsParameter(name)) {
        add(at("feeds", j), what + ", which is not a parameter of the network" +
                                (cell_names.IsSpecies(name) ? " (it is a species)" : ""));
        continue;
      }
      if (cell_names.HasRule(name)) {
        add(at("feeds", j), what + ", which an assignment rule defines");
      } else if (evented.count(name)) {
        add(at("feeds", j), what + ", which an event also sets; a fed parameter is written "
                                   "only by the medium");
      } else if (coupled.count(name)) {
        add(at("feeds", j), what + ", which a coupling also sets");
      } else if (committed.count(name)) {
        add(at("feeds", j), what + ", which a fate's on_commit also sets");
      }
      auto [it, inserted] = fed_by.emplace(name, pool.name());
      if (!inserted) {
        add(at("feeds", j), what + ", which pool '" + it->second + "' already feeds");
      }
    }
  }

  std::map<std::string, const MediumPool*> pools;
  for (const MediumPool& pool : medium.pool()) pools.emplace(pool.name(), &pool);
  std::set<std::string> reaction_names;
  for (int i = 0; i < medium.reaction_size(); ++i) {
    const auto& reaction = medium.reaction(i);
    const std::string who = "medium reaction '" + reaction.name() + "'";
    auto at = [i](const char* field, int index = -1) -> FieldPath {
      return {{"medium", -1}, {"reaction", i}, {field, index}};
    };
    if (!IsIdentifier(reaction.name())) {
      add(at("name"), reaction.name().empty()
                          ? "medium reaction #" + std::to_string(i + 1) + " has no name"
                          : who + ": name is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    } else if (!reaction_names.insert(reaction.name()).second) {
      add(at("name"), "duplicate medium reaction '" + reaction.name() + "'");
    }
    if (reaction.reactant_size() + reaction.product_size() == 0) {
      add(at("name"), who + ": no reactant or product pool");
    }
    std::set<std::string> units;
    const std::pair<const google::protobuf::RepeatedPtrField<std::string>*, const char*> sides[] =
        {{&reaction.reactant(), "reactant"}, {&reaction.product(), "product"}};
    for (const auto& [names, field] : sides) {
      for (int j = 0; j < names->size(); ++j) {
        auto pool = pools.find((*names)[j]);
        if (pool == pools.end()) {
          add(at(field, j), who + ": " + field + " '" + (*names)[j] + "' is not a medium pool");
        } else {
          units.insert(UnitName(*pool->second));
        }
      }
    }
    if (units.size() > 1) {
      add(at("name"), who + ": its pools mix units (pM and copies_per_cell)");
    }
    if (reaction.rate().empty()) {
      add(at("rate"), who + ": no rate");
    } else if (auto program = medium_names.Compile(reaction.rate(), /*with_pools=*/true);
               !program.ok()) {
      add(at("rate"), who + " rate: " + program.status().message());
    }
  }
  return out;
}

void PrepareMediumNetwork(Network* network) {
  if (!network->has_medium()) return;
  std::set<std::string> live, taken;
  for (const auto& ev : network->event()) {
    taken.insert(ev.name());
    for (const auto& a : ev.assign()) live.insert(a.target());
  }
  for (const auto& sp : network->species()) taken.insert(sp.name());
  for (const auto& p : network->parameter()) taken.insert(p.name());
  for (const auto& r : network->reaction()) taken.insert(r.name());
  std::vector<std::string> fed;
  for (const auto& pool : network->medium().pool()) {
    for (const std::string& name : pool.feeds()) fed.push_back(name);
  }
  for (const std::string& name : fed) {
    if (!live.insert(name).second) continue;  // an event writes it: already read live
    std::string event_name = "medium_writes_" + name;
    while (taken.count(event_name) > 0) event_name += "_";
    taken.insert(event_name);
    auto* ev = network->add_event();
    ev->set_name(event_name);
    ev->set_description("the medium sets " + name + " (never fires)");
    ev->set_at_time(std::numeric_limits<double>::max());
    auto* assign = ev->add_assign();
    assign->set_target(name);
    assign->set_value(name);
  }
}

StatusOr<MediumSpec> CompileMedium(const Network& net, const CompiledModel& model) {
  MediumSpec spec;
  if (!net.has_medium()) return spec;
  const auto& medium = net.medium();
  const ModelNames cell_names(net);
  // The compiled model's parameters are the network's, in file order.
  if (model.initial_parameters().size() != static_cast<std::size_t>(net.parameter_size())) {
    return InternalError("medium: the model was not compiled from this network");
  }
  const MediumNames names(net, model.initial_parameters());
  auto setting = [&](const std::string& text, double empty_value, const std::string& who,
                     bool positive, double* out) -> Status {
    GRN_ASSIGN_OR_RETURN(const double v, names.Evaluate(text, empty_value));
    if (!(std::isfinite(v) && (positive ? v > 0 : v >= 0))) {
      return InvalidArgumentError(who + ": '" + text + "' evaluates to " + Num(v) +
                                  "; expected a finite value " + (positive ? "> 0" : ">= 0"));
    }
    *out = v;
    return Status::OK();
  };
  GRN_RETURN_IF_ERROR(setting(medium.volume_per_cell(), kDefaultMediumNanolitresPerCell,
                              "medium volume_per_cell", true, &spec.volume_per_cell));
  GRN_RETURN_IF_ERROR(
      setting(medium.change_period(), 0.0, "medium change_period", false, &spec.change_period));
  for (const MediumPool& pool : medium.pool()) {
    MediumPoolSpec p;
    const std::string who = "medium pool '" + pool.name() + "'";
    p.name = pool.name();
    p.copies_per_cell = pool.unit() == MediumPool::copies_per_cell;
    GRN_RETURN_IF_ERROR(setting(pool.fresh(), 0.0, who + " fresh", false, &p.fresh));
    GRN_RETURN_IF_ERROR(setting(pool.clearance(), 0.0, who + " clearance", false, &p.clearance));
    if (!pool.secretion().empty()) {
      p.has_secretion = true;
      GRN_ASSIGN_OR_RETURN(p.secretion, cell_names.CompileText(pool.secretion()));
    }
    if (!pool.uptake().empty()) {
      p.has_uptake = true;
      GRN_ASSIGN_OR_RETURN(p.uptake, cell_names.CompileText(pool.uptake()));
    }
    for (const std::string& name : pool.feeds()) {
      if (!cell_names.IsParameter(name)) {
        return InvalidArgumentError(who + ": feeds '" + name + "', not a parameter");
      }
      p.feeds.push_back(cell_names.ParameterIndex(name));
    }
    spec.pools.push_back(std::move(p));
  }
  for (const auto& reaction : medium.reaction()) {
    MediumReactionSpec r;
    r.name = reaction.name();
    std::map<std::uint32_t, double> change;
    for (const std::string& name : reaction.reactant()) {
      const int k = spec.PoolIndex(name);
      if (k < 0) return InvalidArgumentError("medium reaction '" + r.name + "': no pool " + name);
      change[static_cast<std::uint32_t>(k)] -= 1.0;
    }
    for (const std::string& name : reaction.product()) {
      const int k = spec.PoolIndex(name);
      if (k < 0) return InvalidArgumentError("medium reaction '" + r.name + "': no pool " + name);
      change[static_cast<std::uint32_t>(k)] += 1.0;
    }
    for (const auto& [pool, delta] : change) {
      if (delta != 0.0) r.change.emplace_back(pool, delta);
    }
    StatusOr<ExpressionProgram> rate = names.Compile(reaction.rate(), /*with_pools=*/true);
    if (!rate.ok()) {
      return InvalidArgumentError("medium reaction '" + r.name + "' rate: " +
                                  rate.status().message());
    }
    r.rate = std::move(*rate);
    spec.reactions.push_back(std::move(r));
  }
  return spec;
}

std::vector<std::string> MediumParameterNames(const Network& net) {
  std::vector<std::string> names;
  if (!net.has_medium()) return names;
  const auto& medium = net.medium();
  auto read = [&names](const std::string& text) {
    for (std::string& name : ExpressionNames(text)) names.push_back(std::move(name));
  };
  read(medium.volume_per_cell());
  read(medium.change_period());
  for (const MediumPool& pool : medium.pool()) {
    for (const std::string* text :
         {&pool.fresh(), &pool.secretion(), &pool.uptake(), &pool.clearance()}) {
      read(*text);
    }
    for (const std::string& name : pool.feeds()) names.push_back(name);
  }
  for (const auto& reaction : medium.reaction()) read(reaction.rate());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace grn
