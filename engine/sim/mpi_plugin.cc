// engine/sim/mpi_plugin.cc
//
// libgrnsim_mpi.so: the MPI side of engine/sim/mpi_transport.h, the only code
// linked against MPI. Built as a module beside grnsim, not into the engine.
#include <mpi.h>

#include <algorithm>
#include <cstdint>

#include "engine/sim/mpi_transport.h"

namespace {

// MPI counts are ints: long messages go in pieces.
constexpr std::uint64_t kChunk = std::uint64_t{1} << 30;

int Init(int* rank, int* size) {
  int provided = 0;
  int error = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  if (error == MPI_SUCCESS) error = MPI_Comm_rank(MPI_COMM_WORLD, rank);
  if (error == MPI_SUCCESS) error = MPI_Comm_size(MPI_COMM_WORLD, size);
  return error;
}

int Finalize() { return MPI_Finalize(); }

int BroadcastU64(std::uint64_t* value) {
  return MPI_Bcast(value, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
}

int GatherU64(std::uint64_t value, std::uint64_t* all) {
  return MPI_Gather(&value, 1, MPI_UINT64_T, all, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
}

int AllgatherInt(int value, int* all) {
  return MPI_Allgather(&value, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
}

int SendBytes(const void* data, std::uint64_t size, int to, int tag) {
  const char* bytes = static_cast<const char*>(data);
  for (std::uint64_t at = 0; at < size; at += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, size - at));
    const int error = MPI_Send(bytes + at, n, MPI_BYTE, to, tag, MPI_COMM_WORLD);
    if (error != MPI_SUCCESS) return error;
  }
  return MPI_SUCCESS;
}

int ReceiveBytes(void* data, std::uint64_t size, int from, int tag) {
  char* bytes = static_cast<char*>(data);
  for (std::uint64_t at = 0; at < size; at += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, size - at));
    const int error =
        MPI_Recv(bytes + at, n, MPI_BYTE, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (error != MPI_SUCCESS) return error;
  }
  return MPI_SUCCESS;
}

constexpr GrnMpiTransportV1 kTransport = {Init,         Finalize,  BroadcastU64, GatherU64,
                                          AllgatherInt, SendBytes, ReceiveBytes};

}  // namespace

extern "C" __attribute__((visibility("default"))) const GrnMpiTransportV1* grn_mpi_transport_v1() {
  return &kTransport;
}
