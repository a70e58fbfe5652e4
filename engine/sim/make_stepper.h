// engine/sim/make_stepper.h
//
// The one place that maps a MethodKind to a Stepper.
#ifndef GRN_ENGINE_SIM_MAKE_STEPPER_H_
#define GRN_ENGINE_SIM_MAKE_STEPPER_H_

#include <memory>

#include "engine/base/status.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/stepper.h"

namespace grn {

// The exact method `--method auto` uses for this model. Never an approximation:
// direct up to kDirectMaxReactions reactions; above, rssa_cr when at least
// half the laws are plain mass action (bounds that RSSA can exploit), cr
// otherwise (see make_stepper.cc for the measurements).
inline constexpr std::size_t kDirectMaxReactions = 100;
MethodKind ChooseExactMethod(const CompiledModel& model);

StatusOr<std::unique_ptr<Stepper>> MakeStepper(MethodKind kind,
                                               std::shared_ptr<const CompiledModel> model,
                                               const MethodOptions& options);

}  // namespace grn

#endif  // GRN_ENGINE_SIM_MAKE_STEPPER_H_
