// engine/sim/ensemble_stats.h
//
// Streaming per-sample statistics over runs, in memory independent of the
// number of runs. For every (output time, kept species) cell:
//  * count, mean and sum of squared deviations (Welford 1962), merged with
//    Chan, Golub & LeVeque's pairwise formula (Moments);
//  * minimum and maximum;
//  * on request, a fixed-bin histogram of the values (CountHistogram), from
//    which quantiles are read.
// Extrema and histograms are exact integer or min/max operations, so any
// merge order gives the same result. Moments are floating point: their merge
// order is fixed by BlockReduction, which folds blocks of runs in a binary tree
// over block indices, so the numbers are bit-identical whatever the number of
// threads or MPI ranks that computed the blocks.
#ifndef GRN_ENGINE_SIM_ENSEMBLE_STATS_H_
#define GRN_ENGINE_SIM_ENSEMBLE_STATS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "engine/base/status.h"

namespace grn {

// Count, mean and M2 = Σ(x − mean)² of every cell.
class Moments {
 public:
  Moments() = default;
  explicit Moments(std::size_t cells) : mean_(cells, 0.0), m2_(cells, 0.0) {}
  // REQUIRES: mean.size() == m2.size().
  Moments(std::uint64_t runs, std::vector<double> mean, std::vector<double> m2)
      : runs_(runs), mean_(std::move(mean)), m2_(std::move(m2)) {}

  // REQUIRES: x.size() == cells().
  void AddRun(std::span<const double> x);
  // Folds in the moments of runs that came after these.
  void Merge(const Moments& later);

  std::uint64_t runs() const { return runs_; }
  std::size_t cells() const { return mean_.size(); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& m2() const { return m2_; }

 private:
  std::uint64_t runs_ = 0;
  std::vector<double> mean_;
  std::vector<double> m2_;
};

// Histogram of one cell's values over runs, in fixed bins over whole numbers
// (a value is rounded down first). Values below 512 get a bin each, so their
// counts are exact; above, each power of two [2^e, 2^(e+1)) is cut into 256
// equal bins, so a bin spans at most 1/256 of its values (relative error of a
// bin's midpoint ≤ 0.2%). Values ≥ 2^53 (beyond exact counts) fall in the
// last bin, values below 0 (assignment-rule species only) in `negative`.
// Storage is the span of bins between the smallest and largest value seen:
// at most kNumBins counters, whatever the number of runs.
class CountHistogram {
 public:
  static constexpr int kSubBinBits = 8;
  static constexpr std::uint32_t kSubBins = 1u << kSubBinBits;  // bins per power of two
  static constexpr std::uint32_t kNumBins = (53 - kSubBinBits + 1) * kSubBins;  // 11776

  static std::uint32_t BinOf(double v);  // REQUIRES: v >= 0
  // The whole numbers [BinLow(b), BinHigh(b)] fall in bin b.
  static double BinLow(std::uint32_t bin);
  static double BinHigh(std::uint32_t bin);

  CountHistogram() = default;
  // For readers of saved state. REQUIRES (else kInvalidArgument):
  // first_bin + counts.size() <= kNumBins.
  static StatusOr<CountHistogram> FromParts(std::uint32_t first_bin,
                                            std::vector<std::uint64_t> counts,
                                            std::uint64_t negative);

  void Add(double v);
  void Merge(const CountHistogram& other);

  std::uint64_t total() const;  // values added, negative ones included
  std::uint64_t negative() const { return negative_; }
  std::uint32_t first_bin() const { return first_bin_; }
  // counts()[i] is the count of bin first_bin() + i.
  const std::vector<std::uint64_t>& counts() const { return counts_; }

  // The q-quantile (0 <= q <= 1) as the smallest value v with at least
  // max(1, ⌈q·n⌉) of the n values ≤ v: exact for whole numbers below 512, the
  // bin's midpoint above; q = 0 gives `min` and q = 1 gives `max` (the exact
  // extrema, tracked beside the histogram), and every answer lies in
  // [min, max]. Quantiles among negative values report `min`.
  double Quantile(double q, double min, double max) const;

 private:
  std::uint32_t first_bin_ = 0;
  std::vector<std::uint64_t> counts_;
  std::uint64_t negative_ = 0;
};

class EnsembleStats {
 public:
  EnsembleStats() = default;
  // Moments and extrema of num_samples × num_species cells (sample-major);
  // `species` counts the columns kept, not necessarily the model's.
  EnsembleStats(std::size_t num_samples, std::size_t num_species);
  // Also a histogram per sample for each column in histogram_species
  // (indices < num_species, ascending).
  EnsembleStats(std::size_t num_samples, std::size_t num_species,
                std::vector<std::uint32_t> histogram_species);

