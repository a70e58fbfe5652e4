// engine/ode/cvode_stepper.cc
//
// CvodeStepper: the reaction-rate equations (see cvode_stepper.h for the
// equations and how stochastic constants map to deterministic ones) on
// SUNDIALS 6.x CVODE, BDF + Newton. The only file in engine/ that includes
// SUNDIALS headers.
//
// The Jacobian is analytic. A rate law is a product of one-variable terms,
//   a_r(x) = c · Π_k g_k(x_{s_k}),   g ∈ { x^m, Hill act, Hill rep, MM },
// so by the product rule ∂a_r/∂x_s = Σ_{k: s_k = s} c · g_k'(x_s) · Π_{l≠k} g_l,
// computed with prefix/suffix products (no division, so a zero term is fine).
// The term derivatives, with r = x/K and p = r^n:
//   x^m          m · x^{m−1}
//   Hill act     p/(1+p)      →  (n/K) · (1/r) · act · rep      (= n r^{n−1}/(K(1+p)²))
//   Hill rep     1/(1+p)      →  −(same)
//   MM           r/(1+r)      →  (1/K) / (1+r)²
// written through act and rep so that huge r gives 0, not inf/inf. At x = 0
// the Hill slope is 0 for n > 1, 1/K for n = 1 and infinite for n < 1; there
// the secant over [0, 1e−6 K] stands in (Newton only needs an approximation
// of J, the residual is always exact).
// Linear algebra: a dense J and LU up to kCvodeDenseMaxSpecies species (the
// header gives the measurements behind the threshold);
// above, SPGMR (matrix-free) with the analytic J·v = Σ_r ν_r (∇a_r · v), which
// costs one pass over the rate laws like f itself, and a Jacobi (diagonal)
// preconditioner P = I − γ·diag(J), also analytic. KLU is not part of the
// Debian SUNDIALS build we link, and SPGMR needs no sparsity pattern.
//
// Non-negativity. The right-hand side, J and J·v read max(x, 0), and J is
// the derivative of that clamped law (0 along a component below zero). This
// keeps the equations positivity-preserving: a reaction that consumes X_i
// has X_i as a reactant, so its rate vanishes at X_i = 0 and f_i >= 0 there;
// the exact solution never crosses zero, and a numerical undershoot (bounded
// by the local error test, ~atol) cannot grow. It also keeps a real Hill
// power away from pow(negative) = NaN inside Newton iterations. AdvanceTo
// then reports max(y, 0), so no count it returns is negative; CVODE's own
// state is left as computed.
// Why not CVodeSetConstraints(y >= 0)? Measured on A → B (k = 1e4), B → ∅
// (k = 1) to t = 1: with the default rtol 1e-6 / atol 1e-9 it stops with
// "unable to satisfy inequality constraints" (CV_CONSTR_FAIL, flag −15) once
// A has decayed to ~1e−30: roundoff in the corrector puts A a hair below
// zero and no step-size reduction can fix that. The clamped form integrates
// the same problem in 295 steps.
//
// Expression laws (a `propensity` string, or a structured law whose constants
// events change) are evaluated with the current parameter values (State::p)
// and the current time, so time-dependent inputs are exact here. They have no
// product form, so a model with any of them gets CVODE's difference-quotient
// Jacobian (dense) or J·v (Krylov, then unpreconditioned) instead.
// Assignment-rule species need nothing here: no reaction changes them and
// every law that reads one has the rule inlined; the run driver writes their
// values at output times (which restarts CVODE from the caller's state).
//
// Callbacks are static, noexcept C-compatible functions: no exception or
// longjmp crosses CVODE. A rate that is not finite and ≥ 0 makes the RHS
// return a recoverable error (> 0) so CVODE can retry with a smaller step
// when a Newton iterate overshoots; the reaction, value, time and state are
// recorded, and if CVODE gives up AdvanceTo reports them as
// BadPropensityError. Cancellation is polled in the RHS (a fatal return).
#include "engine/ode/cvode_stepper.h"

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_iterative.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <type_traits>

