// engine/population/bimodality.cc
#include "engine/population/bimodality.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "engine/base/check.h"
#include "engine/base/rng.h"

namespace grn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Point {
  double x, y;
};

// > 0 if o → a → b turns left (counter-clockwise).
double Cross(const Point& o, const Point& a, const Point& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

// Appends p to a hull kept as a monotone chain: lower (convex minorant) keeps
// left turns, upper (concave majorant) right turns. Points arrive by
// ascending x; of points with equal x the caller passes the one that bounds
// (the lowest for a minorant, the highest for a majorant) — see below.
void PushHull(std::vector<Point>& hull, const Point& p, bool lower) {
  while (hull.size() >= 2) {
    const double turn = Cross(hull[hull.size() - 2], hull.back(), p);
    if (lower ? turn > 0 : turn < 0) break;
    hull.pop_back();
  }
  hull.push_back(p);
}

// Evaluates the piecewise-linear hull at ascending x's, with a moving cursor.
class HullCursor {
 public:
  explicit HullCursor(const std::vector<Point>& hull) : hull_(hull) {}
  double At(double x) {
    while (k_ + 1 < hull_.size() && hull_[k_ + 1].x <= x) ++k_;
    if (k_ + 1 >= hull_.size()) return hull_.back().y;
    const Point& a = hull_[k_];
    const Point& b = hull_[k_ + 1];
    return a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x);
  }

 private:
  const std::vector<Point>& hull_;
  std::size_t k_ = 0;
};

// In counts (multiply by 1/n): A(m) and B(m) of DipStatistic, m 0-based
// (the 1-based i of the header is index + 1).
double LeftDeviation(std::span<const double> x, std::size_t m, std::vector<Point>& hull) {
  hull.clear();
  for (std::size_t j = 0; j <= m; ++j) {
    // Left limit F(x_j−) = j (0-based); among equal x the first is lowest.
    if (!hull.empty() && hull.back().x == x[j]) continue;
    PushHull(hull, {x[j], static_cast<double>(j)}, /*lower=*/true);
  }
  HullCursor gcm(hull);
  double worst = 0.0;
  for (std::size_t i = 0; i <= m; ++i) {
    worst = std::max(worst, static_cast<double>(i + 1) - gcm.At(x[i]));
  }
  return worst;
}

double RightDeviation(std::span<const double> x, std::size_t m, std::vector<Point>& hull) {
  hull.clear();
  for (std::size_t j = m; j < x.size(); ++j) {
    // Right limit F(x_j) = j + 1; among equal x the last is highest.
    const Point p{x[j], static_cast<double>(j + 1)};
    if (!hull.empty() && hull.back().x == x[j]) {
      hull.pop_back();
      PushHull(hull, p, /*lower=*/false);
      continue;
    }
    PushHull(hull, p, /*lower=*/false);
  }
  HullCursor lcm(hull);
  double worst = 0.0;
  for (std::size_t i = m; i < x.size(); ++i) {
    worst = std::max(worst, lcm.At(x[i]) - static_cast<double>(i));
  }
  return worst;
}

double NormalDensity(double x, double mean, double variance) {
  const double z = x - mean;
  return std::exp(-0.5 * z * z / variance) / std::sqrt(2.0 * std::numbers::pi * variance);
}

double LogNormalDensity(double x, double mean, double variance) {
  const double z = x - mean;
  return -0.5 * (z * z / variance + std::log(2.0 * std::numbers::pi * variance));
}

double SampleMean(std::span<const double> v) {
  double sum = 0.0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double SampleVariance(std::span<const double> v, double mean) {  // maximum likelihood (/n)
  double sum = 0.0;
  for (double x : v) sum += (x - mean) * (x - mean);
  return sum / static_cast<double>(v.size());
}

}  // namespace

double BimodalityCoefficient(std::span<const double> values) {
  const double n = static_cast<double>(values.size());
  GRN_DCHECK(values.size() >= 4);
  const double mean = SampleMean(values);
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (double x : values) {
    const double d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const double skew = m3 / std::pow(m2, 1.5) * std::sqrt(n * (n - 1.0)) / (n - 2.0);
  const double excess = (n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * (m4 / (m2 * m2) - 3.0) + 6.0);
  return (skew * skew + 1.0) / (excess + 3.0 * (n - 1.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)));
}

