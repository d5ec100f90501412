// The run second by second, for bench/report's plots (docs/load.md, The time series): per
// second of the wall clock, the calls answered, done and refused, the latency's p50 and p99,
// those of claim_next alone (claim_next, claim_next_many, acknowledge_and_claim_next) and the
// system backlog the engines saw (open items of queue sys), so that claim_next latency can be
// set against the backlog. Calls count in the second they started.
#pragma once

#include "transport.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

namespace load {

class Timeline {
  public:
    void record(Op op, Outcome outcome, std::chrono::system_clock::time_point started,
                std::chrono::microseconds latency, std::int64_t system_backlog);
    // One tab-separated line per second, with a header line (the columns are named there).
    void write(const std::filesystem::path& file) const;

  private:
    struct Second {
        std::int64_t done{0};
        std::int64_t refused{0};
        std::int64_t unanswered{0};
        std::vector<std::int64_t> latencies_us{};
        std::vector<std::int64_t> claim_next_us{};
        std::int64_t backlog_sum{0};
    };
    mutable std::mutex mutex_;
    std::map<std::int64_t, Second> seconds_;
};

}  // namespace load
