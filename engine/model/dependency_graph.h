// engine/model/dependency_graph.h
//
// The reaction dependency graph (Gibson & Bruck 2000): after reaction r fires,
// only the propensities of reactions that read a species r changes can differ.
// Built over the bipartite species–reaction graph with Boost.Graph and
// flattened to a CsrIndex, so the hot loop never touches a Boost type.
#ifndef GRN_ENGINE_MODEL_DEPENDENCY_GRAPH_H_
#define GRN_ENGINE_MODEL_DEPENDENCY_GRAPH_H_

#include <cstdint>
#include <vector>

#include "engine/base/csr.h"

namespace grn {

// reads[r]: species reaction r's propensity reads (reactants and modifiers).
// changes[r]: species whose count r changes (non-zero net stoichiometry).
// Returns, per reaction, the sorted unique set {r} ∪ {q : q reads some s that
// r changes}.
CsrIndex BuildDependencies(std::size_t num_species,
                           const std::vector<std::vector<std::uint32_t>>& reads,
                           const std::vector<std::vector<std::uint32_t>>& changes);

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_DEPENDENCY_GRAPH_H_
