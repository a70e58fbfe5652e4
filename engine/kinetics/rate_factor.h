// engine/kinetics/rate_factor.h
//
// The structured rate-law vocabulary, compiled to PODs the hot loop reads.
//
// A reaction's propensity is  a(x) = c · h(x) · Π_f f(x),  where c is the
// stochastic constant, h the mass-action combinatorial term over reactants and
// f the modifier factors below. Hill factors are evaluated through the ratio
// r = x/K, as act = r^n/(1+r^n) and rep = 1/(1+r^n), which stays finite for
// every finite x and K > 0 (K^n + x^n would overflow for large n).
#ifndef GRN_ENGINE_KINETICS_RATE_FACTOR_H_
#define GRN_ENGINE_KINETICS_RATE_FACTOR_H_

#include <cstdint>

namespace grn {

using SpeciesIndex = std::uint32_t;
using ReactionIndex = std::uint32_t;

enum class FactorKind : std::uint8_t {
  kHillActivation,     // r^n/(1+r^n), real n (pow)
  kHillRepression,     // 1/(1+r^n),   real n (pow)
  kHillActivationInt,  // same with integer n in [1, 8], by multiplication
  kHillRepressionInt,
  kMichaelisMenten,    // x/(K+x)
};

struct RateFactor {
  SpeciesIndex species;
  FactorKind kind;
  std::uint8_t int_n;  // the integer n for the *Int kinds
  double inv_k;        // 1/K (K: half-maximal count)
  double n;            // Hill coefficient (unused for Michaelis–Menten)
};

// The shape of the mass-action term h(x), chosen once by Compile so that the
// common shapes need no loop. 1/m! factors are folded into c.
enum class MassActionKind : std::uint8_t {
  kZeroOrder,   // ∅ → …            h = 1
  kFirstOrder,  // X → …            h = x
  kHomodimer,   // 2X → …           h = x(x−1)      (c carries the 1/2)
  kHeterodimer, // X + Y → …        h = x·y
  kGeneral,     // anything else: Π_i x_i(x_i−1)…(x_i−m_i+1)
  kExpression,  // not mass action: an expression program is the whole law
};

}  // namespace grn

#endif  // GRN_ENGINE_KINETICS_RATE_FACTOR_H_
