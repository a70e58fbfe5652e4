// engine/population/worker_pool.h
//
// WorkerPool: a fixed set of threads that run one parallel loop at a time.
// The calling thread takes part as worker 0, so a pool of 1 runs everything
// inline with no thread at all. Which worker runs which index is not
// deterministic; callers make results independent of it (every index works
// only on its own data, and per-worker scratch holds no results).
#ifndef GRN_ENGINE_POPULATION_WORKER_POOL_H_
#define GRN_ENGINE_POPULATION_WORKER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace grn {

class WorkerPool {
 public:
  // REQUIRES: threads >= 1.
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned size() const { return static_cast<unsigned>(helpers_.size()) + 1; }

  // Calls task(worker, i) exactly once for every i in [0, n), worker in
  // [0, size()), and returns when all calls have returned.
  void ParallelFor(std::size_t n, const std::function<void(unsigned worker, std::size_t i)>& task);

 private:
  void HelperLoop(unsigned worker);
  void Drain(unsigned worker);

  std::vector<std::thread> helpers_;
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  std::uint64_t generation_ = 0;
  bool stopping_ = false;
  unsigned busy_ = 0;  // helpers still in the current loop
  const std::function<void(unsigned, std::size_t)>* task_ = nullptr;
  std::size_t n_ = 0;
  std::atomic<std::size_t> next_{0};
};

}  // namespace grn

#endif  // GRN_ENGINE_POPULATION_WORKER_POOL_H_
