// engine/sim/state.h
//
// The state of one cell or run: time and molecule counts. Counts are doubles,
// exact integers up to 2^53, so one vector serves SSA, tau-leaping and ODEs.
#ifndef GRN_ENGINE_SIM_STATE_H_
#define GRN_ENGINE_SIM_STATE_H_

#include <utility>
#include <vector>

namespace grn {

struct State {
  State() = default;
  State(double time, std::vector<double> counts, std::vector<double> params = {})
      : t(time), x(std::move(counts)), p(std::move(params)) {}

  double t = 0.0;
  std::vector<double> x;
  // Current parameter values, which events may change; empty means the
  // model's initial values (CompiledModel::initial_parameters).
  std::vector<double> p;
};

}  // namespace grn

#endif  // GRN_ENGINE_SIM_STATE_H_