#include "engine/base/status_macros.h"
#include "engine/kinetics/propensity.h"
#include "engine/ssa/exact_stepper.h"

namespace grn {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// --- RAII owners for every SUNDIALS handle (ARCHITECTURE R10) ----------------
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

// CVodeGetReturnFlagName returns a malloc'ed string.
std::string FlagName(int flag) {
  std::unique_ptr<char, decltype(&std::free)> name(CVodeGetReturnFlagName(flag), &std::free);
  // Some flags (e.g. CV_CONSTR_FAIL in 6.4) have no name and come back "NONE".
  if (!name || std::string(name.get()) == "NONE") return "CVODE flag " + std::to_string(flag);
  return std::string(name.get());
}

// The d/dx of one modifier factor at x >= 0 (see the file comment).
double FactorSlope(const RateFactor& f, double x) {
  const double r = x * f.inv_k;
  if (f.kind == FactorKind::kMichaelisMenten) return f.inv_k / ((1.0 + r) * (1.0 + r));
  const bool integer = f.kind == FactorKind::kHillActivationInt ||
                       f.kind == FactorKind::kHillRepressionInt;
  const bool activation = f.kind == FactorKind::kHillActivation ||
                          f.kind == FactorKind::kHillActivationInt;
  double slope_r;  // d(act)/dr
  if (r > 0.0) {
    const double p = integer ? IntPow(r, f.int_n) : std::pow(r, f.n);
    const double rep = 1.0 / (1.0 + p);
    const double act = p < kInf ? p * rep : 1.0;
    slope_r = f.n / r * act * rep;
  } else if (f.n > 1.0) {
    slope_r = 0.0;
  } else if (f.n == 1.0) {
    slope_r = 1.0;
  } else {
    constexpr double kSecant = 1e-6;  // in units of K
    const double p = std::pow(kSecant, f.n);
    slope_r = p / (1.0 + p) / kSecant;
  }
  return (activation ? slope_r : -slope_r) * f.inv_k;
}

// f(x), J, J·v and diag(J) over one CompiledModel, with scratch space sized
// once so that no evaluation allocates.
class RateEquations {
 public:
  explicit RateEquations(const CompiledModel& model)
      : model_(model), kinetics_(model), stoich_(model), clamped_(model.num_species()) {
    std::size_t max_terms = 0;
    for (ReactionIndex r = 0; r < model.num_reactions(); ++r) {
      const ReactionKinetics& k = model.kinetics(r);
      has_expressions_ |= k.shape == MassActionKind::kExpression;
      max_terms = std::max<std::size_t>(
          max_terms, (k.reactant_end - k.reactant_begin) + (k.factor_end - k.factor_begin));
    }
    term_species_.resize(max_terms);
    term_value_.resize(max_terms);
    term_slope_.resize(max_terms);
    prefix_.resize(max_terms + 1);
  }

  std::size_t n() const { return clamped_.size(); }

  // True if some law is an expression program: it has no product form, so
  // J is left to CVODE's difference quotients (AddJacobian and friends are
  // then not called).
  bool has_expressions() const { return has_expressions_; }

  // dxdt = f(max(y, 0)) at time t with parameter values p. Returns false,
  // with the reaction and its rate, when a rate is not finite and >= 0 (the
  // clamped state is then in clamped()).
  bool Rhs(const double* y, double t, const double* p, double* dxdt, ReactionIndex* bad_reaction,
           double* bad_value) {
    const double* x = Clamp(y);
    std::fill(dxdt, dxdt + n(), 0.0);
    for (ReactionIndex r = 0; r < model_.num_reactions(); ++r) {
      const double a = Propensity<Regime::kDeterministic>(kinetics_, r, x, p, t);
      if (!(a >= 0.0 && a < kInf)) [[unlikely]] {
        *bad_reaction = r;
        *bad_value = a;
        return false;
      }
      for (std::uint32_t i = stoich_.begin[r], end = stoich_.begin[r + 1]; i < end; ++i) {
        dxdt[stoich_.species[i]] += stoich_.delta[i] * a;
      }
    }
    return true;
  }

