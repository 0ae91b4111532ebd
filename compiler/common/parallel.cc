#include "compiler/common/parallel.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"

namespace rbacc {
namespace {

constexpr size_t kMaxDefaultWorkers = 8;
constexpr size_t kMaxWorkers = 64;

size_t CountWorkers() {
  const char* requested = std::getenv("RBACC_THREADS");
  size_t value = 0;
  if (requested != nullptr && absl::SimpleAtoi(requested, &value) &&
      value >= 1 && value <= kMaxWorkers) {
    return value;
  }
  cpu_set_t allowed;
  size_t cores = 0;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0) {
    cores = static_cast<size_t>(CPU_COUNT(&allowed));
  }
  if (cores == 0) cores = std::thread::hardware_concurrency();
  return std::clamp<size_t>(cores, 1, kMaxDefaultWorkers);
}

// True on a thread running a ParallelFor body or a RunBoth function.
thread_local bool in_parallel_work = false;

// Marks the current thread as running parallel work while it lives.
class ParallelWork {
 public:
  ParallelWork() : outer_(in_parallel_work) { in_parallel_work = true; }
  ~ParallelWork() { in_parallel_work = outer_; }
  ParallelWork(const ParallelWork&) = delete;
  ParallelWork& operator=(const ParallelWork&) = delete;

 private:
  const bool outer_;
};

// Threads started once and kept for the life of the process, so that a
// ParallelFor costs a wake-up rather than a thread start (which matters when
// the whole run takes a few milliseconds). One job at a time: a caller that
// finds the pool busy does its work alone.
class WorkerPool {
 public:
  // The process's pool; never destroyed (its threads wait until exit).
  static WorkerPool& Get() {
    static WorkerPool* const pool = new WorkerPool;
    return *pool;
  }

  // Runs `work` on `helpers` pool threads and on the calling thread, and
  // returns true when all have returned; returns false at once, running
  // nothing, when another job holds the pool.
  bool TryRun(size_t helpers, const std::function<void()>& work) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (job_ != nullptr) return false;
    while (threads_.size() < helpers) {
      threads_.emplace_back([this] { Serve(); });
    }
    job_ = &work;
    wanted_ = helpers;
    unfinished_ = helpers;
    ++generation_;
    wake_.notify_all();
    lock.unlock();
    work();
    lock.lock();
    // Threads that have not woken up yet would find nothing left to do.
    unfinished_ -= wanted_;
    wanted_ = 0;
    done_.wait(lock, [this] { return unfinished_ == 0; });
    job_ = nullptr;
    return true;
  }

 private:
  WorkerPool() = default;

  void Serve() {
    size_t served = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return generation_ != served && wanted_ > 0; });
      served = generation_;
      --wanted_;
      const std::function<void()>& work = *job_;
      lock.unlock();
      work();
      lock.lock();
      if (--unfinished_ == 0) done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::thread> threads_;
  // The job being run, or null when the pool is free.
  const std::function<void()>* job_ = nullptr;
  // Counts jobs, so that a thread takes part in each at most once.
  size_t generation_ = 0;
  // Threads still to join the job, and threads not yet done with it.
  size_t wanted_ = 0;
  size_t unfinished_ = 0;
};

}  // namespace

size_t WorkerCount() {
  static const size_t workers = CountWorkers();
  return workers;
}

void ParallelFor(size_t count, const std::function<void(size_t)>& body,
                 size_t grain) {
  grain = std::max<size_t>(grain, 1);
  const size_t chunks = (count + grain - 1) / grain;
  const size_t workers = std::min(WorkerCount(), chunks);
  if (workers <= 1 || in_parallel_work) {
    for (size_t i = 0; i < count; ++i) body(i);
    return;
  }
  std::atomic<size_t> next_chunk{0};
  const std::function<void()> work = [&] {
    const ParallelWork marked;
    for (size_t chunk = next_chunk++; chunk < chunks; chunk = next_chunk++) {
      const size_t end = std::min(count, (chunk + 1) * grain);
      for (size_t i = chunk * grain; i < end; ++i) body(i);
    }
  };
  if (!WorkerPool::Get().TryRun(workers - 1, work)) work();
}

void RunBoth(const std::function<void()>& first,
             const std::function<void()>& second) {
  ParallelFor(2, [&](size_t i) { i == 0 ? first() : second(); });
}

}  // namespace rbacc
