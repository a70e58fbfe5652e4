// engine/population/bimodality.h
//
// Bimodality diagnostics for one marker across cells (BIOLOGY.md §3.9 item 3),
// meant for log counts, log(x + 1):
//  * Sarle's bimodality coefficient with the sample-size correction (SAS
//    manual; Pfister et al. 2013, Front. Psychol. 4:700):
//      BC = (g² + 1) / (k + 3 (n − 1)² / ((n − 2)(n − 3))),
//    g the bias-corrected skewness G1 and k the bias-corrected excess kurtosis
//    G2. About 1/3 for a normal sample; BC > 5/9 (0.555, the uniform's value)
//    suggests bimodality.
//  * Hartigan's dip (Hartigan & Hartigan 1985, Ann. Statist. 13:70): the
//    largest distance from the empirical distribution function to the closest
//    unimodal distribution function. Computed here by our own O(n log n)
//    search (see DipStatistic); its p-value comes from a simulated null, the
//    dip of uniform samples of the same n from a fixed seed (the uniform is the
//    least favourable unimodal null), so the statistic and its null are the
//    same code.
//  * 1- versus 2-component Gaussian mixtures fitted by EM from a
//    deterministic start, with ΔBIC = BIC₁ − BIC₂ (positive favours two
//    components; > 10 is "very strong" on Kass & Raftery's 1995 scale),
//    Ashman's D = √2 |μ₁ − μ₂| / √(σ₁² + σ₂²) (D > 2: clean separation), and
//    the density valley: the point between the two means where the fitted
//    mixture density is lowest (the §3.2 threshold-calibration rule).
#ifndef GRN_ENGINE_POPULATION_BIMODALITY_H_
#define GRN_ENGINE_POPULATION_BIMODALITY_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace grn {

struct BimodalityOptions {
  // Uniform samples in the dip's null; the p-value's resolution is
  // 1/(dip_null_samples + 1).
  int dip_null_samples = 1000;
  std::uint64_t dip_null_seed = 20261126;
  int max_em_iterations = 2000;
  // EM stops when the log-likelihood gains less than this per sample.
  double em_tolerance = 1e-10;
};

struct GaussianComponent {
  double weight = 1.0, mean = 0.0, variance = 1.0;
};

struct MixtureFit {
  std::vector<GaussianComponent> components;  // 2-component fits: ascending means
  double log_likelihood = 0.0;
  double bic = 0.0;  // −2 log L + (3K − 1) ln n
  int iterations = 0;
};

struct BimodalityReport {
  std::size_t n = 0;
  // NaN when undefined (n < 4, or every value the same).
  double bimodality_coefficient = 0.0;
  double dip = 0.0, dip_p = 1.0;
  MixtureFit one, two;
  double delta_bic = 0.0;  // one.bic − two.bic
  double ashman_d = 0.0;
  double valley = 0.0;     // in the units of the values (log counts)
  // True if the valley is a strict local minimum of the mixture density
  // between the means (false: the mixture is unimodal and the "valley" is
  // where its shoulder is lowest).
  bool valley_is_interior = false;
};

// Sarle's coefficient, sample-size corrected. REQUIRES: n >= 4, not all equal.
double BimodalityCoefficient(std::span<const double> values);

// The dip of a sorted sample, in [1/(2n), 1/4]. The closest unimodal
// distribution function is convex left of its mode and concave right of it,
// so for a mode at the sorted point x_m the dip is half the larger of
//   A(m) = max_{i<=m} (i/n − GCM_m(x_i)),  GCM_m the greatest convex minorant
//          of the left limits (x_j, (j−1)/n), j <= m, and
//   B(m) = max_{i>=m} (LCM_m(x_i) − (i−1)/n),  LCM_m the least concave
//          majorant of the right limits (x_j, j/n), j >= m;
// the dip is the minimum over m. A grows and B shrinks with m, so the
// minimum is found by bisection. (This lets the mode carry an atom, so it
// never exceeds AS 217's value; the p-value uses the same code.)
// REQUIRES: sorted ascending, non-empty.
double DipStatistic(std::span<const double> sorted);

// The sorted dips of `samples` uniform samples of size n from Rng(seed).
std::vector<double> DipNullDistribution(std::size_t n, int samples, std::uint64_t seed);

// (1 + #{null >= dip}) / (1 + null.size()). REQUIRES: null sorted.
double DipPValue(double dip, std::span<const double> sorted_null);

// Maximum-likelihood fit by EM. One component: the sample mean and variance.
// Two components: started from the lower and upper halves of the sorted
// sample (weights ½, their means and variances), so the fit is deterministic;
// variances are floored at 1e-6 of the sample variance (a component cannot
// collapse onto a single repeated value). REQUIRES: components 1 or 2,
// values.size() >= 2.
MixtureFit FitGaussianMixture(std::span<const double> values, int components,
                              const BimodalityOptions& options = {});

double MixtureDensity(const MixtureFit& fit, double x);

// The point in [μ₁, μ₂] where the 2-component density is lowest; sets
// *interior to whether it is a strict local minimum inside the interval.
double MixtureValley(const MixtureFit& two, bool* interior);

double AshmanD(const MixtureFit& two);

// Everything above for one sample (any order). `dip_null`, if given, is the
// sorted null for this n (DipNullDistribution), so callers analysing several
// markers of the same cells simulate it once.
BimodalityReport AnalyseBimodality(std::span<const double> values,
                                   const BimodalityOptions& options = {},
                                   const std::vector<double>* dip_null = nullptr);

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_BIMODALITY_H_
