// bench/ode_bench.cc
//
// Cost of the deterministic ODE method (engine/ode/cvode_stepper) per network:
// one iteration is a whole integration, Reset at t = 0 then AdvanceTo over 100
// equally spaced output times to t_end, as `grnsim simulate --method ode
// --steps 100` does. Reported per integration: wall time (the benchmark's
// time), CVODE internal steps, RHS evaluations, Jacobian (dense) or
// preconditioner (Krylov) set-ups, Newton and Krylov iterations.
//  * BM_OdeNetwork/dimer_decay: bench/models/dimer_decay.textproto to t = 10 s
//    (and _krylov: the same with the Krylov solver forced);
//  * BM_OdeNetwork/runx2_bursty: networks/runx2_bursty.textproto to t = 200 h;
//  * BM_OdeChain/<n>/<solver>: a generated linear chain X0 → … → X_{n−1} → ∅
//    (all rates 1, X0 = 1000) to t = 100, with the dense and the Krylov
//    linear solver, for n = 10, 100, 1000 (the numbers behind
//    kCvodeDenseMaxSpecies).
// Default tolerances (rtol 1e-6, atol 1e-9). Only the public engine API is used.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/base/rng.h"
#include "engine/io/network_io.h"
#include "engine/model/compiled_model.h"
#include "engine/ode/cvode_stepper.h"
#include "engine/sim/state.h"
#include "engine/sim/stepper.h"
#include "proto/network.pb.h"

namespace grn {
namespace {

constexpr int kOutputSteps = 100;

std::shared_ptr<const CompiledModel> Load(const std::string& path) {
  StatusOr<CompiledModel> compiled = LoadModel(path);
  if (!compiled.ok()) return nullptr;
  return std::make_shared<const CompiledModel>(std::move(*compiled));
}

// prefix + i, built by append: `"X" + std::to_string(i)` trips GCC 12's
// -Wrestrict false positive at -O3.
std::string Indexed(const char* prefix, int i) {
  std::string name = prefix;
  name += std::to_string(i);
  return name;
}

std::shared_ptr<const CompiledModel> Chain(int n) {
  grnsim::v1::Network net;
  net.set_name(Indexed("chain", n));
  net.set_time_unit(grnsim::v1::Network::s);
  for (int i = 0; i < n; ++i) {
    auto* s = net.add_species();
    s->set_name(Indexed("X", i));
    s->set_initial_count(i == 0 ? 1000 : 0);
  }
  for (int i = 0; i < n; ++i) {
    auto* r = net.add_reaction();
    r->set_name(Indexed("r", i));
    r->add_reactant()->set_species(Indexed("X", i));
    if (i + 1 < n) r->add_product()->set_species(Indexed("X", i + 1));
    r->set_k(1.0);
  }
  StatusOr<CompiledModel> compiled = Compile(net);
  if (!compiled.ok()) return nullptr;
  return std::make_shared<const CompiledModel>(std::move(*compiled));
}

void Integrate(benchmark::State& bench, std::shared_ptr<const CompiledModel> model, double t_end,
               CvodeLinearSolver solver) {
  if (model == nullptr) {
    bench.SkipWithError("model did not load");
    return;
  }
  auto made = MakeCvodeStepper(model, MethodOptions{}, solver);
  if (!made.ok()) {
    bench.SkipWithError(made.status().message().c_str());
    return;
  }
  Stepper& stepper = **made;
  Rng rng(1);
  State state;
  for (auto _ : bench) {
    state.t = 0.0;
    state.x = model->initial_counts();
    Status status = stepper.Reset(state, rng);
    for (int i = 1; status.ok() && i <= kOutputSteps; ++i) {
      status = stepper.AdvanceTo(t_end * i / kOutputSteps, state, rng);
    }
    if (!status.ok()) {
      bench.SkipWithError(status.message().c_str());
      return;
    }
    benchmark::DoNotOptimize(state.x.data());
  }
  const OdeCounters c = *GetOdeCounters(stepper);
  const double runs = static_cast<double>(bench.iterations());
  bench.counters["species"] = static_cast<double>(model->num_species());
  bench.counters["steps"] = static_cast<double>(c.steps) / runs;
  bench.counters["rhs_evals"] = static_cast<double>(c.rhs_evals) / runs;
  bench.counters["jac_evals"] = static_cast<double>(c.jac_evals) / runs;
  bench.counters["newton_iters"] = static_cast<double>(c.newton_iters) / runs;
  bench.counters["krylov_iters"] = static_cast<double>(c.linear_iters) / runs;
  bench.SetLabel(c.krylov ? "krylov" : "dense");
}

void BM_OdeDimerDecay(benchmark::State& bench) {
  Integrate(bench, Load(GRN_SOURCE_DIR "/bench/models/dimer_decay.textproto"), 10.0,
            CvodeLinearSolver::kAuto);
}
BENCHMARK(BM_OdeDimerDecay)->Name("BM_OdeNetwork/dimer_decay")->Unit(benchmark::kMicrosecond);

void BM_OdeRunx2(benchmark::State& bench) {
  Integrate(bench, Load(GRN_SOURCE_DIR "/networks/runx2_bursty.textproto"), 200.0,
            CvodeLinearSolver::kAuto);
}
void BM_OdeDimerKrylov(benchmark::State& bench) {
  Integrate(bench, Load(GRN_SOURCE_DIR "/bench/models/dimer_decay.textproto"), 10.0,
            CvodeLinearSolver::kKrylov);
}
BENCHMARK(BM_OdeDimerKrylov)
    ->Name("BM_OdeNetwork/dimer_decay_krylov")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OdeRunx2)->Name("BM_OdeNetwork/runx2_bursty")->Unit(benchmark::kMicrosecond);

// range(0): species; range(1): 0 dense, 1 Krylov.
void BM_OdeChain(benchmark::State& bench) {
  const int n = static_cast<int>(bench.range(0));
  Integrate(bench, Chain(n), 100.0,
            bench.range(1) == 0 ? CvodeLinearSolver::kDense : CvodeLinearSolver::kKrylov);
}
BENCHMARK(BM_OdeChain)
    ->ArgNames({"species", "krylov"})
    ->ArgsProduct({{10, 100, 1000}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace grn

BENCHMARK_MAIN();
