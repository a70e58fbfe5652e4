// engine/model/network_graph.cc
//
// The analyses behind `grnsim net lint` and `grnsim net graph`. The network is
// first reduced to per-reaction facts (net change of each species, and each
// species the rate reads with the sign of its influence); every analysis works
// on those facts. Boost.Graph finds strongly connected components and writes
// Graphviz; cycles are enumerated by a bounded depth-first search, so a dense
// component can never make lint run for long.
//
// What is an error, a warning or information:
//   error   the simulation is meaningless: no reaction can ever fire, so every
//           run stays at its initial state.
//   warning probably a mistake, but the network still runs: a reaction that
//           can never fire, a species whose count stays 0, a parameter nothing
//           reads, a species produced but never consumed (grows without bound).
//   info    facts worth knowing: species only consumed or never changed,
//           feedback loops, conservation laws.
#include "engine/model/network_graph.h"

#include <algorithm>
// GCC 12 reports a false -Wmaybe-uninitialized inside Boost's edge iterator
// (a boost::optional it always sets before use) when write_graphviz is
// instantiated; the warning is silenced for Boost's headers only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/strong_components.hpp>
#pragma GCC diagnostic pop
#include <charconv>
#include <functional>
#include <limits>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "engine/kinetics/expression.h"
#include "engine/model/medium_rules.h"
#include "proto/network.pb.h"

