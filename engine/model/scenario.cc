// engine/model/scenario.cc
#include "engine/model/scenario.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "engine/model/compiled_model.h"
#include "engine/model/fate_rules.h"

namespace grn {
namespace {

using grnsim::v1::Network;
using grnsim::v1::Scenario;
using grnsim::v1::Setting;

std::string Num(double v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

class Overlay {
 public:
  Overlay(Network& net, const std::string& origin, const Locator& locate)
      : net_(net), origin_(origin), locate_(locate) {
    for (int i = 0; i < net.species_size(); ++i) {
      species_[net.species(i).name()] = i;
      kind_of_[net.species(i).name()] = "species";
    }
    for (int i = 0; i < net.parameter_size(); ++i) {
      parameters_[net.parameter(i).name()] = i;
      kind_of_[net.parameter(i).name()] = "parameter";
    }
    for (const auto& r : net.reaction()) kind_of_.emplace(r.name(), "reaction");
    for (const auto& e : net.event()) kind_of_.emplace(e.name(), "event");
    for (const auto& r : net.assignment_rule()) defined_by_[r.variable()] = "an assignment rule";
    for (const auto& a : net.initial_assignment())
      defined_by_.emplace(a.variable(), "an initial assignment");
  }

  // `scale`: multiply instead of replace.
  void Apply(const google::protobuf::RepeatedPtrField<Setting>& settings, const char* field,
             bool scale) {
    std::set<std::string> seen;
    for (int j = 0; j < settings.size(); ++j) {
      const Setting& s = settings[j];
      const FieldPath at = {{field, j}};
      const FieldPath value_at = {{field, j}, {"value", -1}};
      const std::string verb = scale ? "scales" : "sets";
      std::optional<Target> target = Resolve(s, at, verb, seen, field);
      if (!target) continue;
      if (!std::isfinite(s.value()) || s.value() < 0) {
        Add(value_at, std::string("scenario ") + (scale ? "scales '" : "sets '") + s.name() +
                          (scale ? "' by " : "' to ") + Num(s.value()) +
                          "; expected a finite number >= 0");
        continue;
      }
      if (target->species != nullptr) {
        const double v = scale ? target->species->initial_count() * s.value() : s.value();
        if (CheckCount(*target, v, value_at, verb, "initial count")) target->species->set_initial_count(v);
      } else {
        const double v = scale ? target->parameter->value() * s.value() : s.value();
        if (CheckValue(*target, v, value_at, verb)) target->parameter->set_value(v);
      }
    }
  }

  // Scenario.on_commit: appended to (or replacing settings of) the named
  // fate's on_commit, after the same checks as `set`.
  void ApplyOnCommit(const google::protobuf::RepeatedPtrField<grnsim::v1::FateSettings>& groups) {
    for (int g = 0; g < groups.size(); ++g) {
      const grnsim::v1::FateSettings& group = groups[g];
      grnsim::v1::Fate* fate = nullptr;
      std::string fates;
      for (grnsim::v1::Fate& f : *net_.mutable_fate()) {
        if (f.name() == group.fate()) fate = &f;
        fates += (fates.empty() ? "" : ", ") + f.name();
      }
      if (fate == nullptr) {
        Add({{"on_commit", g}, {"fate", -1}},
            "scenario's on_commit names fate '" + group.fate() + "', which network '" +
                net_.name() + "' does not declare (" +
                (fates.empty() ? "it declares no fates; population networks do"
                               : "its fates: " + fates) + ")");
        continue;
      }
      std::set<std::string> seen;
      for (int j = 0; j < group.set_size(); ++j) {
        const Setting& s = group.set(j);
        const FieldPath at = {{"on_commit", g}, {"set", j}};
        const FieldPath value_at = {{"on_commit", g}, {"set", j}, {"value", -1}};
        std::optional<Target> target = Resolve(s, at, "sets on commitment", seen, "on_commit");
        if (!target) continue;
        const bool ok = target->species != nullptr
                            ? CheckCount(*target, s.value(), value_at, "sets on commitment", "count")
                            : CheckValue(*target, s.value(), value_at, "sets on commitment");
        if (!ok) continue;
        Setting* existing = nullptr;
        for (Setting& own : *fate->mutable_on_commit()) {
          if (own.name() == s.name()) existing = &own;
        }
        *(existing != nullptr ? existing : fate->add_on_commit()) = s;
      }
    }
  }

  // Scenario.mosaic: appended to the network's population { mosaic }, after
  // the same checks as `set`. Only population networks run cells to flag.
  void ApplyMosaic(const google::protobuf::RepeatedPtrField<grnsim::v1::MosaicSettings>& groups) {
    if (groups.empty()) return;
    if (net_.fate_size() == 0 && net_.coupling_size() == 0 && !net_.has_population()) {
      Add({{"mosaic", 0}}, "scenario's mosaic needs a population network (one that declares "
                           "fates, couplings or population settings); network '" +
                               net_.name() + "' declares none");
      return;
    }
    for (int g = 0; g < groups.size(); ++g) {
      const grnsim::v1::MosaicSettings& group = groups[g];
      bool ok = true;
      if (!(group.fraction() >= 0.0 && group.fraction() <= 1.0)) {
        Add({{"mosaic", g}, {"fraction", -1}},
            "scenario's mosaic #" + std::to_string(g + 1) + " has fraction " +
                Num(group.fraction()) + "; expected a probability in [0, 1]");
        ok = false;
      }
      if (group.set_size() == 0) {
        Add({{"mosaic", g}}, "scenario's mosaic #" + std::to_string(g + 1) +
                                 " sets nothing; give at least one `set`");
        ok = false;
      }
      std::set<std::string> seen;
      for (int j = 0; j < group.set_size(); ++j) {
        const Setting& s = group.set(j);
        const FieldPath at = {{"mosaic", g}, {"set", j}};
        const FieldPath value_at = {{"mosaic", g}, {"set", j}, {"value", -1}};
        std::optional<Target> target = Resolve(s, at, "sets in mosaic", seen, "mosaic");
        if (!target) {
          ok = false;
          continue;
        }
        ok = (target->species != nullptr
                  ? CheckCount(*target, s.value(), value_at, "sets in mosaic", "count")
                  : CheckValue(*target, s.value(), value_at, "sets in mosaic")) &&
             ok;
      }
      if (ok) *net_.mutable_population()->add_mosaic() = group;
    }
  }

  // Scenario.heterogeneity: added to the network's population {
  // heterogeneity }, replacing the cv of a parameter it already lists. The
  // parameter must be one the scenario could set (the cv and the coupled or
  // medium-fed parameters are checked with the population rules).
  void ApplyHeterogeneity(
      const google::protobuf::RepeatedPtrField<grnsim::v1::Heterogeneity>& rules) {
    if (rules.empty()) return;
    if (net_.fate_size() == 0 && net_.coupling_size() == 0 && !net_.has_population()) {
      Add({{"heterogeneity", 0}},
          "scenario's heterogeneity needs a population network (one that declares fates, "
          "couplings or population settings); network '" + net_.name() + "' declares none");
      return;
    }
    std::set<std::string> seen;
    for (int j = 0; j < rules.size(); ++j) {
      const grnsim::v1::Heterogeneity& rule = rules[j];
      Setting as_setting;
      as_setting.set_name(rule.parameter());
      const FieldPath at = {{"heterogeneity", j}, {"parameter", -1}};
      std::optional<Target> target =
          Resolve(as_setting, at, "varies", seen, "heterogeneity");
      if (!target) continue;
      if (target->parameter == nullptr) {
        Add(at, "scenario varies '" + rule.parameter() +
                    "', a species; heterogeneity applies to parameters");
        continue;
      }
      if (!(rule.cv() > 0.0 && rule.cv() <= kMaxHeterogeneityCv)) {
        Add({{"heterogeneity", j}, {"cv", -1}},
            "scenario varies '" + rule.parameter() + "' with cv " + Num(rule.cv()) +
                "; expected a coefficient of variation in (0, " + Num(kMaxHeterogeneityCv) + "]");
        continue;
      }
      grnsim::v1::Heterogeneity* existing = nullptr;
      for (auto& own : *net_.mutable_population()->mutable_heterogeneity()) {
        if (own.parameter() == rule.parameter()) existing = &own;
      }
      *(existing != nullptr ? existing : net_.mutable_population()->add_heterogeneity()) = rule;
    }
  }

  template <typename Item>
  void AddAll(const google::protobuf::RepeatedPtrField<Item>& items,
              google::protobuf::RepeatedPtrField<Item>* into, const char* field,
              const char* kind) {
    for (int j = 0; j < items.size(); ++j) {
      const std::string& name = items[j].name();
      if (!name.empty()) {
        auto [it, inserted] = kind_of_.emplace(name, kind);
        if (!inserted) {
          Add({{field, j}, {"name", -1}}, "scenario adds " + std::string(kind) + " '" + name +
                                              "', but network '" + net_.name() +
                                              "' already has a " + it->second + " of that name");
          continue;
        }
      }
      *into->Add() = items[j];
    }
  }

  Status Result() const {
    if (problems_.empty()) return Status::OK();
    std::string message;
    for (const std::string& p : problems_) {
      if (!message.empty()) message += '\n';
      message += p;
    }
    return InvalidArgumentError(message);
  }

 private:
  // What a setting names: exactly one of the two is set.
  struct Target {
    grnsim::v1::Species* species = nullptr;
    grnsim::v1::Parameter* parameter = nullptr;
  };

  // The species or parameter `s` may change, or nothing (the problem added):
  // it must exist, be defined here (not only declared external), be named once
  // in its list (`seen`), and not be a parameter a rule defines.
  std::optional<Target> Resolve(const Setting& s, const FieldPath& at, const std::string& verb,
                                std::set<std::string>& seen, const char* field) {
    auto sp = species_.find(s.name());
    auto p = parameters_.find(s.name());
    if (sp == species_.end() && p == parameters_.end()) {
      auto kind = kind_of_.find(s.name());
      Add(at, "scenario " + verb + " '" + s.name() + "', which is not a species or parameter of " +
                  "network '" + net_.name() + "'" +
                  (kind != kind_of_.end() ? " (it is a " + kind->second + ")" : ""));
      return std::nullopt;
    }
    if (!seen.insert(s.name()).second) {
      Add(at, "scenario " + verb + " '" + s.name() + "' twice in `" + field + "`");
      return std::nullopt;
    }
    Target target;
    const bool external = sp != species_.end()
                              ? (target.species = net_.mutable_species(sp->second))->external()
                              : (target.parameter = net_.mutable_parameter(p->second))->external();
    if (external) {
      Add(at, "scenario " + verb + (target.species ? " species '" : " parameter '") + s.name() +
                  "', which this network only declares external (no module defines it)");
      return std::nullopt;
    }
    if (auto rule = defined_by_.find(s.name());
        target.parameter != nullptr && rule != defined_by_.end()) {
      Add(at, "scenario " + verb + " parameter '" + s.name() + "', which " + rule->second +
                  " defines; the setting would have no effect");
      return std::nullopt;
    }
    return target;
  }

  // `what`: "initial count" (set, scale) or "count" (on_commit).
  bool CheckCount(const Target& target, double v, const FieldPath& value_at,
                  const std::string& verb, const char* what) {
    if (std::isfinite(v) && v >= 0 && v == std::floor(v) && v < kMaxExactCount) return true;
    Add(value_at, "scenario " + verb + " the " + what + " of species '" + target.species->name() +
                      "' to " + Num(v) + ", not a whole number of molecules below 2^53");
    return false;
  }

  bool CheckValue(const Target& target, double v, const FieldPath& value_at,
                  const std::string& verb) {
    const grnsim::v1::Parameter& param = *target.parameter;
    if (!std::isfinite(v) || v < 0) {
      Add(value_at, "scenario " + verb + " parameter '" + param.name() + "' to " + Num(v) +
                        ", which is not a finite number >= 0");
      return false;
    }
    if (param.has_range() && (v < param.range().min() || v > param.range().max())) {
      Add(value_at, "scenario " + verb + " parameter '" + param.name() + "' to " + Num(v) +
                        ", outside its range [" + Num(param.range().min()) + ", " +
                        Num(param.range().max()) + "]");
      return false;
    }
    return true;
  }

  void Add(const FieldPath& where, const std::string& message) {
    problems_.push_back((locate_ ? locate_(where) : origin_) + ": " + message);
  }

  Network& net_;
  const std::string& origin_;
  const Locator& locate_;
  std::unordered_map<std::string, int> species_, parameters_;
  std::unordered_map<std::string, std::string> kind_of_;
  std::unordered_map<std::string, std::string> defined_by_;
  std::vector<std::string> problems_;
};

}  // namespace

Status ApplyScenario(Network& network, const Scenario& scenario, const std::string& origin,
                     const Locator& locate) {
  Network result = network;  // the network is unchanged on error
  Overlay overlay(result, origin, locate);
  overlay.Apply(scenario.set(), "set", /*scale=*/false);
  overlay.Apply(scenario.scale(), "scale", /*scale=*/true);
  overlay.AddAll(scenario.add_species(), result.mutable_species(), "add_species", "species");
  overlay.AddAll(scenario.add_parameter(), result.mutable_parameter(), "add_parameter",
                 "parameter");
  overlay.AddAll(scenario.add_reaction(), result.mutable_reaction(), "add_reaction", "reaction");
  overlay.AddAll(scenario.add_event(), result.mutable_event(), "add_event", "event");
  overlay.ApplyOnCommit(scenario.on_commit());
  overlay.ApplyMosaic(scenario.mosaic());
  overlay.ApplyHeterogeneity(scenario.heterogeneity());
  if (Status s = overlay.Result(); !s.ok()) return s;
  network = std::move(result);
  return Status::OK();
}

}  // namespace grn
