// engine/base/exp_ziggurat.h
//
// Exact Exp(1) variates by the ziggurat method (Marsaglia & Tsang 2000, J. Stat.
// Softw. 5(8)), 256 layers. About 99% of draws cost one 64-bit random word, a
// table lookup and a multiply, instead of a log(): the SSA draws one waiting
// time per event, so this is a large share of the per-event cost.
//
// Layer i >= 1 is the rectangle [0, x_i] × [e^{-x_i}, e^{-x_{i-1}}] (x_0 = 0),
// layer 0 the base strip [0, q] × [0, e^{-r}] plus the tail beyond r; all have
// equal area v. Unlike the original 32-bit version, the layer index (low 8 bits)
// and the uniform (high 53 bits) come from disjoint bits of the random word, so
// they are independent (Doornik 2005's criticism does not apply).
#ifndef GRN_ENGINE_BASE_EXP_ZIGGURAT_H_
#define GRN_ENGINE_BASE_EXP_ZIGGURAT_H_

#include <cmath>
#include <cstdint>

namespace grn {

struct ExpZigguratTables {
  std::uint64_t k[256];  // accept at once if j < k[i] (j: a 53-bit integer)
  double w[256];         // x = j · w[i]
  double f[256];         // f[i] = e^{-x_i}
};

extern const ExpZigguratTables kExpZiggurat;

// Draws Exp(1). `next_u64` yields uniform 64-bit words; `uniform01` uniform (0, 1].
template <class Source>
inline double ZigguratExp(Source& source) {
  constexpr double kR = 7.69711747013104972;  // start of the tail (Marsaglia & Tsang)
  const ExpZigguratTables& z = kExpZiggurat;
  for (;;) {
    const std::uint64_t u = source.NextU64();
    const unsigned i = static_cast<unsigned>(u & 0xff);
    const std::uint64_t j = u >> 11;
    const double x = static_cast<double>(j) * z.w[i];
    if (j < z.k[i]) [[likely]] return x;
    if (i == 0) return kR - std::log(source.Uniform01());  // the tail, memoryless beyond r
    // The wedge between the layer's inner rectangle and the curve: accept a
    // height y under e^{-x}. e^{-x} is convex, so it lies above its tangent
    // at the layer's edge x_i and, on [x_{i-1}, x_i], below the chord of the
    // layer; exp() is needed only between the two. The margins (1e-12
    // relative, far above the rounding of either side) make every decision
    // the one the exp() comparison would make, so the draws are unchanged.
    const double y = z.f[i] + source.Uniform01() * (z.f[i - 1] - z.f[i]);
    const double x_i = z.w[i] * 0x1p53;
    if (y < z.f[i] * (1.0 + (x_i - x)) * (1.0 - 1e-12)) return x;
    const double x_before = i == 1 ? 0.0 : z.w[i - 1] * 0x1p53;
    if (x >= x_before &&
        y > (z.f[i] + (z.f[i - 1] - z.f[i]) * ((x_i - x) / (x_i - x_before))) * (1.0 + 1e-12)) {
      continue;
    }
    if (y < std::exp(-x)) return x;
  }
}

}  // namespace grn

#endif  // GRN_ENGINE_BASE_EXP_ZIGGURAT_H_
