// engine/sim/make_stepper.cc
#include "engine/sim/make_stepper.h"

#include "engine/ode/cvode_stepper.h"
#include "engine/ssa/composition_rejection_selector.h"
#include "engine/ssa/direct_selector.h"
#include "engine/ssa/exact_stepper.h"
#include "engine/ssa/hybrid_stepper.h"
#include "engine/ssa/next_reaction_selector.h"
#include "engine/ssa/rssa_selector.h"
#include "engine/ssa/tau_leap_stepper.h"

namespace grn {

const char* MethodName(MethodKind kind) {
  switch (kind) {
    case MethodKind::kDirect: return "direct";
    case MethodKind::kNextReaction: return "nrm";
    case MethodKind::kCompositionRejection: return "cr";
    case MethodKind::kRssa: return "rssa";
    // An identifier (gtest names parameterized tests by it); "rssa-cr" is
    // accepted too.
    case MethodKind::kRssaCr: return "rssa_cr";
    case MethodKind::kTauLeap: return "tau";
    case MethodKind::kHybrid: return "hybrid";
    case MethodKind::kOde: return "ode";
  }
  return "unknown";
}

StatusOr<MethodKind> ParseMethod(const std::string& name) {
  if (name == "direct") return MethodKind::kDirect;
  if (name == "nrm" || name == "next-reaction") return MethodKind::kNextReaction;
  if (name == "cr") return MethodKind::kCompositionRejection;
  if (name == "rssa") return MethodKind::kRssa;
  if (name == "rssa_cr" || name == "rssa-cr") return MethodKind::kRssaCr;
  if (name == "tau") return MethodKind::kTauLeap;
  if (name == "hybrid") return MethodKind::kHybrid;
  if (name == "ode") return MethodKind::kOde;
  return InvalidArgumentError("unknown method '" + name + "' (expected auto, direct, nrm, cr, rssa, rssa_cr, tau, hybrid or ode)");
}

MethodKind ChooseExactMethod(const CompiledModel& model) {
  // Direct's linear search costs O(M) per event but nothing else: cheapest up
  // to ~100 reactions (dimer decay 35 ns/event against 42-57 for the others).
  // Beyond, selection must not grow with M: composition-rejection draws in
  // O(1), and RSSA-CR also skips most propensity updates, since a firing
  // only refreshes the bounds of reactions reading a species that left its
  // interval; that needs laws with monotone bounds (plain mass action, the
  // others get exact bounds and gain nothing). Measured CPU ns/event
  // (bench/ssa_bench, bench/large_networks_bench): sparse 1000 reactions
  // rssa_cr 58, cr 67, nrm 120, direct 505; multisite2 rssa_cr 93, direct
  // 388; egfr_net rssa_cr 68, nrm 207; fceri_gamma2 rssa_cr 485, cr 1547, nrm
  // 2079. NRM is never the fastest here, so auto does not pick it.
  const std::size_t m = model.num_reactions();
  if (m <= kDirectMaxReactions) return MethodKind::kDirect;
  std::size_t mass_action = 0;
  for (ReactionIndex r = 0; r < m; ++r) mass_action += model.kinetics(r).slow ? 0 : 1;
  return 2 * mass_action >= m ? MethodKind::kRssaCr : MethodKind::kCompositionRejection;
}

StatusOr<std::unique_ptr<Stepper>> MakeStepper(MethodKind kind,
                                               std::shared_ptr<const CompiledModel> model,
                                               const MethodOptions& options) {
  if (IsExact(kind) && model->propensity_reads_time()) {
    // A law that changes with time between reactions needs thinning against
    // a bound to stay exact; refuse rather than simulate it wrongly.
    return NotSupportedError(std::string("method '") + MethodName(kind) +
                             "' is exact and cannot simulate a propensity that reads time; "
                             "drive time-varying inputs with events (at_time), or use --method ode");
  }
  if (!IsExact(kind) && model->has_condition_events()) {
    // Leaps and ODE steps do not stop where a condition turns true.
    return NotSupportedError(std::string("method '") + MethodName(kind) +
                             "' does not watch event conditions ('when'); use an exact method, "
                             "or at_time events");
  }
  switch (kind) {
    case MethodKind::kDirect:
      return std::unique_ptr<Stepper>(
          std::make_unique<ExactStepper<DirectSelector>>(std::move(model), options));
    case MethodKind::kNextReaction:
      return std::unique_ptr<Stepper>(
          std::make_unique<ExactStepper<NextReactionSelector>>(std::move(model), options));
    case MethodKind::kCompositionRejection:
      return MakeCompositionRejectionStepper(std::move(model), options);
    case MethodKind::kRssa:
      return MakeRssaStepper(std::move(model), options, /*with_cr=*/false);
    case MethodKind::kRssaCr:
      return MakeRssaStepper(std::move(model), options, /*with_cr=*/true);
    case MethodKind::kTauLeap:
      return MakeTauLeapStepper(std::move(model), options);
    case MethodKind::kHybrid:
      return MakeHybridStepper(std::move(model), options);
    case MethodKind::kOde:
      return MakeCvodeStepper(std::move(model), options);
  }
  return InternalError("MakeStepper: unhandled method");
}

}  // namespace grn
