// engine/ssa/rssa_selector.cc
//
// The RSSA steppers, instantiated in their own translation unit (see
// MakeRssaStepper in rssa_selector.h).
#include "engine/ssa/rssa_selector.h"

#include "engine/ssa/exact_stepper.h"

namespace grn {

std::unique_ptr<Stepper> MakeRssaStepper(std::shared_ptr<const CompiledModel> model,
                                         const MethodOptions& options, bool with_cr) {
  if (with_cr) return std::make_unique<ExactStepper<RssaCrSelector>>(std::move(model), options);
  return std::make_unique<ExactStepper<RssaSelector>>(std::move(model), options);
}

}  // namespace grn
