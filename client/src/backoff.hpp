// Capped exponential backoff with full jitter (AWS architecture blog's "Full Jitter"): the
// delays of many clients retrying at once spread out instead of arriving together.
#pragma once

#include <workitem/options.hpp>

#include <chrono>

namespace workitem::detail {

// The longest delay before retry number `retry` (1 for the first retry): initial * 2^(retry-1),
// at most max_backoff.
std::chrono::milliseconds backoff_ceiling(const RetryPolicy& policy, int retry);

// A random delay in [0, backoff_ceiling(policy, retry)].
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry);

}  // namespace workitem::detail