namespace grn {
namespace {

using grnsim::v1::Network;
using grnsim::v1::Reaction;
using grnsim::v1::Species;

std::string Num(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// How a reaction's rate depends on a species it reads.
struct Read {
  int species;
  int sign;  // +1 faster with more, −1 slower, 0 unknown
  enum Kind { kReactant, kModifier, kExpression } kind;
  bool repression = false;  // a hill_repression modifier
};

struct ReactionFacts {
  std::map<int, std::int64_t> delta;  // net change per firing, non-constant species, non-zero
  std::vector<Read> reads;
  std::vector<int> reactants;          // species that must be present for the reaction to fire
  std::vector<int> products;           // species a firing can make present
};

class Facts {
 public:
  explicit Facts(const Network& net) : net_(net), names_(net) {
    for (int i = 0; i < net.species_size(); ++i) index_[net.species(i).name()] = i;
    for (const auto& ev : net.event())
      for (const auto& a : ev.assign())
        if (auto it = index_.find(a.target()); it != index_.end()) free_.insert(it->second);
    for (const auto& rule : net.assignment_rule())
      if (auto it = index_.find(rule.variable()); it != index_.end()) free_.insert(it->second);
    for (int r = 0; r < net.reaction_size(); ++r) reactions_.push_back(Build(net.reaction(r)));
  }

  const std::vector<ReactionFacts>& reactions() const { return reactions_; }
  // Species an event or an assignment rule sets: they change outside reactions.
  bool IsFree(int s) const { return free_.count(s) > 0; }
  int SpeciesIndex(const std::string& name) const { return index_.at(name); }

 private:
  ReactionFacts Build(const Reaction& r) const {
    ReactionFacts f;
    std::map<int, std::int64_t> net_change;
    for (const auto& t : r.reactant()) {
      const int s = index_.at(t.species());
      net_change[s] -= t.has_stoichiometry() ? t.stoichiometry() : 1;
      f.reactants.push_back(s);
    }
    for (const auto& t : r.product()) {
      const int s = index_.at(t.species());
      net_change[s] += t.has_stoichiometry() ? t.stoichiometry() : 1;
      f.products.push_back(s);
    }
    for (const auto& [s, d] : net_change)
      if (d != 0 && !net_.species(s).constant()) f.delta[s] = d;
    for (const auto& t : r.reactant()) f.reads.push_back({index_.at(t.species()), +1, Read::kReactant});
    for (const auto& m : r.modifier()) {
      if (m.has_hill_activation()) {
        f.reads.push_back({index_.at(m.hill_activation().species()), +1, Read::kModifier});
        f.reactants.push_back(index_.at(m.hill_activation().species()));  // rate 0 without it
      } else if (m.has_hill_repression()) {
        f.reads.push_back({index_.at(m.hill_repression().species()), -1, Read::kModifier, true});
      } else if (m.has_michaelis_menten()) {
        f.reads.push_back({index_.at(m.michaelis_menten().species()), +1, Read::kModifier});
        f.reactants.push_back(index_.at(m.michaelis_menten().species()));
      }
    }
    if (r.has_propensity()) AddExpressionReads(r.propensity(), &f);
    return f;
  }

  // The sign of ∂a/∂s for an expression is estimated numerically: the law is
  // evaluated at the initial counts (+10, away from zeros) and again with s
  // raised. Exact for monotone laws (Hill, sums, products of them), which is
  // what regulatory laws are; 0 (unknown) when the two values agree.
  void AddExpressionReads(const std::string& text, ReactionFacts* f) const {
    StatusOr<ExpressionProgram> program = names_.CompileText(text);
    if (!program.ok()) return;
    std::vector<double> x(net_.species_size()), p(net_.parameter_size());
    for (int i = 0; i < net_.species_size(); ++i) x[i] = net_.species(i).initial_count() + 10;
    for (int i = 0; i < net_.parameter_size(); ++i) p[i] = net_.parameter(i).value();
    const double base = EvaluateExpression(*program, x.data(), p.data(), 0);
    for (std::uint32_t s : program->species) {
      // A reactant read by the law is its mass-action part, already a read.
      if (std::find(f->reactants.begin(), f->reactants.end(), static_cast<int>(s)) !=
          f->reactants.end())
        continue;
      std::vector<double> raised = x;
      raised[s] = 4 * x[s] + 100;
      const double up = EvaluateExpression(*program, raised.data(), p.data(), 0);
      const int sign = !(std::isfinite(up) && std::isfinite(base)) || up == base ? 0
                       : up > base                                              ? +1
                                                                                : -1;
      f->reads.push_back({static_cast<int>(s), sign, Read::kExpression});
    }
  }

  const Network& net_;
  ModelNames names_;
  std::map<std::string, int> index_;
  std::set<int> free_;
  std::vector<ReactionFacts> reactions_;
};

// ----- regulatory graph and feedback loops ----------------------------------

struct RegEdge {
  int sign = 0;           // +1, −1, or 0 when contributions of both signs (or unknown) meet
  bool conversion = true;  // every contribution is reactant → product of one reaction
  bool seen = false;
};

std::map<std::pair<int, int>, RegEdge> RegulatoryEdges(const Facts& facts) {
  std::map<std::pair<int, int>, RegEdge> edges;
  for (const ReactionFacts& r : facts.reactions()) {
    for (const Read& read : r.reads) {
      const bool consumed = r.delta.count(read.species) > 0 && r.delta.at(read.species) < 0;
      for (const auto& [t, d] : r.delta) {
        const int s = read.species;
        // A species consuming itself (decay, conversion away) is not feedback.
        if (s == t && read.kind == Read::kReactant && d < 0) continue;
        const int sign = read.sign * (d > 0 ? 1 : -1);
        const bool conversion = read.kind == Read::kReactant && consumed && d > 0 && s != t;
        RegEdge& e = edges[{s, t}];
        e.sign = !e.seen ? sign : (e.sign == sign ? sign : 0);
        e.conversion = (e.seen ? e.conversion : true) && conversion;
        e.seen = true;
      }
    }
  }
  return edges;
}

}  // namespace

FeedbackLoops FindFeedbackLoops(const Network& network, std::size_t max_cycles) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  const Facts facts(network);
  const auto edges = RegulatoryEdges(facts);
  const int n = network.species_size();
  Graph graph(n);
  std::vector<std::vector<int>> out(n);
  for (const auto& [st, e] : edges) {
    boost::add_edge(st.first, st.second, graph);
    out[st.first].push_back(st.second);
  }
  std::vector<int> component(n);
  boost::strong_components(
      graph, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph)));
  // Depth-first search for the cycles through `start` that use only vertices
  // of its component numbered above it: each elementary cycle is found once,
  // from its smallest vertex. Bounded by the cycle limit and a step budget.
  FeedbackLoops result;
  std::size_t steps = 0;
  constexpr std::size_t kMaxSteps = 2'000'000;
  std::vector<int> path;
  std::vector<char> on_path(n, 0);
  auto record = [&](const std::vector<int>& cycle) {
    FeedbackLoop loop;
    loop.conversion_only = true;
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      const RegEdge& e = edges.at({cycle[i], cycle[(i + 1) % cycle.size()]});
      loop.sign *= e.sign;
      loop.conversion_only = loop.conversion_only && e.conversion;
      loop.species.push_back(network.species(cycle[i]).name());
    }
    result.loops.push_back(std::move(loop));
  };
  std::function<void(int, int)> dfs = [&](int start, int v) {
    for (int w : out[v]) {
      if (result.loops.size() >= max_cycles || ++steps > kMaxSteps) {
        result.truncated = true;
        return;
      }
      if (component[w] != component[start] || w < start) continue;
      if (w == start) {
        record(path);
      } else if (!on_path[w]) {
        on_path[w] = 1;
        path.push_back(w);
        dfs(start, w);
        path.pop_back();
        on_path[w] = 0;
      }
      if (result.truncated) return;
    }
  };
  for (int start = 0; start < n && !result.truncated; ++start) {
    path = {start};
    on_path[start] = 1;
    dfs(start, start);
    on_path[start] = 0;
  }
  return result;
}

