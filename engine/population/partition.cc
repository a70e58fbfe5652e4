// engine/population/partition.cc
#include "engine/population/partition.h"

#include "engine/base/check.h"
#include "engine/base/random_variates.h"

namespace grn {

void PartitionAtDivision(std::span<const double> mother, std::span<const char> copy, Rng& rng,
                         std::span<double> a, std::span<double> b) {
  GRN_DCHECK(mother.size() == copy.size() && a.size() == mother.size() &&
             b.size() == mother.size());
  for (std::size_t i = 0; i < mother.size(); ++i) {
    const double n = mother[i];
    if (copy[i] || n == 0.0) {
      a[i] = n;
      b[i] = copy[i] ? n : 0.0;
      continue;
    }
    const double half = BinomialVariate(n, 0.5, rng);
    a[i] = half;
    b[i] = n - half;
  }
}

}  // namespace grn
