// engine/model/compose.cc
#include "engine/model/compose.h"

#include <google/protobuf/util/message_differencer.h>

#include <charconv>
#include <set>
#include <utility>

namespace grn {
namespace {

using grnsim::v1::Network;
using grnsim::v1::Parameter;
using grnsim::v1::Species;

std::string Num(double v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string RoleText(Species::Role role) {
  return role == Species::ROLE_UNSPECIFIED ? "no role" : "role " + Species::Role_Name(role);
}

std::string UnitText(const std::string& unit) {
  return unit.empty() ? "no unit" : "unit \"" + unit + "\"";
}

std::string ProvenanceText(Parameter::Provenance p) {
  return "provenance " + Parameter::Provenance_Name(p);
}

std::string RangeText(const grnsim::v1::Range& r) {
  return "range [" + Num(r.min()) + ", " + Num(r.max()) + "]";
}

// "with a and b, <there> with c and d": the differing fields of two definitions.
struct Differences {
  std::vector<std::string> ours, theirs;
  void Add(std::string a, std::string b) {
    ours.push_back(std::move(a));
    theirs.push_back(std::move(b));
  }
  bool empty() const { return ours.empty(); }
  static std::string Join(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
      out += parts[i];
    }
    return out;
  }
};

std::string TimeUnitText(Network::TimeUnit unit) { return Network::TimeUnit_Name(unit); }

}  // namespace

int OriginTable::AddInput(std::string name, Locator locate) {
  inputs_.push_back({std::move(name), std::move(locate)});
  return static_cast<int>(inputs_.size()) - 1;
}

void OriginTable::Set(const std::string& kind, std::size_t merged_index, int input,
                      const std::string& field, int source_index) {
  std::vector<Origin>& list = origins_[kind];
  if (list.size() <= merged_index) list.resize(merged_index + 1);
  list[merged_index] = {input, field, source_index};
}

std::string OriginTable::LocateIn(int input, const FieldPath& where) const {
  if (input < 0 || input >= static_cast<int>(inputs_.size())) return "";
  const Input& in = inputs_[input];
  return in.locate ? in.locate(where) : in.name;
}

std::string OriginTable::Locate(const FieldPath& where) const {
  if (!where.empty() && where.front().second < 0) {
    if (auto it = singular_.find(where.front().first); it != singular_.end())
      return LocateIn(it->second, where);
  }
  if (!where.empty() && where.front().second >= 0) {
    auto kind = origins_.find(where.front().first);
    const auto index = static_cast<std::size_t>(where.front().second);
    if (kind != origins_.end() && index < kind->second.size() && kind->second[index].input >= 0) {
      const Origin& o = kind->second[index];
      FieldPath inner = where;
      inner.front() = {o.field, o.index};
      return LocateIn(o.input, inner);
    }
  }
  // The network's own fields, or anything not recorded: the header's file.
  const int input = header_input_ >= 0 ? header_input_ : (inputs_.empty() ? -1 : 0);
  return LocateIn(input, where);
}

std::string Composition::Where(const char* kind, const Entry& e) const {
  return origins_.LocateIn(e.input, {{kind, e.source_index}});
}

int Composition::Merge(const Network& module, const std::string& name, Locator locate) {
  const int input = origins_.AddInput(name, std::move(locate));
  if (module.time_unit() != Network::TIME_UNIT_UNSPECIFIED) {
    if (net_.time_unit() == Network::TIME_UNIT_UNSPECIFIED) {
      net_.set_time_unit(module.time_unit());
      time_unit_input_ = input;
    } else if (net_.time_unit() != module.time_unit()) {
      Conflict(origins_.LocateIn(input, {{"time_unit", -1}}) + ": time_unit " +
               TimeUnitText(module.time_unit()) + " here, but " +
               origins_.LocateIn(time_unit_input_, {{"time_unit", -1}}) + " uses " +
               TimeUnitText(net_.time_unit()) + " (every module must use the same time unit)");
    }
  }
  MergeSpecies(module, input);
  MergeParameters(module, input);
  auto by_name = [](const auto& item) -> const std::string& { return item.name(); };
  auto by_variable = [](const auto& item) -> const std::string& { return item.variable(); };
  MergeUnique(module.reaction(), net_.mutable_reaction(), "reaction", "reaction", reactions_,
              by_name, input);
  MergeUnique(module.event(), net_.mutable_event(), "event", "event", events_, by_name, input);
  MergeUnique(module.assignment_rule(), net_.mutable_assignment_rule(), "assignment_rule",
              "assignment rule for", rules_, by_variable, input);
  MergeUnique(module.initial_assignment(), net_.mutable_initial_assignment(),
              "initial_assignment", "initial assignment of", initial_assignments_, by_variable,
              input);
  MergeOtherFields(module, input);
  return input;
}

void Composition::TakeHeaderFrom(const Network& from, int input) {
  net_.set_name(from.name());
  net_.set_description(from.description());
  origins_.SetHeaderInput(input);
}

void Composition::MergeSpecies(const Network& module, int input) {
  for (int i = 0; i < module.species_size(); ++i) {
    const Species& sp = module.species(i);
    const Entry here{0, input, i};
    if (auto other = parameters_.find(sp.name()); !sp.name().empty() && other != parameters_.end()) {
      Conflict(Where("species", here) + ": '" + sp.name() + "' is a species here, but " +
               Where("parameter", other->second) + " defines it as a parameter");
      continue;
    }
    auto found = species_.find(sp.name());
    if (sp.name().empty() || found == species_.end()) {
      const std::size_t index = static_cast<std::size_t>(net_.species_size());
      *net_.add_species() = sp;
      origins_.Set("species", index, input, "species", i);
      if (!sp.name().empty()) species_.emplace(sp.name(), Entry{index, input, i});
      continue;
    }
    Entry& kept = found->second;
    Species& have = *net_.mutable_species(static_cast<int>(kept.index));
    // A declaration states at most a role and a count; what it states must
    // agree with the definition.
    const Species& declaration = sp.external() ? sp : have;
    const Species& definition = sp.external() ? have : sp;
    Differences diff;
    if (sp.external() || have.external()) {
      if (sp.external() && have.external()) continue;  // two declarations: one input
      if (declaration.role() != Species::ROLE_UNSPECIFIED && declaration.role() != definition.role())
        diff.Add(RoleText(declaration.role()), RoleText(definition.role()));
      if (declaration.initial_count() != 0 &&
          declaration.initial_count() != definition.initial_count())
        diff.Add("initial_count " + Num(declaration.initial_count()),
                 "initial_count " + Num(definition.initial_count()));
      if (!diff.empty()) {
        const Entry decl = sp.external() ? here : kept;
        const Entry def = sp.external() ? kept : here;
        Conflict(sp.external()
                     ? Where("species", decl) + ": species '" + sp.name() +
                           "' is declared external with " + Differences::Join(diff.ours) +
                           " here, but " + Where("species", def) + " defines it with " +
                           Differences::Join(diff.theirs)
                     : Where("species", def) + ": species '" + sp.name() + "' is defined with " +
                           Differences::Join(diff.theirs) + " here, but " +
                           Where("species", decl) + " declares it (external) with " +
                           Differences::Join(diff.ours));
        continue;
      }
      if (have.external()) {  // the definition replaces the declaration
        const std::string description = have.description();
        have = sp;
        if (have.description().empty()) have.set_description(description);
        kept.input = input;
        kept.source_index = i;
        origins_.Set("species", kept.index, input, "species", i);
      }
      continue;
    }
    if (have.initial_count() != sp.initial_count())
      diff.Add("initial_count " + Num(have.initial_count()), "initial_count " + Num(sp.initial_count()));
    if (have.role() != sp.role()) diff.Add(RoleText(have.role()), RoleText(sp.role()));
    if (have.constant() != sp.constant())
      diff.Add(have.constant() ? "constant: true" : "constant: false",
               sp.constant() ? "constant: true" : "constant: false");
    if (!diff.empty()) {
      Conflict(Where("species", here) + ": species '" + sp.name() + "' is defined with " +
               Differences::Join(diff.theirs) + " here, but " + Where("species", kept) +
               " defines it with " + Differences::Join(diff.ours) +
               " (a species defined in two modules must have the same definition)");
    } else if (have.description().empty()) {
      have.set_description(sp.description());
    }
  }
}

void Composition::MergeParameters(const Network& module, int input) {
  for (int i = 0; i < module.parameter_size(); ++i) {
    const Parameter& p = module.parameter(i);
    const Entry here{0, input, i};
    if (auto other = species_.find(p.name()); !p.name().empty() && other != species_.end()) {
      Conflict(Where("parameter", here) + ": '" + p.name() + "' is a parameter here, but " +
               Where("species", other->second) + " defines it as a species");
      continue;
    }
    auto found = parameters_.find(p.name());
    if (p.name().empty() || found == parameters_.end()) {
      const std::size_t index = static_cast<std::size_t>(net_.parameter_size());
      *net_.add_parameter() = p;
      origins_.Set("parameter", index, input, "parameter", i);
      if (!p.name().empty()) parameters_.emplace(p.name(), Entry{index, input, i});
      continue;
    }
    Entry& kept = found->second;
    Parameter& have = *net_.mutable_parameter(static_cast<int>(kept.index));
    Differences diff;
    if (p.external() || have.external()) {
      if (p.external() && have.external()) continue;
      const Parameter& declaration = p.external() ? p : have;
      const Parameter& definition = p.external() ? have : p;
      if (declaration.value() != 0 && declaration.value() != definition.value())
        diff.Add("value " + Num(declaration.value()), "value " + Num(definition.value()));
      if (!declaration.unit().empty() && declaration.unit() != definition.unit())
        diff.Add(UnitText(declaration.unit()), UnitText(definition.unit()));
      if (!diff.empty()) {
        const Entry decl = p.external() ? here : kept;
        const Entry def = p.external() ? kept : here;
        Conflict(p.external()
                     ? Where("parameter", decl) + ": parameter '" + p.name() +
                           "' is declared external with " + Differences::Join(diff.ours) +
                           " here, but " + Where("parameter", def) + " defines it with " +
                           Differences::Join(diff.theirs)
                     : Where("parameter", def) + ": parameter '" + p.name() +
                           "' is defined with " + Differences::Join(diff.theirs) + " here, but " +
                           Where("parameter", decl) + " declares it (external) with " +
                           Differences::Join(diff.ours));
        continue;
      }
      if (have.external()) {
        const std::string description = have.description();
        have = p;
        if (have.description().empty()) have.set_description(description);
        kept.input = input;
        kept.source_index = i;
        origins_.Set("parameter", kept.index, input, "parameter", i);
      }
      continue;
    }
    if (have.value() != p.value()) diff.Add("value " + Num(have.value()), "value " + Num(p.value()));
    if (have.unit() != p.unit()) diff.Add(UnitText(have.unit()), UnitText(p.unit()));
    const bool both_provenance = have.provenance() != Parameter::PROVENANCE_UNSPECIFIED &&
                                 p.provenance() != Parameter::PROVENANCE_UNSPECIFIED;
    if (both_provenance && have.provenance() != p.provenance())
      diff.Add(ProvenanceText(have.provenance()), ProvenanceText(p.provenance()));
    if (have.has_range() && p.has_range() &&
        (have.range().min() != p.range().min() || have.range().max() != p.range().max()))
      diff.Add(RangeText(have.range()), RangeText(p.range()));
    if (!diff.empty()) {
      Conflict(Where("parameter", here) + ": parameter '" + p.name() + "' is defined with " +
               Differences::Join(diff.theirs) + " here, but " + Where("parameter", kept) +
               " defines it with " + Differences::Join(diff.ours) +
               " (a parameter defined in two modules must have the same definition)");
      continue;
    }
    // The same definition: what one input documents and the other leaves
    // out is kept.
    if (have.provenance() == Parameter::PROVENANCE_UNSPECIFIED) have.set_provenance(p.provenance());
    if (!have.has_range() && p.has_range()) *have.mutable_range() = p.range();
    if (have.description().empty()) have.set_description(p.description());
    if (have.source().empty()) have.set_source(p.source());
  }
}

template <typename Item, typename KeyOf>
void Composition::MergeUnique(const google::protobuf::RepeatedPtrField<Item>& items,
                              google::protobuf::RepeatedPtrField<Item>* merged, const char* kind,
                              const char* what, std::unordered_map<std::string, Entry>& seen,
                              KeyOf key_of, int input) {
  for (int i = 0; i < items.size(); ++i) {
    const std::string& key = key_of(items[i]);
    const Entry here{static_cast<std::size_t>(merged->size()), input, i};
    if (!key.empty()) {
      auto [it, inserted] = seen.emplace(key, here);
      if (!inserted) {
        Conflict(Where(kind, here) + ": " + what + " '" + key + "' is defined again here; " +
                 Where(kind, it->second) +
                 " defines it first (reactions, events and rules must be unique across modules)");
        continue;
      }
    }
    *merged->Add() = items[i];
    origins_.Set(kind, here.index, input, kind, i);
  }
}

void Composition::MergeOtherFields(const Network& module, int input) {
  namespace pb = google::protobuf;
  static const std::set<std::string> kHandled = {
      "name",     "description", "time_unit", "species",         "parameter",
      "reaction", "event",       "include",   "assignment_rule", "initial_assignment"};
  const pb::Reflection* reflection = module.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  reflection->ListFields(module, &fields);  // the fields set in `module`
  for (const pb::FieldDescriptor* field : fields) {
    const std::string& kind = field->name();
    if (kHandled.count(kind)) continue;
    if (field->is_repeated() && field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      const pb::FieldDescriptor* name_field = field->message_type()->FindFieldByName("name");
      if (name_field != nullptr && (name_field->is_repeated() ||
                                    name_field->type() != pb::FieldDescriptor::TYPE_STRING)) {
        name_field = nullptr;
      }
      for (int i = 0; i < reflection->FieldSize(module, field); ++i) {
        const pb::Message& item = reflection->GetRepeatedMessage(module, field, i);
        const Entry here{static_cast<std::size_t>(reflection->FieldSize(net_, field)), input, i};
        const std::string key =
            name_field != nullptr ? item.GetReflection()->GetString(item, name_field) : "";
        if (!key.empty()) {
          auto [it, inserted] = other_names_[kind].emplace(key, here);
          if (!inserted) {
            Conflict(Where(kind.c_str(), here) + ": " + kind + " '" + key +
                     "' is defined again here; " + Where(kind.c_str(), it->second) +
                     " defines it first (names must be unique across modules)");
            continue;
          }
        }
        reflection->AddMessage(&net_, field)->CopyFrom(item);
        origins_.Set(kind, here.index, input, kind, i);
      }
      continue;
    }
    // Singular fields (and repeated scalars, as one value): set in two
    // inputs, they must be the same.
    auto only = [&](const Network& from) {
      Network part = from;
      for (int f = 0; f < Network::descriptor()->field_count(); ++f) {
        const pb::FieldDescriptor* other = Network::descriptor()->field(f);
        if (other != field) part.GetReflection()->ClearField(&part, other);
      }
      return part;
    };
    auto set_in = singular_input_.find(kind);
    if (set_in == singular_input_.end()) {
      net_.MergeFrom(only(module));
      singular_input_[kind] = input;
      origins_.SetSingular(kind, input);
    } else if (!pb::util::MessageDifferencer::Equals(only(net_), only(module))) {
      Conflict(origins_.LocateIn(input, {{kind, -1}}) + ": " + kind + " is set here, and " +
               origins_.LocateIn(set_in->second, {{kind, -1}}) +
               " sets it differently (a setting given in two modules must be the same)");
    }
  }
}

Status Composition::status() const {
  if (conflicts_.empty()) return Status::OK();
  std::string message;
  for (const std::string& c : conflicts_) {
    if (!message.empty()) message += '\n';
    message += c;
  }
  return InvalidArgumentError(message);
}

StatusOr<Network> MergeNetworks(const Network& base, const Network& module,
                                const std::string& base_name, const std::string& module_name,
                                Locator base_locate, Locator module_locate) {
  Composition composition;
  const int first = composition.Merge(base, base_name, std::move(base_locate));
  composition.Merge(module, module_name, std::move(module_locate));
  composition.TakeHeaderFrom(base, first);
  if (Status s = composition.status(); !s.ok()) return s;
  return composition.network();
}

}  // namespace grn
