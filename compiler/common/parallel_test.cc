#include "compiler/common/parallel.h"

#include <atomic>
#include <cstddef>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace rbacc {
namespace {

TEST(ParallelTest, WorkerCountIsWithinBounds) {
  EXPECT_GE(WorkerCount(), 1u);
  EXPECT_LE(WorkerCount(), 64u);
}

TEST(ParallelTest, CallsBodyOnceForEveryItem) {
  for (const size_t count : {0u, 1u, 2u, 7u, 1000u}) {
    for (const size_t grain : {1u, 3u, 64u, 5000u}) {
      std::vector<std::atomic<int>> calls(count);
      ParallelFor(
          count, [&](size_t i) { calls[i]++; }, grain);
      for (size_t i = 0; i < count; ++i) {
        EXPECT_EQ(calls[i].load(), 1)
            << "item " << i << " of " << count << ", grain " << grain;
      }
    }
  }
}

TEST(ParallelTest, UsesMoreThanOneThreadWhenThereAreCores) {
  if (WorkerCount() < 2) GTEST_SKIP() << "one worker on this machine";
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::atomic<int> waiting{0};
  // Every item waits until two have started, so one thread cannot take them
  // all.
  ParallelFor(2, [&](size_t) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    waiting++;
    while (waiting.load() < 2) std::this_thread::yield();
  });
  EXPECT_EQ(threads.size(), 2u);
}

TEST(ParallelTest, NestedWorkRunsOnTheCallingThread) {
  std::vector<int> nested_on_caller(4, 0);
  ParallelFor(4, [&](size_t i) {
    const std::thread::id caller = std::this_thread::get_id();
    bool all_on_caller = true;
    const auto check = [&] {
      all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
    };
    ParallelFor(8, [&](size_t) { check(); });
    RunBoth(check, check);
    nested_on_caller[i] = all_on_caller ? 1 : 0;
  });
  EXPECT_EQ(nested_on_caller, std::vector<int>(4, 1));
}

TEST(ParallelTest, CallersOnSeveralThreadsEachGetEveryItem) {
  std::vector<std::thread> callers;
  std::vector<std::vector<int>> calls(4, std::vector<int>(500, 0));
  for (size_t c = 0; c < calls.size(); ++c) {
    callers.emplace_back([&calls, c] {
      for (int round = 0; round < 20; ++round) {
        ParallelFor(calls[c].size(), [&calls, c](size_t i) { calls[c][i]++; });
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (const std::vector<int>& counts : calls) {
    EXPECT_EQ(counts, std::vector<int>(500, 20));
  }
}

TEST(ParallelTest, RunBothRunsBoth) {
  int first = 0;
  int second = 0;
  RunBoth([&] { first = 1; }, [&] { second = 2; });
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
}

}  // namespace
}  // namespace rbacc
