// tests/validation/population_support.h
//
// Helpers for the population-level validation tests of BIOLOGY.md §4 (the
// fate readouts f_OB, f_AD and log2 R of the MSC population): run the real
// product path, `grnsim population networks/msc_population.textproto
// --scenario ... --method hybrid`, for a scenario and its matched baseline with
// the same --seed (replicate r draws the same random stream in every arm:
// common random numbers), read DIR/replicates.csv, reduce every replicate to
// its counts at the last day, and score the paired effect (scenario −
// baseline per replicate) with validation_support.h's percentile bootstrap.
//
// Scoring by size (tests/support/test_size.h):
//   full (GRN_FULL=1)  the §3.9 rule: CI excludes 0 in the expected direction
//                      AND the point estimate reaches the minimum (Check);
//   ci (the default)   direction only: the point estimate has the expected
//                      sign; the CI and the minimum are printed, not asserted
//                      (a few replicates of a small population, 7 days);
//   smoke              every step runs, verdicts are printed only.
//
// Runs are cached: in the process by command line, and across processes
// (ctest runs every TEST in its own process, and most tests share the
// baseline) in a folder under testing::TempDir() keyed by a hash of the
// command line, the grnsim binary and every file under networks/, so a cached
// result can only be reused for exactly the same inputs (GRN_POPULATION_CACHE
// =off: in the process only). A lock file per key makes concurrent tests
// (ctest -j2) wait for one computation instead of repeating it.
//
// Header-only: CMake compiles only tests/validation/*_test.cc.
#ifndef GRN_TESTS_VALIDATION_POPULATION_SUPPORT_H_
#define GRN_TESTS_VALIDATION_POPULATION_SUPPORT_H_

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/validation/validation_support.h"

namespace grn::validation {

// Cells seeded, days simulated, replicates per arm.
struct PopulationSize {
  std::uint64_t cells = 0;
  double days = 0;
  std::uint64_t replicates = 0;
};

inline PopulationSize CurrentPopulationSize() {
  if (SmokeSize()) return {10, 1, 2};
  if (FullSize()) return {200, 14, 10};
  return {60, 7, 8};
}

// One replicate at the last day.
struct ReplicateFates {
  double cells = 0, osteo = 0, adipo = 0;

  // BIOLOGY §3.9: log2 R, R = (N_OB + 0.5)/(N_AD + 0.5).
  double Log2Ratio() const { return std::log2((osteo + 0.5) / (adipo + 0.5)); }
  double OsteoFraction() const { return cells > 0 ? osteo / cells : std::nan(""); }
  double AdipoFraction() const { return cells > 0 ? adipo / cells : std::nan(""); }
};

struct PopulationRun {
  std::string label;  // the scenarios, for messages
  std::vector<ReplicateFates> replicates;

