// engine/base/exp_ziggurat.cc
//
// Table set-up for 256 equal-area layers of e^{-x}. The tail start r and the
// layer area v are Marsaglia & Tsang's (2000); from them the layer edges follow
// x_{i-1} = −log(v/x_i + e^{−x_i}), going down from x_255 = r.
#include "engine/base/exp_ziggurat.h"

namespace grn {
namespace {

ExpZigguratTables MakeTables() {
  constexpr double kR = 7.69711747013104972;
  constexpr double kArea = 3.949659822581572e-3;
  constexpr double kScale = 9007199254740992.0;  // 2^53: j is a 53-bit integer
  ExpZigguratTables t{};
  // Layer 0: the base strip, stretched to width q so that it has area v, with
  // points beyond r sent to the tail.
  const double q = kArea / std::exp(-kR);
  t.k[0] = static_cast<std::uint64_t>((kR / q) * kScale);
  t.w[0] = q / kScale;
  t.f[0] = 1.0;  // e^{-x_0}, x_0 = 0: the top edge of layer 1
  t.w[255] = kR / kScale;
  t.f[255] = std::exp(-kR);
  double x_hi = kR;
  for (int i = 254; i >= 1; --i) {
    const double x = -std::log(kArea / x_hi + std::exp(-x_hi));
    t.k[i + 1] = static_cast<std::uint64_t>((x / x_hi) * kScale);
    x_hi = x;
    t.f[i] = std::exp(-x);
    t.w[i] = x / kScale;
  }
  t.k[1] = 0;  // the top layer has no inner rectangle (x_0 = 0)
  return t;
}

}  // namespace

const ExpZigguratTables kExpZiggurat = MakeTables();

}  // namespace grn