  // jac[j * ld + i] += ∂f_i/∂x_j (column-major, as SUNDIALS dense matrices).
  // Returns false if an entry is not finite.
  bool AddJacobian(const double* y, double* jac, std::size_t ld) {
    const double* x = Clamp(y);
    bool finite = true;
    for (ReactionIndex r = 0; r < model_.num_reactions(); ++r) {
      ForEachPartial(r, x, [&](SpeciesIndex s, double g) {
        finite &= std::isfinite(g);
        double* column = jac + static_cast<std::size_t>(s) * ld;
        for (std::uint32_t i = stoich_.begin[r], end = stoich_.begin[r + 1]; i < end; ++i) {
          column[stoich_.species[i]] += stoich_.delta[i] * g;
        }
      });
    }
    return finite;
  }

  // jv = J(y) · v.
  bool JacobianTimes(const double* y, const double* v, double* jv) {
    const double* x = Clamp(y);
    std::fill(jv, jv + n(), 0.0);
    for (ReactionIndex r = 0; r < model_.num_reactions(); ++r) {
      double dot = 0.0;
      ForEachPartial(r, x, [&](SpeciesIndex s, double g) { dot += g * v[s]; });
      if (dot == 0.0) continue;
      for (std::uint32_t i = stoich_.begin[r], end = stoich_.begin[r + 1]; i < end; ++i) {
        jv[stoich_.species[i]] += stoich_.delta[i] * dot;
      }
    }
    for (std::size_t i = 0; i < n(); ++i) {
      if (!std::isfinite(jv[i])) return false;
    }
    return true;
  }

  // diag[i] = ∂f_i/∂x_i.
  bool Diagonal(const double* y, double* diag) {
    const double* x = Clamp(y);
    std::fill(diag, diag + n(), 0.0);
    for (ReactionIndex r = 0; r < model_.num_reactions(); ++r) {
      ForEachPartial(r, x, [&](SpeciesIndex s, double g) {
        for (std::uint32_t i = stoich_.begin[r], end = stoich_.begin[r + 1]; i < end; ++i) {
          if (stoich_.species[i] == s) diag[s] += stoich_.delta[i] * g;
        }
      });
    }
    for (std::size_t i = 0; i < n(); ++i) {
      if (!std::isfinite(diag[i])) return false;
    }
    return true;
  }

  const double* clamped() const { return clamped_.data(); }

 private:
  const double* Clamp(const double* y) {
    raw_ = y;
    for (std::size_t i = 0; i < clamped_.size(); ++i) clamped_[i] = y[i] < 0.0 ? 0.0 : y[i];
    return clamped_.data();
  }

  // Calls emit(s, ∂a_r/∂x_s) once per term of a_r; a species that appears in
  // several terms (a reactant that also regulates) is emitted once per term,
  // and the contributions add up as the product rule says. The derivative is
  // that of the clamped law: 0 along a species whose raw value is below zero.
  // (Using the slope at 0 there instead made Newton cycle across the kink:
  // 14× more steps on a stiff decay.)
  // REQUIRES: Clamp() was called for this state.
  template <class Emit>
  void ForEachPartial(ReactionIndex r, const double* x, Emit&& emit) {
    const ReactionKinetics& k = model_.kinetics(r);
    std::size_t terms = 0;
    for (std::uint32_t i = k.reactant_begin; i < k.reactant_end; ++i) {
      const SpeciesIndex s = model_.reactant_species()[i];
      const std::uint32_t m = model_.reactant_order()[i];
      term_species_[terms] = s;
      term_value_[terms] = IntPow(x[s], m);
      term_slope_[terms] = raw_[s] < 0.0 ? 0.0 : m == 1 ? 1.0 : m * IntPow(x[s], m - 1);
      ++terms;
    }
    for (std::uint32_t i = k.factor_begin; i < k.factor_end; ++i) {
      const RateFactor& f = model_.factors()[i];
      term_species_[terms] = f.species;
      term_value_[terms] = EvaluateFactor(f, x);
      term_slope_[terms] = raw_[f.species] < 0.0 ? 0.0 : FactorSlope(f, x[f.species]);
      ++terms;
    }
    prefix_[0] = k.c;
    for (std::size_t t = 0; t < terms; ++t) prefix_[t + 1] = prefix_[t] * term_value_[t];
    double suffix = 1.0;
    for (std::size_t t = terms; t-- > 0;) {
      emit(term_species_[t], prefix_[t] * suffix * term_slope_[t]);
      suffix *= term_value_[t];
    }
  }