  // Adds one run's trajectory: x holds num_samples × num_species values,
  // sample-major. REQUIRES: x.size() == num_samples * num_species.
  void AddRun(std::span<const double> x);
  // Adds one run to the histograms only (moments and extrema untouched).
  void AddRunToHistograms(std::span<const double> x);

  // Folds in another block of runs that came after this one.
  void Merge(const EnsembleStats& later);
  // Folds in the extrema and histograms of `other` (any order gives the same
  // result); the moments are left alone.
  void MergeOrderFree(const EnsembleStats& other);

  std::uint64_t runs() const { return moments_.runs(); }
  std::size_t num_samples() const { return num_samples_; }
  std::size_t num_species() const { return num_species_; }
  double mean(std::size_t sample, std::size_t species) const {
    return moments_.mean()[sample * num_species_ + species];
  }
  // Sample standard deviation (n − 1 denominator); 0 for fewer than 2 runs.
  double sd(std::size_t sample, std::size_t species) const;
  // Smallest and largest value over the runs (±inf before the first run).
  double min(std::size_t sample, std::size_t species) const {
    return min_[sample * num_species_ + species];
  }
  double max(std::size_t sample, std::size_t species) const {
    return max_[sample * num_species_ + species];
  }
  // Null when the column has no histogram.
  const CountHistogram* histogram(std::size_t sample, std::size_t species) const;
  // REQUIRES: histogram(sample, species) != nullptr.
  double quantile(std::size_t sample, std::size_t species, double q) const;

  // Whole-state access for BlockReduction and for readers of saved state.
  const Moments& moments() const { return moments_; }
  void set_moments(Moments m) { moments_ = std::move(m); }
  const std::vector<double>& min_values() const { return min_; }
  const std::vector<double>& max_values() const { return max_; }
  std::vector<double>& mutable_min_values() { return min_; }
  std::vector<double>& mutable_max_values() { return max_; }
  const std::vector<std::uint32_t>& histogram_species() const { return histogram_species_; }
  // histograms()[sample * histogram_species().size() + h].
  const std::vector<CountHistogram>& histograms() const { return histograms_; }
  std::vector<CountHistogram>& mutable_histograms() { return histograms_; }

 private:
  std::size_t num_samples_ = 0;
  std::size_t num_species_ = 0;
  Moments moments_;
  std::vector<double> min_, max_;
  std::vector<std::uint32_t> histogram_species_;
  std::vector<int> histogram_slot_;  // per column: index into histogram_species_, or -1
  std::vector<CountHistogram> histograms_;
};

// Folds the statistics of consecutive blocks of runs in a fixed binary tree
// over block indices: node (level l, first block p), p a multiple of 2^l,
// holds the moments of blocks [p, p + 2^l) and is always the merge of its two
// children. The nodes still open form a stack (a binary counter), so memory is
// O(log blocks) moment sets. Any contiguous range of blocks can be reduced
// separately (another thread or MPI rank) and its nodes pushed into the
// reduction of what precedes it: every node, and so the result, is the same.
class BlockReduction {
 public:
  struct Node {
    std::uint64_t first_block = 0;
    std::uint32_t level = 0;
    Moments moments;
  };

  BlockReduction() = default;
  // Reduces blocks from first_block on; histograms as in EnsembleStats.
  BlockReduction(std::size_t num_samples, std::size_t num_species,
                 std::vector<std::uint32_t> histogram_species, std::uint64_t first_block);

  // Adds block end_block(): its statistics (moments and extrema) and, when
  // there are histograms, its runs' trajectories back to back in `runs`.
  void PushBlock(const EnsembleStats& block, std::span<const double> runs);
  // Adds a node of another reduction. Fails (kInvalidArgument) unless
  // node.first_block == end_block() and it is aligned to its level.
  Status PushNode(Node node);
  // Folds in the extrema and histograms of another reduction's blocks.
  void MergeOrderFree(const EnsembleStats& other) { order_free_.MergeOrderFree(other); }

  std::uint64_t first_block() const { return first_block_; }
  std::uint64_t end_block() const { return end_block_; }  // one past the last block added
  std::uint64_t runs() const;
  const std::vector<Node>& nodes() const { return nodes_; }
  // Extrema and histograms of every block added (its moments are empty).
  const EnsembleStats& order_free() const { return order_free_; }
  EnsembleStats& mutable_order_free() { return order_free_; }

  // Every statistic of blocks [first_block(), end_block()).
  EnsembleStats Result() const;

 private:
  std::uint64_t first_block_ = 0;
  std::uint64_t end_block_ = 0;
  std::vector<Node> nodes_;
  EnsembleStats order_free_;
};

}  // namespace grn

#endif  // GRN_ENGINE_SIM_ENSEMBLE_STATS_H_
