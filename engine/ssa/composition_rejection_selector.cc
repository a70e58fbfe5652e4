// engine/ssa/composition_rejection_selector.cc
//
// The composition–rejection stepper, instantiated in its own translation
// unit (see MakeRssaStepper in rssa_selector.h).
#include "engine/ssa/composition_rejection_selector.h"

#include "engine/ssa/exact_stepper.h"

namespace grn {

std::unique_ptr<Stepper> MakeCompositionRejectionStepper(std::shared_ptr<const CompiledModel> model,
                                                         const MethodOptions& options) {
  return std::make_unique<ExactStepper<CompositionRejectionSelector>>(std::move(model), options);
}

}  // namespace grn
