// engine/model/network_graph.h
//
// Structural analysis of a network for `grnsim net lint` and `grnsim net
// graph`: the species–reaction graph, the signed regulatory graph between
// species, its feedback loops, conservation laws of the stoichiometry, and
// a Graphviz DOT rendering. Everything here reads the network message only
// and never simulates. REQUIRES for every function: the network validates
// (Validate returned no diagnostics), so every name resolves.
//
// Boost.Graph is used inside network_graph.cc only (with dependency_graph.cc
// the only engine files that include boost); this header exposes plain types.
#ifndef GRN_ENGINE_MODEL_NETWORK_GRAPH_H_
#define GRN_ENGINE_MODEL_NETWORK_GRAPH_H_

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/model/validate.h"

namespace grnsim::v1 {
class Network;
}

namespace grn {

// A feedback loop: an elementary cycle of the regulatory graph. The edge
// s → t exists when s is read by a reaction (as a reactant, a modifier or an
// input of its propensity expression) that changes t. Its sign is the sign of
// ∂(rate)/∂s (negative only for hill_repression) times the sign of t's change
// (production +, consumption −). A first-order consumption of s by itself
// (decay, s → product) is not counted as a self-loop: every decaying species
// would otherwise be listed.
struct FeedbackLoop {
  std::vector<std::string> species;  // in cycle order, starting at the first in file order
  int sign = 1;                      // +1 positive, −1 negative, 0 mixed (an edge of both signs)
  // True when every edge is a reactant turning into a product of the same
  // reaction (G_off ⇄ G_on, P ⇄ P2): molecules flow round, nothing regulates.
  bool conversion_only = false;
};

struct FeedbackLoops {
  std::vector<FeedbackLoop> loops;
  bool truncated = false;  // stopped at the cycle limit
};

// Elementary cycles of the regulatory graph, found per strongly connected
// component with a depth-first search bounded by `max_cycles` in total.
FeedbackLoops FindFeedbackLoops(const grnsim::v1::Network& network, std::size_t max_cycles = 1000);

// Σ coefficient · count, constant over every run: a row of an integer basis
// of the left null space of the stoichiometry matrix (species × reactions,
// constant species left out; a species an event or an assignment rule sets is
// taken to change freely, so it appears in no law).
struct ConservationLaw {
  std::vector<std::pair<std::string, std::int64_t>> terms;  // species, non-zero coefficient
  double total = 0;  // Σ coefficient · initial_count
};

// Exact rational Gaussian elimination (int64 fractions). Fails only when an
// intermediate number overflows int64 (stoichiometries are at most 1000, so
// only for very large networks).
StatusOr<std::vector<ConservationLaw>> FindConservationLaws(const grnsim::v1::Network& network);

// "P + 2*P2 = 100".
std::string FormatConservationLaw(const ConservationLaw& law);

// Which species can ever be present and which reactions can ever fire. A
// species is present at the start (a positive count, or set by an initial
// assignment, event or rule) or once a reaction that can fire produces it; a
// reaction can fire once its reactants and the species of its activating
// modifiers (hill_activation, michaelis_menten: factor 0 at count 0) are
// present. An over-approximation: counts and rate values are not tracked.
struct Reachability {
  std::vector<char> species_present;  // per species, in file order
  std::vector<char> reaction_fires;   // per reaction
};
Reachability FindReachable(const grnsim::v1::Network& network);

struct LintFinding {
  enum Severity { kError, kWarning, kInfo } severity = kInfo;
  FieldPath where;  // the element the finding is about (for file:line:col)
  std::string message;
};

const char* SeverityName(LintFinding::Severity severity);

// Every finding, errors first within each kind (see the .cc for what is an
// error, a warning or information). A composed network has hundreds of
// feedback loops; only the `max_loops_listed` shortest are listed, followed by
// a count of all of them by sign.
std::vector<LintFinding> Lint(
    const grnsim::v1::Network& network,
    std::size_t max_loops_listed = std::numeric_limits<std::size_t>::max());

// The network as a Graphviz digraph: species as filled ellipses coloured by
// role (constant species boxed), reactions as small labelled points, flow
// edges reactant → reaction → product in black, regulation edges into the
// reaction (activation green with an arrow, repression red with a tee,
// expression inputs grey dashed).
std::string NetworkToDot(const grnsim::v1::Network& network);

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_NETWORK_GRAPH_H_