  template <typename Metric>
  std::vector<double> Per(Metric metric) const {
    std::vector<double> out;
    for (const ReplicateFates& r : replicates) out.push_back((r.*metric)());
    return out;
  }
  std::vector<double> Log2Ratio() const { return Per(&ReplicateFates::Log2Ratio); }
  std::vector<double> OsteoFraction() const { return Per(&ReplicateFates::OsteoFraction); }
  std::vector<double> AdipoFraction() const { return Per(&ReplicateFates::AdipoFraction); }
};

namespace population_internal {

inline std::uint64_t Fnv1a(std::uint64_t h, const std::string& bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

inline std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Everything a cached result depends on besides the command line: the grnsim
// binary and every file under networks/ (network, modules, scenarios) and
// tests/testdata/population/ and tests/testdata/validation/.
inline std::uint64_t InputsFingerprint() {
  static const std::uint64_t fingerprint = [] {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    h = Fnv1a(h, ReadWhole(GRNSIM_BINARY));
    std::vector<std::filesystem::path> files;
    // tests/testdata/population: scenario overlays of negative controls;
    // tests/testdata/validation: dose overlays (V10).
    for (const std::string& dir :
         {NetworksDir(), std::string(GRN_SOURCE_DIR) + "/tests/testdata/population",
          std::string(GRN_SOURCE_DIR) + "/tests/testdata/validation"}) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      h = Fnv1a(h, path.string());
      h = Fnv1a(h, ReadWhole(path.string()));
    }
    return h;
  }();
  return fingerprint;
}

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Parses DIR/replicates.csv (provenance lines start with '#'): per
// replicate, in replicate order, the values of `columns` at its last day.
inline bool LastDayValues(const std::string& text, const std::vector<std::string>& columns,
                          std::vector<std::vector<double>>* out, std::string* error) {
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> header;
  auto split = [](const std::string& l) {
    std::vector<std::string> fields;
    std::stringstream s(l);
    std::string field;
    while (std::getline(s, field, ',')) fields.push_back(field);
    return fields;
  };
  std::vector<int> col(columns.size(), -1);
  int replicate_col = -1, day_col = -1;
  // replicate -> (day, values)
  std::map<std::uint64_t, std::pair<double, std::vector<double>>> last;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> fields = split(line);
    if (header.empty()) {
      header = fields;
      for (int k = 0; k < static_cast<int>(header.size()); ++k) {
        if (header[k] == "replicate") replicate_col = k;
        if (header[k] == "day") day_col = k;
        for (std::size_t c = 0; c < columns.size(); ++c) {
          if (header[k] == columns[c]) col[c] = k;
        }
      }
      if (replicate_col < 0 || day_col < 0) {
        *error = "replicates.csv lacks the replicate or day column";
        return false;
      }
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (col[c] < 0) {
          *error = "replicates.csv has no column " + columns[c];
          return false;
        }
      }
      continue;
    }
    if (fields.size() != header.size()) {
      *error = "replicates.csv: a row has " + std::to_string(fields.size()) + " fields, the header " +
               std::to_string(header.size());
      return false;
    }
    const auto replicate = std::strtoull(fields[replicate_col].c_str(), nullptr, 10);
    const double day = std::strtod(fields[day_col].c_str(), nullptr);
    std::vector<double> values;
    for (int c : col) values.push_back(std::strtod(fields[c].c_str(), nullptr));
    auto it = last.find(replicate);
    if (it == last.end() || day >= it->second.first) last[replicate] = {day, values};
  }
  out->clear();
  for (const auto& [replicate, day_values] : last) out->push_back(day_values.second);
  return true;
}

// The fate counts of every replicate at the last day.
inline bool ParseReplicates(const std::string& text, std::vector<ReplicateFates>* out,
                            std::string* error) {
  std::vector<std::vector<double>> rows;
  if (!LastDayValues(text, {"cells", "osteo_count", "adipo_count"}, &rows, error)) return false;
  out->clear();
  for (const std::vector<double>& r : rows) out->push_back({r[0], r[1], r[2]});
  return true;
}

}  // namespace population_internal

