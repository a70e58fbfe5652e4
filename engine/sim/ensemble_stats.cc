// engine/sim/ensemble_stats.cc
#include "engine/sim/ensemble_stats.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "engine/base/check.h"

namespace grn {

// --- Moments ------------------------------------------------------------------

void Moments::AddRun(std::span<const double> x) {
  GRN_DCHECK(x.size() == mean_.size());
  ++runs_;
  const double inv_n = 1.0 / static_cast<double>(runs_);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double delta = x[i] - mean_[i];
    mean_[i] += delta * inv_n;
    m2_[i] += delta * (x[i] - mean_[i]);
  }
}

void Moments::Merge(const Moments& later) {
  if (later.runs_ == 0) return;
  if (runs_ == 0) {
    *this = later;
    return;
  }
  GRN_CHECK(later.mean_.size() == mean_.size());
  const double na = static_cast<double>(runs_);
  const double nb = static_cast<double>(later.runs_);
  const double n = na + nb;
  for (std::size_t i = 0; i < mean_.size(); ++i) {
    const double delta = later.mean_[i] - mean_[i];
    mean_[i] += delta * (nb / n);
    m2_[i] += later.m2_[i] + delta * delta * (na * nb / n);
  }
  runs_ += later.runs_;
}

// --- CountHistogram -----------------------------------------------------------

std::uint32_t CountHistogram::BinOf(double v) {
  GRN_DCHECK(v >= 0);
  // 2^53 − 1: the largest exact count; anything above shares the last bin.
  constexpr double kLargest = 9007199254740991.0;
  const std::uint64_t u = static_cast<std::uint64_t>(std::min(std::floor(v), kLargest));
  if (u < 2 * kSubBins) return static_cast<std::uint32_t>(u);
  const int e = static_cast<int>(std::bit_width(u)) - 1;  // u in [2^e, 2^(e+1)), e >= kSubBinBits + 1
  const std::uint64_t sub = (u >> (e - kSubBinBits)) - kSubBins;
  return static_cast<std::uint32_t>((e - kSubBinBits + 1) * kSubBins + sub);
}

double CountHistogram::BinLow(std::uint32_t bin) {
  if (bin < 2 * kSubBins) return bin;
  const int e = static_cast<int>(bin / kSubBins) + kSubBinBits - 1;
  const std::uint64_t sub = bin % kSubBins;
  return static_cast<double>((kSubBins + sub) << (e - kSubBinBits));
}

double CountHistogram::BinHigh(std::uint32_t bin) {
  if (bin < 2 * kSubBins) return bin;
  const int e = static_cast<int>(bin / kSubBins) + kSubBinBits - 1;
  return BinLow(bin) + static_cast<double>((std::uint64_t{1} << (e - kSubBinBits)) - 1);
}

StatusOr<CountHistogram> CountHistogram::FromParts(std::uint32_t first_bin,
                                                   std::vector<std::uint64_t> counts,
                                                   std::uint64_t negative) {
  if (first_bin >= kNumBins || counts.size() > kNumBins - first_bin) {
    return InvalidArgumentError("histogram bins " + std::to_string(first_bin) + "+" +
                                std::to_string(counts.size()) + " exceed the " +
                                std::to_string(kNumBins) + " bins");
  }
  CountHistogram h;
  h.first_bin_ = counts.empty() ? 0 : first_bin;
  h.counts_ = std::move(counts);
  h.negative_ = negative;
  return h;
}

void CountHistogram::Add(double v) {
  if (!(v >= 0)) {
    ++negative_;
    return;
  }
  const std::uint32_t bin = BinOf(v);
  if (counts_.empty()) {
    first_bin_ = bin;
    counts_.assign(1, 1);
    return;
  }
  if (bin < first_bin_) {
    counts_.insert(counts_.begin(), first_bin_ - bin, 0);
    first_bin_ = bin;
  } else if (bin - first_bin_ >= counts_.size()) {
    counts_.resize(bin - first_bin_ + 1, 0);
  }
  ++counts_[bin - first_bin_];
}

