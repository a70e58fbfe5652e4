// engine/io/checkpoint_io.cc
#include "engine/io/checkpoint_io.h"

#include <sys/stat.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include "engine/base/status_macros.h"
#include "engine/io/atomic_file.h"
#include "engine/io/compose_io.h"
#include "proto/checkpoint.pb.h"

namespace grn {
namespace {

namespace pb = grnsim::v1;

// --- to protobuf --------------------------------------------------------------

void ToProto(const Moments& m, pb::MomentsData* out) {
  out->set_runs(m.runs());
  out->mutable_mean()->Add(m.mean().begin(), m.mean().end());
  out->mutable_m2()->Add(m.m2().begin(), m.m2().end());
}

void ToProto(const EnsembleStats& s, bool with_moments, pb::StatsData* out) {
  out->set_num_samples(s.num_samples());
  out->set_num_species(s.num_species());
  if (with_moments) ToProto(s.moments(), out->mutable_moments());
  out->mutable_min()->Add(s.min_values().begin(), s.min_values().end());
  out->mutable_max()->Add(s.max_values().begin(), s.max_values().end());
  out->mutable_histogram_species()->Add(s.histogram_species().begin(), s.histogram_species().end());
  for (const CountHistogram& h : s.histograms()) {
    pb::HistogramData* hd = out->add_histograms();
    hd->set_first_bin(h.first_bin());
    hd->mutable_counts()->Add(h.counts().begin(), h.counts().end());
    hd->set_negative(h.negative());
  }
}

void ToProto(const BlockReduction& r, std::uint64_t events, pb::EnsembleReduction* out) {
  out->set_first_block(r.first_block());
  out->set_end_block(r.end_block());
  for (const BlockReduction::Node& node : r.nodes()) {
    pb::ReductionNode* n = out->add_nodes();
    n->set_first_block(node.first_block);
    n->set_level(node.level);
    ToProto(node.moments, n->mutable_moments());
  }
  ToProto(r.order_free(), /*with_moments=*/false, out->mutable_order_free());
  out->set_events(events);
}

// --- from protobuf, checked -----------------------------------------------------

std::uint64_t BlockSize(std::uint64_t runs, std::uint64_t block) {
  const std::uint64_t first = block * kRunsPerBlock;
  return first >= runs ? 0 : std::min(kRunsPerBlock, runs - first);
}

// Runs in blocks [begin, end).
std::uint64_t RunsInBlocks(std::uint64_t runs, std::uint64_t begin, std::uint64_t end) {
  const std::uint64_t lo = std::min(runs, begin * kRunsPerBlock);
  const std::uint64_t hi = std::min(runs, end * kRunsPerBlock);
  return hi > lo ? hi - lo : 0;
}

StatusOr<Moments> FromProto(const pb::MomentsData& m, std::size_t cells, const std::string& what) {
  if (static_cast<std::size_t>(m.mean_size()) != cells ||
      static_cast<std::size_t>(m.m2_size()) != cells) {
    return InvalidArgumentError(what + ": " + std::to_string(m.mean_size()) + " means and " +
                                std::to_string(m.m2_size()) + " sums of squares, expected " +
                                std::to_string(cells));
  }
  return Moments(m.runs(), std::vector<double>(m.mean().begin(), m.mean().end()),
                 std::vector<double>(m.m2().begin(), m.m2().end()));
}

StatusOr<EnsembleStats> FromProto(const pb::StatsData& s, const EnsembleShape& shape,
                                  const std::vector<std::uint32_t>& histogram_species,
                                  bool with_moments, const std::string& what) {
  const std::size_t cells = shape.samples * shape.species;
  if (s.num_samples() != shape.samples || s.num_species() != shape.species) {
    return InvalidArgumentError(what + ": " + std::to_string(s.num_samples()) + " samples × " +
                                std::to_string(s.num_species()) + " species, expected " +
                                std::to_string(shape.samples) + " × " +
                                std::to_string(shape.species));
  }
  if (static_cast<std::size_t>(s.min_size()) != cells ||
      static_cast<std::size_t>(s.max_size()) != cells) {
    return InvalidArgumentError(what + ": extrema of the wrong size");
  }
  if (!std::equal(s.histogram_species().begin(), s.histogram_species().end(),
                  histogram_species.begin(), histogram_species.end())) {
    return InvalidArgumentError(what + ": histograms of other species");
  }
  const std::size_t num_histograms = shape.samples * histogram_species.size();
  if (static_cast<std::size_t>(s.histograms_size()) != num_histograms) {
    return InvalidArgumentError(what + ": " + std::to_string(s.histograms_size()) +
                                " histograms, expected " + std::to_string(num_histograms));
  }
  EnsembleStats stats(shape.samples, shape.species, histogram_species);
  if (with_moments) {
    GRN_ASSIGN_OR_RETURN(Moments m, FromProto(s.moments(), cells, what));
    stats.set_moments(std::move(m));
  }
  stats.mutable_min_values().assign(s.min().begin(), s.min().end());
  stats.mutable_max_values().assign(s.max().begin(), s.max().end());
  for (std::size_t i = 0; i < num_histograms; ++i) {
    const pb::HistogramData& hd = s.histograms(static_cast<int>(i));
    auto h = CountHistogram::FromParts(
        hd.first_bin(), std::vector<std::uint64_t>(hd.counts().begin(), hd.counts().end()),
        hd.negative());
    if (!h.ok()) return InvalidArgumentError(what + ": " + h.status().message());
    stats.mutable_histograms()[i] = std::move(*h);
  }
  return stats;
}

StatusOr<BlockReduction> FromProto(const pb::EnsembleReduction& r, const EnsembleShape& shape,
                                   const std::string& what) {
  if (r.first_block() != shape.block_begin || r.end_block() < r.first_block() ||
      r.end_block() > shape.block_end) {
    return InvalidArgumentError(what + ": blocks " + std::to_string(r.first_block()) + ".." +
                                std::to_string(r.end_block()) + " are not a prefix of blocks " +
                                std::to_string(shape.block_begin) + ".." +
                                std::to_string(shape.block_end));
  }
  BlockReduction reduction(shape.samples, shape.species, shape.histogram_species, r.first_block());
  GRN_ASSIGN_OR_RETURN(EnsembleStats order_free,
                       FromProto(r.order_free(), shape, shape.histogram_species,
                                 /*with_moments=*/false, what));
  reduction.mutable_order_free() = std::move(order_free);
  const std::size_t cells = shape.samples * shape.species;
  for (const pb::ReductionNode& n : r.nodes()) {
    GRN_ASSIGN_OR_RETURN(Moments m, FromProto(n.moments(), cells, what));
    if (n.level() < 62 && n.first_block() == reduction.end_block() &&
        m.runs() > RunsInBlocks(shape.runs, n.first_block(),
                                n.first_block() + (std::uint64_t{1} << n.level()))) {
      return InvalidArgumentError(what + ": a node holds more runs than its blocks");
    }
    Status pushed = reduction.PushNode({n.first_block(), n.level(), std::move(m)});
    if (!pushed.ok()) return InvalidArgumentError(what + ": " + pushed.message());
    if (reduction.end_block() > r.end_block()) break;
  }
  const std::uint64_t expected_runs = RunsInBlocks(shape.runs, r.first_block(), r.end_block());
  if (reduction.end_block() != r.end_block() || reduction.runs() != expected_runs) {
    return InvalidArgumentError(what + ": its nodes hold " + std::to_string(reduction.runs()) +
                                " runs, expected " + std::to_string(expected_runs));
  }
  for (const CountHistogram& h : reduction.order_free().histograms()) {
    if (h.total() != expected_runs) {
      return InvalidArgumentError(what + ": a histogram counts " + std::to_string(h.total()) +
                                  " runs, expected " + std::to_string(expected_runs));
    }
  }
  return reduction;
}

StatusOr<EnsembleBlock> FromProto(const pb::EnsembleBlock& b, const EnsembleShape& shape,
                                  const std::string& what) {
  EnsembleBlock block;
  block.index = b.index();
  block.events = b.events();
  const std::string name = what + ": block " + std::to_string(b.index());
  GRN_ASSIGN_OR_RETURN(block.stats, FromProto(b.stats(), shape, {}, /*with_moments=*/true, name));
  if (block.stats.runs() == 0 || block.stats.runs() > BlockSize(shape.runs, b.index())) {
    return InvalidArgumentError(name + ": holds " + std::to_string(block.stats.runs()) +
                                " runs, expected 1 to " +
                                std::to_string(BlockSize(shape.runs, b.index())));
  }
  const std::uint64_t values = shape.keep_runs ? block.stats.runs() * shape.samples * shape.species : 0;
  if (static_cast<std::uint64_t>(b.runs_size()) != values) {
    return InvalidArgumentError(name + ": " + std::to_string(b.runs_size()) +
                                " trajectory values, expected " + std::to_string(values));
  }
  block.runs.assign(b.runs().begin(), b.runs().end());
  return block;
}

std::string Quote(const std::string& s) { return s.empty() ? "(none)" : s; }

// protobuf logs some decoding problems (a string field that is not UTF-8) to
// stderr itself; our errors say it all. network_io.cc does the same for the
// files it reads, but a checkpoint or a rank's message may be decoded first.
void SilenceProtobufLogging() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(nullptr); });
}

}  // namespace

