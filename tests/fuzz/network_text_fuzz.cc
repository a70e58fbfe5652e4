// tests/fuzz/network_text_fuzz.cc
//
// libFuzzer target: a text network file (.textproto) through the whole
// loading path a user's file takes (ReadNetworkFile → ValidateNetworkFile →
// Compile), then, for what compiles, a very short simulation with the direct
// and next-reaction methods (about 10 reaction events each, events and rules
// included). Any crash, sanitizer report or hang is a finding; errors
// returned as Status are the expected outcome for bad input.
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
#include "engine/sim/simulate.h"

namespace {

// The reader takes a path (it picks the format by extension), so each input
// goes through one file per process, rewritten every iteration and removed at
// exit.
const std::string& InputPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/grn_fuzz_" +
           std::to_string(getpid()) + ".textproto";
  }();
  static const bool cleanup = [] { return std::atexit([] { std::remove(path.c_str()); }) == 0; }();
  (void)cleanup;
  return path;
}

// Runs `model` from time 0 over growing horizons until about 10 events have
// fired, so a slow model costs nothing and a fast one stops early (each
// horizon is 1000× the last: at most ~10^4 events for a constant rate). A
// runaway (rates that explode) still runs long: the engine has no event limit
// yet, so fuzz with -fork=1 -ignore_timeouts=1 (see README.md).
void ShortSimulation(const std::shared_ptr<const grn::CompiledModel>& model,
                     grn::MethodKind method) {
  grn::SimulationOptions options;
  options.method = method;
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

// KNOWN BUG (engine/kinetics/expression.cc:151, reported): the expression
// parser recurses once per nesting level with no depth limit, so about 1000
// nested '(' (fewer frames fit under ASan) overflow the stack. Until it has a
// limit, inputs that nest that deeply are skipped so fuzzing can find other
// problems; tests/bad_inputs keeps the crashing case (disabled). Remove then.
bool NestsTooDeeply(const std::uint8_t* data, std::size_t size) {
  std::size_t open = 0, power = 0, unary = 0;
  for (std::size_t i = 0; i < size; ++i) {
    open += data[i] == '(';
    power += data[i] == '^';
    unary += data[i] == '-' || data[i] == '!' || data[i] == '+';
  }
  return open > 200 || power > 200 || unary > 2000;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;  // real networks are small; keep iterations fast
  if (NestsTooDeeply(data, size)) return 0;
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
  return 0;
}
