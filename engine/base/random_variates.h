// engine/base/random_variates.h
//
// Exact Poisson and binomial variates driven by grn::Rng, for tau-leaping
// (firings per leap) and for binomial partitioning of molecules.
//
//  * Poisson(μ): sequential-search inversion for μ < 10 (O(μ) uniforms' worth
//    of multiplications, one uniform); for μ >= 10 Hörmann's transformed
//    rejection with squeeze, PTRS (W. Hörmann, "The transformed rejection
//    method for generating Poisson random variables", Insurance: Mathematics
//    and Economics 12:39–45, 1993), about 1.2 uniform pairs per variate at any μ.
//  * Binomial(n, p): p > 1/2 is reduced to n − Binomial(n, 1 − p); then
//    inversion (Kachitvichyanukul & Schmeiser 1988, BINV) for n·p < 10, and
//    otherwise Hörmann's BTRD (W. Hörmann, "The generation of binomial random
//    variates", J. Statist. Comput. Simul. 46:101–110, 1993).
//
// Both are exact: the only error is the generator's and double rounding. The
// results are whole numbers returned as doubles, the type counts have in
// State. Pure functions of (arguments, rng): the same stream gives the same
// variates, and nothing here allocates or touches global state (log k! comes
// from a table built once, never from lgamma, which writes the global signgam).
#ifndef GRN_ENGINE_BASE_RANDOM_VARIATES_H_
#define GRN_ENGINE_BASE_RANDOM_VARIATES_H_

#include "engine/base/rng.h"

namespace grn {

// The largest mean PoissonVariate accepts: variates stay exact integers in a
// double, and the acceptance test keeps full relative accuracy, well below
// 2^53.
inline constexpr double kMaxPoissonMean = 0x1.0p50;

// A Poisson(mean) variate. REQUIRES: 0 <= mean <= kMaxPoissonMean.
double PoissonVariate(double mean, Rng& rng);

// A Binomial(n, p) variate. REQUIRES: n a whole number in [0, 2^53), 0 <= p <= 1.
double BinomialVariate(double n, double p, Rng& rng);

// A standard normal variate (Marsaglia's polar method; the pair's second
// value is discarded, so each call consumes whole draws of its own).
double NormalVariate(Rng& rng);

// ln(k!) for a whole k >= 0: a table for k < 256, Stirling's series beyond
// (absolute error below 1e-15 there). Exposed for the tests.
double LogFactorial(double k);

}  // namespace grn

#endif  // GRN_ENGINE_BASE_RANDOM_VARIATES_H_
