// engine/population/medium_pool.cc
//
// The medium equations (see medium_pool.h) on SUNDIALS 6.x CVODE: BDF with a
// dense Newton solver and CVODE's difference-quotient Jacobian (a few pools;
// binding makes the system mildly stiff when recombinant doses are large).
// CVODE is re-initialised at the start of every interval and after every
// medium change, because the source and the state jump there.
#include "engine/population/medium_pool.h"

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>

#include "engine/base/status_macros.h"

namespace grn {
namespace {

constexpr long kMaxStepsPerInterval = 100000;

struct ContextDeleter {
  void operator()(SUNContext ctx) const { SUNContext_Free(&ctx); }
};
struct VectorDeleter {
  void operator()(N_Vector v) const { N_VDestroy(v); }
};
struct MatrixDeleter {
  void operator()(SUNMatrix m) const { SUNMatDestroy(m); }
};
struct LinearSolverDeleter {
  void operator()(SUNLinearSolver ls) const { SUNLinSolFree(ls); }
};
struct CvodeDeleter {
  void operator()(void* mem) const { CVodeFree(&mem); }
};
using Context = std::unique_ptr<std::remove_pointer_t<SUNContext>, ContextDeleter>;
using Vector = std::unique_ptr<std::remove_pointer_t<N_Vector>, VectorDeleter>;
using Matrix = std::unique_ptr<std::remove_pointer_t<SUNMatrix>, MatrixDeleter>;
using LinearSolver = std::unique_ptr<std::remove_pointer_t<SUNLinearSolver>, LinearSolverDeleter>;
using CvodeMemory = std::unique_ptr<void, CvodeDeleter>;

std::string FlagName(int flag) {
  std::unique_ptr<char, decltype(&std::free)> name(CVodeGetReturnFlagName(flag), &std::free);
  if (!name || std::string(name.get()) == "NONE") return "CVODE flag " + std::to_string(flag);
  return std::string(name.get());
}

std::string Num(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

}  // namespace

// The CVODE side: owns every SUNDIALS handle and evaluates the right-hand
// side from the MediumPool's constants.
class MediumPool::Solver {
 public:
  explicit Solver(const MediumPool& medium)
      : medium_(medium), clamped_(medium.size()) {}

  Status Init() {
    const auto n = static_cast<sunindextype>(medium_.size());
    SUNContext ctx = nullptr;
    if (SUNContext_Create(nullptr, &ctx) != 0) {
      return InternalError("medium: SUNContext_Create failed");
    }
    context_.reset(ctx);
    y_.reset(N_VNew_Serial(n, ctx));
    if (!y_) return InternalError("medium: N_VNew_Serial failed");
    std::copy(medium_.values_.begin(), medium_.values_.end(), N_VGetArrayPointer(y_.get()));
    cvode_.reset(CVodeCreate(CV_BDF, ctx));
    if (!cvode_) return InternalError("medium: CVodeCreate failed");
    void* mem = cvode_.get();
    GRN_RETURN_IF_ERROR(Check(CVodeSetErrHandlerFn(mem, &ErrorHandler, this), "CVodeSetErrHandlerFn"));
    GRN_RETURN_IF_ERROR(Check(CVodeInit(mem, &Rhs, 0.0, y_.get()), "CVodeInit"));
    GRN_RETURN_IF_ERROR(Check(CVodeSetUserData(mem, this), "CVodeSetUserData"));
    GRN_RETURN_IF_ERROR(Check(
        CVodeSStolerances(mem, medium_.options_.rtol, medium_.options_.atol), "CVodeSStolerances"));
    GRN_RETURN_IF_ERROR(Check(CVodeSetMaxNumSteps(mem, kMaxStepsPerInterval), "CVodeSetMaxNumSteps"));
    matrix_.reset(SUNDenseMatrix(n, n, ctx));
    if (!matrix_) return InternalError("medium: SUNDenseMatrix failed");
    solver_.reset(SUNLinSol_Dense(y_.get(), matrix_.get(), ctx));
    if (!solver_) return InternalError("medium: SUNLinSol_Dense failed");
    return Check(CVodeSetLinearSolver(mem, solver_.get(), matrix_.get()), "CVodeSetLinearSolver");
  }