void CountHistogram::Merge(const CountHistogram& other) {
  negative_ += other.negative_;
  if (other.counts_.empty()) return;
  if (counts_.empty()) {
    first_bin_ = other.first_bin_;
    counts_ = other.counts_;
    return;
  }
  const std::uint32_t first = std::min(first_bin_, other.first_bin_);
  const std::size_t end = std::max(first_bin_ + counts_.size(), other.first_bin_ + other.counts_.size());
  if (first < first_bin_) counts_.insert(counts_.begin(), first_bin_ - first, 0);
  first_bin_ = first;
  counts_.resize(end - first, 0);
  const std::size_t offset = other.first_bin_ - first;
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[offset + i] += other.counts_[i];
}

std::uint64_t CountHistogram::total() const {
  std::uint64_t n = negative_;
  for (std::uint64_t c : counts_) n += c;
  return n;
}

double CountHistogram::Quantile(double q, double min, double max) const {
  const std::uint64_t n = total();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(n));
  const std::uint64_t rank = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(wanted), 1, n);
  if (rank == 1) return min;
  if (rank == n) return max;
  if (rank <= negative_) return min;
  std::uint64_t below = negative_;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    below += counts_[i];
    if (below >= rank) {
      const std::uint32_t bin = first_bin_ + static_cast<std::uint32_t>(i);
      const double low = BinLow(bin);
      const double value = low + (BinHigh(bin) - low) / 2;
      return std::clamp(value, min, max);
    }
  }
  return max;
}

// --- EnsembleStats ------------------------------------------------------------

EnsembleStats::EnsembleStats(std::size_t num_samples, std::size_t num_species)
    : EnsembleStats(num_samples, num_species, {}) {}

EnsembleStats::EnsembleStats(std::size_t num_samples, std::size_t num_species,
                             std::vector<std::uint32_t> histogram_species)
    : num_samples_(num_samples),
      num_species_(num_species),
      moments_(num_samples * num_species),
      min_(num_samples * num_species, std::numeric_limits<double>::infinity()),
      max_(num_samples * num_species, -std::numeric_limits<double>::infinity()),
      histogram_species_(std::move(histogram_species)),
      histogram_slot_(num_species, -1),
      histograms_(num_samples * histogram_species_.size()) {
  for (std::size_t h = 0; h < histogram_species_.size(); ++h) {
    GRN_CHECK(histogram_species_[h] < num_species);
    histogram_slot_[histogram_species_[h]] = static_cast<int>(h);
  }
}

void EnsembleStats::AddRun(std::span<const double> x) {
  GRN_DCHECK(x.size() == min_.size());
  moments_.AddRun(x);
  for (std::size_t i = 0; i < x.size(); ++i) {
    min_[i] = std::min(min_[i], x[i]);
    max_[i] = std::max(max_[i], x[i]);
  }
  AddRunToHistograms(x);
}

void EnsembleStats::AddRunToHistograms(std::span<const double> x) {
  const std::size_t per_sample = histogram_species_.size();
  if (per_sample == 0) return;
  GRN_DCHECK(x.size() == num_samples_ * num_species_);
  for (std::size_t i = 0; i < num_samples_; ++i) {
    for (std::size_t h = 0; h < per_sample; ++h) {
      histograms_[i * per_sample + h].Add(x[i * num_species_ + histogram_species_[h]]);
    }
  }
}

void EnsembleStats::Merge(const EnsembleStats& later) {
  if (later.runs() == 0) return;
  if (runs() == 0 && histograms_.empty() && later.histograms_.empty()) {
    *this = later;
    return;
  }
  moments_.Merge(later.moments_);
  MergeOrderFree(later);
}

