// engine/base/random_variates.cc
//
// Poisson (inversion, PTRS) and binomial (inversion, BTRD) variates; see the
// header for the papers. The algorithms are written from the papers' step
// lists; the step labels in comments follow Hörmann's.
#include "engine/base/random_variates.h"

#include <array>
#include <cmath>

#include "engine/base/check.h"

namespace grn {
namespace {

constexpr int kTableSize = 256;
constexpr double kHalfLog2Pi = 0.91893853320467274178;  // ½·ln(2π)

// ln k! for k < kTableSize, summed once (a thread-safe static): each entry is
// within a few ulp of the true value, which is all the acceptance tests need.
const std::array<double, kTableSize>& LogFactorialTable() {
  static const std::array<double, kTableSize> table = [] {
    std::array<double, kTableSize> t{};
    t[0] = 0.0;
    long double sum = 0.0L;
    for (int k = 1; k < kTableSize; ++k) {
      sum += std::log(static_cast<long double>(k));
      t[k] = static_cast<double>(sum);
    }
    return t;
  }();
  return table;
}

// Stirling's series for ln Γ(z) − [(z − ½)ln z − z + ½ln 2π], z >= 10: the
// truncation error is below 1/(1680 z^7).
double StirlingTail(double z) {
  const double inv = 1.0 / z;
  const double inv2 = inv * inv;
  return inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0)));
}

// BTRD's f_c(k) = ln k! − [(k + ½)ln(k + 1) − (k + 1) + ½ln 2π].
double StirlingCorrection(double k) {
  if (k < kTableSize) {
    return LogFactorialTable()[static_cast<int>(k)] - (k + 0.5) * std::log(k + 1.0) + (k + 1.0) -
           kHalfLog2Pi;
  }
  return StirlingTail(k + 1.0);
}

// ln P(X = k) for X ~ Poisson(mu), k >= 0 whole, mu > 0. For large k it is
// written as −[k·ln(k/μ) − (k − μ)] − ½ln(2πk) − tail(k), with the bracket
// evaluated through log1p: the textbook −μ + k·ln μ − ln k! cancels two terms
// of size μ·ln μ and would lose all accuracy for μ ~ 1e12.
double PoissonLogPmf(double k, double mu, double log_mu) {
  if (k < kTableSize) return -mu + k * log_mu - LogFactorialTable()[static_cast<int>(k)];
  const double d = (k - mu) / mu;
  // μ·[(1 + d)·ln(1 + d) − d] = k·ln(k/μ) − (k − μ).
  const double bracket = mu * ((1.0 + d) * std::log1p(d) - d);
  return -bracket - 0.5 * std::log(k) - kHalfLog2Pi - StirlingTail(k);
}

// Sequential search from 0 (inversion). Only for mean < 10, where e^{−mean}
// is far from underflow and the loop runs about mean + 1 times.
double PoissonInversion(double mean, Rng& rng) {
  const double p0 = std::exp(-mean);
  for (;;) {
    double u = rng.Uniform01();
    double p = p0;
    double k = 0.0;
    // The accumulated cdf can fall short of 1 by rounding; a u in that sliver
    // (probability ~1e-16) is redrawn rather than given a tail value.
    while (u > p && k < 200.0) {
      u -= p;
      k += 1.0;
      p *= mean / k;
    }
    if (k < 200.0) return k;
  }
}

// PTRS (Hörmann 1993): transformed rejection with the hat
// (2a/(½ − |U|) + b)·U + μ + 0.43, a box-shaped squeeze of acceptance v_r,
// and an exact log-density comparison otherwise. REQUIRES: mean >= 10.
double PoissonPtrs(double mean, Rng& rng) {
  const double log_mu = std::log(mean);
  const double smu = std::sqrt(mean);
  const double b = 0.931 + 2.53 * smu;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.Uniform01() - 0.5;  // (−½, ½]
    const double v = rng.Uniform01();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return k;  // squeeze: inside the hat's box
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    const double lhs = std::log(v * inv_alpha / (a / (us * us) + b));
    if (lhs <= PoissonLogPmf(k, mean, log_mu)) return k;
  }
}

