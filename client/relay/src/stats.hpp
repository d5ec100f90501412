// What one sink's delivery loop counts, for /metrics (metrics.hpp) and the logs. Written by the
// sink's thread, read by the metrics thread.
#pragma once

#include "breaker.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace workitem::relay {

struct SinkStats {
    std::string sink{};
    std::string type{};
    std::string consumer{};
    std::atomic<unsigned long long> delivered{0};
    std::atomic<unsigned long long> filtered{0};  // events the sink's filter left out
    std::atomic<unsigned long long> retries{0};
    std::atomic<unsigned long long> dead_letters{0};
    std::atomic<unsigned long long> batches{0};
    std::atomic<double> batch_seconds{0};  // sum over the finished batches
    std::atomic<bool> database_ok{false};  // the last call to the database succeeded
    std::atomic<BreakerState> breaker{BreakerState::closed};

    void failed(const std::string& reason) {
        std::lock_guard lock(mutex_);
        ++failures_[reason];
    }
    std::map<std::string, unsigned long long> failures() const {
        std::lock_guard lock(mutex_);
        return failures_;
    }

  private:
    mutable std::mutex mutex_;
    std::map<std::string, unsigned long long> failures_;  // by reason: bounded by the sinks' labels
};

}  // namespace workitem::relay