  // Integrates `values` from t0 to t1. REQUIRES: t1 > t0.
  Status Integrate(double t0, double t1, std::vector<double>& values) {
    void* mem = cvode_.get();
    if (started_) {
      long steps = 0;
      CVodeGetNumSteps(mem, &steps);
      steps_before_ += static_cast<std::uint64_t>(steps);
    }
    std::copy(values.begin(), values.end(), N_VGetArrayPointer(y_.get()));
    GRN_RETURN_IF_ERROR(Check(CVodeReInit(mem, t0, y_.get()), "CVodeReInit"));
    GRN_RETURN_IF_ERROR(Check(CVodeSetStopTime(mem, t1), "CVodeSetStopTime"));
    started_ = true;
    bad_reaction_ = -1;
    last_error_.clear();
    sunrealtype reached = t0;
    const int flag = CVode(mem, t1, y_.get(), &reached, CV_NORMAL);
    if (flag < 0) {
      std::string message = "medium: CVODE failed at t=" + Num(reached) + " (" + FlagName(flag);
      if (!last_error_.empty()) message += ": " + last_error_;
      message += ")";
      if (bad_reaction_ >= 0) {
        message += "; medium reaction '" + medium_.spec().reactions[bad_reaction_].name +
                   "' has rate " + Num(bad_rate_);
      }
      return NumericalError(message);
    }
    const double* y = N_VGetArrayPointer(y_.get());
    for (std::size_t k = 0; k < values.size(); ++k) values[k] = y[k] < 0.0 ? 0.0 : y[k];
    return Status::OK();
  }

  std::uint64_t steps() const {
    long steps = 0;
    if (started_) CVodeGetNumSteps(cvode_.get(), &steps);
    return steps_before_ + static_cast<std::uint64_t>(steps);
  }

 private:
  static Status Check(int flag, const char* what) {
    if (flag >= 0) return Status::OK();
    return InternalError(std::string("medium: ") + what + " failed: " + FlagName(flag));
  }

  // dy/dt; returns false (a recoverable error for CVODE) if a rate is not finite.
  bool Evaluate(const double* y, double* dydt) {
    const MediumSpec& spec = medium_.spec();
    const std::size_t n = clamped_.size();
    for (std::size_t k = 0; k < n; ++k) clamped_[k] = y[k] < 0.0 ? 0.0 : y[k];
    for (std::size_t k = 0; k < n; ++k) {
      dydt[k] = medium_.source_[k] - medium_.loss_[k] * clamped_[k];
    }
    for (std::size_t r = 0; r < spec.reactions.size(); ++r) {
      const MediumReactionSpec& reaction = spec.reactions[r];
      const double rate = EvaluateExpression(reaction.rate, clamped_.data(), nullptr, 0.0);
      if (!std::isfinite(rate)) [[unlikely]] {
        bad_reaction_ = static_cast<int>(r);
        bad_rate_ = rate;
        return false;
      }
      for (const auto& [pool, delta] : reaction.change) dydt[pool] += delta * rate;
    }
    return true;
  }

  static int Rhs(sunrealtype, N_Vector y, N_Vector ydot, void* user) noexcept {
    auto* self = static_cast<Solver*>(user);
    return self->Evaluate(N_VGetArrayPointer(y), N_VGetArrayPointer(ydot)) ? 0 : 1;
  }

  static void ErrorHandler(int code, const char*, const char* function, char* message,
                           void* user) noexcept {
    if (code >= 0) return;
    static_cast<Solver*>(user)->last_error_ = std::string(function) + ": " + message;
  }

