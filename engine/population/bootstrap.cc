// engine/population/bootstrap.cc
#include "engine/population/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/base/check.h"

namespace grn {

double Mean(std::span<const double> values) {
  double sum = 0.0;
  for (double v : values) sum += v;
  return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

double Quantile(std::span<const double> sorted, double q) {
  GRN_DCHECK(!sorted.empty() && q >= 0.0 && q <= 1.0);
  const double h = q * static_cast<double>(sorted.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(h));
  if (below + 1 >= sorted.size()) return sorted.back();
  return sorted[below] + (h - static_cast<double>(below)) * (sorted[below + 1] - sorted[below]);
}

Interval BootstrapMeanInterval(std::span<const double> values, int resamples, double confidence,
                               Rng& rng) {
  GRN_DCHECK(!values.empty() && resamples >= 1 && confidence > 0.0 && confidence < 1.0);
  const std::uint64_t n = values.size();
  std::vector<double> means(static_cast<std::size_t>(resamples));
  for (double& mean : means) {
    double sum = 0.0;
    for (std::uint64_t i = 0; i < n; ++i) {
      // Lemire's multiply-shift: an index in [0, n) without division.
      const auto pick =
          static_cast<std::uint64_t>((static_cast<unsigned __int128>(rng.NextU64()) * n) >> 64);
      sum += values[pick];
    }
    mean = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  return {Quantile(means, (1.0 - confidence) / 2.0), Quantile(means, (1.0 + confidence) / 2.0)};
}

}  // namespace grn
