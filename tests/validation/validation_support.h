// tests/validation/validation_support.h
//
// Helpers for the single-cell validation tests of BIOLOGY.md §4 (label
// `validation`): load a network of networks/ with scenario overlays (and extra
// settings, e.g. one dose of a series), run every run of both arms with common
// random numbers (run i of every arm is SimulateTrajectory(seed, i): the same
// seed stream), reduce each run to a replicate-level number, and score the
// effect with a percentile-bootstrap 95% CI over runs (paired resampling: the
// same resampled run indices for both arms, fixed bootstrap seed).
//
// A check passes (BIOLOGY §3.9) only if the CI excludes 0 in the expected
// direction AND the point estimate reaches the listed minimum. Every check is
// printed and, when GRN_VALIDATION_OUT names a file, appended to it as one
// JSON line (networks/validation_table.py turns those into the README table).
//
// Sizes (tests/support/test_size.h): CI size by default; GRN_FULL=1 (or
// GRN_TEST_SIZE=full, which tools/check --full exports) selects the full size;
// GRN_TEST_SIZE=smoke (the sanitizer build) runs a handful of runs per arm
// through every step, and Check/CheckWithin print the verdict without
// asserting it.
//
// Header-only: CMake compiles only tests/validation/*_test.cc.
#ifndef GRN_TESTS_VALIDATION_VALIDATION_SUPPORT_H_
#define GRN_TESTS_VALIDATION_VALIDATION_SUPPORT_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>
#include <functional>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/rng.h"
#include "engine/base/status.h"
#include "engine/io/network_io.h"
#include "engine/model/compiled_model.h"
#include "engine/population/bootstrap.h"
#include "engine/sim/simulate.h"
#include "tests/support/test_size.h"

namespace grn::validation {

inline constexpr std::uint64_t kBootstrapSeed = 20260406;
inline constexpr int kBootstrapResamples = 2000;

inline bool FullSize() { return test_size::FullSize(); }
inline bool SmokeSize() { return test_size::SmokeSize(); }
inline const char* SizeName() { return test_size::TestSizeName(); }

inline std::string NetworksDir() { return std::string(GRN_SOURCE_DIR) + "/networks/"; }

// One arm: the network (relative to networks/), its scenario files (relative to
// networks/scenarios/) and extra `set` values applied after them.
struct Arm {
  std::string network;
  std::vector<std::string> scenarios;
  std::vector<std::pair<std::string, double>> settings;
};

// Writes `settings` as a scenario overlay in the test's temp dir.
inline std::string WriteSettingsScenario(const std::vector<std::pair<std::string, double>>& settings) {
  static int counter = 0;
  const std::string path = testing::TempDir() + "grn_validation_settings_" +
                           std::to_string(::getpid()) + "_" + std::to_string(counter++) +
                           ".textproto";
  std::ofstream out(path);
  out << "# proto-message: grnsim.v1.Scenario\nname: \"validation_settings\"\n";
  char line[256];
  for (const auto& [name, value] : settings) {
    std::snprintf(line, sizeof line, "set { name: \"%s\" value: %.17g }\n", name.c_str(), value);
    out << line;
  }
  return path;
}

inline std::shared_ptr<const CompiledModel> LoadArm(const Arm& arm) {
  std::vector<std::string> scenario_paths;
  for (const std::string& s : arm.scenarios) scenario_paths.push_back(NetworksDir() + "scenarios/" + s);
  if (!arm.settings.empty()) scenario_paths.push_back(WriteSettingsScenario(arm.settings));
  auto model = LoadModel(NetworksDir() + arm.network, scenario_paths);
  if (!model.ok()) {
    ADD_FAILURE() << arm.network << ": " << model.status().ToString();
    return nullptr;
  }
  return std::make_shared<const CompiledModel>(std::move(*model));
}

inline double ParameterValue(const CompiledModel& model, const std::string& name) {
  const auto& names = model.parameter_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return model.initial_parameters()[i];
  }
  ADD_FAILURE() << "no parameter " << name;
  return std::nan("");
}

// Kept species of every run: runs[r][sample * species.size() + k].
struct Trajectories {
  std::vector<double> times;
  std::vector<std::string> species;
  std::vector<std::vector<double>> runs;

