// engine/sim/ensemble_stats.h
//
// Streaming per-sample statistics over runs: for every (output time, species)
// the count, mean and sum of squared deviations (Welford 1962), so memory is
// independent of the number of runs. Partial results merge exactly with Chan,
// Golub & LeVeque's pairwise formula; merging blocks of runs in run order makes
// the result bit-identical whatever the number of threads.
#ifndef GRN_ENGINE_SIM_ENSEMBLE_STATS_H_
#define GRN_ENGINE_SIM_ENSEMBLE_STATS_H_

#include <cstdint>
#include <span>
#include <vector>

namespace grn {

class EnsembleStats {
 public:
  EnsembleStats() = default;
  EnsembleStats(std::size_t num_samples, std::size_t num_species)
      : num_samples_(num_samples),
        num_species_(num_species),
        mean_(num_samples * num_species, 0.0),
        m2_(num_samples * num_species, 0.0) {}

  // Adds one run's trajectory: x holds num_samples × num_species values,
  // sample-major. REQUIRES: x.size() == num_samples * num_species.
  void AddRun(std::span<const double> x);

  // Folds in another block of runs that came after this one.
  void Merge(const EnsembleStats& later);

  std::uint64_t runs() const { return runs_; }
  std::size_t num_samples() const { return num_samples_; }
  std::size_t num_species() const { return num_species_; }
  double mean(std::size_t sample, std::size_t species) const {
    return mean_[sample * num_species_ + species];
  }
  // Sample standard deviation (n − 1 denominator); 0 for fewer than 2 runs.
  double sd(std::size_t sample, std::size_t species) const;

 private:
  std::size_t num_samples_ = 0;
  std::size_t num_species_ = 0;
  std::uint64_t runs_ = 0;
  std::vector<double> mean_;
  std::vector<double> m2_;
};

}  // namespace grn

#endif  // GRN_ENGINE_SIM_ENSEMBLE_STATS_H_
