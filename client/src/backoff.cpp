#include "backoff.hpp"

#include <algorithm>
#include <random>

namespace workitem::detail {

std::chrono::milliseconds backoff_ceiling(const RetryPolicy& policy, int retry) {
    const auto cap = policy.max_backoff.count();
    auto ceiling = policy.initial_backoff.count();
    for (int i = 1; i < retry && ceiling < cap; ++i) ceiling *= 2;
    return std::chrono::milliseconds(std::clamp<long long>(ceiling, 0, cap));
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry) {
    thread_local std::mt19937_64 random(std::random_device{}());
    const auto ceiling = backoff_ceiling(policy, retry).count();
    std::uniform_int_distribution<long long> pick(0, ceiling);
    return std::chrono::milliseconds(pick(random));
}

}  // namespace workitem::detail