  const CompiledModel& model_;
  KineticsView kinetics_;
  StoichView stoich_;
  std::vector<double> clamped_;
  const double* raw_ = nullptr;  // the unclamped state of the current evaluation
  bool has_expressions_ = false;
  std::vector<SpeciesIndex> term_species_;
  std::vector<double> term_value_, term_slope_, prefix_;
};

class CvodeStepper final : public Stepper {
 public:
  CvodeStepper(std::shared_ptr<const CompiledModel> model, const MethodOptions& options,
               bool krylov)
      : model_(std::move(model)),
        options_(options),
        krylov_(krylov),
        equations_(*model_),
        bad_x_(model_->num_species()),
        last_output_(model_->num_species()),
        diagonal_(krylov ? model_->num_species() : 0) {}

  // Creates every SUNDIALS object. A separate step because CVODE keeps `this`
  // as its user data: the object must already sit at its final address.
  Status Init() {
    const auto n = static_cast<sunindextype>(model_->num_species());
    SUNContext ctx = nullptr;
    if (SUNContext_Create(nullptr, &ctx) != 0) return InternalError("ode: SUNContext_Create failed");
    context_.reset(ctx);
    y_.reset(N_VNew_Serial(n, ctx));
    if (!y_) return InternalError("ode: N_VNew_Serial failed");
    const std::vector<double>& x0 = model_->initial_counts();
    std::copy(x0.begin(), x0.end(), N_VGetArrayPointer(y_.get()));

    cvode_.reset(CVodeCreate(CV_BDF, ctx));
    if (!cvode_) return InternalError("ode: CVodeCreate failed");
    void* mem = cvode_.get();
    // The handler first, so CVODE never prints to stderr (engine rule).
    GRN_RETURN_IF_ERROR(Check(CVodeSetErrHandlerFn(mem, &ErrorHandler, this), "CVodeSetErrHandlerFn"));
    GRN_RETURN_IF_ERROR(Check(CVodeInit(mem, &Rhs, 0.0, y_.get()), "CVodeInit"));
    GRN_RETURN_IF_ERROR(Check(CVodeSetUserData(mem, this), "CVodeSetUserData"));
    GRN_RETURN_IF_ERROR(Check(CVodeSStolerances(mem, options_.ode.rtol, options_.ode.atol),
                              "CVodeSStolerances"));
    GRN_RETURN_IF_ERROR(Check(CVodeSetMaxNumSteps(mem, options_.ode.max_steps),
                              "CVodeSetMaxNumSteps"));
    if (krylov_) {
      // maxl = 0: SUNDIALS' default Krylov dimension (5).
      const bool analytic = !equations_.has_expressions();
      solver_.reset(SUNLinSol_SPGMR(y_.get(), analytic ? SUN_PREC_LEFT : SUN_PREC_NONE, 0, ctx));
      if (!solver_) return InternalError("ode: SUNLinSol_SPGMR failed");
      GRN_RETURN_IF_ERROR(Check(CVodeSetLinearSolver(mem, solver_.get(), nullptr),
                                "CVodeSetLinearSolver"));
      if (analytic) {
        GRN_RETURN_IF_ERROR(Check(CVodeSetJacTimes(mem, nullptr, &JacobianTimes),
                                  "CVodeSetJacTimes"));
        GRN_RETURN_IF_ERROR(Check(CVodeSetPreconditioner(mem, &PreconditionerSetup,
                                                         &PreconditionerSolve),
                                  "CVodeSetPreconditioner"));
      }
    } else {
      matrix_.reset(SUNDenseMatrix(n, n, ctx));
      if (!matrix_) return InternalError("ode: SUNDenseMatrix failed");
      solver_.reset(SUNLinSol_Dense(y_.get(), matrix_.get(), ctx));
      if (!solver_) return InternalError("ode: SUNLinSol_Dense failed");
      GRN_RETURN_IF_ERROR(Check(CVodeSetLinearSolver(mem, solver_.get(), matrix_.get()),
                                "CVodeSetLinearSolver"));
      if (!equations_.has_expressions()) {
        GRN_RETURN_IF_ERROR(Check(CVodeSetJacFn(mem, &DenseJacobian), "CVodeSetJacFn"));
      }
    }
    return Status::OK();
  }

