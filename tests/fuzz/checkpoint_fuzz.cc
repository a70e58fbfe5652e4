// tests/fuzz/checkpoint_fuzz.cc
//
// libFuzzer target: bytes as a checkpoint file (`grnsim simulate
// --checkpoint`, proto/checkpoint.proto) through ParseCheckpoint, the path
// `--resume` takes, against the fixed identity and ensemble shape of the
// seeds (birth_death, --seed 3 --t-end 10 --steps 4 --runs 20000000, once
// plain and once with --quantiles 0.5, which keeps the runs of pending
// blocks); and as an MPI rank's reduction (ParseReduction). A checkpoint that
// is accepted must serialize and parse again. Errors returned as Status are
// the expected outcome for bad input; any crash, sanitizer report or hang
// (e.g. sizes from the file trusted before they are checked) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/io/checkpoint_io.h"
#include "engine/sim/simulate.h"

namespace {

constexpr std::uint64_t kRuns = 20000000;

// What `grnsim simulate` (tools/cmd_simulate.cc, ResultSettings) put in the
// seeds; `histograms` is the number of histogram columns.
grn::CheckpointIdentity SeedIdentity(int histograms) {
  grn::CheckpointIdentity identity;
  identity.model_hash = "8f55131789e16b05";
  identity.seed = 3;
  identity.settings = {
      {"--method", "direct"},
      {"--t-end", "10"},
      {"--steps", "4"},
      {"--runs", std::to_string(kRuns)},
      {"--max-events", "0"},
      {"--species", "X"},
      {"histograms (--quantiles, --histogram)", std::to_string(histograms)},
      {"--save-runs", "no"},
      {"MPI ranks", "1"},
  };
  return identity;
}

grn::EnsembleShape SeedShape(bool histogram) {
  grn::EnsembleShape shape;
  shape.runs = kRuns;
  shape.samples = 5;
  shape.species = 1;
  if (histogram) shape.histogram_species = {0};
  shape.block_begin = 0;
  shape.block_end = grn::NumBlocks(kRuns);
  shape.keep_runs = histogram;
  return shape;
}

void ParseAndRoundTrip(std::string_view bytes, bool histogram) {
  const grn::CheckpointIdentity identity = SeedIdentity(histogram ? 1 : 0);
  const grn::EnsembleShape shape = SeedShape(histogram);
  grn::StatusOr<grn::LoadedCheckpoint> loaded =
      grn::ParseCheckpoint(bytes, "fuzz.ckpt", identity, shape);
  if (!loaded.ok()) return;
  const std::string again =
      grn::SerializeCheckpoint(identity, loaded->state, loaded->saved_runs_bytes);
  const grn::StatusOr<grn::LoadedCheckpoint> reloaded =
      grn::ParseCheckpoint(again, "fuzz.ckpt (rewritten)", identity, shape);
  if (!reloaded.ok()) {
    std::fprintf(stderr, "an accepted checkpoint does not parse once rewritten: %s\n",
                 reloaded.status().message().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;  // the seeds are under 2 KB
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ParseAndRoundTrip(bytes, /*histogram=*/false);
  ParseAndRoundTrip(bytes, /*histogram=*/true);
  (void)grn::ParseReduction(bytes, SeedShape(false));
  (void)grn::ParseReduction(bytes, SeedShape(true));
  return 0;
}
