// engine/base/csr.h
//
// Compressed rows: row i is index[begin[i] .. begin[i+1]). begin has one entry
// more than there are rows. Built once, read in hot loops.
#ifndef GRN_ENGINE_BASE_CSR_H_
#define GRN_ENGINE_BASE_CSR_H_

#include <cstdint>
#include <span>
#include <vector>

namespace grn {

struct CsrIndex {
  std::vector<uint32_t> begin{0};
  std::vector<uint32_t> index;

  std::size_t num_rows() const { return begin.size() - 1; }
  std::span<const uint32_t> row(std::size_t i) const {
    return {index.data() + begin[i], index.data() + begin[i + 1]};
  }
  void AppendRow(std::span<const uint32_t> entries) {
    index.insert(index.end(), entries.begin(), entries.end());
    begin.push_back(static_cast<uint32_t>(index.size()));
  }
};

}  // namespace grn

#endif  // GRN_ENGINE_BASE_CSR_H_