// ----- conservation laws ----------------------------------------------------

namespace {

// An exact fraction over int64; every operation checks for overflow through
// 128-bit intermediates and sets `overflow` instead of wrapping.
struct Fraction {
  std::int64_t num = 0, den = 1;
};

bool Fits(__int128 v) {
  return v >= std::numeric_limits<std::int64_t>::min() + 1 &&
         v <= std::numeric_limits<std::int64_t>::max();
}

Fraction Make(__int128 num, __int128 den, bool* overflow) {
  if (den < 0) num = -num, den = -den;
  __int128 a = num < 0 ? -num : num, b = den;
  while (b != 0) {
    const __int128 t = a % b;
    a = b;
    b = t;
  }
  if (a > 1) num /= a, den /= a;
  if (!Fits(num) || !Fits(den)) {
    *overflow = true;
    return {};
  }
  return {static_cast<std::int64_t>(num), static_cast<std::int64_t>(den)};
}

Fraction Sub(Fraction a, Fraction b, bool* overflow) {
  return Make(static_cast<__int128>(a.num) * b.den - static_cast<__int128>(b.num) * a.den,
              static_cast<__int128>(a.den) * b.den, overflow);
}
Fraction Mul(Fraction a, Fraction b, bool* overflow) {
  return Make(static_cast<__int128>(a.num) * b.num, static_cast<__int128>(a.den) * b.den, overflow);
}
Fraction Div(Fraction a, Fraction b, bool* overflow) {
  return Make(static_cast<__int128>(a.num) * b.den, static_cast<__int128>(a.den) * b.num, overflow);
}

}  // namespace

