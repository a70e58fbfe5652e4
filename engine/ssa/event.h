// engine/ssa/event.h
#ifndef GRN_ENGINE_SSA_EVENT_H_
#define GRN_ENGINE_SSA_EVENT_H_

#include "engine/kinetics/rate_factor.h"

namespace grn {

// The next reaction to fire and its absolute time; time is +inf when no
// reaction can fire.
struct Event {
  double time;
  ReactionIndex reaction;
};

}  // namespace grn

#endif  // GRN_ENGINE_SSA_EVENT_H_
