// tests/conformance/dsmts_support.h
//
// Reading and judging the DSMTS cases of the SBML Test Suite (see
// ../shared/conformance/README.md): the NNNNN-settings.txt time grid and
// judged columns, the NNNNN-results.csv reference means and SDs, and the
// suite's statistical criterion applied to an ensemble:
//
//   mean test  Z_t = (X̄_t − μ_t) / (σ_t / √n)        should lie in (−3, 3)
//   SD test    Y_t = (S_t² / σ_t² − 1) · √(n / 2)      should lie in (−5, 5)
//
// with S_t² = (1/n) Σ_i (X_t⁽ⁱ⁾ − μ_t)², the variance about the *known* mean
// with divisor n as the DSMTS user guide defines it (so n·S²/σ² ~ χ²_n).
// From the ensemble's sample mean and (n − 1)-denominator SD s:
//   S² = ((n − 1)·s² + n·(X̄ − μ)²) / n.
// Points with σ_t = 0 (t = 0, boundary species, an event reset exactly at an
// output time) are exact checks: every run must equal μ_t, i.e. X̄ = μ and
// s = 0.
//
// Header-only because CMake compiles only tests/conformance/*_test.cc.
#ifndef GRN_TESTS_CONFORMANCE_DSMTS_SUPPORT_H_
#define GRN_TESTS_CONFORMANCE_DSMTS_SUPPORT_H_

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/sim/ensemble_stats.h"

namespace grn::dsmts {

struct Settings {
  double start = 0.0;
  double duration = 0.0;
  int steps = 0;
  std::vector<std::string> variables;
  std::set<std::string> judged_mean;  // variables with "X-mean" in `output`
  std::set<std::string> judged_sd;    // variables with "X-sd" in `output`
  double mean_limit = 3.0;            // meanRange (−a, a)
  double sd_limit = 5.0;              // sdRange (−b, b)
};

struct Reference {
  std::vector<double> times;
  std::map<std::string, std::vector<double>> mean, sd;  // by variable
};

inline std::string Trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

inline std::vector<std::string> SplitList(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep)) {
    item = Trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// "(-3, 3)" → 3: the ranges are symmetric in every DSMTS case.
inline bool ParseSymmetricRange(const std::string& text, double* limit) {
  double lo = 0, hi = 0;
  if (std::sscanf(text.c_str(), " ( %lf , %lf )", &lo, &hi) != 2 || lo != -hi || hi <= 0) return false;
  *limit = hi;
  return true;
}

inline StatusOr<Settings> ReadSettings(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": cannot open");
  Settings s;
  std::string line;
  bool have_steps = false, have_duration = false;
  while (std::getline(in, line)) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = Trim(line.substr(0, colon));
    const std::string value = Trim(line.substr(colon + 1));
    if (key == "start") {
      s.start = std::stod(value);
    } else if (key == "duration") {
      s.duration = std::stod(value);
      have_duration = true;
    } else if (key == "steps") {
      s.steps = std::stoi(value);
      have_steps = true;
    } else if (key == "variables") {
      s.variables = SplitList(value, ',');
    } else if (key == "output") {
      for (const std::string& column : SplitList(value, ',')) {
        if (column.size() > 5 && column.compare(column.size() - 5, 5, "-mean") == 0) {
          s.judged_mean.insert(column.substr(0, column.size() - 5));
        } else if (column.size() > 3 && column.compare(column.size() - 3, 3, "-sd") == 0) {
          s.judged_sd.insert(column.substr(0, column.size() - 3));
        } else {
          return InvalidArgumentError(path + ": unknown output column '" + column + "'");
        }
      }
    } else if (key == "meanRange") {
      if (!ParseSymmetricRange(value, &s.mean_limit)) return InvalidArgumentError(path + ": bad meanRange");
    } else if (key == "sdRange") {
      if (!ParseSymmetricRange(value, &s.sd_limit)) return InvalidArgumentError(path + ": bad sdRange");
    }
  }
  if (!have_steps || !have_duration || s.steps < 1 || !(s.duration > 0)) {
    return InvalidArgumentError(path + ": no valid duration/steps");
  }
  return s;
}

