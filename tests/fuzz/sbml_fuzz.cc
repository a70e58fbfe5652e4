// tests/fuzz/sbml_fuzz.cc
//
// libFuzzer target: an SBML file (.xml) through the path `grnsim simulate
// model.xml` takes (ReadNetworkFile → ImportSbml → ValidateNetworkFile →
// Compile), then, for what compiles, a very short simulation with the direct
// and next-reaction methods (at most about 10^4 events each), and the SBML
// export of the imported network, which must succeed or refuse with
// NotSupported (an internal error there is SBML of ours that fails libsbml's
// consistency check: a finding). Errors returned as Status are the expected
// outcome for bad input; any crash, sanitizer report or hang is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <span>
#include <string>

#include "engine/io/network_io.h"
#include "engine/io/sbml_export.h"
#include "engine/sim/simulate.h"

namespace {

// libsbml reads a path, so each input goes through one file per process,
// rewritten every iteration and removed at exit.
const std::string& InputPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/grn_fuzz_" +
           std::to_string(getpid()) + ".xml";
  }();
  static const bool cleanup = [] { return std::atexit([] { std::remove(path.c_str()); }) == 0; }();
  (void)cleanup;
  return path;
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
  if (size > 64 * 1024) return 0;  // real models in the corpus are a few KB
  {
    std::ofstream out(InputPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  grn::StatusOr<grn::NetworkFile> file = grn::ReadNetworkFile(InputPath());
  if (!file.ok()) return 0;
  if (!grn::ValidateNetworkFile(*file).ok()) return 0;
  grn::StatusOr<grn::CompiledModel> compiled = grn::Compile(file->network);
  if (!compiled.ok()) return 0;
  auto model = std::make_shared<const grn::CompiledModel>(std::move(*compiled));
  ShortSimulation(model, grn::MethodKind::kDirect);
  ShortSimulation(model, grn::MethodKind::kNextReaction);
  const grn::StatusOr<std::string> sbml = grn::ExportSbml(file->network);
  if (!sbml.ok() && sbml.status().code() != grn::StatusCode::kNotSupported) {
    std::fprintf(stderr, "SBML export failed on a valid network: %s\n",
                 sbml.status().message().c_str());
    std::abort();
  }
  return 0;
}