  const MediumPool& medium_;
  std::vector<double> clamped_;
  Context context_;
  Vector y_;
  Matrix matrix_;
  LinearSolver solver_;
  CvodeMemory cvode_;
  bool started_ = false;
  std::uint64_t steps_before_ = 0;
  int bad_reaction_ = -1;
  double bad_rate_ = 0.0;
  std::string last_error_;
};

MediumPool::MediumPool(std::shared_ptr<const MediumSpec> spec, double seeded_cells,
                       const MediumOptions& options)
    : spec_(std::move(spec)), options_(options), seeded_cells_(seeded_cells) {
  const std::size_t n = spec_->pools.size();
  values_.resize(n);
  to_pool_units_.resize(n);
  source_.assign(n, 0.0);
  loss_.assign(n, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    const MediumPoolSpec& pool = spec_->pools[k];
    to_pool_units_[k] =
        pool.copies_per_cell
            ? 1.0
            : 1.0 / (spec_->volume_per_cell * kMoleculesPerPicomolarNanolitre);
  }
  ResetToFresh();
}

MediumPool::~MediumPool() = default;

StatusOr<std::unique_ptr<MediumPool>> MediumPool::Create(std::shared_ptr<const MediumSpec> spec,
                                                         double seeded_cells,
                                                         const MediumOptions& options) {
  if (!(seeded_cells > 0)) return InvalidArgumentError("medium: no seeded cells");
  if (!(spec->volume_per_cell > 0)) {
    return InvalidArgumentError("medium: volume_per_cell must be > 0");
  }
  if (spec->pools.empty()) return InvalidArgumentError("medium: no pools");
  std::unique_ptr<MediumPool> medium(new MediumPool(std::move(spec), seeded_cells, options));
  medium->solver_ = std::make_unique<Solver>(*medium);
  GRN_RETURN_IF_ERROR(medium->solver_->Init());
  return medium;
}

void MediumPool::ResetToFresh() {
  for (std::size_t k = 0; k < values_.size(); ++k) values_[k] = spec_->pools[k].fresh;
}

void MediumPool::AddCell(const State& cell, std::span<double> secretion,
                         std::span<double> uptake) const {
  for (std::size_t k = 0; k < spec_->pools.size(); ++k) {
    const MediumPoolSpec& pool = spec_->pools[k];
    if (pool.has_secretion) {
      secretion[k] += EvaluateExpression(pool.secretion, cell.x.data(), cell.p.data(), cell.t);
    }
    if (pool.has_uptake) {
      uptake[k] += EvaluateExpression(pool.uptake, cell.x.data(), cell.p.data(), cell.t);
    }
  }
}

Status MediumPool::Advance(double t_end, std::span<const double> secretion,
                           std::span<const double> uptake) {
  if (!(t_end >= time_)) {
    return InvalidArgumentError("medium: Advance(" + Num(t_end) + ") is before " + Num(time_));
  }
  for (std::size_t k = 0; k < values_.size(); ++k) {
    // Negative totals would be a network that secretes < 0: refuse them here
    // rather than let a pool fall for a reason no reaction states.
    if (!(secretion[k] >= 0 && std::isfinite(secretion[k]))) {
      return InvalidArgumentError("medium pool '" + spec_->pools[k].name +
                                  "': the cells' summed secretion is " + Num(secretion[k]) +
                                  " at t=" + Num(t_end) + "; expected a finite value >= 0");
    }
    if (!(uptake[k] >= 0 && std::isfinite(uptake[k]))) {
      return InvalidArgumentError("medium pool '" + spec_->pools[k].name +
                                  "': the cells' summed uptake is " + Num(uptake[k]) +
                                  " at t=" + Num(t_end) + "; expected a finite value >= 0");
    }
    source_[k] = secretion[k] * to_pool_units_[k] / seeded_cells_;
    loss_[k] = uptake[k] / seeded_cells_ + spec_->pools[k].clearance;
  }
  const double period = spec_->change_period;
  while (time_ < t_end) {
    double stop = t_end;
    bool change = false;
    if (period > 0) {
      // Medium changes at whole multiples of the period, so they never drift.
      const double next = (std::floor(time_ / period + 1e-9) + 1.0) * period;
      if (next <= t_end + 1e-9 * period) {
        stop = std::min(next, t_end);
        change = true;
      }
    }
    GRN_RETURN_IF_ERROR(IntegrateTo(stop));
    if (change) ResetToFresh();
  }
  if (options_.test_extra_flux_time != 0.0) {
    for (std::size_t k = 0; k < values_.size(); ++k) {
      values_[k] += source_[k] * options_.test_extra_flux_time;
    }
  }
  return Status::OK();
}

Status MediumPool::IntegrateTo(double t_end) {
  // CVODE refuses an interval below its time resolution; nothing changes over it.
  if (t_end - time_ > 4.0 * std::numeric_limits<double>::epsilon() *
                          std::max(std::abs(time_), std::abs(t_end))) {
    GRN_RETURN_IF_ERROR(solver_->Integrate(time_, t_end, values_));
  }
  time_ = t_end;
  return Status::OK();
}

void MediumPool::Feed(State& cell) const {
  for (std::size_t k = 0; k < spec_->pools.size(); ++k) {
    for (std::uint32_t parameter : spec_->pools[k].feeds) cell.p[parameter] = values_[k];
  }
}

void MediumPool::SetValues(std::span<const double> values) {
  std::copy(values.begin(), values.end(), values_.begin());
}

std::uint64_t MediumPool::steps() const { return solver_->steps(); }

}  // namespace grn
