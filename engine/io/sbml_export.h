// engine/io/sbml_export.h
//
// grnsim network → SBML Level 3 Version 2 (core), written with libsbml. The
// export stands on its own: every part of the network is ordinary SBML (no
// annotation carries it), so any SBML tool reads the same model, and
// ImportSbml reads it back to a network that simulates to the same results.
// Nothing of libsbml appears in this header.
//
// Mapping (SBML's stochastic convention: a kinetic law is the propensity):
//  * one compartment of size 1; species are amounts (hasOnlySubstanceUnits,
//    initialAmount = initial_count, substance and extent unit `item`);
//    a `constant` species is a boundary species (constant unless an event
//    sets it);
//  * parameters are global, constant unless an event or rule sets them;
//  * a mass-action law is written out with our combinatorics,
//    c · Π C(x, m) with C(x, 2) = X*(X - 1)/2 and so on, times each modifier:
//    hill_activation X^n/(K^n + X^n), hill_repression K^n/(K^n + X^n),
//    michaelis_menten X/(K + X); species a law reads that are neither
//    reactants nor products are listed as modifiers;
//  * propensity expressions, conditions and assignments are compiled by our
//    expression compiler and printed, in the exact evaluation order of the
//    compiled program, as fully parenthesised formulas for libsbml's L3
//    formula parser; numbers used as truth values become `x != 0`, truth
//    values used as numbers become piecewise(1, c, 0), as MathML types ask;
//  * events: at_time T becomes the trigger time >= T, `when` a trigger with
//    initialValue = true_before_start; assignment rules and initial
//    assignments map one to one; time_unit becomes the model's timeUnits.
// Refused with NotSupported, naming the element: periodic events (`period`;
// SBML core has no repeating trigger grnsim could read back), a stoichiometry
// above 170 (its m! is not a finite double) and expressions that fold to a
// non-finite constant.
#ifndef GRN_ENGINE_IO_SBML_EXPORT_H_
#define GRN_ENGINE_IO_SBML_EXPORT_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "proto/network.pb.h"

namespace grn {

// The SBML document for `network` as XML text. Checked with libsbml's
// consistency checks (all but units) before it is returned; a problem there
// is an InternalError listing libsbml's messages.
// REQUIRES: Validate(network) is empty.
StatusOr<std::string> ExportSbml(const grnsim::v1::Network& network);

// ExportSbml, written to `path` atomically.
Status WriteSbmlFile(const std::string& path, const grnsim::v1::Network& network);

// libsbml's consistency problems of severity error or worse in `sbml` (an
// SBML document as text), each as "line:col: message (libsbml error N)",
// with the unit checks left out (grnsim's units are free text). Empty when
// the document is valid.
std::vector<std::string> SbmlConsistencyErrors(const std::string& sbml);

}  // namespace grn

#endif  // GRN_ENGINE_IO_SBML_EXPORT_H_
