// engine/ssa/exact_stepper.cc
//
// Error reports for the exact loop, kept out of line so the hot loop stays small.
#include "engine/ssa/exact_stepper.h"

#include <algorithm>
#include <sstream>

namespace grn {
namespace {

std::string DescribeState(const CompiledModel& model, ReactionIndex r, const double* x) {
  // The species the reaction reads or changes: enough to see the cause.
  std::ostringstream out;
  out.precision(17);
  const ReactionKinetics& k = model.kinetics(r);
  std::vector<SpeciesIndex> shown;
  for (std::uint32_t i = k.reactant_begin; i < k.reactant_end; ++i)
    shown.push_back(model.reactant_species()[i]);
  for (std::uint32_t i = k.factor_begin; i < k.factor_end; ++i)
    shown.push_back(model.factors()[i].species);
  for (std::uint32_t i = model.stoich_begin(r); i < model.stoich_end(r); ++i)
    shown.push_back(model.stoich_species()[i]);
  std::sort(shown.begin(), shown.end());
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  const char* sep = "";
  for (SpeciesIndex s : shown) {
    out << sep << model.species_names()[s] << "=" << x[s];
    sep = ", ";
  }
  return out.str();
}

}  // namespace

Status BadPropensityError(const CompiledModel& model, ReactionIndex r, double value, double t,
                          const double* x) {
  std::ostringstream out;
  out.precision(17);
  out << "reaction '" << model.reaction_names()[r] << "': propensity is " << value
      << " (must be finite and >= 0) at t=" << t << " with " << DescribeState(model, r, x);
  return NumericalError(out.str());
}

Status CountOverflowError(const CompiledModel& model, ReactionIndex r, double t,
                          const double* x) {
  bool negative = false;
  for (std::uint32_t i = model.stoich_begin(r); i < model.stoich_end(r); ++i) {
    negative |= x[model.stoich_species()[i]] < 0;
  }
  std::ostringstream out;
  out.precision(17);
  out << "reaction '" << model.reaction_names()[r] << "': "
      << (negative ? "a count went below zero (its propensity stays positive when a reactant "
                     "has run out; make the law vanish with its reactants)"
                   : "a count reached 2^53, beyond which counts are not exact")
      << ", at t=" << t << " with " << DescribeState(model, r, x);
  return NumericalError(out.str());
}

}  // namespace grn
