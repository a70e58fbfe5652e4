// tests/statistical/stat_support.h
//
// Helpers for the statistical tests of the exact SSA methods: exact moments of
// the reference distributions (Poisson, binomial, an arbitrary pmf), the exact
// transient law of a small finite-state chain by uniformization, an ensemble
// sampler that drives a Stepper exactly as SimulateEnsemble does (run k uses
// Rng(seed).Split(k)), and z-scores of sample means and variances against the
// exact answers.
//
// Header-only on purpose: CMake compiles only tests/statistical/*_test.cc into
// grn_statistical_tests, so helper code must live in a header.
//
// The z-scores (central limit theorem, n runs, independent across runs):
//   mean:     z = (x̄ − μ) / (σ/√n)
//   variance: z = (s² − σ²) / √((μ4 − σ⁴)/n)
// where s² has the n − 1 denominator and μ4 is the 4th central moment, since
// Var(s²) = (μ4 − σ⁴)/n + O(σ⁴/n²). When an exact σ or μ4 is not available
// the sample estimate is used instead (the statistic is then a t-statistic,
// still N(0, 1) to O(1/√n) for the run counts used here).
#ifndef GRN_TESTS_STATISTICAL_STAT_SUPPORT_H_
#define GRN_TESTS_STATISTICAL_STAT_SUPPORT_H_

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/rng.h"
#include "engine/base/status.h"
#include "engine/base/status_macros.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/make_stepper.h"
#include "engine/sim/state.h"
#include "engine/sim/stepper.h"
#include "proto/network.pb.h"

