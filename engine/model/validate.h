// engine/model/validate.h
//
// Validate checks everything Compile and the engine assume, and reports every
// problem at once. Each Diagnostic carries the path of the offending field so
// the io layer can turn it into file:line:column.
#ifndef GRN_ENGINE_MODEL_VALIDATE_H_
#define GRN_ENGINE_MODEL_VALIDATE_H_

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/kinetics/expression.h"

namespace grnsim::v1 {
class Network;
}

namespace grn {

// A path into the message: {("reaction", 3), ("modifier", 0),
// ("hill_activation", -1), ("k", -1)}; index -1 for a singular field.
using FieldPath = std::vector<std::pair<std::string, int>>;

struct Diagnostic {
  FieldPath where;
  std::string message;  // names the reaction/species/parameter and the value
};

struct ValidateOptions {
  // A module (a file other networks include) may declare species and
  // parameters `external`: the including network defines them. A network that
  // is compiled and simulated may not, so the default refuses them.
  bool allow_external = false;
};

std::vector<Diagnostic> Validate(const grnsim::v1::Network& network);
std::vector<Diagnostic> Validate(const grnsim::v1::Network& network,
                                 const ValidateOptions& options);

// True for [A-Za-z_][A-Za-z0-9_]*.
bool IsIdentifier(const std::string& name);

// The names of a network for expressions: species (counts), parameters
// (current values) and assignment-rule variables, whose rule expression is
// inlined wherever they are read. Shared by Validate and Compile so both
// accept exactly the same expressions.
class ModelNames {
 public:
  explicit ModelNames(const grnsim::v1::Network& network);

  // Compiles an expression; unknown names, syntax errors and rules that
  // refer to each other in a cycle are errors.
  StatusOr<ExpressionProgram> CompileText(const std::string& text) const;

  bool IsSpecies(const std::string& name) const { return species_.count(name) > 0; }
  bool IsParameter(const std::string& name) const { return parameters_.count(name) > 0; }
  bool HasRule(const std::string& name) const { return rules_.count(name) > 0; }
  std::uint32_t SpeciesIndex(const std::string& name) const { return species_.at(name); }
  std::uint32_t ParameterIndex(const std::string& name) const { return parameters_.at(name); }

 private:
  NameBinding Resolve(const std::string& name) const;

  std::unordered_map<std::string, std::uint32_t> species_;
  std::unordered_map<std::string, std::uint32_t> parameters_;
  std::unordered_map<std::string, std::string> rules_;  // variable → expression
  std::vector<double> parameter_values_;
  std::set<std::string> variable_parameters_;  // changed by events: read live
  mutable std::map<std::string, ExpressionProgram> compiled_rules_;  // stable addresses
  mutable std::vector<std::string> in_progress_;  // the rule chain being compiled
  mutable std::string cycle_;
};

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_VALIDATE_H_