  Status Reset(const State& state, Rng&) override { return ResetFrom(state); }

  Status AdvanceTo(double t_end, State& state, Rng&) override {
    if (!initialised_) {
      return Status(StatusCode::kFailedPrecondition, "ode: AdvanceTo before Reset");
    }
    if (!(t_end >= state.t)) {
      std::ostringstream out;
      out.precision(17);
      out << "ode: AdvanceTo(" << t_end << ") is before the current time " << state.t;
      return InvalidArgumentError(out.str());
    }
    // The caller owns the state: if it changed since the last call (an event
    // set a count or a parameter), integrate from what the caller holds.
    if (state.t != t_ || state.x != last_output_ || (!state.p.empty() && state.p != params_)) {
      GRN_RETURN_IF_ERROR(ResetFrom(state));
    }
    // CVODE refuses an interval below its time resolution (CV_TOO_CLOSE);
    // nothing can change over it.
    if (t_end - t_ <= 4.0 * std::numeric_limits<double>::epsilon() *
                          std::max(std::abs(t_), std::abs(t_end))) {
      state.t = t_end;
      t_ = t_end;
      return Status::OK();
    }
    void* mem = cvode_.get();
    // Never step past the output time: the state may change there.
    GRN_RETURN_IF_ERROR(Check(CVodeSetStopTime(mem, t_end), "CVodeSetStopTime"));
    has_bad_ = false;
    cancelled_ = false;
    last_error_.clear();
    sunrealtype t_reached = t_;
    const int flag = CVode(mem, t_end, y_.get(), &t_reached, CV_NORMAL);
    fresh_ = false;
    if (flag < 0) {
      // Force a re-initialisation from the caller's (last good) state next time.
      t_ = std::numeric_limits<double>::quiet_NaN();
      return FailureStatus(flag, t_reached);
    }
    const double* y = N_VGetArrayPointer(y_.get());
    for (std::size_t i = 0; i < state.x.size(); ++i) state.x[i] = y[i] < 0.0 ? 0.0 : y[i];
    state.t = t_end;
    t_ = t_end;
    last_output_ = state.x;
    return Status::OK();
  }

  StepperStats stats() const override {
    StepperStats s;
    s.steps = counters().steps;
    return s;
  }

  OdeCounters counters() const {
    OdeCounters c = base_counters_;
    if (!fresh_) Add(CurrentCounters(), c);
    c.krylov = krylov_;
    return c;
  }

