// engine/model/validate.h
//
// Validate checks everything Compile and the engine assume, and reports every
// problem at once. Each Diagnostic carries the path of the offending field so
// the io layer can turn it into file:line:column.
#ifndef GRN_ENGINE_MODEL_VALIDATE_H_
#define GRN_ENGINE_MODEL_VALIDATE_H_

#include <string>
#include <utility>
#include <vector>

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

std::vector<Diagnostic> Validate(const grnsim::v1::Network& network);

// True for [A-Za-z_][A-Za-z0-9_]*.
bool IsIdentifier(const std::string& name);

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_VALIDATE_H_
