// engine/base/rng.h
//
// Rng: xoshiro256++ (Blackman & Vigna 2021, "Scrambled linear pseudorandom
// number generators", ACM TOMS 47:36), seeded through SplitMix64.
//
// Reproducibility contract: Rng(seed).Split(i) depends only on (seed, i), so a
// run, a replicate or a cell gets the same stream whichever thread or process
// computes it. Streams for different i are seeded from SplitMix64 outputs of
// distinct inputs; with a 2^256 period the chance that two of them overlap
// over any realistic length is negligible.
#ifndef GRN_ENGINE_BASE_RNG_H_
#define GRN_ENGINE_BASE_RNG_H_

#include <cmath>
#include <cstdint>

#include "engine/base/exp_ziggurat.h"

namespace grn {

// SplitMix64 (Steele, Lea & Flood 2014): a strong 64-bit mixer.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = SplitMix64(sm);
  }

  // An independent stream for sub-task `index` (a run, a replicate, a cell).
  Rng Split(uint64_t index) const {
    uint64_t mix = s_[0] ^ (s_[1] << 1) ^ (s_[2] << 2) ^ s_[3];
    uint64_t a = SplitMix64(mix);
    uint64_t b = index * 0xd1b54a32d192ed03ULL + 0x8bb84b93962eacc9ULL;
    return Rng(a ^ SplitMix64(b));
  }

  uint64_t NextU64() {
    const uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform on (0, 1]: never 0, so -log(u) is finite.
  double Uniform01() { return static_cast<double>((NextU64() >> 11) + 1) * 0x1.0p-53; }

  // Exponential with rate 1 (exact; ziggurat, see exp_ziggurat.h).
  double Exp() { return ZigguratExp(*this); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace grn

#endif  // GRN_ENGINE_BASE_RNG_H_
