// engine/model/dependency_graph.cc
//
// Vertices 0..S-1 are species, S..S+R-1 reactions. Edges: reaction → species
// it changes, species → reactions that read it. dependents(r) is the set of
// reaction vertices two hops from r, plus r itself.
#include "engine/model/dependency_graph.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>

namespace grn {

CsrIndex BuildDependencies(std::size_t num_species,
                           const std::vector<std::vector<std::uint32_t>>& reads,
                           const std::vector<std::vector<std::uint32_t>>& changes) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  const std::size_t num_reactions = reads.size();
  Graph graph(num_species + num_reactions);
  for (std::size_t r = 0; r < num_reactions; ++r) {
    for (std::uint32_t s : changes[r]) boost::add_edge(num_species + r, s, graph);
    for (std::uint32_t s : reads[r]) boost::add_edge(s, num_species + r, graph);
  }

  CsrIndex deps;
  std::vector<std::uint32_t> row;
  for (std::size_t r = 0; r < num_reactions; ++r) {
    row.clear();
    row.push_back(static_cast<std::uint32_t>(r));
    for (auto species_edge : boost::make_iterator_range(
             boost::out_edges(num_species + r, graph))) {
      const auto s = boost::target(species_edge, graph);
      for (auto reader_edge : boost::make_iterator_range(boost::out_edges(s, graph))) {
        row.push_back(static_cast<std::uint32_t>(boost::target(reader_edge, graph) - num_species));
      }
    }
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    deps.AppendRow(row);
  }
  return deps;
}

}  // namespace grn
