// tests/population/lattice_test.cc
#include "engine/population/lattice.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace grn {
namespace {

TEST(HexLatticeTest, SixDistinctSymmetricNeighbours) {
  for (auto [w, h] : {std::pair{3u, 3u}, std::pair{40u, 40u}, std::pair{7u, 4u}}) {
    const HexLattice lattice(w, h);
    ASSERT_EQ(lattice.num_sites(), w * h);
    for (std::uint32_t s = 0; s < lattice.num_sites(); ++s) {
      const auto nb = lattice.Neighbours(s);
      const std::set<std::uint32_t> distinct(nb.begin(), nb.end());
      EXPECT_EQ(distinct.size(), 6u) << w << "x" << h << " site " << s;
      EXPECT_EQ(distinct.count(s), 0u) << "a site is not its own neighbour";
      for (std::uint32_t n : nb) {
        ASSERT_LT(n, lattice.num_sites());
        const auto back = lattice.Neighbours(n);
        EXPECT_NE(std::find(back.begin(), back.end(), s), back.end())
            << "site " << s << " -> " << n << " is not mutual";
      }
    }
  }
}

TEST(HexLatticeTest, WrapsAroundPeriodically) {
  const HexLattice lattice(40, 40);
  // (0, 0): left is (39, 0), down is (0, 39), and the diagonals (1, 39), (39, 1).
  const auto nb = lattice.Neighbours(0);
  const std::set<std::uint32_t> got(nb.begin(), nb.end());
  const std::set<std::uint32_t> want = {1, 39, 40, 39 * 40, 1 + 39 * 40, 39 + 40};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace grn
