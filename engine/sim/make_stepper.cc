// engine/sim/make_stepper.cc
#include "engine/sim/make_stepper.h"

#include "engine/ode/cvode_stepper.h"
#include "engine/ssa/direct_selector.h"
#include "engine/ssa/exact_stepper.h"
#include "engine/ssa/next_reaction_selector.h"
#include "engine/ssa/tau_leap_stepper.h"

namespace grn {

const char* MethodName(MethodKind kind) {
  switch (kind) {
    case MethodKind::kDirect: return "direct";
    case MethodKind::kNextReaction: return "nrm";
    case MethodKind::kTauLeap: return "tau";
    case MethodKind::kOde: return "ode";
  }
  return "unknown";
}

StatusOr<MethodKind> ParseMethod(const std::string& name) {
  if (name == "direct") return MethodKind::kDirect;
  if (name == "nrm" || name == "next-reaction") return MethodKind::kNextReaction;
  if (name == "tau") return MethodKind::kTauLeap;
  if (name == "ode") return MethodKind::kOde;
  return InvalidArgumentError("unknown method '" + name + "' (expected auto, direct, nrm, tau or ode)");
}

MethodKind ChooseExactMethod(const CompiledModel& model) {
  // Direct's linear search costs O(M) per event, NRM's heap O(d log M) with d
  // the mean dependency count. bench/ssa_bench on generated sparse networks:
  // equal at 100 reactions (~80 ns/event), NRM 4x faster at 1000.
  return model.num_reactions() <= kDirectMaxReactions ? MethodKind::kDirect
                                                      : MethodKind::kNextReaction;
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
    case MethodKind::kTauLeap:
      return MakeTauLeapStepper(std::move(model), options);
    case MethodKind::kOde:
      return MakeCvodeStepper(std::move(model), options);
  }
  return InternalError("MakeStepper: unhandled method");
}

}  // namespace grn
