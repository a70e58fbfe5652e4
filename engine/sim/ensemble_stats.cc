// engine/sim/ensemble_stats.cc
#include "engine/sim/ensemble_stats.h"

#include <cmath>

#include "engine/base/check.h"

namespace grn {

void EnsembleStats::AddRun(std::span<const double> x) {
  GRN_DCHECK(x.size() == mean_.size());
  ++runs_;
  const double inv_n = 1.0 / static_cast<double>(runs_);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double delta = x[i] - mean_[i];
    mean_[i] += delta * inv_n;
    m2_[i] += delta * (x[i] - mean_[i]);
  }
}

void EnsembleStats::Merge(const EnsembleStats& later) {
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

double EnsembleStats::sd(std::size_t sample, std::size_t species) const {
  if (runs_ < 2) return 0.0;
  const double m2 = m2_[sample * num_species_ + species];
  return std::sqrt(std::max(m2, 0.0) / static_cast<double>(runs_ - 1));
}

}  // namespace grn
