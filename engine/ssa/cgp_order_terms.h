// engine/ssa/cgp_order_terms.h
//
// The elasticity bounds g_i of Cao, Gillespie & Petzold's tau-leap step-size
// selection (J. Chem. Phys. 124:044109, 2006, section IV), shared by
// tau_leap_stepper.cc and hybrid_stepper.cc.
//
// For a reaction of total order M with m molecules of species i, CGP's table
// (HOR 1: 1; HOR 2: 2 or 2 + 1/(x−1); HOR 3: 3, 3/2·(2 + 1/(x−1)) or
// 3 + 1/(x−1) + 2/(x−2)) is the case M <= 3 of
//   g = (M/m)·(m + Σ_{k=1}^{m−1} k/(x − k)),
// since x(x−1)…(x−m+1) has elasticity m + Σ k/(x−k) and the species gets the
// share m/M of ε. Extension for modifiers (not in CGP): a Hill factor's
// elasticity is at most its n, and a Michaelis–Menten factor's at most 1, so
// each modifier adds its bound e to M and to its species' share (m + e):
//   g = (M/(m + e))·(m + e + Σ_{k=1}^{m−1} k/(x − k)).
// When x < m the elasticity is unbounded (+inf here; the step bound
// max(εx/g, 1) is then 1). A rate-law expression (kExpression) has no known
// elasticity: its reactant orders are used as for mass action, and the other
// species it reads are not bounded.
#ifndef GRN_ENGINE_SSA_CGP_ORDER_TERMS_H_
#define GRN_ENGINE_SSA_CGP_ORDER_TERMS_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/model/compiled_model.h"

namespace grn {

// One species' share of one reaction's order.
struct CgpOrderTerm {
  SpeciesIndex species;
  std::uint32_t order;  // m: mass-action order of the species in the reaction
  double extra;         // e: summed elasticity bounds of modifiers reading it
  double scale;         // M / (m + e)

  // m + e + Σ_{k=1}^{m−1} k/(x − k); +inf when x < m (the bound is then 1).
  double Elasticity(double x) const {
    double e = order + extra;
    for (std::uint32_t k = 1; k < order; ++k) {
      if (x <= k) return std::numeric_limits<double>::infinity();
      e += k / (x - k);
    }
    return e;
  }
  // This term's contribution to g_species at count x.
  double G(double x) const { return Elasticity(x) * scale; }
};

// The order terms of every reaction, as CSR rows: terms()[begin()[r] ..
// begin()[r + 1]) are reaction r's, mass-action orders first, then modifier
// bounds merged into the term of their species.
class CgpOrderTerms {
 public:
  explicit CgpOrderTerms(const CompiledModel& model) : begin_{0} {
    for (ReactionIndex r = 0; r < model.num_reactions(); ++r) {
      const ReactionKinetics& k = model.kinetics(r);
      const std::size_t first = terms_.size();
      double total = 0.0;
      for (std::uint32_t i = k.reactant_begin; i < k.reactant_end; ++i) {
        terms_.push_back({model.reactant_species()[i], model.reactant_order()[i], 0.0, 0.0});
        total += model.reactant_order()[i];
      }
      for (std::uint32_t i = k.factor_begin; i < k.factor_end; ++i) {
        const RateFactor& f = model.factors()[i];
        // |d ln f/d ln x|: n·K^n/(K^n + x^n) <= n for Hill activation and
        // repression, K/(K + x) <= 1 for Michaelis–Menten.
        const double bound = f.kind == FactorKind::kMichaelisMenten ? 1.0 : f.n;
        total += bound;
        auto it = std::find_if(terms_.begin() + static_cast<std::ptrdiff_t>(first), terms_.end(),
                               [&](const CgpOrderTerm& t) { return t.species == f.species; });
        if (it != terms_.end()) {
          it->extra += bound;
        } else {
          terms_.push_back({f.species, 0, bound, 0.0});
        }
      }
      for (std::size_t i = first; i < terms_.size(); ++i) {
        terms_[i].scale = total / (terms_[i].order + terms_[i].extra);
      }
      begin_.push_back(static_cast<std::uint32_t>(terms_.size()));
    }
  }

  const std::vector<CgpOrderTerm>& terms() const { return terms_; }
  const std::vector<std::uint32_t>& begin() const { return begin_; }

 private:
  std::vector<CgpOrderTerm> terms_;
  std::vector<std::uint32_t> begin_;  // CSR rows of terms_ per reaction
};

}  // namespace grn

#endif  // GRN_ENGINE_SSA_CGP_ORDER_TERMS_H_