StatusOr<std::vector<ConservationLaw>> FindConservationLaws(const Network& network) {
  const Facts facts(network);
  // Columns: the species that can change (not constant). Rows: one per
  // reaction (its net change), plus a unit row for every species an event or
  // rule sets, which forces its coefficient to 0.
  std::vector<int> columns;
  std::map<int, int> column_of;
  for (int s = 0; s < network.species_size(); ++s) {
    if (network.species(s).constant()) continue;
    column_of[s] = static_cast<int>(columns.size());
    columns.push_back(s);
  }
  const std::size_t m = columns.size();
  std::vector<std::vector<Fraction>> rows;
  for (const ReactionFacts& r : facts.reactions()) {
    if (r.delta.empty()) continue;
    std::vector<Fraction> row(m);
    for (const auto& [s, d] : r.delta) row[column_of.at(s)] = {d, 1};
    rows.push_back(std::move(row));
  }
  for (int s : columns) {
    if (!facts.IsFree(s)) continue;
    std::vector<Fraction> row(m);
    row[column_of.at(s)] = {1, 1};
    rows.push_back(std::move(row));
  }
  // Reduced row echelon form; the null space of the rows is spanned by one
  // vector per free (pivot-less) column.
  bool overflow = false;
  std::vector<int> pivot_col;  // pivot column of each reduced row
  std::size_t rank = 0;
  for (std::size_t c = 0; c < m && rank < rows.size(); ++c) {
    std::size_t p = rank;
    while (p < rows.size() && rows[p][c].num == 0) ++p;
    if (p == rows.size()) continue;
    std::swap(rows[rank], rows[p]);
    const Fraction lead = rows[rank][c];
    for (Fraction& v : rows[rank]) v = Div(v, lead, &overflow);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i == rank || rows[i][c].num == 0) continue;
      const Fraction factor = rows[i][c];
      for (std::size_t j = 0; j < m; ++j)
        rows[i][j] = Sub(rows[i][j], Mul(factor, rows[rank][j], &overflow), &overflow);
    }
    if (overflow) break;
    pivot_col.push_back(static_cast<int>(c));
    ++rank;
  }
  if (overflow) {
    return NumericalError("conservation laws: numbers too large for exact 64-bit arithmetic");
  }
  std::vector<char> is_pivot(m, 0);
  for (int c : pivot_col) is_pivot[c] = 1;
  std::vector<ConservationLaw> laws;
  for (std::size_t free = 0; free < m; ++free) {
    if (is_pivot[free]) continue;
    // y[free] = 1, y[pivot_col[i]] = −rows[i][free], others 0.
    std::vector<Fraction> y(m);
    y[free] = {1, 1};
    for (std::size_t i = 0; i < rank; ++i) {
      const Fraction v = rows[i][free];
      y[pivot_col[i]] = {-v.num, v.den};
    }
    // Scale to the smallest integer vector: × lcm of denominators, ÷ gcd.
    __int128 lcm = 1;
    for (const Fraction& v : y) {
      if (v.num == 0) continue;
      lcm = lcm / std::gcd(static_cast<std::int64_t>(lcm), v.den) * v.den;
      if (!Fits(lcm)) return NumericalError("conservation laws: coefficients too large");
    }
    std::vector<std::int64_t> coeff(m, 0);
    std::int64_t g = 0;
    for (std::size_t j = 0; j < m; ++j) {
      const __int128 c = static_cast<__int128>(y[j].num) * (lcm / y[j].den);
      if (!Fits(c)) return NumericalError("conservation laws: coefficients too large");
      coeff[j] = static_cast<std::int64_t>(c);
      g = std::gcd(g, coeff[j]);
    }
    // The first non-zero coefficient in file order is made positive.
    std::int64_t first = 0;
    for (std::int64_t c : coeff)
      if (c != 0 && first == 0) first = c;
    if (first < 0) g = -g;
    ConservationLaw law;
    for (std::size_t j = 0; j < m; ++j) {
      if (coeff[j] == 0) continue;
      const std::int64_t c = coeff[j] / g;
      law.terms.emplace_back(network.species(columns[j]).name(), c);
      law.total += static_cast<double>(c) * network.species(columns[j]).initial_count();
    }
    laws.push_back(std::move(law));
  }
  return laws;
}

std::string FormatConservationLaw(const ConservationLaw& law) {
  std::string out;
  for (const auto& [name, c] : law.terms) {
    const std::int64_t a = c < 0 ? -c : c;
    if (out.empty()) out += c < 0 ? "-" : "";
    else out += c < 0 ? " - " : " + ";
    if (a != 1) out += std::to_string(a) + "*";
    out += name;
  }
  return out + " = " + Num(law.total);
}

