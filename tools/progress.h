// tools/progress.h
//
// Progress of long runs on stderr. When stderr is a terminal: a bar redrawn
// at most ten times a second (done/total, events/s, ETA), shown once the run
// has lasted half a second and cleared at the end. Otherwise, only when asked
// (--progress): one plain line every few seconds, for log files. Nothing when
// disabled (--quiet).
#ifndef GRN_TOOLS_PROGRESS_H_
#define GRN_TOOLS_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace grn::cli {

class ProgressBar {
 public:
  // `enabled`: anything at all; `plain_lines`: periodic lines when stderr is
  // not a terminal. `unit` names what is counted ("runs", "rows").
  ProgressBar(std::string label, std::uint64_t total, bool enabled, bool plain_lines = false,
              std::string unit = "");
  ~ProgressBar();  // clears the bar
  // Work already done before this process started (a resumed checkpoint):
  // left out of rates and the ETA.
  void SetBaseline(std::uint64_t done, std::uint64_t events);
  void Update(std::uint64_t done, std::uint64_t events = 0);

 private:
  std::string label_, unit_;
  std::uint64_t total_;
  bool tty_;
  bool plain_;
  bool drawn_ = false;
  std::uint64_t base_done_ = 0, base_events_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace grn::cli

#endif  // GRN_TOOLS_PROGRESS_H_
