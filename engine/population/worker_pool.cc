// engine/population/worker_pool.cc
#include "engine/population/worker_pool.h"

namespace grn {

WorkerPool::WorkerPool(unsigned threads) {
  for (unsigned w = 1; w < threads; ++w) helpers_.emplace_back([this, w] { HelperLoop(w); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void WorkerPool::Drain(unsigned worker) {
  for (std::size_t i = next_.fetch_add(1, std::memory_order_relaxed); i < n_;
       i = next_.fetch_add(1, std::memory_order_relaxed)) {
    (*task_)(worker, i);
  }
}

void WorkerPool::HelperLoop(unsigned worker) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      start_cv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    Drain(worker);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--busy_ == 0) done_cv_.notify_one();
    }
  }
}

void WorkerPool::ParallelFor(std::size_t n,
                             const std::function<void(unsigned worker, std::size_t i)>& task) {
  if (helpers_.empty() || n <= 1) {
    for (std::size_t i = 0; i < n; ++i) task(0, i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    task_ = &task;
    n_ = n;
    next_.store(0, std::memory_order_relaxed);
    busy_ = static_cast<unsigned>(helpers_.size());
    ++generation_;
  }
  start_cv_.notify_all();
  Drain(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&] { return busy_ == 0; });
  task_ = nullptr;
}

}  // namespace grn
