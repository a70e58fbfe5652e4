// engine/population/variance_split.cc
#include "engine/population/variance_split.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <boost/math/distributions/fisher_f.hpp>

#include "engine/base/check.h"

namespace grn {
namespace {

// Boost.Math reports errors by errno here, never by exceptions: the engine
// does not throw, and the arguments are checked before every call.
using NoThrowPolicy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
    boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
    boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The split of a balanced design that has been checked.
VarianceSplit Split(const std::vector<std::vector<double>>& values, double confidence) {
  VarianceSplit out;
  out.sets = values.size();
  out.replicates_per_set = values[0].size();
  const double k = static_cast<double>(out.sets), m = static_cast<double>(out.replicates_per_set);
  std::vector<double> set_means;
  double within = 0.0;
  for (const std::vector<double>& set : values) {
    // A set whose replicates agree has exactly no within-set variance (the
    // rounded mean would leave ~1e-18 and turn an infinite F finite).
    const bool agree = std::all_of(set.begin(), set.end(), [&](double y) { return y == set[0]; });
    const double mean = agree ? set[0] : Mean(set);
    set_means.push_back(mean);
    for (double y : set) within += (y - mean) * (y - mean);
  }
  out.mean = Mean(set_means);
  double between = 0.0;
  for (double mean : set_means) between += (mean - out.mean) * (mean - out.mean);
  const double msw = within / (k * (m - 1.0));
  const double msb = m * between / (k - 1.0);
  out.intrinsic = msw;
  out.extrinsic = std::max(0.0, (msb - msw) / m);
  const double total = out.intrinsic + out.extrinsic;
  out.extrinsic_share = total > 0.0 ? out.extrinsic / total : kNaN;
  if (msw > 0.0) {
    out.f_statistic = msb / msw;
    const boost::math::fisher_f_distribution<double, NoThrowPolicy> f(k - 1.0, k * (m - 1.0));
    out.p_value = boost::math::cdf(boost::math::complement(f, out.f_statistic));
    auto share_at = [m](double f_ratio) {
      return std::clamp((f_ratio - 1.0) / (f_ratio + m - 1.0), 0.0, 1.0);
    };
    out.share_ci = {share_at(out.f_statistic / boost::math::quantile(f, (1.0 + confidence) / 2.0)),
                    share_at(out.f_statistic / boost::math::quantile(f, (1.0 - confidence) / 2.0))};
  } else if (msb > 0.0) {
    out.f_statistic = std::numeric_limits<double>::infinity();
    out.p_value = 0.0;
    out.share_ci = {1.0, 1.0};
  } else {
    out.f_statistic = kNaN;
    out.p_value = kNaN;
    out.share_ci = {kNaN, kNaN};
  }
  return out;
}

}  // namespace

StatusOr<VarianceSplit> SplitVariance(const std::vector<std::vector<double>>& values,
                                      double confidence) {
  GRN_DCHECK(confidence > 0.0 && confidence < 1.0);
  if (values.size() < 2) {
    return InvalidArgumentError("the variance split needs at least 2 parameter sets, got " +
                                std::to_string(values.size()));
  }
  const std::size_t m = values[0].size();
  for (std::size_t s = 0; s < values.size(); ++s) {
    if (values[s].size() != m || m < 2) {
      return InvalidArgumentError(
          "the variance split needs the same number (at least 2) of replicates in every "
          "parameter set; set " + std::to_string(s) + " has " + std::to_string(values[s].size()) +
          ", set 0 has " + std::to_string(m));
    }
    for (double y : values[s]) {
      if (!std::isfinite(y)) {
        return InvalidArgumentError("the variance split got a non-finite value in parameter set " +
                                    std::to_string(s));
      }
    }
  }
  return Split(values, confidence);
}

}  // namespace grn
