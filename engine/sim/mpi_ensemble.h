// engine/sim/mpi_ensemble.h
//
// Ensembles across MPI ranks. MPI is reached through a plugin
// (libgrnsim_mpi.so, engine/sim/mpi_transport.h; built when CMake finds MPI)
// that is opened and initialised only when the process was started by an MPI
// launcher (mpirun, srun: OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK in the
// environment), so plain runs never load MPI nor touch its state. Rank r simulates the contiguous blocks RankBlocks(r) of the
// ensemble; rank 0 pushes every other rank's BlockReduction nodes, in rank
// order, into its own, which gives bit-for-bit the statistics of one process
// (see BlockReduction). Communication happens only on the calling (main)
// thread, between the simulations.
#ifndef GRN_ENGINE_SIM_MPI_ENSEMBLE_H_
#define GRN_ENGINE_SIM_MPI_ENSEMBLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/io/checkpoint_io.h"
#include "engine/sim/simulate.h"

struct GrnMpiTransportV1;

namespace grn {

// True when an MPI launcher started this process (read from the environment
// only: MPI itself is not touched).
bool LaunchedByMpiLauncher();
// This process's rank as the launcher's environment says (0 when not known).
int LauncherRank();

// Blocks [first, second) of `num_blocks` for `rank` of `ranks`: contiguous,
// in rank order, sizes differing by at most one.
std::pair<std::uint64_t, std::uint64_t> RankBlocks(std::uint64_t num_blocks, int rank, int ranks);

class MpiSession {
 public:
  // A session of all ranks when launched by an MPI launcher (the plugin is
  // loaded and MPI_Init runs here), else of one. A launch with several ranks
  // and no plugin (a grnsim built without MPI) is kNotSupported.
  static StatusOr<std::unique_ptr<MpiSession>> Start();
  ~MpiSession();  // MPI_Finalize, when MPI was initialised
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Rank 0's value, at every rank.
  std::uint64_t Broadcast(std::uint64_t value) const;
  // Every rank's value, in rank order (at rank 0; empty elsewhere).
  std::vector<std::uint64_t> Gather(std::uint64_t value) const;
  // The first failure of any rank, in rank order (OK if none), at every rank;
  // the message reaches rank 0 (others get the code only).
  Status Agree(const Status& local) const;
  // Combines every rank's `result` (its reduction and events) into rank 0's,
  // then recomputes rank 0's result.stats. `shape` describes the whole
  // ensemble; its block range is ignored.
  Status Reduce(EnsembleResult& result, const EnsembleShape& shape) const;

 private:
  MpiSession() = default;
  int rank_ = 0;
  int size_ = 1;
  const GrnMpiTransportV1* mpi_ = nullptr;  // set when MPI was initialised
};

}  // namespace grn

#endif  // GRN_ENGINE_SIM_MPI_ENSEMBLE_H_