double DipStatistic(std::span<const double> sorted) {
  GRN_DCHECK(!sorted.empty());
  const std::size_t n = sorted.size();
  if (sorted.front() == sorted.back()) return 0.0;  // a point mass is unimodal
  std::vector<Point> hull;
  hull.reserve(n);
  auto left = [&](std::size_t m) { return LeftDeviation(sorted, m, hull); };
  auto right = [&](std::size_t m) { return RightDeviation(sorted, m, hull); };
  // The first m with A(m) >= B(m) (A(n−1) >= 1 = B(n−1), so one exists).
  std::size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (left(mid) >= right(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  double best = std::max(left(lo), right(lo));
  if (lo > 0) best = std::min(best, std::max(left(lo - 1), right(lo - 1)));
  return best / (2.0 * static_cast<double>(n));
}

std::vector<double> DipNullDistribution(std::size_t n, int samples, std::uint64_t seed) {
  GRN_DCHECK(n >= 1 && samples >= 0);
  const Rng root(seed);
  std::vector<double> dips;
  dips.reserve(static_cast<std::size_t>(samples));
  std::vector<double> uniform(n);
  for (int s = 0; s < samples; ++s) {
    // Sorted uniforms directly: normalised partial sums of n + 1 exponentials.
    Rng rng = root.Split(static_cast<std::uint64_t>(s));
    double sum = 0.0;
    for (double& u : uniform) {
      sum += rng.Exp();
      u = sum;
    }
    sum += rng.Exp();
    for (double& u : uniform) u /= sum;
    dips.push_back(DipStatistic(uniform));
  }
  std::sort(dips.begin(), dips.end());
  return dips;
}

double DipPValue(double dip, std::span<const double> sorted_null) {
  // A relative tolerance, so a null dip equal to the observed one up to
  // rounding counts as "at least as large".
  const auto first = std::lower_bound(sorted_null.begin(), sorted_null.end(), dip * (1.0 - 1e-12));
  const double at_least = static_cast<double>(sorted_null.end() - first);
  return (1.0 + at_least) / (1.0 + static_cast<double>(sorted_null.size()));
}

MixtureFit FitGaussianMixture(std::span<const double> values, int components,
                              const BimodalityOptions& options) {
  GRN_DCHECK((components == 1 || components == 2) && values.size() >= 2);
  const std::size_t n = values.size();
  const double mean = SampleMean(values);
  const double variance = SampleVariance(values, mean);
  const double floor = variance > 0 ? 1e-6 * variance : 1e-12;
  const double log_n = std::log(static_cast<double>(n));
  MixtureFit fit;
  if (components == 1) {
    fit.components = {{1.0, mean, std::max(variance, floor)}};
    for (double x : values) fit.log_likelihood += LogNormalDensity(x, mean, fit.components[0].variance);
    fit.bic = -2.0 * fit.log_likelihood + 2.0 * log_n;
    return fit;
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::span<const double> lower(sorted.data(), n / 2), upper(sorted.data() + n / 2, n - n / 2);
  const double lower_mean = SampleMean(lower), upper_mean = SampleMean(upper);
  GaussianComponent c[2] = {
      {0.5, lower_mean, std::max(SampleVariance(lower, lower_mean), floor)},
      {0.5, upper_mean, std::max(SampleVariance(upper, upper_mean), floor)}};
  std::vector<double> r1(n);  // responsibility of component 1 (the upper one)
  double previous = -std::numeric_limits<double>::infinity();
  double log_likelihood = previous;
  int iteration = 0;
  while (iteration < options.max_em_iterations) {
    ++iteration;
    // E step, in logs (a far-out point has underflowing densities).
    log_likelihood = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double a = std::log(c[0].weight) + LogNormalDensity(values[i], c[0].mean, c[0].variance);
      const double b = std::log(c[1].weight) + LogNormalDensity(values[i], c[1].mean, c[1].variance);
      const double top = std::max(a, b);
      const double log_sum = top + std::log(std::exp(a - top) + std::exp(b - top));
      log_likelihood += log_sum;
      r1[i] = std::exp(b - log_sum);
    }
    if (log_likelihood - previous < options.em_tolerance * static_cast<double>(n)) break;
    previous = log_likelihood;
    // M step.
    double w1 = 0.0, s0 = 0.0, s1 = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      w1 += r1[i];
      s0 += (1.0 - r1[i]) * values[i];
      s1 += r1[i] * values[i];
    }
    const double w0 = static_cast<double>(n) - w1;
    if (w0 <= 0.0 || w1 <= 0.0) break;  // one component took everything
    c[0].mean = s0 / w0;
    c[1].mean = s1 / w1;
    double v0 = 0.0, v1 = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      v0 += (1.0 - r1[i]) * (values[i] - c[0].mean) * (values[i] - c[0].mean);
      v1 += r1[i] * (values[i] - c[1].mean) * (values[i] - c[1].mean);
    }
    c[0].variance = std::max(v0 / w0, floor);
    c[1].variance = std::max(v1 / w1, floor);
    c[0].weight = w0 / static_cast<double>(n);
    c[1].weight = w1 / static_cast<double>(n);
  }
  if (c[0].mean > c[1].mean) std::swap(c[0], c[1]);
  fit.components = {c[0], c[1]};
  fit.log_likelihood = log_likelihood;
  fit.bic = -2.0 * log_likelihood + 5.0 * log_n;
  fit.iterations = iteration;
  return fit;
}

