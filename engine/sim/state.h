// engine/sim/state.h
//
// The state of one cell or run: time and molecule counts. Counts are doubles,
// exact integers up to 2^53, so one vector serves SSA, tau-leaping and ODEs.
#ifndef GRN_ENGINE_SIM_STATE_H_
#define GRN_ENGINE_SIM_STATE_H_

#include <vector>

namespace grn {

struct State {
  double t = 0.0;
  std::vector<double> x;
};

}  // namespace grn

#endif  // GRN_ENGINE_SIM_STATE_H_
