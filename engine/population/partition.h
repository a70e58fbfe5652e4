// engine/population/partition.h
//
// Molecules at cell division. Every species not marked `copy` is split
// binomially: each molecule goes to either daughter with probability 1/2
// (independent segregation, the source of dilution noise; Huh & Paulsson
// 2011, Nat. Genet. 43:95), so a + b equals the mother's count exactly.
// Species marked `copy` (gene copies and promoter states, constant inputs,
// rule-defined species) go whole to both daughters.
#ifndef GRN_ENGINE_POPULATION_PARTITION_H_
#define GRN_ENGINE_POPULATION_PARTITION_H_

#include <span>

#include "engine/base/rng.h"

namespace grn {

// REQUIRES: all spans the same size; mother holds whole non-negative counts.
// `a` and `b` may not alias `mother`.
void PartitionAtDivision(std::span<const double> mother, std::span<const char> copy, Rng& rng,
                         std::span<double> a, std::span<double> b);

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_PARTITION_H_