// BINV: inversion by the recursion f(k)/f(k−1) = ((n + 1)/k − 1)·p/q.
// REQUIRES: p <= ½, n·p < 10 (so q^n >= e^{−20}).
double BinomialInversion(double n, double p, Rng& rng) {
  const double q = 1.0 - p;
  const double s = p / q;
  const double a = (n + 1.0) * s;
  const double r0 = std::exp(n * std::log1p(-p));
  for (;;) {
    double u = rng.Uniform01();
    double r = r0;
    double k = 0.0;
    while (u > r && k < n) {
      u -= r;
      k += 1.0;
      r *= a / k - s;
    }
    // Rounding can leave u above the whole mass: redraw (as in Poisson).
    if (u <= r) return k;
  }
}

// BTRD (Hörmann 1993). REQUIRES: p <= ½, n·p >= 10.
double BinomialBtrd(double n, double p, Rng& rng) {
  const double q = 1.0 - p;
  const double m = std::floor((n + 1.0) * p);  // the mode
  const double r = p / q;
  const double nr = (n + 1.0) * r;
  const double npq = n * p * q;
  const double spq = std::sqrt(npq);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double v_r = 0.92 - 4.2 / b;
  const double u_rv_r = 0.86 * v_r;
  // Step 3.3's constant part, h = (m + ½)ln((m + 1)/(r(n − m + 1))) + f_c(m) + f_c(n − m).
  const double nm = n - m + 1.0;
  const double h = (m + 0.5) * std::log((m + 1.0) / (r * nm)) + StirlingCorrection(m) +
                   StirlingCorrection(n - m);
  for (;;) {
    // Step 1: the centre of the hat, accepted without a density evaluation.
    double v = rng.Uniform01();
    double u;
    if (v <= u_rv_r) {
      u = v / v_r - 0.43;
      return std::floor((2.0 * a / (0.5 - std::abs(u)) + b) * u + c);
    }
    // Step 2: a fresh (U, V) pair, or one reused from the strip v_r·0.86 < V < v_r.
    if (v >= v_r) {
      u = rng.Uniform01() - 0.5;
    } else {
      u = v / v_r - 0.93;
      u = std::copysign(0.5, u) - u;
      v = rng.Uniform01() * v_r;
    }
    // Step 3.0.
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + c);
    if (k < 0.0 || k > n) continue;
    v = v * alpha / (a / (us * us) + b);
    const double km = std::abs(k - m);
    if (km <= 15.0) {
      // Step 3.1: f(k)/f(m) by the ratio recursion, exact for nearby k.
      double f = 1.0;
      if (m < k) {
        for (double i = m + 1.0; i <= k; i += 1.0) f *= nr / i - r;
      } else if (m > k) {
        for (double i = k + 1.0; i <= m; i += 1.0) v *= nr / i - r;
      }
      if (v <= f) return k;
      continue;
    }
    // Step 3.2: squeeze on ln V with a normal-like bound.
    v = std::log(v);
    const double rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
    const double t = -km * km / (2.0 * npq);
    if (v < t - rho) return k;
    if (v > t + rho) continue;
    // Step 3.3: the exact log-density ratio via Stirling corrections.
    const double nk = n - k + 1.0;
    if (v <= h + (n + 1.0) * std::log(nm / nk) + (k + 0.5) * std::log(nk * r / (k + 1.0)) -
                 StirlingCorrection(k) - StirlingCorrection(n - k)) {
      return k;
    }
  }
}

}  // namespace

double LogFactorial(double k) {
  if (k < kTableSize) return LogFactorialTable()[static_cast<int>(k)];
  return (k + 0.5) * std::log(k + 1.0) - (k + 1.0) + kHalfLog2Pi + StirlingTail(k + 1.0);
}

double PoissonVariate(double mean, Rng& rng) {
  GRN_DCHECK(mean >= 0.0 && mean <= kMaxPoissonMean);
  if (mean <= 0.0) return 0.0;
  return mean < 10.0 ? PoissonInversion(mean, rng) : PoissonPtrs(mean, rng);
}

double NormalVariate(Rng& rng) {
  for (;;) {
    const double u = 2.0 * rng.Uniform01() - 1.0, v = 2.0 * rng.Uniform01() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

double BinomialVariate(double n, double p, Rng& rng) {
  GRN_DCHECK(n >= 0.0 && p >= 0.0 && p <= 1.0);
  if (n <= 0.0 || p <= 0.0) return 0.0;
  if (p >= 1.0) return n;
  if (p > 0.5) return n - BinomialVariate(n, 1.0 - p, rng);
  return n * p < 10.0 ? BinomialInversion(n, p, rng) : BinomialBtrd(n, p, rng);
}

}  // namespace grn
