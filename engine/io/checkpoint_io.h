// engine/io/checkpoint_io.h
//
// Checkpoint files of ensembles in progress (proto/checkpoint.proto) and the
// encoding of one MPI rank's statistics. A checkpoint is untrusted input:
// before anything is indexed, every size in it is checked against the
// ensemble it is to continue, and a checkpoint made from another model, seed
// or option set is refused with a message naming what differs.
#ifndef GRN_ENGINE_IO_CHECKPOINT_IO_H_
#define GRN_ENGINE_IO_CHECKPOINT_IO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/sim/ensemble_stats.h"
#include "engine/sim/simulate.h"

namespace grn {

inline constexpr std::uint32_t kCheckpointVersion = 1;
// Larger files are refused before they are read (protobuf's own limit is 2 GiB).
inline constexpr std::uint64_t kMaxCheckpointBytes = std::uint64_t{1} << 31;

// What a checkpoint must have been made with to be continued.
struct CheckpointIdentity {
  std::string model_hash;  // ModelHash()
  std::uint64_t seed = 0;
  // Options that change the numbers, as (name, value), in a fixed order.
  std::vector<std::pair<std::string, std::string>> settings;
};

// The ensemble the saved state must fit.
struct EnsembleShape {
  std::uint64_t runs = 0;
  std::size_t samples = 0;
  std::size_t species = 0;  // kept columns
  std::vector<std::uint32_t> histogram_species;
  std::uint64_t block_begin = 0;  // this process's share of the blocks
  std::uint64_t block_end = 0;
  bool keep_runs = false;  // blocks carry their runs' trajectories
};

// 16 hex digits: FNV-1a over the deterministic binary encoding of the network
// in `path` with its includes resolved and the scenario files applied (what
// is compiled).
StatusOr<std::string> ModelHash(const std::string& path,
                                const std::vector<std::string>& scenario_paths = {});

std::string SerializeCheckpoint(const CheckpointIdentity& identity, const EnsembleCheckpoint& state,
                                std::uint64_t saved_runs_bytes);
// Serializes and writes atomically.
Status WriteCheckpoint(const std::string& path, const CheckpointIdentity& identity,
                       const EnsembleCheckpoint& state, std::uint64_t saved_runs_bytes);

struct LoadedCheckpoint {
  EnsembleCheckpoint state;
  std::uint64_t saved_runs_bytes = 0;
};
// kNotFound when `path` does not exist; kInvalidArgument for a malformed
// checkpoint or one that does not match `expected` (naming what differs).
StatusOr<LoadedCheckpoint> ReadCheckpoint(const std::string& path,
                                          const CheckpointIdentity& expected,
                                          const EnsembleShape& shape);
// The same for bytes already read; `name` prefixes the messages.
StatusOr<LoadedCheckpoint> ParseCheckpoint(std::string_view bytes, const std::string& name,
                                           const CheckpointIdentity& expected,
                                           const EnsembleShape& shape);

// One MPI rank's reduced statistics and event count, for rank 0 to combine.
std::string SerializeReduction(const BlockReduction& reduction, std::uint64_t events);
// REQUIRES of the bytes (else kInvalidArgument): a reduction of exactly the
// blocks [shape.block_begin, shape.block_end).
StatusOr<std::pair<BlockReduction, std::uint64_t>> ParseReduction(std::string_view bytes,
                                                                  const EnsembleShape& shape);

}  // namespace grn

#endif  // GRN_ENGINE_IO_CHECKPOINT_IO_H_
