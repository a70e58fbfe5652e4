// engine/model/compose.h
//
// Composition: the one place where networks are merged (module includes,
// `grnsim net merge`). Everything is merged by name:
//  * a species defined in two inputs must have the same initial_count, role
//    and constancy; a parameter the same value, unit, provenance and range
//    (a provenance or range given in only one input is taken from it);
//  * an `external` declaration (a module's input) merges with the definition
//    from any other input and takes everything from it; two declarations stay
//    one declaration;
//  * reactions, events, assignment rules and initial assignments must be
//    unique across inputs (rules and initial assignments by their variable);
//  * every input must use the same time_unit (an input without one adopts it).
// Every conflict is collected and reported together, each as
// "<later file:line:col>: ... here, but <earlier file:line:col> defines it
// with ...", naming both definitions. Elements keep the position of their first appearance,
// so a composed network lists species in include order.
//
// A Composition also remembers which input wrote each element, so a problem
// found later in the merged network (by Validate) is reported at the
// file:line:col of the module that wrote it.
#ifndef GRN_ENGINE_MODEL_COMPOSE_H_
#define GRN_ENGINE_MODEL_COMPOSE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/base/status.h"
#include "engine/model/validate.h"
#include "proto/network.pb.h"

namespace grn {

// Turns a field path of one input (a network or a scenario) into
// "file:line:col", or "file" when the line is not known.
using Locator = std::function<std::string(const FieldPath&)>;

// Where each element of a network built from several inputs came from.
class OriginTable {
 public:
  // Registers an input; returns its id. `name` (the file) is used when
  // `locate` is empty.
  int AddInput(std::string name, Locator locate);
  const std::string& input_name(int input) const { return inputs_[input].name; }

  // Element `kind`[merged_index] of the built network (kind is a repeated
  // field of grnsim.v1.Network: "species", "reaction", ...) was written as
  // `field`[source_index] of `input`.
  void Set(const std::string& kind, std::size_t merged_index, int input, const std::string& field,
           int source_index);
  // The network's own fields (name, description, time_unit) come from `input`.
  void SetHeaderInput(int input) { header_input_ = input; }
  // A singular message field of the network (e.g. population) came from `input`.
  void SetSingular(const std::string& field, int input) { singular_[field] = input; }

  // "file:line:col" of the field at `where` of the built network, in the
  // input that wrote it.
  std::string Locate(const FieldPath& where) const;
  // The same for a field of input `input` itself.
  std::string LocateIn(int input, const FieldPath& where) const;

 private:
  struct Input {
    std::string name;
    Locator locate;
  };
  struct Origin {
    int input = -1;
    std::string field;
    int index = 0;
  };
  std::vector<Input> inputs_;
  std::map<std::string, std::vector<Origin>> origins_;  // by kind
  std::map<std::string, int> singular_;                 // field → input
  int header_input_ = -1;
};

class Composition {
 public:
  // Merges the own definitions of `module` (its `include`s are not followed:
  // merge the included networks first, in order). `name` names the input in
  // messages and `locate` finds its fields (empty: `name` alone). Conflicts
  // are collected (see status()); the first definition is kept. Returns the
  // input's id in origins().
  int Merge(const grnsim::v1::Network& module, const std::string& name, Locator locate = {});

  // The merged network takes the name and description of `from`, merged as
  // input `input`, as its own (the including file, or the first of a merge).
  void TakeHeaderFrom(const grnsim::v1::Network& from, int input);

  // OK, or InvalidArgument listing every conflict, one per line.
  Status status() const;
  const std::vector<std::string>& conflicts() const { return conflicts_; }

  const grnsim::v1::Network& network() const { return net_; }
  // The merged network to change in place (a scenario overlay); record the
  // elements appended to it in origins(). No Merge after this.
  grnsim::v1::Network& mutable_network() { return net_; }
  OriginTable& origins() { return origins_; }
  const OriginTable& origins() const { return origins_; }

 private:
  struct Entry {
    std::size_t index;  // in the merged network's list of its kind
    int input;
    int source_index;
  };
  std::string Where(const char* kind, const Entry& e) const;
  void Conflict(std::string message) { conflicts_.push_back(std::move(message)); }
  void MergeSpecies(const grnsim::v1::Network& module, int input);
  void MergeParameters(const grnsim::v1::Network& module, int input);
  // The fields not named above (those of the population layer and any
  // added later), by reflection: repeated messages are appended, unique by
  // their `name` when they have one; singular fields set in two inputs must
  // be equal.
  void MergeOtherFields(const grnsim::v1::Network& module, int input);
  // Reactions, events, rules, initial assignments: unique keys, appended.
  template <typename Item, typename KeyOf>
  void MergeUnique(const google::protobuf::RepeatedPtrField<Item>& items,
                   google::protobuf::RepeatedPtrField<Item>* merged, const char* kind,
                   const char* what, std::unordered_map<std::string, Entry>& seen, KeyOf key_of,
                   int input);

  grnsim::v1::Network net_;
  OriginTable origins_;
  std::vector<std::string> conflicts_;
  int time_unit_input_ = -1;
  std::unordered_map<std::string, Entry> species_, parameters_, reactions_, events_, rules_,
      initial_assignments_;
  std::map<std::string, std::unordered_map<std::string, Entry>> other_names_;  // by field
  std::map<std::string, int> singular_input_;
};

// Merges `module` into `base` (base first: its name and description are the
// result's). Every conflict is listed, each naming both inputs by
// `base_name`/`module_name` (and file:line:col when locators are given).
StatusOr<grnsim::v1::Network> MergeNetworks(const grnsim::v1::Network& base,
                                            const grnsim::v1::Network& module,
                                            const std::string& base_name,
                                            const std::string& module_name,
                                            Locator base_locate = {}, Locator module_locate = {});

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_COMPOSE_H_