 private:
  // Checks the state and the rates at it, then re-initialises CVODE there.
  Status ResetFrom(const State& state) {
    const CompiledModel& m = *model_;
    if (state.x.size() != m.num_species()) {
      return InvalidArgumentError("ode: state has " + std::to_string(state.x.size()) +
                                  " counts, network '" + m.name() + "' has " +
                                  std::to_string(m.num_species()) + " species");
    }
    for (std::size_t i = 0; i < state.x.size(); ++i) {
      if (!(state.x[i] >= 0.0 && state.x[i] < kInf)) {
        std::ostringstream out;
        out.precision(17);
        out << "ode: species '" << m.species_names()[i] << "' has count " << state.x[i]
            << " at t=" << state.t << " (must be finite and >= 0)";
        return InvalidArgumentError(out.str());
      }
    }
    if (!state.p.empty() && state.p.size() != m.initial_parameters().size()) {
      return InvalidArgumentError("ode: state has " + std::to_string(state.p.size()) +
                                  " parameter values, network '" + m.name() + "' has " +
                                  std::to_string(m.initial_parameters().size()));
    }
    params_ = state.p.empty() ? m.initial_parameters() : state.p;
    for (ReactionIndex r = 0; r < m.num_reactions(); ++r) {
      const double a =
          Propensity<Regime::kDeterministic>(m, r, state.x.data(), params_.data(), state.t);
      if (!(a >= 0.0 && a < kInf)) return BadPropensityError(m, r, a, state.t, state.x.data());
    }
    return Restart(state);
  }

  Status Restart(const State& state) {
    // CVodeReInit zeroes CVODE's counters; keep the totals.
    if (!fresh_) Add(CurrentCounters(), base_counters_);
    fresh_ = true;
    std::copy(state.x.begin(), state.x.end(), N_VGetArrayPointer(y_.get()));
    GRN_RETURN_IF_ERROR(Check(CVodeReInit(cvode_.get(), state.t, y_.get()), "CVodeReInit"));
    t_ = state.t;
    last_output_ = state.x;
    initialised_ = true;
    return Status::OK();
  }

  OdeCounters CurrentCounters() const {
    void* mem = cvode_.get();
    long steps = 0, rhs = 0, lin_rhs = 0, jac = 0, newton = 0, lin = 0, fails = 0;
    CVodeGetNumSteps(mem, &steps);
    CVodeGetNumRhsEvals(mem, &rhs);
    CVodeGetNumLinRhsEvals(mem, &lin_rhs);
    if (krylov_) {
      CVodeGetNumPrecEvals(mem, &jac);
    } else {
      CVodeGetNumJacEvals(mem, &jac);
    }
    CVodeGetNumNonlinSolvIters(mem, &newton);
    CVodeGetNumLinIters(mem, &lin);
    CVodeGetNumErrTestFails(mem, &fails);
    OdeCounters c;
    c.steps = static_cast<std::uint64_t>(steps);
    c.rhs_evals = static_cast<std::uint64_t>(rhs + lin_rhs);
    c.jac_evals = static_cast<std::uint64_t>(jac);
    c.newton_iters = static_cast<std::uint64_t>(newton);
    c.linear_iters = static_cast<std::uint64_t>(lin);
    c.error_test_fails = static_cast<std::uint64_t>(fails);
    return c;
  }

  static void Add(const OdeCounters& from, OdeCounters& to) {
    to.steps += from.steps;
    to.rhs_evals += from.rhs_evals;
    to.jac_evals += from.jac_evals;
    to.newton_iters += from.newton_iters;
    to.linear_iters += from.linear_iters;
    to.error_test_fails += from.error_test_fails;
  }

  Status Check(int flag, const char* call) const {
    if (flag >= 0) return Status::OK();
    std::string message = std::string("ode: ") + call + " failed with " + FlagName(flag);
    if (!last_error_.empty()) message += ": " + last_error_;
    return InternalError(message);
  }

  Status FailureStatus(int flag, double t_reached) const {
    if (cancelled_) return CancelledError("interrupted");
    const bool rhs_failure = flag == CV_RHSFUNC_FAIL || flag == CV_FIRST_RHSFUNC_ERR ||
                             flag == CV_REPTD_RHSFUNC_ERR || flag == CV_UNREC_RHSFUNC_ERR;
    if (has_bad_ && rhs_failure) {
      return BadPropensityError(*model_, bad_reaction_, bad_value_, bad_t_, bad_x_.data());
    }
    std::ostringstream out;
    out.precision(17);
    out << "ode: CVODE failed with " << FlagName(flag) << " at t=" << t_reached << " in network '"
        << model_->name() << "'";
    if (!last_error_.empty()) out << ": " << last_error_;
    if (flag == CV_TOO_MUCH_WORK) {
      out << " (more than " << options_.ode.max_steps
          << " steps in one output interval; the network may be very stiff, or raise max_steps)";
    }
    return NumericalError(out.str());
  }