const char* SeverityName(LintFinding::Severity severity) {
  switch (severity) {
    case LintFinding::kError: return "error";
    case LintFinding::kWarning: return "warning";
    case LintFinding::kInfo: return "info";
  }
  return "info";
}

// ----- lint -----------------------------------------------------------------

Reachability FindReachable(const Network& net) {
  const Facts facts(net);
  const int n = net.species_size();
  Reachability out;
  std::vector<char>& present = out.species_present;
  present.assign(n, 0);
  // An external species is a module's input, defined (and maybe nonzero)
  // in the network that includes the module.
  for (int s = 0; s < n; ++s) {
    present[s] = net.species(s).initial_count() > 0 || net.species(s).external() || facts.IsFree(s);
  }
  for (const auto& ia : net.initial_assignment())
    for (int s = 0; s < n; ++s)
      if (net.species(s).name() == ia.variable()) present[s] = 1;
  // A fixpoint over the species–reaction graph: at most one pass per reaction.
  const auto& reactions = facts.reactions();
  std::vector<char>& fires = out.reaction_fires;
  fires.assign(reactions.size(), 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t r = 0; r < reactions.size(); ++r) {
      if (fires[r]) continue;
      if (!std::all_of(reactions[r].reactants.begin(), reactions[r].reactants.end(),
                       [&](int s) { return present[s] != 0; }))
        continue;
      fires[r] = 1;
      changed = true;
      for (int s : reactions[r].products) present[s] = 1;
    }
  }
  return out;
}

