// Work spread over the machine's cores, with results that do not depend on how
// many there are: every caller writes the result of item i into slot i and
// reads the slots in order afterwards.
//
//   std::vector<ParsedFile> parsed(paths.size());
//   ParallelFor(paths.size(), [&](size_t i) { parsed[i] = Parse(paths[i]); });
#ifndef RBACC_COMPILER_COMMON_PARALLEL_H_
#define RBACC_COMPILER_COMMON_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace rbacc {

// The number of threads ParallelFor uses: the cores this process may run on
// (at least 1, at most 8), or RBACC_THREADS when that is set to a number from
// 1 to 64. Read once.
size_t WorkerCount();

// Calls `body(i)` once for every i in [0, count), from up to WorkerCount()
// threads (the calling thread and threads kept for the life of the process),
// and returns when every call has returned. Items are handed out in order,
// `grain` at a time. `body` must be safe to call concurrently for different i
// and must not throw. With one worker, when count <= grain, when called from
// inside another ParallelFor's body or RunBoth's functions (the cores are busy
// already), or while another thread's ParallelFor holds the kept threads,
// everything runs on the calling thread.
void ParallelFor(size_t count, const std::function<void(size_t)>& body,
                 size_t grain = 1);

// Runs `first` and `second` at the same time and returns when both have
// returned; one after the other where ParallelFor would run on one thread.
void RunBoth(const std::function<void()>& first,
             const std::function<void()>& second);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_PARALLEL_H_