namespace grn::stat_test {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

// Mean, variance and 4th central moment of a distribution.
struct Moments {
  double mean = 0.0;
  double variance = 0.0;
  double mu4 = 0.0;
};

// Poisson(μ): variance μ, μ4 = μ(1 + 3μ) (e.g. Johnson, Kemp & Kotz,
// "Univariate Discrete Distributions", 3rd ed., §4.3).
inline Moments PoissonMoments(double mu) { return {mu, mu, mu * (1.0 + 3.0 * mu)}; }

// Binomial(n, p): variance npq, μ4 = npq(1 + 3(n − 2)pq) (ibid., §3.3).
inline Moments BinomialMoments(double n, double p) {
  const double npq = n * p * (1.0 - p);
  return {n * p, npq, npq * (1.0 + 3.0 * (n - 2.0) * p * (1.0 - p))};
}

// Moments of the law P(X = value[i]) = pmf[i]. REQUIRES: Σ pmf = 1.
inline Moments MomentsOfPmf(std::span<const double> pmf, std::span<const double> value) {
  Moments m;
  for (std::size_t i = 0; i < pmf.size(); ++i) m.mean += pmf[i] * value[i];
  for (std::size_t i = 0; i < pmf.size(); ++i) {
    const double d2 = (value[i] - m.mean) * (value[i] - m.mean);
    m.variance += pmf[i] * d2;
    m.mu4 += pmf[i] * d2 * d2;
  }
  return m;
}

// A continuous-time Markov chain on states 0..n−1 that moves only to
// neighbours: up[i] is the rate i → i+1, down[i] the rate i → i−1.
struct BirthDeathChain {
  std::vector<double> up;
  std::vector<double> down;
};

// Advances the pmf p over time dt by uniformization (Jensen 1953; Grassmann
// 1977): p(t + dt) = Σ_k Poisson(k; Λdt) · p(t) P^k with P = I + Q/Λ and Λ at
// least the largest exit rate. Every term is non-negative, so there is no
// cancellation; the sum stops when the Poisson weights left are below 1e-16.
inline void Uniformize(const BirthDeathChain& chain, double dt, std::vector<double>& p) {
  const std::size_t n = p.size();
  double lambda = 0.0;
  for (std::size_t i = 0; i < n; ++i) lambda = std::max(lambda, chain.up[i] + chain.down[i]);
  if (lambda == 0.0 || dt == 0.0) return;
  // Λ·dt ≤ 50 per stage keeps e^{−Λdt} far above the smallest double.
  const int stages = static_cast<int>(std::ceil(lambda * dt / 50.0));
  const double h = dt / stages;
  for (int stage = 0; stage < stages; ++stage) {
    std::vector<double> term = p, next(n), out(n, 0.0);
    double weight = std::exp(-lambda * h), used = 0.0;
    for (int k = 0; used < 1.0 - 1e-16 && k < 100000; ++k) {
      if (k > 0) {
        // term ← term · P, with P = I + Q/Λ for a nearest-neighbour chain.
        for (std::size_t i = 0; i < n; ++i) {
          double v = term[i] * (1.0 - (chain.up[i] + chain.down[i]) / lambda);
          if (i > 0) v += term[i - 1] * chain.up[i - 1] / lambda;
          if (i + 1 < n) v += term[i + 1] * chain.down[i + 1] / lambda;
          next[i] = v;
        }
        term.swap(next);
        weight *= lambda * h / k;
      }
      for (std::size_t i = 0; i < n; ++i) out[i] += weight * term[i];
      used += weight;
    }
    p.swap(out);
  }
}

// Stationary law of the chain by detailed balance: π(i+1)/π(i) = up[i]/down[i+1].
// REQUIRES: down[i] > 0 for i >= 1.
inline std::vector<double> StationaryPmf(const BirthDeathChain& chain) {
  std::vector<double> pi(chain.up.size(), 0.0);
  pi[0] = 1.0;
  double total = 1.0;
  for (std::size_t i = 0; i + 1 < pi.size(); ++i) {
    pi[i + 1] = pi[i] * chain.up[i] / chain.down[i + 1];
    total += pi[i + 1];
  }
  for (double& v : pi) v /= total;
  return pi;
}

// Two-pass sample moments of one species at one output time over the runs.
struct SampleMoments {
  double n = 0.0;
  double mean = 0.0;
  double variance = 0.0;  // n − 1 denominator
  double mu4 = 0.0;       // Σ(x − x̄)⁴ / n
};

inline SampleMoments ComputeSampleMoments(std::span<const double> x) {
  SampleMoments s;
  s.n = static_cast<double>(x.size());
  for (double v : x) s.mean += v;
  s.mean /= s.n;
  double m2 = 0.0, m4 = 0.0;
  for (double v : x) {
    const double d2 = (v - s.mean) * (v - s.mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  s.variance = m2 / (s.n - 1.0);
  s.mu4 = m4 / s.n;
  return s;
}

// What is known exactly about one species at one output time. Fields left
// kUnknown are replaced by sample estimates in the z-scores (see file header).
struct Expectation {
  std::size_t time_index = 0;
  std::string species;
  double mean = kUnknown;
  double variance = kUnknown;  // kUnknown: test the mean only, with the sample sd
  double mu4 = kUnknown;       // kUnknown: use the sample 4th central moment
  // False to score only the mean, e.g. for a 0/1 species whose variance
  // p(1 − p) is a function of its mean (and whose variance z is 0/0 at p = 1/2).
  bool score_variance = true;
};

struct ZScore {
  std::string label;  // e.g. "t=2 X mean"
  double z = 0.0;
};

struct ZReport {
  std::vector<ZScore> scores;

  double MaxAbs() const {
    double worst = 0.0;
    for (const ZScore& s : scores) worst = std::max(worst, std::abs(s.z));
    return worst;
  }
  std::string ToString() const {
    std::string out;
    char line[160];
    for (const ZScore& s : scores) {
      std::snprintf(line, sizeof line, "  %-28s z = %+8.3f\n", s.label.c_str(), s.z);
      out += line;
    }
    return out;
  }
};

// samples[i * num_species + s][run] = count of species s at times[i] in `run`.
using EnsembleSamples = std::vector<std::vector<double>>;

// Runs `runs` independent trajectories from the model's initial counts, run k
// with Rng(seed).Split(k) — the same streams SimulateEnsemble uses — and
// records every species at each of `times` (ascending, >= 0).
inline StatusOr<EnsembleSamples> SampleEnsemble(std::shared_ptr<const CompiledModel> model,
                                                MethodKind method, std::span<const double> times,
                                                std::uint64_t runs, std::uint64_t seed) {
  const std::size_t ns = model->num_species();
  EnsembleSamples samples(times.size() * ns, std::vector<double>(runs));
  GRN_ASSIGN_OR_RETURN(std::unique_ptr<Stepper> stepper,
                       MakeStepper(method, model, MethodOptions{}));
  const Rng root(seed);
  State state;
  for (std::uint64_t run = 0; run < runs; ++run) {
    Rng rng = root.Split(run);
    state.t = 0.0;
    state.x = model->initial_counts();
    GRN_RETURN_IF_ERROR(stepper->Reset(state, rng));
    for (std::size_t i = 0; i < times.size(); ++i) {
      GRN_RETURN_IF_ERROR(stepper->AdvanceTo(times[i], state, rng));
      for (std::size_t s = 0; s < ns; ++s) samples[i * ns + s][run] = state.x[s];
    }
  }
  return samples;
}

// Parses a Network from protobuf text and compiles it.
inline StatusOr<std::shared_ptr<const CompiledModel>> CompileText(const std::string& text) {
  grnsim::v1::Network net;
  if (!google::protobuf::TextFormat::ParseFromString(text, &net)) {
    return InvalidArgumentError("test network does not parse:\n" + text);
  }
  GRN_ASSIGN_OR_RETURN(CompiledModel compiled, Compile(net));
  return std::make_shared<const CompiledModel>(std::move(compiled));
}

// Simulates `model` and scores every expectation (see the file header for the
// z formulas). Expectations refer to indices into `times`.
inline StatusOr<ZReport> ScoreEnsemble(std::shared_ptr<const CompiledModel> model,
                                       MethodKind method, std::span<const double> times,
                                       std::uint64_t runs, std::uint64_t seed,
                                       std::span<const Expectation> expected) {
  GRN_ASSIGN_OR_RETURN(EnsembleSamples samples, SampleEnsemble(model, method, times, runs, seed));
  const auto& names = model->species_names();
  ZReport report;
  char prefix[64];
  for (const Expectation& e : expected) {
    const auto it = std::find(names.begin(), names.end(), e.species);
    if (it == names.end()) return InvalidArgumentError("no species " + e.species);
    const std::size_t s = static_cast<std::size_t>(it - names.begin());
    const SampleMoments m = ComputeSampleMoments(samples[e.time_index * model->num_species() + s]);
    std::snprintf(prefix, sizeof prefix, "t=%g %s ", times[e.time_index], e.species.c_str());

    const bool variance_known = !std::isnan(e.variance);
    const double sd = std::sqrt(variance_known ? e.variance : m.variance);
    report.scores.push_back(
        {std::string(prefix) + "mean", (m.mean - e.mean) / (sd / std::sqrt(m.n))});
    if (!variance_known || !e.score_variance) continue;

    const bool mu4_known = !std::isnan(e.mu4);
    const double sigma4 = mu4_known ? e.variance * e.variance : m.variance * m.variance;
    const double var_of_var = ((mu4_known ? e.mu4 : m.mu4) - sigma4) / m.n;
    report.scores.push_back(
        {std::string(prefix) + "variance", (m.variance - e.variance) / std::sqrt(var_of_var)});
  }
  return report;
}

}  // namespace grn::stat_test

#endif  // GRN_TESTS_STATISTICAL_STAT_SUPPORT_H_
