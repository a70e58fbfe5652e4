// tools/progress.h
//
// A progress bar on stderr for long runs; silent when stderr is not a terminal
// or when disabled, and redrawn at most ten times a second.
#ifndef GRN_TOOLS_PROGRESS_H_
#define GRN_TOOLS_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace grn::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::uint64_t total, bool enabled);
  ~ProgressBar();  // clears the bar
  void Update(std::uint64_t done);

 private:
  std::string label_;
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace grn::cli

#endif  // GRN_TOOLS_PROGRESS_H_
