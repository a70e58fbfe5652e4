// engine/sim/mpi_ensemble.cc
#include "engine/sim/mpi_ensemble.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <tuple>

#include "engine/base/status_macros.h"
#include "engine/sim/mpi_transport.h"

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

constexpr int kTagSize = 1;
constexpr int kTagData = 2;
constexpr int kTagMessage = 3;

// Where the MPI plugin may be: beside the running executable (the build
// folder), or in ../lib/grnsim from it (an installed tree).
std::vector<std::string> PluginCandidates() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const std::filesystem::path dir = exe.parent_path();
  return {(dir / GRN_MPI_PLUGIN_FILE).string(),
          (dir / ".." / "lib" / "grnsim" / GRN_MPI_PLUGIN_FILE).string()};
}

// Opens the plugin; kNotFound (with what was tried) when there is none.
StatusOr<const GrnMpiTransportV1*> LoadTransport() {
  std::string tried;
  for (const std::string& path : PluginCandidates()) {
    // RTLD_GLOBAL: Open MPI's own components resolve libmpi's symbols.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      if (std::filesystem::exists(path)) {
        return NotSupportedError("cannot load the MPI plugin " + path + ": " +
                                 (why != nullptr ? why : "dlopen failed"));
      }
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    auto entry = reinterpret_cast<GrnMpiTransportEntryV1>(
        dlsym(handle, GRN_MPI_TRANSPORT_ENTRY_V1));
    if (entry == nullptr || entry() == nullptr) {
      return NotSupportedError(path + " is not a grnsim MPI plugin (no " +
                               GRN_MPI_TRANSPORT_ENTRY_V1 + ")");
    }
    return entry();
  }
  return NotFoundError("no MPI plugin (looked for " + tried + ")");
}

void SendBytes(const GrnMpiTransportV1& mpi, const std::string& bytes, int to, int tag) {
  std::uint64_t size = bytes.size();
  mpi.send_bytes(&size, sizeof size, to, kTagSize);
  mpi.send_bytes(bytes.data(), size, to, tag);
}

std::string ReceiveBytes(const GrnMpiTransportV1& mpi, int from, int tag) {
  std::uint64_t size = 0;
  mpi.receive_bytes(&size, sizeof size, from, kTagSize);
  std::string bytes(size, '\0');
  mpi.receive_bytes(bytes.data(), size, from, tag);
  return bytes;
}

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
  StatusOr<const GrnMpiTransportV1*> transport = LoadTransport();
  if (!transport.ok()) {
    const long size = LauncherSize();
    // One rank needs no MPI; several cannot share an ensemble without it.
    if (transport.status().code() == StatusCode::kNotFound && size <= 1) return session;
    return NotSupportedError("started by an MPI launcher with " +
                             (size < 0 ? std::string("several") : std::to_string(size)) +
                             " ranks, but " + transport.status().message() +
                             " (it is built when CMake finds MPI: install libopenmpi-dev "
                             "and rebuild)");
  }
  const GrnMpiTransportV1* mpi = *transport;
  if (mpi->init(&session->rank_, &session->size_) != 0) {
    return InternalError("MPI_Init_thread failed");
  }
  session->mpi_ = mpi;
  return session;
}

MpiSession::~MpiSession() {
  if (mpi_ != nullptr) mpi_->finalize();
}

std::uint64_t MpiSession::Broadcast(std::uint64_t value) const {
  if (mpi_ != nullptr) mpi_->broadcast_u64(&value);
  return value;
}

std::vector<std::uint64_t> MpiSession::Gather(std::uint64_t value) const {
  std::vector<std::uint64_t> all(rank_ == 0 ? static_cast<std::size_t>(size_) : 0, value);
  if (mpi_ != nullptr) {
    // Non-root ranks pass a buffer too, though MPI does not write it.
    std::uint64_t unused = 0;
    mpi_->gather_u64(value, rank_ == 0 ? all.data() : &unused);
  }
  return all;
}

Status MpiSession::Agree(const Status& local) const {
  if (mpi_ == nullptr) return local;
  std::vector<int> codes(static_cast<std::size_t>(size_));
  mpi_->allgather_int(static_cast<int>(local.code()), codes.data());
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
    SendBytes(*mpi_, local.message(), 0, kTagMessage);
    return local;
  }
  if (rank_ == 0) {
    return Status(failed_code, "rank " + std::to_string(failed) + ": " +
                                   ReceiveBytes(*mpi_, failed, kTagMessage));
  }
  return Status(failed_code, "");
}

Status MpiSession::Reduce(EnsembleResult& result, const EnsembleShape& shape) const {
  if (mpi_ == nullptr || size_ == 1) return Status::OK();
  // Each rank says whether its part decoded, so no rank waits for a message
  // that will not come.
  Status status;
  if (rank_ != 0) {
    SendBytes(*mpi_, SerializeReduction(result.reduction, result.events), 0, kTagData);
    return Status::OK();
  }
  const std::uint64_t num_blocks = NumBlocks(shape.runs);
  for (int r = 1; r < size_; ++r) {
    const std::string bytes = ReceiveBytes(*mpi_, r, kTagData);
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
}

}  // namespace grn