StatusOr<std::string> ModelHash(const std::string& path,
                                const std::vector<std::string>& scenario_paths) {
  GRN_ASSIGN_OR_RETURN(NetworkFile file, ReadComposedNetworkFile(path, scenario_paths));
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!file.network.SerializeToCodedStream(&coded)) {
      return InternalError(path + ": cannot encode the network");
    }
  }
  // FNV-1a, 64 bit: a fingerprint against mistakes, not against forgery.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, h);
  return std::string(hex);
}

std::string SerializeCheckpoint(const CheckpointIdentity& identity, const EnsembleCheckpoint& state,
                                std::uint64_t saved_runs_bytes) {
  pb::Checkpoint c;
  c.set_version(kCheckpointVersion);
  c.set_model_hash(identity.model_hash);
  c.set_seed(identity.seed);
  for (const auto& [name, value] : identity.settings) {
    pb::CheckpointSetting* s = c.add_settings();
    s->set_name(name);
    s->set_value(value);
  }
  c.set_events(state.events);
  c.set_saved_runs_bytes(saved_runs_bytes);
  ToProto(state.merged, state.events, c.mutable_merged());
  for (const EnsembleBlock& block : state.pending) {
    pb::EnsembleBlock* b = c.add_pending();
    b->set_index(block.index);
    b->set_events(block.events);
    ToProto(block.stats, /*with_moments=*/true, b->mutable_stats());
    b->mutable_runs()->Add(block.runs.begin(), block.runs.end());
  }
  return c.SerializeAsString();
}

