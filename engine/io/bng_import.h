// engine/io/bng_import.h
//
// BioNetGen network files (.net, written by BNG2.pl generate_network) →
// grnsim network. The only part of grnsim that reads the .net format.
//
// What is carried over:
//  * parameters: `idx name expression`. A number becomes the value; an
//    expression over earlier parameters (BNG "ConstantExpression") is
//    evaluated for the value and kept as an initial assignment, so a changed
//    parameter (scenario, `grnsim net set`) still flows into those built on it;
//  * species: `idx pattern amount`. Patterns such as L(r!1).R(l!1) are not
//    identifiers: species are named S1..Sn after their BNG index (another
//    letter if the file uses such names itself) and the pattern is kept as the
//    description. A `$` prefix (BNG fixed species) makes the species constant.
//    An amount that reads parameters is kept as an initial assignment;
//  * reactions: `idx reactants products rate`, named R1..Rn, the BNG rule name
//    (the trailing #comment) kept as the description. `0` means no species.
//    BNG folds the symmetry factor of identical reactants into the constant
//    it writes: 2A fires at k·x(x−1), 3A at k·x(x−1)(x−2). grnsim's constant c
//    counts combinations, c·C(x,2) = c·x(x−1)/2, so the imported constant is
//    c = k·Π m_i! (2k for a homodimer). A rate that is not a single parameter
//    becomes a derived parameter (`k_expr1`, ...; one per distinct
//    expression) whose initial assignment holds the expression;
//  * groups (observables): `idx name members`, members `i` or `w*i`. With
//    BngImportOptions::groups (the default) each becomes a species named after
//    the group, defined by an assignment rule (the weighted sum), so it is an
//    output column; reactions never read it. Off: groups are skipped.
// BNG has no time unit; seconds are assumed (and said in the description).
//
// Refused by name with file:line (NotSupported): functional rate laws (a rate
// naming a `begin functions` entry), the Sat/MM/Hill/Arrhenius/FunctionProduct
// rate laws, compartments and energy patterns. Syntax errors, unknown species
// indices and a file that ends inside a block are InvalidArgument with
// file:line:col.
#ifndef GRN_ENGINE_IO_BNG_IMPORT_H_
#define GRN_ENGINE_IO_BNG_IMPORT_H_

#include <string>

#include "engine/base/status.h"
#include "engine/io/network_io.h"

namespace grn {

struct BngImportOptions {
  bool groups = true;  // groups become rule-defined species (output columns)
};

// True when `path` names a BioNetGen network file (ends in .net).
bool IsBngPath(const std::string& path);

// Reads and converts the .net file at `path`. The source map of the result
// turns validation problems into "path:line: ..." at the line of the
// parameter, species, reaction or group concerned.
StatusOr<NetworkFile> ImportBng(const std::string& path, const BngImportOptions& options = {});

// The same, from text already in memory (`path` only names it in messages).
StatusOr<NetworkFile> ImportBngText(const std::string& path, const std::string& text,
                                    const BngImportOptions& options = {});

}  // namespace grn

#endif  // GRN_ENGINE_IO_BNG_IMPORT_H_
