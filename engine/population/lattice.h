// engine/population/lattice.h
//
// HexLattice: a width × height hexagonal lattice with periodic boundaries
// (a torus), in axial coordinates: site = q + r·width, and the six
// neighbours of (q, r) are (q±1, r), (q, r±1), (q+1, r−1), (q−1, r+1), all
// taken modulo the sides. With both sides >= 3 the six are distinct and the
// relation is symmetric.
#ifndef GRN_ENGINE_POPULATION_LATTICE_H_
#define GRN_ENGINE_POPULATION_LATTICE_H_

#include <array>
#include <cstdint>

namespace grn {

class HexLattice {
 public:
  static constexpr int kNeighbours = 6;

  // REQUIRES: width >= 3, height >= 3.
  HexLattice(std::uint32_t width, std::uint32_t height) : width_(width), height_(height) {}

  std::uint32_t width() const { return width_; }
  std::uint32_t height() const { return height_; }
  std::uint32_t num_sites() const { return width_ * height_; }

  std::array<std::uint32_t, kNeighbours> Neighbours(std::uint32_t site) const {
    const std::uint32_t q = site % width_, r = site / width_;
    const std::uint32_t q_plus = q + 1 == width_ ? 0 : q + 1;
    const std::uint32_t q_minus = q == 0 ? width_ - 1 : q - 1;
    const std::uint32_t r_plus = r + 1 == height_ ? 0 : r + 1;
    const std::uint32_t r_minus = r == 0 ? height_ - 1 : r - 1;
    return {Site(q_plus, r), Site(q_minus, r), Site(q, r_plus),
            Site(q, r_minus), Site(q_plus, r_minus), Site(q_minus, r_plus)};
  }

 private:
  std::uint32_t Site(std::uint32_t q, std::uint32_t r) const { return q + r * width_; }

  std::uint32_t width_, height_;
};

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_LATTICE_H_