Status WriteCheckpoint(const std::string& path, const CheckpointIdentity& identity,
                       const EnsembleCheckpoint& state, std::uint64_t saved_runs_bytes) {
  return WriteFileAtomically(path, SerializeCheckpoint(identity, state, saved_runs_bytes));
}

StatusOr<LoadedCheckpoint> ReadCheckpoint(const std::string& path,
                                          const CheckpointIdentity& expected,
                                          const EnsembleShape& shape) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError(path + ": no such checkpoint");
    return IOError(path + ": cannot read checkpoint: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) >= kMaxCheckpointBytes) {
    return InvalidArgumentError(path + ": not a checkpoint file (not a regular file under 2 GiB)");
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IOError(path + ": cannot read checkpoint: " + std::strerror(errno));
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  const std::size_t got = std::fread(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  if (got != bytes.size()) return IOError(path + ": cannot read checkpoint");
  return ParseCheckpoint(bytes, path, expected, shape);
}

StatusOr<LoadedCheckpoint> ParseCheckpoint(std::string_view bytes, const std::string& name,
                                           const CheckpointIdentity& expected,
                                           const EnsembleShape& shape) {
  SilenceProtobufLogging();
  pb::Checkpoint c;
  if (bytes.size() >= kMaxCheckpointBytes ||
      !c.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return InvalidArgumentError(name + ": not a grnsim checkpoint (cannot be decoded)");
  }
  if (c.version() != kCheckpointVersion) {
    return InvalidArgumentError(name + ": checkpoint version " + std::to_string(c.version()) +
                                " is not supported (this grnsim reads version " +
                                std::to_string(kCheckpointVersion) + ")");
  }
  // Identity first: a checkpoint of something else is refused by name.
  std::vector<std::string> differences;
  if (c.model_hash() != expected.model_hash) {
    differences.push_back("the model (network hash " + Quote(c.model_hash()) +
                          " in the checkpoint, " + expected.model_hash + " now)");
  }
  if (c.seed() != expected.seed) {
    differences.push_back("--seed (" + std::to_string(c.seed()) + " in the checkpoint, " +
                          std::to_string(expected.seed) + " now)");
  }
  for (const auto& [setting, value] : expected.settings) {
    const pb::CheckpointSetting* found = nullptr;
    for (const pb::CheckpointSetting& s : c.settings()) {
      if (s.name() == setting) found = &s;
    }
    if (found == nullptr || found->value() != value) {
      differences.push_back(setting + " (" + (found ? Quote(found->value()) : "absent") +
                            " in the checkpoint, " + Quote(value) + " now)");
    }
  }
  if (!differences.empty()) {
    std::string message = name + ": checkpoint was made with a different ";
    for (std::size_t i = 0; i < differences.size(); ++i) {
      message += (i == 0 ? "" : "; ") + differences[i];
    }
    return InvalidArgumentError(message + "; refusing to resume (remove it to start afresh)");
  }
  LoadedCheckpoint loaded;
  loaded.saved_runs_bytes = c.saved_runs_bytes();
  loaded.state.events = c.events();
  GRN_ASSIGN_OR_RETURN(loaded.state.merged, FromProto(c.merged(), shape, name));
  std::uint64_t previous = loaded.state.merged.end_block();
  for (const pb::EnsembleBlock& b : c.pending()) {
    if (b.index() < previous || b.index() >= shape.block_end ||
        (!loaded.state.pending.empty() && b.index() == previous)) {
      return InvalidArgumentError(name + ": block " + std::to_string(b.index()) +
                                  " out of order or out of range");
    }
    GRN_ASSIGN_OR_RETURN(EnsembleBlock block, FromProto(b, shape, name));
    loaded.state.pending.push_back(std::move(block));
    previous = b.index();
  }
  return loaded;
}

std::string SerializeReduction(const BlockReduction& reduction, std::uint64_t events) {
  pb::EnsembleReduction r;
  ToProto(reduction, events, &r);
  return r.SerializeAsString();
}

StatusOr<std::pair<BlockReduction, std::uint64_t>> ParseReduction(std::string_view bytes,
                                                                  const EnsembleShape& shape) {
  SilenceProtobufLogging();
  pb::EnsembleReduction r;
  if (bytes.size() >= kMaxCheckpointBytes ||
      !r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return InvalidArgumentError("rank statistics cannot be decoded");
  }
  GRN_ASSIGN_OR_RETURN(BlockReduction reduction, FromProto(r, shape, "rank statistics"));
  if (reduction.end_block() != shape.block_end) {
    return InvalidArgumentError("rank statistics end at block " +
                                std::to_string(reduction.end_block()) + ", expected " +
                                std::to_string(shape.block_end));
  }
  return std::make_pair(std::move(reduction), r.events());
}

}  // namespace grn