  // --- CVODE callbacks: static, noexcept, return 0 ok / > 0 recoverable / < 0 fatal.
  static int Rhs(sunrealtype t, N_Vector y, N_Vector ydot, void* user) noexcept {
    auto* self = static_cast<CvodeStepper*>(user);
    const std::atomic<bool>* cancel = self->options_.cancel;
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) [[unlikely]] {
      self->cancelled_ = true;
      return -1;
    }
    ReactionIndex r = 0;
    double value = 0.0;
    if (!self->equations_.Rhs(N_VGetArrayPointer(y), t, self->params_.data(),
                              N_VGetArrayPointer(ydot), &r, &value))
        [[unlikely]] {
      self->has_bad_ = true;
      self->bad_reaction_ = r;
      self->bad_value_ = value;
      self->bad_t_ = t;
      const double* x = self->equations_.clamped();
      std::copy(x, x + self->bad_x_.size(), self->bad_x_.begin());
      return 1;
    }
    return 0;
  }

  static int DenseJacobian(sunrealtype, N_Vector y, N_Vector, SUNMatrix jac, void* user,
                           N_Vector, N_Vector, N_Vector) noexcept {
    auto* self = static_cast<CvodeStepper*>(user);
    const auto rows = static_cast<std::size_t>(SUNDenseMatrix_Rows(jac));
    const auto columns = static_cast<std::size_t>(SUNDenseMatrix_Columns(jac));
    double* data = SUNDenseMatrix_Data(jac);
    std::fill(data, data + rows * columns, 0.0);
    return self->equations_.AddJacobian(N_VGetArrayPointer(y), data, rows) ? 0 : 1;
  }

  static int JacobianTimes(N_Vector v, N_Vector jv, sunrealtype, N_Vector y, N_Vector, void* user,
                           N_Vector) noexcept {
    auto* self = static_cast<CvodeStepper*>(user);
    return self->equations_.JacobianTimes(N_VGetArrayPointer(y), N_VGetArrayPointer(v),
                                          N_VGetArrayPointer(jv))
               ? 0
               : 1;
  }

  // Stores diag(J); the solve forms 1 − γ·J_ii with the current γ.
  static int PreconditionerSetup(sunrealtype, N_Vector y, N_Vector, booleantype jok,
                                 booleantype* jcur, sunrealtype, void* user) noexcept {
    auto* self = static_cast<CvodeStepper*>(user);
    if (jok) {
      *jcur = SUNFALSE;
      return 0;
    }
    *jcur = SUNTRUE;
    return self->equations_.Diagonal(N_VGetArrayPointer(y), self->diagonal_.data()) ? 0 : 1;
  }

  static int PreconditionerSolve(sunrealtype, N_Vector, N_Vector, N_Vector r, N_Vector z,
                                 sunrealtype gamma, sunrealtype, int, void* user) noexcept {
    auto* self = static_cast<CvodeStepper*>(user);
    const double* rv = N_VGetArrayPointer(r);
    double* zv = N_VGetArrayPointer(z);
    const std::vector<double>& d = self->diagonal_;
    for (std::size_t i = 0; i < d.size(); ++i) {
      const double p = 1.0 - gamma * d[i];
      // p == 0 needs γ·J_ii == 1, a growing mode; leave that row unpreconditioned.
      zv[i] = p != 0.0 ? rv[i] / p : rv[i];
    }
    return 0;
  }

  static void ErrorHandler(int code, const char*, const char* function, char* message,
                           void* user) noexcept {
    if (code >= 0) return;  // warnings (e.g. t + h == t) are not failures
    auto* self = static_cast<CvodeStepper*>(user);
    self->last_error_ = std::string(function) + ": " + message;
  }

