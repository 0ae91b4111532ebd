#include "compiler/common/parallel.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
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
  const auto work = [&] {
    const ParallelWork marked;
    for (size_t chunk = next_chunk++; chunk < chunks; chunk = next_chunk++) {
      const size_t end = std::min(count, (chunk + 1) * grain);
      for (size_t i = chunk * grain; i < end; ++i) body(i);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (size_t i = 1; i < workers; ++i) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
}

void RunBoth(const std::function<void()>& first,
             const std::function<void()>& second) {
  if (WorkerCount() <= 1 || in_parallel_work) {
    first();
    second();
    return;
  }
  std::thread thread([&] {
    const ParallelWork marked;
    first();
  });
  {
    const ParallelWork marked;
    second();
  }
  thread.join();
}

}  // namespace rbacc