std::vector<LintFinding> Lint(const Network& net, std::size_t max_loops_listed) {
  const Facts facts(net);
  const int n = net.species_size();
  std::vector<LintFinding> errors, warnings, infos;
  auto species_where = [](int s) { return FieldPath{{"species", s}}; };

  const auto& reactions = facts.reactions();
  const Reachability reach = FindReachable(net);
  const std::vector<char>& present = reach.species_present;
  const std::vector<char>& fires = reach.reaction_fires;
  if (!reactions.empty() && std::none_of(fires.begin(), fires.end(), [](char f) { return f; })) {
    errors.push_back({LintFinding::kError, {},
                      "no reaction can ever fire: every run stays at its initial state"});
  }
  for (std::size_t r = 0; r < reactions.size(); ++r) {
    if (fires[r]) continue;
    std::string missing;
    for (int s : reactions[r].reactants)
      if (!present[s] && missing.find("'" + net.species(s).name() + "'") == std::string::npos)
        missing += (missing.empty() ? "'" : ", '") + net.species(s).name() + "'";
    warnings.push_back({LintFinding::kWarning, {{"reaction", static_cast<int>(r)}},
                        "reaction '" + net.reaction(r).name() + "' can never fire: it needs " +
                            missing + ", which no reaction that can fire produces"});
  }
  std::vector<char> read_by_reaction(n, 0);
  for (const ReactionFacts& r : reactions)
    for (const Read& read : r.reads) read_by_reaction[read.species] = 1;
  for (int s = 0; s < n; ++s) {
    // A constant species is an input: at 0 it only matters through the
    // reactions it blocks (reported above), or it is unused.
    if (net.species(s).constant()) {
      if (!read_by_reaction[s]) {
        infos.push_back({LintFinding::kInfo, species_where(s),
                         "constant species '" + net.species(s).name() +
                             "' is read by no reaction"});
      }
      continue;
    }
    if (!present[s]) {
      warnings.push_back({LintFinding::kWarning, species_where(s),
                          "species '" + net.species(s).name() +
                              "' is unreachable: its count is 0 at the start and stays 0 in "
                              "every run"});
    }
  }

  // Produced / consumed, for species whose count only reactions change.
  for (int s = 0; s < n; ++s) {
    const Species& sp = net.species(s);
    // An external species is produced or consumed by the module defining it.
    if (sp.constant() || sp.external() || facts.IsFree(s) || !present[s]) continue;
    bool produced = false, consumed = false;
    for (std::size_t r = 0; r < reactions.size(); ++r) {
      if (!fires[r]) continue;
      if (auto it = reactions[r].delta.find(s); it != reactions[r].delta.end()) {
        produced = produced || it->second > 0;
        consumed = consumed || it->second < 0;
      }
    }
    const std::string name = "species '" + sp.name() + "'";
    if (produced && !consumed) {
      // A sink nothing reads (a counter of degraded molecules) is harmless;
      // one that drives reactions grows without bound and drives them ever harder.
      if (read_by_reaction[s]) {
        warnings.push_back({LintFinding::kWarning, species_where(s),
                            name + " is produced but never consumed: its count can only grow"});
      } else {
        infos.push_back({LintFinding::kInfo, species_where(s),
                         name + " is a sink: produced, never consumed, read by no reaction"});
      }
    } else if (!produced && consumed) {
      infos.push_back({LintFinding::kInfo, species_where(s),
                       name + " is never produced: its count can only fall from " +
                           Num(sp.initial_count())});
    } else if (!produced && !consumed) {
      infos.push_back({LintFinding::kInfo, species_where(s),
                       name + " is never changed by a reaction that can fire (mark it "
                              "constant: true if it is a fixed input)"});
    }
  }

  // Unused parameters: read by nothing (rate constants, K and n, expressions
  // of propensities, events, rules and initial assignments). A parameter an
  // event only sets is still unused.
  std::set<std::string> used;
  auto use_expression = [&](const std::string& text) {
    for (const std::string& name : ExpressionNames(text)) used.insert(name);
  };
  for (const Reaction& r : net.reaction()) {
    if (r.has_k_param()) used.insert(r.k_param());
    if (r.has_propensity()) use_expression(r.propensity());
    for (const auto& m : r.modifier()) {
      const grnsim::v1::Hill* hill = m.has_hill_activation()   ? &m.hill_activation()
                                     : m.has_hill_repression() ? &m.hill_repression()
                                                               : nullptr;
      if (hill != nullptr) {
        if (hill->has_k_param()) used.insert(hill->k_param());
        if (hill->has_n_param()) used.insert(hill->n_param());
      } else if (m.has_michaelis_menten() && m.michaelis_menten().has_k_param()) {
        used.insert(m.michaelis_menten().k_param());
      }
    }
  }
  for (const auto& ev : net.event()) {
    if (ev.has_when()) use_expression(ev.when());
    for (const auto& a : ev.assign()) use_expression(a.value());
  }
  for (const auto& rule : net.assignment_rule()) use_expression(rule.expression());
  for (const auto& ia : net.initial_assignment()) use_expression(ia.expression());
  std::set<std::string> ruled;
  for (const auto& rule : net.assignment_rule()) ruled.insert(rule.variable());
  // The population layer reads parameters too.
  for (const auto& fate : net.fate()) use_expression(fate.condition());
  for (const auto& coupling : net.coupling()) used.insert(coupling.parameter());
  if (net.has_population()) {
    const auto& pop = net.population();
    for (const std::string* text : {&pop.cycle_time(), &pop.death_rate(),
                                    &pop.senescent_fraction(), &pop.senescence_per_division()}) {
      if (!text->empty()) use_expression(*text);
    }
    if (pop.has_homing()) use_expression(pop.homing().probability());
    if (pop.has_fusion()) use_expression(pop.fusion().rate());
  }
  for (std::string& name : MediumParameterNames(net)) used.insert(std::move(name));
  for (int i = 0; i < net.parameter_size(); ++i) {
    // An external parameter is an input the including network defines; a
    // module need not read every shared input it declares.
    if (net.parameter(i).external()) continue;
    if (used.count(net.parameter(i).name()) == 0 && ruled.count(net.parameter(i).name()) > 0) {
      // A rule that nothing reads computes a readout (a flux, an activity).
      infos.push_back({LintFinding::kInfo, {{"parameter", i}},
                       "parameter '" + net.parameter(i).name() +
                           "' is computed by a rule and read by nothing (a readout)"});
      continue;
    }
    if (used.count(net.parameter(i).name()) == 0) {
      warnings.push_back({LintFinding::kWarning, {{"parameter", i}},
                          "parameter '" + net.parameter(i).name() + "' is never used"});
    }
  }

  FeedbackLoops loops = FindFeedbackLoops(net);
  // Regulatory loops before conversion cycles (G_off ⇄ G_on regulates
  // nothing), shortest first: those are the ones a reader checks by eye.
  auto order = [](const FeedbackLoop& loop) {
    return std::pair(loop.conversion_only, loop.species.size());
  };
  std::stable_sort(loops.loops.begin(), loops.loops.end(),
                   [&](const FeedbackLoop& a, const FeedbackLoop& b) { return order(a) < order(b); });
  std::size_t listed = 0;
  for (const FeedbackLoop& loop : loops.loops) {
    if (listed++ == max_loops_listed) break;
    std::string cycle;
    for (const std::string& s : loop.species) cycle += s + " -> ";
    cycle += loop.species.front();
    const char* sign = loop.sign > 0 ? "positive" : loop.sign < 0 ? "negative" : "mixed-sign";
    infos.push_back({LintFinding::kInfo, {},
                     std::string(sign) + " feedback loop: " + cycle +
                         (loop.conversion_only ? " (a conversion cycle: molecules flow round it)"
                                               : "")});
  }
  if (loops.loops.size() > max_loops_listed) {
    std::size_t positive = 0, negative = 0, conversion = 0;
    for (const FeedbackLoop& loop : loops.loops) {
      positive += loop.sign > 0;
      negative += loop.sign < 0;
      conversion += loop.conversion_only;
    }
    const std::size_t mixed = loops.loops.size() - positive - negative;
    const std::string count = std::string(loops.truncated ? "at least " : "") +
                              std::to_string(loops.loops.size());
    infos.push_back({LintFinding::kInfo, {},
                     "feedback loops: " + count + " (" + std::to_string(positive) + " positive, " +
                         std::to_string(negative) + " negative, " + std::to_string(mixed) +
                         " mixed-sign; " + std::to_string(conversion) +
                         " conversion cycles); the " + std::to_string(max_loops_listed) +
                         " shortest regulatory ones listed (--loops all lists every one)"});
  } else if (loops.truncated) {
    infos.push_back({LintFinding::kInfo, {},
                     "feedback loops: listing stopped after " +
                         std::to_string(loops.loops.size()) + " cycles"});
  }

  StatusOr<std::vector<ConservationLaw>> laws = FindConservationLaws(net);
  if (!laws.ok()) {
    infos.push_back({LintFinding::kInfo, {}, laws.status().message()});
  } else {
    std::set<std::string> external;
    for (const Species& sp : net.species())
      if (sp.external()) external.insert(sp.name());
    for (const ConservationLaw& law : *laws) {
      // Over external species only, a law just says this module leaves them
      // alone ("BCAT = 0"); the module that defines them decides.
      if (std::all_of(law.terms.begin(), law.terms.end(),
                      [&](const auto& term) { return external.count(term.first) > 0; })) {
        continue;
      }
      infos.push_back({LintFinding::kInfo, {}, "conservation law: " + FormatConservationLaw(law)});
    }
  }

  std::vector<LintFinding> all = std::move(errors);
  all.insert(all.end(), warnings.begin(), warnings.end());
  all.insert(all.end(), infos.begin(), infos.end());
  return all;
}