  double At(std::size_t run, std::size_t sample, std::size_t k) const {
    return runs[run][sample * species.size() + k];
  }
  std::size_t Column(const std::string& name) const {
    for (std::size_t k = 0; k < species.size(); ++k) {
      if (species[k] == name) return k;
    }
    ADD_FAILURE() << "species " << name << " not kept";
    return 0;
  }
  // Per run: the mean of `name` over samples with t in [t_from, t_to].
  std::vector<double> WindowMean(const std::string& name, double t_from, double t_to) const {
    const std::size_t k = Column(name);
    std::vector<double> out;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      double sum = 0.0;
      int n = 0;
      for (std::size_t i = 0; i < times.size(); ++i) {
        if (times[i] < t_from - 1e-9 || times[i] > t_to + 1e-9) continue;
        sum += At(r, i, k);
        ++n;
      }
      out.push_back(n > 0 ? sum / n : std::nan(""));
    }
    return out;
  }
  // Per run: 1 if `name` stays >= level over some stretch of samples spanning
  // at least `hold` (commitment, absorbing), else 0.
  std::vector<double> Held(const std::string& name, double level, double hold) const {
    const std::size_t k = Column(name);
    std::vector<double> out;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      double since = -1.0;
      bool held = false;
      for (std::size_t i = 0; i < times.size() && !held; ++i) {
        if (At(r, i, k) >= level) {
          if (since < 0) since = times[i];
          held = times[i] - since >= hold - 1e-9;
        } else {
          since = -1.0;
        }
      }
      out.push_back(held ? 1.0 : 0.0);
    }
    return out;
  }
};

// Simulates runs 0..runs-1 of `model` with the exact direct method, seed
// `seed` (run i uses the stream Rng(seed).Split(i) in every arm: common random
// numbers), sampling steps+1 times in [0, t_end].
inline Trajectories Simulate(const std::shared_ptr<const CompiledModel>& model,
                             const std::vector<std::string>& species, double t_end,
                             std::uint32_t steps, std::uint64_t runs, std::uint64_t seed) {
  Trajectories out;
  out.species = species;
  if (model == nullptr) return out;
  std::vector<std::size_t> index;
  for (const std::string& name : species) {
    const auto& names = model->species_names();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      ADD_FAILURE() << "no species " << name;
      return out;
    }
    index.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  SimulationOptions options;
  options.method = MethodKind::kDirect;
  options.t_end = t_end;
  options.steps = steps;
  options.seed = seed;
  out.times = SampleTimes(t_end, steps);
  for (std::uint64_t run = 0; run < runs; ++run) {
    std::vector<double> trajectory;
    trajectory.reserve(out.times.size() * species.size());
    const Status status = SimulateTrajectory(
        model, options, run, [&](double, std::span<const double> x) {
          for (std::size_t i : index) trajectory.push_back(x[i]);
          return Status::OK();
        });
    if (!status.ok()) {
      ADD_FAILURE() << "run " << run << ": " << status.ToString();
      return out;
    }
    out.runs.push_back(std::move(trajectory));
  }
  return out;
}

inline double MeanOf(std::span<const double> v, std::span<const std::size_t> idx) {
  double sum = 0.0;
  for (std::size_t i : idx) sum += v[i];
  return sum / static_cast<double>(idx.size());
}

struct Estimate {
  double point = 0.0, lo = 0.0, hi = 0.0;
};

// Percentile bootstrap of statistic(indices) over n replicates: the point
// estimate uses 0..n-1, each resample n indices drawn with replacement.
inline Estimate Bootstrap(std::size_t n,
                          const std::function<double(std::span<const std::size_t>)>& statistic) {
  Estimate e;
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  e.point = statistic(idx);
  Rng rng(kBootstrapSeed);
  std::vector<double> stats;
  stats.reserve(kBootstrapResamples);
  for (int b = 0; b < kBootstrapResamples; ++b) {
    for (std::size_t& i : idx) {
      i = std::min(n - 1, static_cast<std::size_t>(rng.Uniform01() * static_cast<double>(n)));
    }
    const double s = statistic(idx);
    if (std::isfinite(s)) stats.push_back(s);
  }
  if (stats.empty()) return {e.point, std::nan(""), std::nan("")};
  std::sort(stats.begin(), stats.end());
  e.lo = Quantile(stats, 0.025);
  e.hi = Quantile(stats, 0.975);
  return e;
}

enum class EffectKind { kDifference, kRelative };  // s − b, or s/b − 1

// Effect of the scenario arm on the mean of a replicate-level metric, with
// paired (common-random-number) resampling of runs.
inline Estimate PairedEffect(const std::vector<double>& baseline, const std::vector<double>& scenario,
                             EffectKind kind) {
  EXPECT_EQ(baseline.size(), scenario.size());
  const std::size_t n = std::min(baseline.size(), scenario.size());
  if (n == 0) return {std::nan(""), std::nan(""), std::nan("")};
  return Bootstrap(n, [&](std::span<const std::size_t> idx) {
    const double b = MeanOf(baseline, idx), s = MeanOf(scenario, idx);
    return kind == EffectKind::kDifference ? s - b : s / b - 1.0;
  });
}

