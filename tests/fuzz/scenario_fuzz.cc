// tests/fuzz/scenario_fuzz.cc
//
// libFuzzer target: a scenario overlay file (.textproto, grnsim.v1.Scenario)
// applied the way `grnsim simulate NET --scenario FILE` applies it
// (ApplyScenarioFiles: ReadScenarioFile → ApplyScenario, with the source map
// of the additions) to a small fixed valid network, then ValidateNetworkFile
// → Compile and, for what compiles, a very short simulation with the direct
// and next-reaction methods (at most about 10^4 events each). The network has
// species, parameters, rules, modifiers and events, and the parameters E2,
// MET_OE and PTH, so some of networks/scenarios/ apply to it as they are.
// Errors returned as Status are the expected outcome for bad input; any
// crash, sanitizer report or hang is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <span>
#include <string>

#include "engine/io/compose_io.h"
#include "engine/io/network_io.h"
#include "engine/sim/simulate.h"

namespace {

constexpr char kNetwork[] = R"pb(
name: "scenario_fuzz_base" time_unit: h
species { name: "G" initial_count: 1 role: gene }
species { name: "M" initial_count: 0 }
species { name: "P" initial_count: 5 }
species { name: "T" initial_count: 0 }
parameter { name: "k_tx" value: 20 }
parameter { name: "K" value: 10 }
parameter { name: "b" value: 2 }
parameter { name: "E2" value: 1 }
parameter { name: "MET_OE" value: 1 }
parameter { name: "PTH" value: 3 }
assignment_rule { variable: "T" expression: "2 * P + M" }
initial_assignment { variable: "k_tx" expression: "10 * b" }
reaction { name: "tx" reactant { species: "G" } product { species: "G" } product { species: "M" } k_param: "k_tx"
  modifier { hill_repression { species: "P" k_param: "K" n: 2 } } }
reaction { name: "tl" reactant { species: "M" } product { species: "M" } product { species: "P" } k: 5
  modifier { hill_activation { species: "M" k: 3 n_param: "b" } } }
reaction { name: "dm" reactant { species: "M" } propensity: "0.5 * M * (1 + E2 + MET_OE + PTH / 100)" }
reaction { name: "dp" reactant { species: "P" stoichiometry: 2 } k: 0.01 }
event { name: "switch" when: "P > 50" assign { target: "M" value: "max(M - 1, 0)" } }
)pb";

// The readers take paths (they pick the format by extension), so the fixed
// network and each input go through files of this process, removed at exit.
std::string ScratchPath(const char* suffix) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/grn_fuzz_" +
         std::to_string(getpid()) + suffix;
}

const std::string& ScenarioPath() {
  static const std::string path = ScratchPath("_scenario.textproto");
  static const bool cleanup = [] { return std::atexit([] { std::remove(path.c_str()); }) == 0; }();
  (void)cleanup;
  return path;
}

// The fixed network, read once with its source map (as a user's file is).
const grn::NetworkFile& BaseNetwork() {
  static const grn::NetworkFile file = [] {
    const std::string path = ScratchPath("_network.textproto");
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << kNetwork;
    }
    grn::StatusOr<grn::NetworkFile> read = grn::ReadNetworkFile(path);
    std::remove(path.c_str());
    if (!read.ok() || !grn::ValidateNetworkFile(*read).ok()) {
      std::fprintf(stderr, "scenario_fuzz: the fixed network does not load\n");
      std::abort();
    }
    return std::move(*read);
  }();
  return file;
}

// As in network_binary_fuzz.cc: growing horizons until ~10 events, with an
// event limit against runaways.
void ShortSimulation(const std::shared_ptr<const grn::CompiledModel>& model,
                     grn::MethodKind method) {
  grn::SimulationOptions options;
  options.method = method;
  options.method_options.max_events = 10000;
  options.steps = 2;
  options.seed = 1;
  std::uint64_t events = 0;
  for (double t_end : {1e-12, 1e-9, 1e-6, 1e-3, 1.0}) {
    options.t_end = t_end;
    const grn::Status s = grn::SimulateTrajectory(
        model, options, 0, [](double, std::span<const double>) { return grn::Status::OK(); },
        &events);
    if (!s.ok() || events >= 10) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16 * 1024) return 0;  // real scenarios are under 2 KB
  const grn::NetworkFile& base = BaseNetwork();
  {
    std::ofstream out(ScenarioPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  grn::NetworkFile file = base;
  if (!grn::ApplyScenarioFiles(file, {ScenarioPath()}).ok()) {
    // On error the network must be left as it was (engine/model/scenario.h).
    if (file.network.SerializeAsString() != base.network.SerializeAsString()) {
      std::fprintf(stderr, "a refused scenario changed the network\n");
      std::abort();
    }
    return 0;
  }
  if (!grn::ValidateNetworkFile(file).ok()) return 0;
  grn::StatusOr<grn::CompiledModel> compiled = grn::Compile(file.network);
  if (!compiled.ok()) return 0;
  auto model = std::make_shared<const grn::CompiledModel>(std::move(*compiled));
  ShortSimulation(model, grn::MethodKind::kDirect);
  ShortSimulation(model, grn::MethodKind::kNextReaction);
  return 0;
}
