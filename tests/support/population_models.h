// tests/support/population_models.h
//
// A network compiled for the population layer the way `grnsim population`
// does it (ValidatePopulationRules, PreparePopulationNetwork, Compile,
// CompilePopulationRules), for tests that build Population objects directly.
// Problems are recorded as test failures and give an empty Loaded.
#ifndef GRN_TESTS_SUPPORT_POPULATION_MODELS_H_
#define GRN_TESTS_SUPPORT_POPULATION_MODELS_H_

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "engine/model/compiled_model.h"
#include "engine/model/fate_rules.h"
#include "engine/model/validate.h"
#include "proto/network.pb.h"

namespace grn::test_support {

struct LoadedPopulation {
  std::shared_ptr<const CompiledModel> model;
  std::shared_ptr<const PopulationRules> rules;
};

inline LoadedPopulation LoadPopulationNetwork(grnsim::v1::Network net) {
  for (const auto& p : ValidatePopulationRules(net)) ADD_FAILURE() << p.message;
  PreparePopulationNetwork(&net);
  StatusOr<CompiledModel> model = Compile(net);
  if (!model.ok()) {
    ADD_FAILURE() << model.status().message();
    return {};
  }
  LoadedPopulation out;
  out.model = std::make_shared<const CompiledModel>(std::move(*model));
  StatusOr<PopulationRules> rules = CompilePopulationRules(net, *out.model);
  if (!rules.ok()) {
    ADD_FAILURE() << rules.status().message();
    return {};
  }
  out.rules = std::make_shared<const PopulationRules>(std::move(*rules));
  return out;
}

}  // namespace grn::test_support

#endif  // GRN_TESTS_SUPPORT_POPULATION_MODELS_H_