// Runs (or reuses) `grnsim population <arguments> --output DIR --quiet` and
// returns DIR/<output_file> (default replicates.csv, e.g. snapshot_day7.csv),
// or "" with *error set. `arguments` is the quoted argument list
// (" 'a' 'b' ..."); `label` names the run in messages. Cached in the process
// and across processes (see the top of this file).
inline std::string RunPopulationCached(const std::string& label, const std::string& arguments,
                                       std::string* error,
                                       const std::string& output_file = "replicates.csv") {
  namespace pi = population_internal;
  static std::map<std::string, std::string> memo;
  // The key of a file other than replicates.csv names it (the same command
  // line keeps its old key for replicates.csv).
  const std::string key_text =
      output_file == "replicates.csv" ? arguments : arguments + "\n" + output_file;
  if (auto it = memo.find(key_text); it != memo.end()) return it->second;

  // GRN_POPULATION_CACHE=off recomputes every run once per process (timing,
  // or distrust of the cache); any other value, or none, uses it.
  const char* cache_env = std::getenv("GRN_POPULATION_CACHE");
  const bool use_cache = cache_env == nullptr || std::string(cache_env) != "off";
  char key[17];
  std::snprintf(key, sizeof key, "%016" PRIx64,
                pi::Fnv1a(pi::InputsFingerprint(), key_text));
  const std::filesystem::path cache_dir = testing::TempDir() + "grn_population_validation_" +
                                          std::to_string(::getuid());
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  const std::string cached = (cache_dir / (std::string(key) + ".csv")).string();
  const int lock = ::open((cache_dir / (std::string(key) + ".lock")).c_str(), O_CREAT | O_RDWR, 0644);
  if (lock >= 0) ::flock(lock, LOCK_EX);  // without a lock the run is only repeated, not wrong

  std::string text;
  const auto start = std::chrono::steady_clock::now();
  if (use_cache && std::filesystem::exists(cached)) {
    text = pi::ReadWhole(cached);
    std::printf("[population] %s: cached (%s)\n", label.c_str(), cached.c_str());
  } else {
    const std::string out_dir = testing::TempDir() + "grn_population_run_" + std::to_string(::getpid()) +
                                "_" + key;
    const std::string command = pi::Quote(GRNSIM_BINARY) + " population" + arguments + " --output " +
                                pi::Quote(out_dir) + " --quiet >/dev/null 2>" +
                                pi::Quote(out_dir + ".stderr");
    const int rc = std::system(command.c_str());
    if (rc != 0) {
      *error = (WIFEXITED(rc) ? "grnsim exited with " + std::to_string(WEXITSTATUS(rc))
                              : "grnsim did not exit normally (status " + std::to_string(rc) + ")") +
               ": " + pi::ReadWhole(out_dir + ".stderr") + "\ncommand: " + command;
    } else {
      text = pi::ReadWhole(out_dir + "/" + output_file);
      if (use_cache) {
        // Every file of the run goes to the cache under the key a request for
        // it would use (a run's replicates.csv, medium.csv and snapshots are
        // then one run), each written whole, then renamed: a reader never
        // sees half a file.
        for (const auto& entry : std::filesystem::directory_iterator(out_dir, ec)) {
          const std::string file = entry.path().filename().string();
          char file_key[17];
          std::snprintf(file_key, sizeof file_key, "%016" PRIx64,
                        pi::Fnv1a(pi::InputsFingerprint(),
                                  file == "replicates.csv" ? arguments : arguments + "\n" + file));
          const std::string target = (cache_dir / (std::string(file_key) + ".csv")).string();
          const std::string temp = target + ".tmp" + std::to_string(::getpid());
          std::ofstream(temp, std::ios::binary) << pi::ReadWhole(entry.path().string());
          std::filesystem::rename(temp, target, ec);
        }
      }
    }
    std::filesystem::remove_all(out_dir, ec);
    std::filesystem::remove(out_dir + ".stderr", ec);
    std::printf("[population] %s: %.1f s\n", label.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (lock >= 0) {
    ::flock(lock, LOCK_UN);
    ::close(lock);
  }
  if (!text.empty()) memo[key_text] = text;
  return text;
}

// " 'a' 'b' ...": `args` quoted for the shell, each preceded by a space.
inline std::string QuotedArguments(const std::vector<std::string>& args) {
  std::string arguments;
  for (const std::string& a : args) {
    // Two appends, not " " + Quote(a): GCC 12 warns (-Wrestrict, a false
    // positive) on the inlined temporary.
    arguments += ' ';
    arguments += population_internal::Quote(a);
  }
  return arguments;
}

// "%.17g" of a number of days, so the command line names it exactly.
inline std::string DaysArgument(double days) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", days);
  return text;
}

// Runs (or reuses) `grnsim population networks/msc_population.textproto
// --scenario scenarios/baseline_mixed.textproto --scenario <each of
// scenarios> ...` at `size` (default: the current size) with `seed`. The
// baseline "B" overlay comes first, so every arm is B plus its perturbations
// (applied in order). A scenario is a file name in networks/scenarios/, or an
// absolute path (test-only overlays in tests/testdata/).
// On an error, records a test failure and returns a run without replicates.
inline const PopulationRun& RunPopulationArm(const std::vector<std::string>& scenarios,
                                             std::uint64_t seed,
                                             PopulationSize size = CurrentPopulationSize()) {
  namespace pi = population_internal;
  static std::map<std::string, PopulationRun> memo;
  std::vector<std::string> args = {NetworksDir() + "msc_population.textproto", "--scenario",
                                   NetworksDir() + "scenarios/baseline_mixed.textproto"};
  std::string label = "B";
  for (const std::string& s : scenarios) {
    args.push_back("--scenario");
    const bool absolute = !s.empty() && s[0] == '/';
    args.push_back(absolute ? s : NetworksDir() + "scenarios/" + s);
    const std::string name = absolute ? s.substr(s.rfind('/') + 1) : s;
    label += " + " + name.substr(0, name.find('.'));
  }
  for (const std::string& a :
       {std::string("--method"), std::string("hybrid"), std::string("--cells"),
        std::to_string(size.cells), std::string("--days"), DaysArgument(size.days),
        std::string("--replicates"), std::to_string(size.replicates), std::string("--seed"),
        std::to_string(seed), std::string("--threads"), std::string("2")}) {
    args.push_back(a);
  }
  const std::string arguments = QuotedArguments(args);
  if (auto it = memo.find(arguments); it != memo.end()) return it->second;
  PopulationRun& run = memo[arguments];
  run.label = label;
  std::string error;
  const std::string text = RunPopulationCached(label, arguments, &error);
  if (error.empty() && !pi::ParseReplicates(text, &run.replicates, &error)) run.replicates.clear();
  if (error.empty() && run.replicates.size() != size.replicates) {
    error = "replicates.csv has " + std::to_string(run.replicates.size()) + " replicates, expected " +
            std::to_string(size.replicates);
    run.replicates.clear();
  }
  if (!error.empty()) ADD_FAILURE() << label << ": " << error;
  return run;
}

// Paired effect of `scenario` against `baseline` on a replicate metric
// (scenario − baseline of the means, or scenario/baseline − 1; replicates are
// resampled in pairs: common random numbers).
inline Estimate PopulationEffect(const PopulationRun& baseline, const PopulationRun& scenario,
                                 std::vector<double> (PopulationRun::*metric)() const,
                                 EffectKind kind = EffectKind::kDifference) {
  return PairedEffect((baseline.*metric)(), (scenario.*metric)(), kind);
}

// The verdict (see the top of this file): the §3.9 rule at full size (or
// wherever `rule_3_9` is set: a check whose CI-size run is large enough for
// it), the sign of the point estimate otherwise.
inline bool PopulationVerdict(const CheckSpec& spec, const Estimate& e, bool rule_3_9 = FullSize()) {
  const double d = spec.direction;
  if (rule_3_9) {
    return std::isfinite(e.lo) && d * e.lo > 0.0 && d * e.hi > 0.0 && d * e.point >= spec.minimum;
  }
  return std::isfinite(e.point) && d * e.point > 0.0;
}

// Scores, prints and records (GRN_VALIDATION_OUT) one directional check of a
// population metric; asserts it unless `assertion` is kReportOnly or the size
// is smoke.
inline bool CheckPopulation(const CheckSpec& spec, const Estimate& e, const std::vector<double>& baseline,
                            const std::vector<double>& scenario,
                            Assertion assertion = Assertion::kAssert, bool rule_3_9 = FullSize()) {
  CheckSpec shown = spec;
  if (!rule_3_9) shown.expected += " [sign only]";
  const bool pass = PopulationVerdict(spec, e, rule_3_9);
  WriteResult(shown, e, Mean(baseline), Mean(scenario), baseline.size(), pass, assertion);
  if (assertion == Assertion::kAssert &&
      !test_size::SkipStatisticalAssertionAtSmokeSize(spec.id + " " + spec.check)) {
    EXPECT_TRUE(pass) << spec.id << " " << spec.check << ": effect " << e.point << " CI [" << e.lo
                      << ", " << e.hi << "], expected " << spec.expected
                      << (rule_3_9 ? "" : " (sign only at this size)");
  }
  return pass;
}

}  // namespace grn::validation

#endif  // GRN_TESTS_VALIDATION_POPULATION_SUPPORT_H_