double MixtureDensity(const MixtureFit& fit, double x) {
  double density = 0.0;
  for (const GaussianComponent& c : fit.components) {
    density += c.weight * NormalDensity(x, c.mean, c.variance);
  }
  return density;
}

double MixtureValley(const MixtureFit& two, bool* interior) {
  GRN_DCHECK(two.components.size() == 2);
  const double a = two.components[0].mean, b = two.components[1].mean;
  *interior = false;
  if (!(b > a)) return a;
  // A grid, then golden-section search in the best cell's neighbourhood
  // (the density between two Gaussian means has at most one local minimum).
  constexpr int kGrid = 2000;
  const double step = (b - a) / kGrid;
  int best = 0;
  double best_density = MixtureDensity(two, a);
  for (int k = 1; k <= kGrid; ++k) {
    const double d = MixtureDensity(two, a + k * step);
    if (d < best_density) {
      best_density = d;
      best = k;
    }
  }
  if (best == 0 || best == kGrid) return best == 0 ? a : b;
  double lo = a + (best - 1) * step, hi = a + (best + 1) * step;
  const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
  for (int iteration = 0; iteration < 60; ++iteration) {
    const double x1 = hi - ratio * (hi - lo), x2 = lo + ratio * (hi - lo);
    if (MixtureDensity(two, x1) < MixtureDensity(two, x2)) {
      hi = x2;
    } else {
      lo = x1;
    }
  }
  const double valley = 0.5 * (lo + hi);
  const double depth = MixtureDensity(two, valley);
  *interior = depth < MixtureDensity(two, a) && depth < MixtureDensity(two, b);
  return valley;
}

double AshmanD(const MixtureFit& two) {
  GRN_DCHECK(two.components.size() == 2);
  const GaussianComponent& c0 = two.components[0];
  const GaussianComponent& c1 = two.components[1];
  return std::sqrt(2.0) * std::abs(c1.mean - c0.mean) / std::sqrt(c0.variance + c1.variance);
}

BimodalityReport AnalyseBimodality(std::span<const double> values,
                                   const BimodalityOptions& options,
                                   const std::vector<double>* dip_null) {
  BimodalityReport report;
  report.n = values.size();
  const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
  if (values.size() < 4 || *lowest == *highest) {
    report.bimodality_coefficient = report.dip = report.dip_p = kNaN;
    report.delta_bic = report.ashman_d = report.valley = kNaN;
    return report;
  }
  report.bimodality_coefficient = BimodalityCoefficient(values);
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  report.dip = DipStatistic(sorted);
  if (dip_null != nullptr) {
    report.dip_p = DipPValue(report.dip, *dip_null);
  } else {
    report.dip_p = DipPValue(
        report.dip, DipNullDistribution(values.size(), options.dip_null_samples, options.dip_null_seed));
  }
  report.one = FitGaussianMixture(values, 1, options);
  report.two = FitGaussianMixture(values, 2, options);
  report.delta_bic = report.one.bic - report.two.bic;
  report.ashman_d = AshmanD(report.two);
  report.valley = MixtureValley(report.two, &report.valley_is_interior);
  return report;
}

}  // namespace grn
