// engine/ode/cvode_stepper.h
//
// The deterministic reaction-rate equations of a CompiledModel, integrated by
// SUNDIALS CVODE (variable-order BDF with Newton iteration; Hindmarsh et al.,
// ACM TOMS 31:363, 2005). Asked for by name (--method ode); never chosen by
// `auto`.
//
// The equations, for counts (molecules per cell, not concentrations):
//   dx_i/dt = f_i(x) = Σ_r ν_{r,i} · a_r(x),
// where ν_r is the net stoichiometry row of reaction r and a_r is its rate law
// in the deterministic regime (Propensity<Regime::kDeterministic>):
//   a_r(x) = c_r · Π_j x_j^{m_j} · Π_f f(x_{s_f}).
// c_r is the stochastic constant with 1/Π m_j! folded in by Compile, the same
// number the exact methods use. So a stochastic law c·C(x, m) becomes c·x^m/m!:
//   ∅ → X      c            (unchanged)
//   X → …      c·x          (unchanged)
//   X + Y → …  c·x·y        (unchanged)
//   2X → …     c·x(x−1)/2   becomes  c·x²/2   (so 2A → B gives dA/dt = −c·A²)
//   3X → …     c·x(x−1)(x−2)/6  becomes  c·x³/6
// Hill and Michaelis–Menten modifiers are the same functions of the count in
// both regimes. No volume enters: constants are per molecule count, and the
// solution is the large-number (mean-field) limit of the CME mean, exact for
// linear (zero- and first-order) networks.
//
// Invariant: every count AdvanceTo returns is >= 0. The rate laws are read at
// max(x, 0), which makes the equations positivity-preserving (see the .cc).
#ifndef GRN_ENGINE_ODE_CVODE_STEPPER_H_
#define GRN_ENGINE_ODE_CVODE_STEPPER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "engine/base/status.h"
#include "engine/model/compiled_model.h"
#include "engine/sim/stepper.h"

namespace grn {

// Networks with more species than this use the matrix-free Krylov solver
// (SPGMR with an analytic Jacobian-vector product and a Jacobi
// preconditioner) instead of a dense Jacobian. SUNDIALS' dense solver costs
// O(n²) per Newton iteration and O(n³) per factorisation, while reaction
// networks are sparse (each reaction reads 1–4 species). bench/ode_bench,
// linear chains to t = 100 (CPU per integration, dense vs Krylov): 10 species
// 1.3 vs 1.5 ms, 30: 5.8 vs 3.8 ms, 100: 45 vs 12 ms, 1000: 4.3 s vs 0.10 s.
// Dense stays the choice for small networks anyway: it is the robust one on
// strongly coupled stiff systems, where a diagonal preconditioner is weak.
inline constexpr std::size_t kCvodeDenseMaxSpecies = 100;

enum class CvodeLinearSolver {
  kAuto,       // dense up to kCvodeDenseMaxSpecies species, Krylov above
  kDense,      // dense LU on the analytic Jacobian
  kKrylov,     // SPGMR, analytic J·v, Jacobi preconditioner from the analytic diagonal
};

// Solver work since the stepper was created (summed over every Reset).
struct OdeCounters {
  std::uint64_t steps = 0;           // CVODE internal steps
  std::uint64_t rhs_evals = 0;       // f(x) evaluations (including for J·v difference quotients, if any)
  std::uint64_t jac_evals = 0;       // dense Jacobians, or preconditioner set-ups (Krylov)
  std::uint64_t newton_iters = 0;    // nonlinear (Newton) iterations
  std::uint64_t linear_iters = 0;    // Krylov iterations (0 for dense)
  std::uint64_t error_test_fails = 0;
  bool krylov = false;               // which linear solver this stepper uses
};

StatusOr<std::unique_ptr<Stepper>> MakeCvodeStepper(std::shared_ptr<const CompiledModel> model,
                                                    const MethodOptions& options);

// As above, with the linear solver chosen explicitly (tests and benchmarks).
StatusOr<std::unique_ptr<Stepper>> MakeCvodeStepper(std::shared_ptr<const CompiledModel> model,
                                                    const MethodOptions& options,
                                                    CvodeLinearSolver solver);

// The counters of a stepper made by MakeCvodeStepper; nullopt for any other.
std::optional<OdeCounters> GetOdeCounters(const Stepper& stepper);

// The right-hand side f(x) (at t = 0, initial parameter values) and its
// Jacobian J_ij = ∂f_i/∂x_j exactly as the stepper evaluates them (counts
// below zero read as zero), for tests. OdeJacobian covers the structured
// (product-form) laws only; expression laws get CVODE's difference quotients.
// REQUIRES: x.size() == model.num_species().
std::vector<double> OdeRightHandSide(const CompiledModel& model, const std::vector<double>& x);
// Row-major: jac[i * n + j] = ∂f_i/∂x_j.
std::vector<double> OdeJacobian(const CompiledModel& model, const std::vector<double>& x);

}  // namespace grn

#endif  // GRN_ENGINE_ODE_CVODE_STEPPER_H_