void EnsembleStats::MergeOrderFree(const EnsembleStats& other) {
  GRN_CHECK(other.min_.size() == min_.size());
  for (std::size_t i = 0; i < min_.size(); ++i) {
    min_[i] = std::min(min_[i], other.min_[i]);
    max_[i] = std::max(max_[i], other.max_[i]);
  }
  if (other.histograms_.empty()) return;
  GRN_CHECK(other.histograms_.size() == histograms_.size());
  for (std::size_t i = 0; i < histograms_.size(); ++i) histograms_[i].Merge(other.histograms_[i]);
}

double EnsembleStats::sd(std::size_t sample, std::size_t species) const {
  if (runs() < 2) return 0.0;
  const double m2 = moments_.m2()[sample * num_species_ + species];
  return std::sqrt(std::max(m2, 0.0) / static_cast<double>(runs() - 1));
}

const CountHistogram* EnsembleStats::histogram(std::size_t sample, std::size_t species) const {
  const int slot = histogram_slot_.empty() ? -1 : histogram_slot_[species];
  if (slot < 0) return nullptr;
  return &histograms_[sample * histogram_species_.size() + static_cast<std::size_t>(slot)];
}

double EnsembleStats::quantile(std::size_t sample, std::size_t species, double q) const {
  const CountHistogram* h = histogram(sample, species);
  GRN_CHECK(h != nullptr);
  return h->Quantile(q, min(sample, species), max(sample, species));
}

// --- BlockReduction -----------------------------------------------------------

BlockReduction::BlockReduction(std::size_t num_samples, std::size_t num_species,
                               std::vector<std::uint32_t> histogram_species,
                               std::uint64_t first_block)
    : first_block_(first_block),
      end_block_(first_block),
      order_free_(num_samples, num_species, std::move(histogram_species)) {}

void BlockReduction::PushBlock(const EnsembleStats& block, std::span<const double> runs) {
  order_free_.MergeOrderFree(block);
  if (!order_free_.histograms().empty()) {
    const std::size_t width = order_free_.num_samples() * order_free_.num_species();
    GRN_CHECK(runs.size() == width * block.runs());
    for (std::size_t r = 0; r < block.runs(); ++r) {
      order_free_.AddRunToHistograms(runs.subspan(r * width, width));
    }
  }
  const Status status = PushNode({end_block_, 0, block.moments()});
  GRN_CHECK(status.ok());
}

Status BlockReduction::PushNode(Node node) {
  if (node.level >= 62 || node.first_block != end_block_ ||
      node.first_block % (std::uint64_t{1} << node.level) != 0) {
    return InvalidArgumentError("block node (level " + std::to_string(node.level) + ", block " +
                                std::to_string(node.first_block) + ") does not continue a reduction " +
                                "that ends at block " + std::to_string(end_block_));
  }
  if (node.moments.cells() != order_free_.num_samples() * order_free_.num_species()) {
    return InvalidArgumentError("block node has " + std::to_string(node.moments.cells()) +
                                " cells, expected " +
                                std::to_string(order_free_.num_samples() * order_free_.num_species()));
  }
  end_block_ += std::uint64_t{1} << node.level;
  nodes_.push_back(std::move(node));
  // Merge siblings: a left child (aligned to the parent's size) followed by
  // its right child. Anything else stays open until its sibling arrives.
  while (nodes_.size() >= 2) {
    Node& left = nodes_[nodes_.size() - 2];
    const Node& right = nodes_.back();
    const std::uint64_t size = std::uint64_t{1} << left.level;
    if (left.level != right.level || left.first_block % (2 * size) != 0 ||
        left.first_block + size != right.first_block) {
      break;
    }
    left.moments.Merge(right.moments);
    ++left.level;
    nodes_.pop_back();
  }
  return Status::OK();
}

std::uint64_t BlockReduction::runs() const {
  std::uint64_t n = 0;
  for (const Node& node : nodes_) n += node.moments.runs();
  return n;
}

EnsembleStats BlockReduction::Result() const {
  EnsembleStats result = order_free_;
  Moments folded(order_free_.num_samples() * order_free_.num_species());
  for (const Node& node : nodes_) folded.Merge(node.moments);
  result.set_moments(std::move(folded));
  return result;
}

}  // namespace grn
