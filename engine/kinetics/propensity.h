// engine/kinetics/propensity.h
//
// Propensity<Regime>(model, r, x): the rate of reaction r in state x.
//  * kStochastic: a = c' · Π_i x_i(x_i−1)…(x_i−m_i+1) · Π_f f(x), the exact
//    CME propensity (c' = c/Π m_i!, folded by Compile). Zero whenever a
//    reactant has fewer than m_i molecules, so counts never go negative.
//  * kDeterministic: a = c' · Π_i x_i^{m_i} · Π_f f(x), the reaction-rate
//    equation for mean counts (2X: c·x(x−1)/2 becomes c·x²/2).
// Pure functions; inline so the exact loop compiles to straight-line code for
// the common shapes.
#ifndef GRN_ENGINE_KINETICS_PROPENSITY_H_
#define GRN_ENGINE_KINETICS_PROPENSITY_H_

#include <algorithm>
#include <cmath>
#include <span>

#include "engine/base/check.h"
#include "engine/model/compiled_model.h"

namespace grn {

enum class Regime { kStochastic, kDeterministic };

inline double IntPow(double r, unsigned n) {
  double p = r;
  for (unsigned i = 1; i < n; ++i) p *= r;
  return p;
}

inline double EvaluateFactor(const RateFactor& f, const double* x) {
  const double r = x[f.species] * f.inv_k;
  switch (f.kind) {
    case FactorKind::kHillActivationInt: {
      const double rn = IntPow(r, f.int_n);
      return 1.0 - 1.0 / (1.0 + rn);
    }
    case FactorKind::kHillRepressionInt:
      return 1.0 / (1.0 + IntPow(r, f.int_n));
    case FactorKind::kHillActivation:
      return 1.0 - 1.0 / (1.0 + std::pow(r, f.n));
    case FactorKind::kHillRepression:
      return 1.0 / (1.0 + std::pow(r, f.n));
    case FactorKind::kMichaelisMenten:
      return r / (1.0 + r);
  }
  return 0.0;
}

// Raw pointers into a CompiledModel's kinetics arrays, hoisted out of hot loops.
struct KineticsView {
  const ReactionKinetics* kinetics;
  const SpeciesIndex* reactant_species;
  const std::uint32_t* reactant_order;
  const RateFactor* factors;
  const Instr* code;
  const double* initial_parameters;

  explicit KineticsView(const CompiledModel& m)
      : kinetics(m.kinetics_data()),
        reactant_species(m.reactant_species().data()),
        reactant_order(m.reactant_order().data()),
        factors(m.factors().data()),
        code(m.program_code().data()),
        initial_parameters(m.initial_parameters().data()) {}
};

// The general path: any mass-action order and the modifier factors, or an
// expression program (which reads the current parameters p and time t).
template <Regime kRegime>
inline double GeneralPropensity(const KineticsView& view, const ReactionKinetics& k,
                                const double* x, const double* p, double t) {
  double a;
  switch (k.shape) {
    case MassActionKind::kZeroOrder:
      a = k.c;
      break;
    case MassActionKind::kFirstOrder:
      a = k.c * x[k.s0];
      break;
    case MassActionKind::kHomodimer:
      // x(x−1) is 0 for x ∈ {0, 1}; never negative for whole counts.
      a = kRegime == Regime::kStochastic ? k.c * x[k.s0] * (x[k.s0] - 1.0)
                                         : k.c * x[k.s0] * x[k.s0];
      break;
    case MassActionKind::kHeterodimer:
      a = k.c * x[k.s0] * x[k.s1];
      break;
    case MassActionKind::kExpression:
      return kRegime == Regime::kStochastic
                 ? EvaluateExpression(view.code + k.program_begin,
                                      k.program_end - k.program_begin, x, p, t)
                 : EvaluateExpression(view.code + k.det_program_begin,
                                      k.det_program_end - k.det_program_begin, x, p, t);
    default: {
      a = k.c;
      for (std::uint32_t i = k.reactant_begin; i < k.reactant_end; ++i) {
        const double xi = x[view.reactant_species[i]];
        for (std::uint32_t j = 0; j < view.reactant_order[i]; ++j) {
          a *= kRegime == Regime::kStochastic ? std::max(xi - j, 0.0) : xi;
        }
      }
    }
  }
  for (std::uint32_t i = k.factor_begin; i < k.factor_end; ++i) {
    a *= EvaluateFactor(view.factors[i], x);
  }
  return a;
}

// REQUIRES: r indexes a reaction of the viewed model; x holds its counts; p
// its current parameter values (see State::p).
template <Regime kRegime>
inline double Propensity(const KineticsView& view, ReactionIndex r, const double* x,
                         const double* p, double t) {
  return GeneralPropensity<kRegime>(view, view.kinetics[r], x, p, t);
}

// With the model's initial parameter values, at time 0: for models whose
// parameters no event changes and whose laws do not read time.
template <Regime kRegime>
inline double Propensity(const KineticsView& view, ReactionIndex r, const double* x) {
  return GeneralPropensity<kRegime>(view, view.kinetics[r], x, view.initial_parameters, 0.0);
}

// The stochastic propensity over a working copy of the counts that has one
// extra slot, x[num_species] == 1.0 (ReactionKinetics' fast path). Equal to
// Propensity<kStochastic> for every law.
// REQUIRES: x holds num_species + 1 values, the last one 1.0.
// The general path out of line: a loop that calls it keeps only the
// kinetics array live, leaving registers for the generator and the counts.
[[gnu::noinline]] inline double SlowStochasticPropensity(const CompiledModel& model,
                                                         ReactionIndex r, const double* x,
                                                         const double* p, double t) {
  const KineticsView view(model);
  return GeneralPropensity<Regime::kStochastic>(view, view.kinetics[r], x, p, t);
}

inline double PropensityWithUnitSlot(const CompiledModel& model, const ReactionKinetics* kinetics,
                                     ReactionIndex r, const double* x, const double* p,
                                     double t) {
  const ReactionKinetics& k = kinetics[r];
  if (!k.slow) [[likely]] return k.c * x[k.fast_s0] * (x[k.fast_s1] - k.fast_offset);
  return SlowStochasticPropensity(model, r, x, p, t);
}

// REQUIRES: r < model.num_reactions(); x holds model.num_species() counts.
template <Regime kRegime>
inline double Propensity(const CompiledModel& model, ReactionIndex r, const double* x) {
  GRN_DCHECK(r < model.num_reactions());
  return Propensity<kRegime>(KineticsView(model), r, x);
}

template <Regime kRegime>
inline double Propensity(const CompiledModel& model, ReactionIndex r, const double* x,
                         const double* p, double t) {
  GRN_DCHECK(r < model.num_reactions());
  return Propensity<kRegime>(KineticsView(model), r, x, p, t);
}

// a[r] = Propensity(model, r, x) for every reaction.
template <Regime kRegime>
inline void EvaluateAll(const CompiledModel& model, const double* x, std::span<double> a) {
  for (ReactionIndex r = 0; r < model.num_reactions(); ++r) a[r] = Propensity<kRegime>(model, r, x);
}

}  // namespace grn

#endif  // GRN_ENGINE_KINETICS_PROPENSITY_H_
