// engine/model/scenario.h
//
// Scenario overlays (message grnsim.v1.Scenario): an experimental condition
// applied to a network on load. Applied in the order of the schema: every
// `set`, then every `scale`, then the additions (species, parameters,
// reactions, events). Refused, naming the setting's file:line:col: a name
// that is not a species or parameter of the network (or is only declared
// external), a name set or scaled twice in one overlay, a parameter an
// assignment rule or initial assignment defines (the setting would have no
// effect), a result that is negative, not finite, outside the parameter's
// range, or (for a species) not a whole count, and an addition whose name
// the network already uses. On error the network is left unchanged.
#ifndef GRN_ENGINE_MODEL_SCENARIO_H_
#define GRN_ENGINE_MODEL_SCENARIO_H_

#include <string>

#include "engine/base/status.h"
#include "engine/model/compose.h"
#include "proto/network.pb.h"

namespace grn {

// `origin` names the scenario in messages (its file); `locate` turns a field
// path of the scenario into "file:line:col" (empty: `origin` alone). Every
// problem is listed, one per line.
Status ApplyScenario(grnsim::v1::Network& network, const grnsim::v1::Scenario& scenario,
                     const std::string& origin, const Locator& locate = {});

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_SCENARIO_H_