inline StatusOr<Reference> ReadResults(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": cannot open");
  std::string line;
  if (!std::getline(in, line)) return InvalidArgumentError(path + ": empty");
  const std::vector<std::string> header = SplitList(line, ',');
  if (header.empty() || header[0] != "time") return InvalidArgumentError(path + ": no time column");
  Reference ref;
  while (std::getline(in, line)) {
    if (Trim(line).empty()) continue;
    const std::vector<std::string> cells = SplitList(line, ',');
    if (cells.size() != header.size()) return InvalidArgumentError(path + ": ragged row '" + line + "'");
    ref.times.push_back(std::stod(cells[0]));
    for (std::size_t c = 1; c < header.size(); ++c) {
      const std::string& h = header[c];
      const double v = std::stod(cells[c]);
      if (h.size() > 5 && h.compare(h.size() - 5, 5, "-mean") == 0) {
        ref.mean[h.substr(0, h.size() - 5)].push_back(v);
      } else if (h.size() > 3 && h.compare(h.size() - 3, 3, "-sd") == 0) {
        ref.sd[h.substr(0, h.size() - 3)].push_back(v);
      } else {
        return InvalidArgumentError(path + ": unknown column '" + h + "'");
      }
    }
  }
  return ref;
}

// The verdict on one case for one method.
struct Judgement {
  int z_checks = 0, y_checks = 0, exact_checks = 0;
  int z_fails = 0;      // |Z| >= mean limit
  int y_fails = 0;      // |Y| >= sd limit
  int exact_fails = 0;  // σ = 0 points where some run differed from μ
  double worst_z = 0.0, worst_y = 0.0;
  std::string worst_z_at, worst_y_at, first_exact_failure;  // "X at t=3"
};

// Counts Z, Y and exact-check failures of `stats` (sample × species) against
// `ref`. `species_index[v]` is the column of variable v in `stats`.
inline Judgement Judge(const EnsembleStats& stats, const std::map<std::string, std::size_t>& species_index,
                       const Settings& settings, const Reference& ref) {
  Judgement j;
  const double n = static_cast<double>(stats.runs());
  for (const std::string& v : settings.variables) {
    const bool judge_mean = settings.judged_mean.count(v) > 0;
    const bool judge_sd = settings.judged_sd.count(v) > 0;
    if (!judge_mean && !judge_sd) continue;
    const std::size_t col = species_index.at(v);
    const std::vector<double>& mu = ref.mean.at(v);
    const std::vector<double>& sigma = ref.sd.at(v);
    for (std::size_t t = 0; t < ref.times.size(); ++t) {
      const double xbar = stats.mean(t, col);
      const double s = stats.sd(t, col);
      char where[64];
      std::snprintf(where, sizeof where, "%s at t=%g", v.c_str(), ref.times[t]);
      if (sigma[t] == 0.0) {
        // Exact check; a tolerance only for the rounding of the reference text.
        ++j.exact_checks;
        const double tol = 1e-9 * std::max(1.0, std::fabs(mu[t]));
        if (std::fabs(xbar - mu[t]) > tol || s > tol) {
          if (j.exact_fails++ == 0) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "%s: expected exactly %g, got mean %g sd %g", where,
                          mu[t], xbar, s);
            j.first_exact_failure = buf;
          }
        }
        continue;
      }
      if (judge_mean) {
        ++j.z_checks;
        const double z = (xbar - mu[t]) / (sigma[t] / std::sqrt(n));
        if (!(std::fabs(z) < settings.mean_limit)) ++j.z_fails;
        if (!(std::fabs(z) <= j.worst_z)) {
          j.worst_z = std::isnan(z) ? INFINITY : std::fabs(z);
          j.worst_z_at = where;
        }
      }
      if (judge_sd) {
        ++j.y_checks;
        const double s2_known_mean = ((n - 1) * s * s + n * (xbar - mu[t]) * (xbar - mu[t])) / n;
        const double y = (s2_known_mean / (sigma[t] * sigma[t]) - 1.0) * std::sqrt(n / 2.0);
        if (!(std::fabs(y) < settings.sd_limit)) ++j.y_fails;
        if (!(std::fabs(y) <= j.worst_y)) {
          j.worst_y = std::isnan(y) ? INFINITY : std::fabs(y);
          j.worst_y_at = where;
        }
      }
    }
  }
  return j;
}

}  // namespace grn::dsmts

#endif  // GRN_TESTS_CONFORMANCE_DSMTS_SUPPORT_H_
