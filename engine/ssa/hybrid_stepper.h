// engine/ssa/hybrid_stepper.h
//
// Hybrid SSA / tau-leaping stepper (--method hybrid; BIOLOGY.md §2.7.4): the
// low-copy reactions where the biologically relevant noise lives (promoter
// switching, transcription, mRNA and miRNA turnover, complexes) fire exactly,
// one at a time, while high-copy protein reactions (translation, protein
// decay, fast lumped signals) are tau-leaped under the step control of Cao,
// Gillespie & Petzold 2006 (tau_leap_stepper.h). An approximation, asked for
// by name; `auto` never picks it. In the spirit of Haseltine & Rawlings
// (J. Chem. Phys. 117:6959, 2002) and Puchałka & Kierzek (Biophys. J.
// 86:1357, 2004), partitioned by counts rather than by rates.
//
// Partition (recomputed before every leap, so reactions move between the
// sets as counts change). A species is *leapable* when its role is not gene,
// mrna, mirna or complex (HybridOptions::roles; those are always exact) and
// its count is at least HybridOptions::leap_min_count. A reaction is *leaped*
// when it changes at least one species, every species it changes is
// leapable, and it is not CGP-critical (each reactant it consumes allows at
// least TauLeapOptions::critical_threshold more firings). Every other
// reaction is *exact*. Translation M → M + P changes only P, so it is leaped
// with P; a complex formation P + miR → C changes miR, so it is exact.
//
// One cycle, from state x at time t:
//  1. all propensities are current (re-evaluated for the readers of every
//     species a firing or a leap changed); a0_L and a0_E sum the two sets;
//  2. τ' is CGP's bound (eq. 33) with μ_i, σ_i² summed over the leaped
//     reactions and g_i over every reaction reading species i, leaped or
//     exact, so that a leap moves no propensity — including those of the
//     exact reactions — by more than about ε;
//  3. if the leap would replace fewer than min_leap_in_ssa_steps expected
//     firings, a0_L·E[min(τ', τ_E, t_end − t)] with τ_E ~ Exp(a0_E), the
//     stepper takes exact_steps_on_fallback direct-method steps over all
//     reactions instead (with dependency-driven updates), so low counts and
//     quiet stretches are simulated exactly;
//  4. otherwise it draws the exact set's next firing time τ_E ~ Exp(a0_E) and
//     leaps for τ = min(τ', τ_E, t_end − t): every leaped reaction fires
//     Poisson(a_j·τ) times. If τ = τ_E, one exact reaction then fires, chosen
//     with probability a_j/a0_E from its propensities after the leap. The
//     exact species are therefore constant during every leap.
// Guarantees: no count ever becomes negative (a leap that would make one
// negative is rejected and retried with half its length, counted in
// stats().rejections, never clamped); no leap crosses the t_end of AdvanceTo;
// AdvanceTo does not allocate. A non-finite propensity or a count reaching
// 2^53 stops the run with an error naming the reaction. Propensities are held
// constant over a leap, so a law that reads time is evaluated at its start.
// stats(): events = exact firings + leaped firings; steps = leaps + exact
// steps.
//
// Accuracy: the exact reactions see protein levels that are correct to the
// leap's O(ε) error; leaps are short wherever exact events are frequent.
// The explicit-leap variance inflation of tau_leap_stepper.cc (1/(1 − λτ/2)
// near a stable equilibrium relaxing at rate λ) applies to leaped species,
// but τ is usually cut by the exact set's next firing, so λτ stays small for
// slowly turning-over proteins (tests/statistical/hybrid_test.cc).
#ifndef GRN_ENGINE_SSA_HYBRID_STEPPER_H_
#define GRN_ENGINE_SSA_HYBRID_STEPPER_H_

#include <memory>

#include "engine/base/status.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/stepper.h"

namespace grn {

// Fails (InvalidArgument) for bad tau options, a negative or NaN
// leap_min_count, or roles whose size is neither 0 nor num_species.
StatusOr<std::unique_ptr<Stepper>> MakeHybridStepper(std::shared_ptr<const CompiledModel> model,
                                                     const MethodOptions& options);

// True if a species with this role is always simulated exactly.
inline bool IsPinnedExact(SpeciesRole role) {
  return role == SpeciesRole::kGene || role == SpeciesRole::kMrna ||
         role == SpeciesRole::kMirna || role == SpeciesRole::kComplex;
}

}  // namespace grn

#endif  // GRN_ENGINE_SSA_HYBRID_STEPPER_H_
