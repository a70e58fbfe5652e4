// tests/fuzz/bng_net_fuzz.cc
//
// libFuzzer target: a BioNetGen network file (.net) through the path
// `grnsim simulate model.net` takes (ImportBngText → ValidateNetworkFile →
// Compile), with and without groups, then, for what compiles, a very short
// simulation with the direct and next-reaction methods (at most about 10^4
// events each). Errors returned as Status are the expected outcome for bad
// input; any crash, sanitizer report or hang is a finding.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "engine/io/bng_import.h"
#include "engine/io/network_io.h"
#include "engine/sim/simulate.h"

namespace {

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

void ImportAndRun(const std::string& text, bool groups) {
  grn::BngImportOptions import_options;
  import_options.groups = groups;
  grn::StatusOr<grn::NetworkFile> file = grn::ImportBngText("fuzz.net", text, import_options);
  if (!file.ok()) return;
  if (!grn::ValidateNetworkFile(*file).ok()) return;
  grn::StatusOr<grn::CompiledModel> compiled = grn::Compile(file->network);
  if (!compiled.ok()) return;
  auto model = std::make_shared<const grn::CompiledModel>(std::move(*compiled));
  ShortSimulation(model, grn::MethodKind::kDirect);
  ShortSimulation(model, grn::MethodKind::kNextReaction);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;  // the seeds are a few hundred bytes to 11 KB
  const std::string text(reinterpret_cast<const char*>(data), size);
  ImportAndRun(text, /*groups=*/true);
  ImportAndRun(text, /*groups=*/false);
  return 0;
}
