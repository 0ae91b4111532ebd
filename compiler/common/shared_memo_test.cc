#include "compiler/common/shared_memo.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "compiler/common/parallel.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

TEST(SharedMemoTest, ComputesEachKeyOnceAndSharesTheValue) {
  SharedMemo<std::string> memo;
  int computed = 0;
  const auto first = memo.Get("a", [&] {
    ++computed;
    return std::string("value of a");
  });
  const auto again = memo.Get("a", [&] {
    ++computed;
    return std::string("computed twice");
  });
  const auto other = memo.Get("b", [&] {
    ++computed;
    return std::string("value of b");
  });
  EXPECT_EQ(computed, 2);
  EXPECT_EQ(first.get(), again.get());
  EXPECT_EQ(*again, "value of a");
  EXPECT_EQ(*other, "value of b");
  EXPECT_EQ(memo.size(), 2u);
}

TEST(SharedMemoTest, ThreadsAskingForOneKeyGetOneValue) {
  SharedMemo<int> memo;
  std::atomic<int> computed{0};
  std::vector<std::shared_ptr<const int>> values(64);
  ParallelFor(values.size(), [&](size_t i) {
    values[i] = memo.Get(std::to_string(i % 4), [&] {
      ++computed;
      return static_cast<int>(i % 4);
    });
  });
  EXPECT_EQ(computed.load(), 4);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(*values[i], static_cast<int>(i % 4));
    EXPECT_EQ(values[i].get(), values[i % 4].get());
  }
}

}  // namespace
}  // namespace rbacc
