// engine/sim/mpi_ensemble.cc
#include "engine/sim/mpi_ensemble.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <tuple>

#include "engine/base/status_macros.h"

#ifdef GRN_HAVE_MPI
#include <mpi.h>
#endif

namespace grn {
namespace {

// The launcher's value of the first variable set, or -1.
long EnvNumber(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      char* end = nullptr;
      const long n = std::strtol(value, &end, 10);
      if (end != value && *end == '\0' && n >= 0) return n;
    }
  }
  return -1;
}

long LauncherSize() { return EnvNumber({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}); }

#ifdef GRN_HAVE_MPI
constexpr int kTagSize = 1;
constexpr int kTagData = 2;
constexpr int kTagMessage = 3;
// MPI counts are ints: long messages go in pieces.
constexpr std::size_t kChunk = std::size_t{1} << 30;

void SendBytes(const std::string& bytes, int to, int tag) {
  std::uint64_t size = bytes.size();
  MPI_Send(&size, 1, MPI_UINT64_T, to, kTagSize, MPI_COMM_WORLD);
  for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, bytes.size() - at));
    MPI_Send(bytes.data() + at, n, MPI_BYTE, to, tag, MPI_COMM_WORLD);
  }
}

std::string ReceiveBytes(int from, int tag) {
  std::uint64_t size = 0;
  MPI_Recv(&size, 1, MPI_UINT64_T, from, kTagSize, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  std::string bytes(size, '\0');
  for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
    const int n = static_cast<int>(std::min<std::size_t>(kChunk, bytes.size() - at));
    MPI_Recv(bytes.data() + at, n, MPI_BYTE, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return bytes;
}
#endif

}  // namespace

bool LaunchedByMpiLauncher() {
  return LauncherSize() >= 0 || EnvNumber({"PMIX_RANK"}) >= 0;
}

int LauncherRank() {
  const long rank = EnvNumber({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"});
  return rank < 0 ? 0 : static_cast<int>(rank);
}

std::pair<std::uint64_t, std::uint64_t> RankBlocks(std::uint64_t num_blocks, int rank, int ranks) {
  const auto at = [&](int r) {
    // num_blocks · r / ranks without overflow for any realistic size.
    const std::uint64_t p = static_cast<std::uint64_t>(ranks);
    const std::uint64_t q = static_cast<std::uint64_t>(r);
    return (num_blocks / p) * q + (num_blocks % p) * q / p;
  };
  return {at(rank), at(rank + 1)};
}

StatusOr<std::unique_ptr<MpiSession>> MpiSession::Start() {
  std::unique_ptr<MpiSession> session(new MpiSession());
  if (!LaunchedByMpiLauncher()) return session;
#ifdef GRN_HAVE_MPI
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    return InternalError("MPI_Init_thread failed");
  }
  session->initialised_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &session->rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &session->size_);
  return session;
#else
  const long size = LauncherSize();
  if (size > 1) {
    return NotSupportedError("started by an MPI launcher with " + std::to_string(size) +
                             " ranks, but this grnsim was built without MPI (install "
                             "libopenmpi-dev and rebuild; GRN_MPI is on when MPI is found)");
  }
  return session;
#endif
}

MpiSession::~MpiSession() {
#ifdef GRN_HAVE_MPI
  if (initialised_) MPI_Finalize();
#endif
}

std::uint64_t MpiSession::Broadcast(std::uint64_t value) const {
#ifdef GRN_HAVE_MPI
  if (initialised_) MPI_Bcast(&value, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
#endif
  return value;
}

std::vector<std::uint64_t> MpiSession::Gather(std::uint64_t value) const {
  std::vector<std::uint64_t> all(rank_ == 0 ? static_cast<std::size_t>(size_) : 0, value);
#ifdef GRN_HAVE_MPI
  if (initialised_) {
    MPI_Gather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  }
#endif
  return all;
}

Status MpiSession::Agree(const Status& local) const {
#ifdef GRN_HAVE_MPI
  if (!initialised_) return local;
  int code = static_cast<int>(local.code());
  std::vector<int> codes(static_cast<std::size_t>(size_));
  MPI_Allgather(&code, 1, MPI_INT, codes.data(), 1, MPI_INT, MPI_COMM_WORLD);
  int failed = -1;
  for (int r = 0; r < size_; ++r) {
    if (codes[static_cast<std::size_t>(r)] != static_cast<int>(StatusCode::kOk)) {
      failed = r;
      break;
    }
  }
  if (failed < 0) return Status::OK();
  const StatusCode failed_code = static_cast<StatusCode>(codes[static_cast<std::size_t>(failed)]);
  if (failed == 0) return rank_ == 0 ? local : Status(failed_code, "");
  if (rank_ == failed) {
    SendBytes(local.message(), 0, kTagMessage);
    return local;
  }
  if (rank_ == 0) {
    return Status(failed_code, "rank " + std::to_string(failed) + ": " +
                                   ReceiveBytes(failed, kTagMessage));
  }
  return Status(failed_code, "");
#else
  return local;
#endif
}

Status MpiSession::Reduce(EnsembleResult& result, const EnsembleShape& shape) const {
#ifdef GRN_HAVE_MPI
  if (!initialised_ || size_ == 1) return Status::OK();
  // Each rank says whether its part decoded, so no rank waits for a message
  // that will not come.
  Status status;
  if (rank_ != 0) {
    SendBytes(SerializeReduction(result.reduction, result.events), 0, kTagData);
    return Status::OK();
  }
  const std::uint64_t num_blocks = NumBlocks(shape.runs);
  for (int r = 1; r < size_; ++r) {
    const std::string bytes = ReceiveBytes(r, kTagData);
    if (!status.ok()) continue;  // keep receiving so every sender completes
    EnsembleShape part = shape;
    std::tie(part.block_begin, part.block_end) = RankBlocks(num_blocks, r, size_);
    auto parsed = ParseReduction(bytes, part);
    if (!parsed.ok()) {
      status = InternalError("rank " + std::to_string(r) + ": " + parsed.status().message());
      continue;
    }
    for (const BlockReduction::Node& node : parsed->first.nodes()) {
      status = result.reduction.PushNode(node);
      if (!status.ok()) break;
    }
    result.reduction.MergeOrderFree(parsed->first.order_free());
    result.events += parsed->second;
  }
  if (status.ok()) result.stats = result.reduction.Result();
  return status;
#else
  (void)result;
  (void)shape;
  return Status::OK();
#endif
}

}  // namespace grn
