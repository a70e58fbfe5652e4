// tools/progress.cc
#include "tools/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace grn::cli {
namespace {

// Seconds as "42s", "12m05s" or "3h07m".
std::string Duration(double seconds) {
  char buf[32];
  const long s = static_cast<long>(seconds + 0.5);
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  }
  return buf;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::uint64_t total, bool enabled, bool plain_lines,
                         std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      tty_(enabled && isatty(STDERR_FILENO)),
      plain_(enabled && !tty_ && plain_lines),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

void ProgressBar::SetBaseline(std::uint64_t done, std::uint64_t events) {
  base_done_ = done;
  base_events_ = events;
}

void ProgressBar::Update(std::uint64_t done, std::uint64_t events) {
  if ((!tty_ && !plain_) || total_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  // A terminal is redrawn often; a log gets a line every 5 s.
  const auto interval = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (now - last_draw_ < interval && (done < total_ || !tty_)) return;
  // Only worth showing for runs that last more than half a second.
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 0.5) return;
  last_draw_ = now;
  const double frac = static_cast<double>(done) / static_cast<double>(total_);
  const double fresh = done > base_done_ ? static_cast<double>(done - base_done_) : 0.0;
  const double left = static_cast<double>(total_ - std::min(done, total_));
  const std::string eta = fresh > 0 ? Duration(elapsed * left / fresh) : "?";
  const double events_per_s =
      events > base_events_ ? static_cast<double>(events - base_events_) / elapsed : 0.0;
  const std::string unit = unit_.empty() ? "" : " " + unit_;
  if (plain_) {
    std::fprintf(stderr, "grnsim: %s: %llu/%llu%s (%.1f%%), %.3g events/s, %s elapsed, ETA %s\n",
                 label_.c_str(), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total_), unit.c_str(), 100 * frac, events_per_s,
                 Duration(elapsed).c_str(), eta.c_str());
    return;
  }
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::string rate;
  if (events_per_s > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "  %.3g events/s", events_per_s);
    rate = buf;
  }
  std::fprintf(stderr, "\r\033[K%s [%s] %llu/%llu%s%s  %s elapsed, ETA %s", label_.c_str(),
               bar.c_str(), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total_), unit.c_str(), rate.c_str(),
               Duration(elapsed).c_str(), eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace grn::cli
