// engine/io/sbml_import.h
//
// SBML (levels 2 and 3, core only) → grnsim network. The only part of grnsim
// that sees libsbml; nothing of libsbml appears in this header.
//
// Semantics carried over (SBML stochastic conventions):
//  * a kinetic law is the propensity itself (no combinatorial factor added);
//    a law that is plainly mass action (constants × each reactant once)
//    becomes the structured fast path (k / k_param), anything else becomes
//    `propensity` text in the expression syntax of proto/network.proto;
//  * species are molecule counts: initialConcentration × compartment size;
//    a species with hasOnlySubstanceUnits=false stands for its concentration
//    (count / size) inside math, and rules, events and initial assignments
//    that set it are multiplied back by the size;
//  * compartments are not in the schema: a referenced compartment becomes a
//    constant parameter holding its size (missing size = 1);
//  * boundary and constant species become `constant: true`;
//  * local parameters become global ones named <reaction>_<param>;
//  * function definitions are inlined;
//  * events without delay, assignment rules and initial assignments map onto
//    their schema counterparts.
// Anything that cannot be carried over exactly (algebraic and rate rules,
// delays, fast reactions, packages, event priorities, non-persistent triggers
// among several events, reversible laws that do not split into forward −
// backward mass action, functions outside the expression syntax) is refused
// with NotSupported naming the file, the element and the construct.
#ifndef GRN_ENGINE_IO_SBML_IMPORT_H_
#define GRN_ENGINE_IO_SBML_IMPORT_H_

#include <string>

#include "engine/base/status.h"
#include "proto/network.pb.h"

namespace grn {

// True when `path` names an SBML file (ends in .xml or .sbml).
bool IsSbmlPath(const std::string& path);

// Reads and converts the SBML file at `path`. Errors start with the path:
// XML and SBML syntax errors as "path:line:col: message" (InvalidArgument),
// unsupported constructs as "path: reaction 'R1': ..." (NotSupported), a
// missing file as NotFound.
StatusOr<grnsim::v1::Network> ImportSbml(const std::string& path);

}  // namespace grn

#endif  // GRN_ENGINE_IO_SBML_IMPORT_H_
