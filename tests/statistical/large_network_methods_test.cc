// tests/statistical/large_network_methods_test.cc
//
// Every exact method on a rule-generated BioNetGen network (multistate, of
// ../shared/benchmarks/networks): its ensemble means at t = 2, 5 and 10 s
// match the direct method's within statistical error (independent samples,
// two-sample z per species and time, all |z| < 4 over 4 methods × 9 species
// × 3 times). Negative control: direct on the network with the
// phosphorylation constant kAp × 1.05 must fail the same comparison at the
// same size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/io/network_io.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/make_stepper.h"
#include "engine/sim/simulate.h"
#include "proto/network.pb.h"
#include "tests/support/test_size.h"

namespace grn {
namespace {

const std::string kMultistate = GRN_SHARED_DIR "/benchmarks/networks/multistate.net";
// 400 runs (20 at smoke size, where only the code paths are checked).
std::uint64_t Runs() { return test_size::SmokeSize() ? 20 : 400; }
constexpr double kMaxAbsZ = 4.0;

EnsembleResult Ensemble(std::shared_ptr<const CompiledModel> model, MethodKind method,
                        std::uint64_t seed) {
  SimulationOptions options;
  options.method = method;
  options.t_end = 10.0;
  options.steps = 5;  // outputs at 0, 2, 4, 6, 8, 10
  options.runs = Runs();
  options.seed = seed;
  options.threads = 2;
  StatusOr<EnsembleResult> result = SimulateEnsemble(std::move(model), options);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(*result) : EnsembleResult{};
}

// The largest |z| of the difference of means over every species and output
// time after t = 0.
double MaxAbsZ(const EnsembleResult& a, const EnsembleResult& b) {
  double worst = 0.0;
  for (std::size_t i = 1; i < a.times.size(); ++i) {
    for (std::size_t s = 0; s < a.stats.num_species(); ++s) {
      const double se = std::sqrt((a.stats.sd(i, s) * a.stats.sd(i, s) +
                                   b.stats.sd(i, s) * b.stats.sd(i, s)) /
                                  static_cast<double>(Runs()));
      const double diff = a.stats.mean(i, s) - b.stats.mean(i, s);
      if (se > 0) worst = std::max(worst, std::abs(diff) / se);
      else if (diff != 0) worst = INFINITY;
    }
  }
  return worst;
}

class LargeNetworkMethodsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kMultistate)) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") FAIL() << kMultistate << " is missing";
      GTEST_SKIP() << kMultistate << " is missing (../shared not present)";
    }
    StatusOr<CompiledModel> model = LoadModel(kMultistate);
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    model_ = std::make_shared<const CompiledModel>(std::move(*model));
  }
  std::shared_ptr<const CompiledModel> model_;
};

TEST_F(LargeNetworkMethodsTest, EveryExactMethodMatchesDirectOnMultistate) {
  const EnsembleResult direct = Ensemble(model_, MethodKind::kDirect, 101);
  std::uint64_t seed = 202;
  for (MethodKind method : kAllExactMethods) {
    if (method == MethodKind::kDirect) continue;
    const EnsembleResult other = Ensemble(model_, method, seed++);
    const double z = MaxAbsZ(direct, other);
    std::printf("multistate: %s vs direct, max |z| = %.2f\n", MethodName(method), z);
    if (test_size::SkipStatisticalAssertionAtSmokeSize("multistate means vs direct")) continue;
    EXPECT_LT(z, kMaxAbsZ) << MethodName(method) << " differs from direct: max |z| " << z;
  }
}

TEST_F(LargeNetworkMethodsTest, NegativeControlKApTimes105Fails) {
  StatusOr<NetworkFile> file = ReadNetworkFile(kMultistate);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  bool found = false;
  for (grnsim::v1::Parameter& p : *file->network.mutable_parameter()) {
    if (p.name() == "kAp") {
      p.set_value(p.value() * 1.05);
      found = true;
    }
  }
  ASSERT_TRUE(found) << "multistate.net has no parameter kAp";
  StatusOr<CompiledModel> perturbed = Compile(file->network);
  ASSERT_TRUE(perturbed.ok()) << perturbed.status().ToString();
  const EnsembleResult direct = Ensemble(model_, MethodKind::kDirect, 101);
  const EnsembleResult other =
      Ensemble(std::make_shared<const CompiledModel>(std::move(*perturbed)), MethodKind::kDirect,
               202);
  const double z = MaxAbsZ(direct, other);
  std::printf("multistate: kAp x 1.05 vs direct, max |z| = %.2f\n", z);
  if (test_size::SkipStatisticalAssertionAtSmokeSize("kAp x 1.05 control")) return;
  EXPECT_GE(z, kMaxAbsZ) << "the comparison cannot see kAp x 1.05";
}

}  // namespace
}  // namespace grn