  std::shared_ptr<const CompiledModel> model_;
  MethodOptions options_;
  bool krylov_;
  RateEquations equations_;

  // Declared in creation order, so destruction runs CVodeFree first and
  // SUNContext_Free last.
  Context context_;
  Vector y_;
  Matrix matrix_;
  LinearSolver solver_;
  CvodeMemory cvode_;

  bool initialised_ = false;
  bool fresh_ = true;   // no CVode() call since the last (Re)Init
  double t_ = 0.0;      // time of y_; NaN after a failure
  OdeCounters base_counters_;

  // Written by the callbacks during one AdvanceTo.
  bool cancelled_ = false;
  bool has_bad_ = false;
  ReactionIndex bad_reaction_ = 0;
  double bad_value_ = 0.0;
  double bad_t_ = 0.0;
  std::vector<double> bad_x_;
  std::string last_error_;

  std::vector<double> last_output_;  // what the last AdvanceTo / Reset left in the state
  std::vector<double> params_;       // parameter values the laws read (State::p)
  std::vector<double> diagonal_;     // Krylov: diag(J) at the last preconditioner set-up
};

}  // namespace

StatusOr<std::unique_ptr<Stepper>> MakeCvodeStepper(std::shared_ptr<const CompiledModel> model,
                                                    const MethodOptions& options,
                                                    CvodeLinearSolver solver) {
  const OdeOptions& ode = options.ode;
  if (!(ode.rtol > 0.0 && ode.rtol < 1.0)) {
    return InvalidArgumentError("ode: rtol must be in (0, 1), got " + std::to_string(ode.rtol));
  }
  if (!(ode.atol > 0.0 && ode.atol < kInf)) {
    return InvalidArgumentError("ode: atol must be > 0, got " + std::to_string(ode.atol));
  }
  if (ode.max_steps < 1) {
    return InvalidArgumentError("ode: max_steps must be >= 1, got " + std::to_string(ode.max_steps));
  }
  if (model->num_species() == 0) {
    return InvalidArgumentError("ode: network '" + model->name() + "' has no species");
  }
  const bool krylov = solver == CvodeLinearSolver::kKrylov ||
                      (solver == CvodeLinearSolver::kAuto &&
                       model->num_species() > kCvodeDenseMaxSpecies);
  auto stepper = std::make_unique<CvodeStepper>(std::move(model), options, krylov);
  GRN_RETURN_IF_ERROR(stepper->Init());
  return std::unique_ptr<Stepper>(std::move(stepper));
}

StatusOr<std::unique_ptr<Stepper>> MakeCvodeStepper(std::shared_ptr<const CompiledModel> model,
                                                    const MethodOptions& options) {
  return MakeCvodeStepper(std::move(model), options, CvodeLinearSolver::kAuto);
}

std::optional<OdeCounters> GetOdeCounters(const Stepper& stepper) {
  const auto* cvode = dynamic_cast<const CvodeStepper*>(&stepper);
  if (cvode == nullptr) return std::nullopt;
  return cvode->counters();
}

std::vector<double> OdeRightHandSide(const CompiledModel& model, const std::vector<double>& x) {
  RateEquations equations(model);
  std::vector<double> f(model.num_species());
  ReactionIndex r;
  double value;
  if (!equations.Rhs(x.data(), 0.0, model.initial_parameters().data(), f.data(), &r, &value)) {
    std::fill(f.begin(), f.end(), std::numeric_limits<double>::quiet_NaN());
  }
  return f;
}

std::vector<double> OdeJacobian(const CompiledModel& model, const std::vector<double>& x) {
  RateEquations equations(model);
  const std::size_t n = model.num_species();
  std::vector<double> column_major(n * n, 0.0);
  equations.AddJacobian(x.data(), column_major.data(), n);
  std::vector<double> row_major(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) row_major[i * n + j] = column_major[j * n + i];
  }
  return row_major;
}

}  // namespace grn
