// bench/expression_bench.cc
//
// The cost of general rate-law expressions against the same laws written in
// the structured form (issue: SBML models with general kinetic laws must run
// at no more than 2x the per-event cost of structured ones). Each pair is
// the same model, so both fire the same events; ns_per_event is CPU time
// per event. The ratio line is expression / structured.
//  * Hill: transcription k·A²/(K²+A²) as hill_activation vs as an expression;
//  * Sum: a regulated promoter k0 + kmax·A²/(K²+A²) (no structured form
//    exists; compared with the Hill model's structured path);
//  * MassAction: dimer decay with every law as an expression (recognised as
//    mass action by Compile and run on the fast path).
#include <time.h>

#include <cstdio>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/make_stepper.h"
#include "proto/network.pb.h"
#include "google/protobuf/text_format.h"

namespace grn {
namespace {

const char kHillStructured[] = R"pb(
  name: "hill" time_unit: s
  species { name: "A" initial_count: 50 }
  species { name: "M" initial_count: 0 }
  parameter { name: "k" value: 100 }
  parameter { name: "K" value: 40 }
  reaction { name: "tx" product { species: "M" } k_param: "k"
             modifier { hill_activation { species: "A" k_param: "K" n: 2 } } }
  reaction { name: "deg" reactant { species: "M" } k: 1 }
  reaction { name: "a_up" product { species: "A" } k: 5 }
  reaction { name: "a_down" reactant { species: "A" } k: 0.1 }
)pb";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

std::shared_ptr<const CompiledModel> Build(const std::string& text) {
  grnsim::v1::Network net;
  if (!google::protobuf::TextFormat::ParseFromString(text, &net)) return nullptr;
  auto compiled = Compile(net);
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s\n", compiled.status().message().c_str());
    return nullptr;
  }
  return std::make_shared<const CompiledModel>(std::move(*compiled));
}

double CpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

void Run(benchmark::State& bench, const std::string& text, double t_end) {
  auto model = Build(text);
  if (model == nullptr) {
    bench.SkipWithError("model does not compile");
    return;
  }
  auto stepper = MakeStepper(MethodKind::kDirect, model, MethodOptions{});
  const Rng root(7);
  State state;
  std::uint64_t run = 0;
  const double start = CpuNs();
  for (auto _ : bench) {
    Rng rng = root.Split(run++);
    state = State(0.0, model->initial_counts());
    Status s = (*stepper)->Reset(state, rng);
    if (s.ok()) s = (*stepper)->AdvanceTo(t_end, state, rng);
    if (!s.ok()) {
      bench.SkipWithError(s.message().c_str());
      return;
    }
  }
  const double events = static_cast<double>((*stepper)->stats().events);
  bench.counters["ns_per_event"] = events > 0 ? (CpuNs() - start) / events : 0;
}

void BM_HillStructured(benchmark::State& s) { Run(s, kHillStructured, 100); }
void BM_HillExpression(benchmark::State& s) {
  Run(s,
      Replace(kHillStructured,
              R"(k_param: "k"
             modifier { hill_activation { species: "A" k_param: "K" n: 2 } })",
              R"x(propensity: "k * A^2 / (K^2 + A^2)")x"),
      100);
}
void BM_SumOfRegulators(benchmark::State& s) {
  Run(s,
      Replace(kHillStructured,
              R"(k_param: "k"
             modifier { hill_activation { species: "A" k_param: "K" n: 2 } })",
              R"x(propensity: "2 + k * A^2 / (K^2 + A^2)")x"),
      100);
}

const char kDimer[] = R"pb(
  name: "dimer" time_unit: s
  species { name: "S1" initial_count: 10000 }
  species { name: "S2" initial_count: 0 }
  species { name: "S3" initial_count: 0 }
  reaction { name: "r1" reactant { species: "S1" } k: 1 }
  reaction { name: "r2" reactant { species: "S1" stoichiometry: 2 } product { species: "S2" } k: 0.002 }
  reaction { name: "r3" reactant { species: "S2" } product { species: "S1" stoichiometry: 2 } k: 0.5 }
  reaction { name: "r4" reactant { species: "S2" } product { species: "S3" } k: 0.04 }
)pb";

void BM_MassActionStructured(benchmark::State& s) { Run(s, kDimer, 10); }
void BM_MassActionExpression(benchmark::State& s) {
  std::string text = kDimer;
  text = Replace(text, "k: 1 }", R"(propensity: "1 * S1" })");
  text = Replace(text, "k: 0.002 }", R"(propensity: "0.002 * S1 * (S1 - 1) / 2" })");
  text = Replace(text, "k: 0.5 }", R"(propensity: "0.5 * S2" })");
  text = Replace(text, "k: 0.04 }", R"(propensity: "0.04 * S2" })");
  Run(s, text, 10);
}

BENCHMARK(BM_HillStructured);
BENCHMARK(BM_HillExpression);
BENCHMARK(BM_SumOfRegulators);
BENCHMARK(BM_MassActionStructured);
BENCHMARK(BM_MassActionExpression);

}  // namespace
}  // namespace grn

BENCHMARK_MAIN();
