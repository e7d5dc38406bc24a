#pragma once
// Shared by the bus tests. Timeouts here are hang guards only: no test asserts how long
// anything took.
#include <chrono>
#include <mutex>
#include <vector>

#include "cchost/bus/event.hpp"

namespace cchost::bus::testing {

inline constexpr std::chrono::milliseconds kHangGuard{30000};

// Records what handlers saw; handlers run on the bus thread, assertions on the test thread.
template <class T>
class Recorder {
 public:
  void add(T value) {
    std::lock_guard lock(mutex_);
    values_.push_back(std::move(value));
  }
  std::vector<T> values() const {
    std::lock_guard lock(mutex_);
    return values_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<T> values_;
};

}  // namespace cchost::bus::testing