// ----- Graphviz -------------------------------------------------------------

namespace {

struct DotVertex {
  std::string label;
  std::string attributes;  // everything but the label
};
struct DotEdge {
  std::string attributes;
};
using DotGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, DotVertex, DotEdge>;

const char* RoleColour(Species::Role role) {
  switch (role) {
    case Species::gene: return "#fde68a";     // yellow
    case Species::mrna: return "#bfdbfe";     // blue
    case Species::protein: return "#ddd6fe";  // violet
    case Species::mirna: return "#fbcfe8";    // pink
    case Species::complex: return "#fed7aa";  // orange
    case Species::signal: return "#a5f3fc";   // cyan
    default: return "#e5e7eb";                // grey
  }
}

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string NetworkToDot(const Network& net) {
  const Facts facts(net);
  const int n = net.species_size();
  DotGraph g;
  for (int s = 0; s < n; ++s) {
    const Species& sp = net.species(s);
    boost::add_vertex(DotVertex{sp.name(), std::string("shape=") +
                                               (sp.constant() ? "box" : "ellipse") +
                                               ", style=filled, fillcolor=\"" +
                                               RoleColour(sp.role()) + "\""},
                      g);
  }
  for (int r = 0; r < net.reaction_size(); ++r) {
    const auto v = boost::add_vertex(
        DotVertex{net.reaction(r).name(),
                  "shape=box, style=rounded, fontsize=8, height=0.2, width=0.2, color=gray50"},
        g);
    const ReactionFacts& f = facts.reactions()[r];
    std::map<int, std::int64_t> gross_in, gross_out;
    for (const auto& t : net.reaction(r).reactant())
      gross_in[facts.SpeciesIndex(t.species())] += t.has_stoichiometry() ? t.stoichiometry() : 1;
    for (const auto& t : net.reaction(r).product())
      gross_out[facts.SpeciesIndex(t.species())] += t.has_stoichiometry() ? t.stoichiometry() : 1;
    auto label = [](std::int64_t m) {
      return m == 1 ? std::string() : ", label=\"" + std::to_string(m) + "\"";
    };
    std::set<int> drawn;  // species with a flow edge (regulation drawn separately)
    for (const auto& [s, m] : gross_in) {
      const std::int64_t back = gross_out.count(s) ? gross_out.at(s) : 0;
      if (back >= m) continue;  // a catalyst: drawn as activation below
      boost::add_edge(s, v, DotEdge{"color=black, arrowhead=none" + label(m - back)}, g);
      drawn.insert(s);
    }
    for (const auto& [s, m] : gross_out) {
      const std::int64_t used = gross_in.count(s) ? gross_in.at(s) : 0;
      if (used >= m) continue;
      boost::add_edge(v, s, DotEdge{"color=black" + label(m - used)}, g);
    }
    std::set<std::pair<int, int>> regulation;  // (species, sign) already drawn
    for (const Read& read : f.reads) {
      if (read.kind == Read::kReactant && drawn.count(read.species)) continue;
      if (!regulation.insert({read.species, read.sign}).second) continue;
      const char* style = read.sign > 0   ? "color=\"#15803d\", arrowhead=normal"
                          : read.sign < 0 ? "color=\"#b91c1c\", arrowhead=tee"
                                          : "color=gray50, style=dashed, arrowhead=odot";
      boost::add_edge(read.species, v, DotEdge{style}, g);
    }
  }
  std::ostringstream out;
  boost::write_graphviz(
      out, g,
      [&g](std::ostream& os, DotGraph::vertex_descriptor v) {
        os << "[label=" << Quoted(g[v].label) << ", " << g[v].attributes << "]";
      },
      [&g](std::ostream& os, DotGraph::edge_descriptor e) { os << "[" << g[e].attributes << "]"; },
      [&net](std::ostream& os) {
        os << "label=" << Quoted(net.name()) << ";\nrankdir=LR;\nfontname=\"Helvetica\";\n"
           << "node [fontname=\"Helvetica\"];\nedge [arrowsize=0.7];\n";
      });
  return out.str();
}

}  // namespace grn
