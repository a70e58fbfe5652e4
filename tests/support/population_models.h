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
#include <string>
#include <utility>
#include <vector>

#include "engine/model/compiled_model.h"
#include "engine/model/fate_rules.h"
#include "engine/model/validate.h"
#include "engine/population/population.h"
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

// Every number of every cell, as bytes (for "same bytes" checks: threads,
// a mosaic of fraction 0, partners that must not touch the primary cells).
inline std::string CellsFingerprint(const std::vector<Cell>& cells) {
  std::string out;
  auto put = [&out](const void* data, std::size_t n) {
    out.append(static_cast<const char*>(data), n);
  };
  for (const Cell& c : cells) {
    put(&c.lineage, sizeof c.lineage);
    put(&c.parent, sizeof c.parent);
    put(&c.site, sizeof c.site);
    put(&c.fate, sizeof c.fate);
    put(&c.senescent, sizeof c.senescent);
    put(&c.donor, sizeof c.donor);
    put(&c.mosaic, sizeof c.mosaic);
    put(&c.fused_into, sizeof c.fused_into);
    put(&c.committed_at, sizeof c.committed_at);
    put(&c.state.t, sizeof c.state.t);
    put(c.state.x.data(), c.state.x.size() * sizeof(double));
    put(c.state.p.data(), c.state.p.size() * sizeof(double));
  }
  return out;
}

// The primary cells' fingerprint plus the division and death counts.
inline std::string PopulationFingerprint(const Population& p) {
  std::string out = CellsFingerprint(p.cells());
  const PopulationCounts counts = p.Counts();
  out.append(reinterpret_cast<const char*>(&counts.divisions), sizeof counts.divisions);
  out.append(reinterpret_cast<const char*>(&counts.deaths), sizeof counts.deaths);
  return out;
}

}  // namespace grn::test_support

#endif  // GRN_TESTS_SUPPORT_POPULATION_MODELS_H_
