// engine/sim/mpi_transport.h
//
// The few MPI operations an ensemble needs, as a C table that the MPI plugin
// (engine/sim/mpi_plugin.cc, built as libgrnsim_mpi.so next to grnsim)
// returns from grn_mpi_transport_v1(). grnsim opens the plugin only when an
// MPI launcher started it, so plain runs do not load Open MPI and its ~10
// libraries at start. The table has no C++ types in it, so the plugin needs
// nothing from the engine.
#ifndef GRN_ENGINE_SIM_MPI_TRANSPORT_H_
#define GRN_ENGINE_SIM_MPI_TRANSPORT_H_

#include <cstddef>
#include <cstdint>

extern "C" {

// Every function returns 0 on success and MPI's error code otherwise; they
// act on MPI_COMM_WORLD and are called from one thread (MPI_THREAD_FUNNELED).
struct GrnMpiTransportV1 {
  // MPI_Init_thread; *rank and *size of MPI_COMM_WORLD.
  int (*init)(int* rank, int* size);
  int (*finalize)();
  // Rank 0's *value, at every rank.
  int (*broadcast_u64)(std::uint64_t* value);
  // Every rank's value into all[0..size) at rank 0 (`all` unused elsewhere).
  int (*gather_u64)(std::uint64_t value, std::uint64_t* all);
  // Every rank's value into all[0..size) at every rank.
  int (*allgather_int)(int value, int* all);
  // Point-to-point bytes of any length (split into int-sized messages).
  int (*send_bytes)(const void* data, std::uint64_t size, int to, int tag);
  int (*receive_bytes)(void* data, std::uint64_t size, int from, int tag);
};

// The plugin's one exported symbol.
typedef const GrnMpiTransportV1* (*GrnMpiTransportEntryV1)();
#define GRN_MPI_TRANSPORT_ENTRY_V1 "grn_mpi_transport_v1"
#define GRN_MPI_PLUGIN_FILE "libgrnsim_mpi.so"

}  // extern "C"

#endif  // GRN_ENGINE_SIM_MPI_TRANSPORT_H_
