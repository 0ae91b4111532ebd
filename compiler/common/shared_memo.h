// Results computed once per key and shared by every caller that asks for the
// same key, from any thread: a run that compiles many selections with the same
// features compacts and lints their rules once (compiler/merge/compile.h,
// compiler/lint/lint.h).
//
//   SharedMemo<CompactedRoles> memo;
//   std::shared_ptr<const CompactedRoles> roles =
//       memo.Get(key, [&] { return CompactAll(declared); });
#ifndef RBACC_COMPILER_COMMON_SHARED_MEMO_H_
#define RBACC_COMPILER_COMMON_SHARED_MEMO_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace rbacc {

template <typename Value>
class SharedMemo {
 public:
  // Returns the value of `key`: the first call for a key runs `compute` (which
  // must not throw) and keeps what it returns; a later call, or one made
  // while it runs (which waits for it), gets the same value. Safe to call from
  // several threads at once. Never fails.
  std::shared_ptr<const Value> Get(const std::string& key,
                                   const std::function<Value()>& compute) {
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      std::shared_ptr<Entry>& slot = entries_[key];
      if (slot == nullptr) slot = std::make_shared<Entry>();
      entry = slot;
    }
    std::call_once(entry->computed, [&] {
      entry->value = std::make_shared<const Value>(compute());
    });
    return entry->value;
  }

  // The number of keys computed or being computed.
  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    std::once_flag computed;
    std::shared_ptr<const Value> value;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_SHARED_MEMO_H_
