// engine/ssa/tau_leap_stepper.h
//
// Explicit adaptive tau-leaping (Cao, Gillespie & Petzold, "Efficient step
// size selection for the tau-leaping simulation method", J. Chem. Phys.
// 124:044109, 2006; "CGP" below). An approximation, asked for by name
// (--method tau); `auto` never picks it.
//
// One leap of length τ fires every non-critical reaction j a Poisson(a_j·τ)
// number of times, with τ chosen so that no propensity is expected to change
// by more than ε·a_j (CGP eq. 33 with the g_i of section IV). Guarantees:
//  * no count ever becomes negative: a leap that would make one negative is
//    rejected and retried with half the step (counted in stats().rejections),
//    never clamped;
//  * critical reactions (within `critical_threshold` firings of exhausting a
//    reactant) fire at most once per leap, at an exact Exp(a0_critical) time;
//  * when a leap would cover fewer than `min_leap_in_ssa_steps` expected
//    events, `exact_steps_on_fallback` exact (direct-method) steps are taken
//    instead, so small counts are simulated exactly;
//  * no leap crosses the t_end of AdvanceTo (the last one is truncated), so
//    unlike the exact methods the result depends on the output grid — within
//    the method's ε accuracy, not in distribution for exact-step stretches;
//  * AdvanceTo does not allocate.
// A non-finite propensity or a count reaching 2^53 stops the run with an
// error naming the reaction.
#ifndef GRN_ENGINE_SSA_TAU_LEAP_STEPPER_H_
#define GRN_ENGINE_SSA_TAU_LEAP_STEPPER_H_

#include <memory>
#include <span>

#include "engine/base/status.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/stepper.h"

namespace grn {

StatusOr<std::unique_ptr<Stepper>> MakeTauLeapStepper(std::shared_ptr<const CompiledModel> model,
                                                      const MethodOptions& options);

// The expected number of SSA events one leap replaces at state x: a0 times
// the expected leap length E[min(τ', τ'')], with τ' from the CGP formula over
// the non-critical reactions and τ'' ~ Exp(a0_critical) (so a0·τ' when no
// reaction is critical). Values below options.min_leap_in_ssa_steps mean
// tau-leaping would take exact steps there (no gain); large values mean a
// large speed-up. 0 when nothing can fire or a propensity is not finite;
// 2^50 (kMaxPoissonMean, the cap on one leap's firings) when nothing else
// bounds the leap, e.g. with only zero-order reactions.
// REQUIRES: x.size() == model.num_species().
double EstimateTauLeapSpeedup(const CompiledModel& model, std::span<const double> x,
                              const TauLeapOptions& options);

}  // namespace grn

#endif  // GRN_ENGINE_SSA_TAU_LEAP_STEPPER_H_