// Whether a failing check is asserted. kReportOnly is for a §4 direction the
// frozen model does not reproduce: it is measured, printed and written to the
// table as FAIL, and named in the test's comment; it is not weakened.
enum class Assertion { kAssert, kReportOnly };

struct CheckSpec {
  std::string id;        // "V16"
  std::string check;     // "OC fraction by 96 h"
  std::string expected;  // "↓ ≥ 30% (relative)"
  int direction = +1;    // +1: effect must be > 0; −1: < 0
  double minimum = 0.0;  // |point| must reach this (in the direction)
  std::string unit;      // "relative", "difference", ...
};

inline void WriteResult(const CheckSpec& spec, const Estimate& e, double baseline, double scenario,
                        std::size_t runs, bool pass, Assertion assertion) {
  std::printf("[%s] %-40s expected %-28s effect %+.4f  95%% CI [%+.4f, %+.4f]  (baseline %.4g, "
              "scenario %.4g, %zu runs, %s) %s\n",
              spec.id.c_str(), spec.check.c_str(), spec.expected.c_str(), e.point, e.lo, e.hi,
              baseline, scenario, runs, SizeName(), pass ? "PASS" : "FAIL");
  const char* out_path = std::getenv("GRN_VALIDATION_OUT");
  if (out_path == nullptr || *out_path == '\0') return;
  std::FILE* f = std::fopen(out_path, "a");
  if (f == nullptr) {
    ADD_FAILURE() << "cannot append to GRN_VALIDATION_OUT=" << out_path;
    return;
  }
  auto escape = [](const std::string& s) {
    std::string o;
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      o += c;
    }
    return o;
  };
  std::fprintf(f,
               "{\"id\":\"%s\",\"check\":\"%s\",\"expected\":\"%s\",\"unit\":\"%s\",\"effect\":%.6g,"
               "\"lo\":%.6g,\"hi\":%.6g,\"baseline\":%.6g,\"scenario\":%.6g,\"runs\":%zu,"
               "\"size\":\"%s\",\"pass\":%s,\"asserted\":%s}\n",
               escape(spec.id).c_str(), escape(spec.check).c_str(), escape(spec.expected).c_str(),
               escape(spec.unit).c_str(), e.point, e.lo, e.hi, baseline, scenario, runs, SizeName(),
               pass ? "true" : "false", assertion == Assertion::kAssert ? "true" : "false");
  std::fclose(f);
}

// Scores a directional check (BIOLOGY §3.9) and records it.
inline bool Check(const CheckSpec& spec, const Estimate& e, double baseline, double scenario,
                  std::size_t runs, Assertion assertion = Assertion::kAssert) {
  const double d = spec.direction;
  const bool pass = std::isfinite(e.lo) && d * e.lo > 0.0 && d * e.hi > 0.0 &&
                    d * e.point >= spec.minimum;
  WriteResult(spec, e, baseline, scenario, runs, pass, assertion);
  if (assertion == Assertion::kAssert &&
      !test_size::SkipStatisticalAssertionAtSmokeSize(spec.id + " " + spec.check)) {
    EXPECT_TRUE(pass) << spec.id << " " << spec.check << ": effect " << e.point << " CI [" << e.lo
                      << ", " << e.hi << "], expected " << spec.expected;
  }
  return pass;
}

// Scores a bound check ("change < 15%", "≈ 0", "monotone", "BC > 0.555"): as
// for the minimum of a directional check (§3.9), the point estimate must lie
// inside (lower, upper); the CI is reported with it.
inline bool CheckWithin(const CheckSpec& spec, const Estimate& e, double lower, double upper,
                        double baseline, double scenario, std::size_t runs,
                        Assertion assertion = Assertion::kAssert) {
  const bool pass = std::isfinite(e.point) && e.point > lower && e.point < upper;
  WriteResult(spec, e, baseline, scenario, runs, pass, assertion);
  if (assertion == Assertion::kAssert &&
      !test_size::SkipStatisticalAssertionAtSmokeSize(spec.id + " " + spec.check)) {
    EXPECT_TRUE(pass) << spec.id << " " << spec.check << ": effect " << e.point << " CI [" << e.lo
                      << ", " << e.hi << "], expected the estimate inside (" << lower << ", " << upper << ")";
  }
  return pass;
}

inline double Mean(const std::vector<double>& v) {
  return v.empty() ? std::nan("") : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

}  // namespace grn::validation

#endif  // GRN_TESTS_VALIDATION_VALIDATION_SUPPORT_H_
