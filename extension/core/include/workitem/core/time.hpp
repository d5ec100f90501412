// Time as the core sees it: microseconds on the system clock, no time zones.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace workitem::core {

using Microseconds = std::chrono::microseconds;
using Timestamp = std::chrono::time_point<std::chrono::system_clock, Microseconds>;

inline Timestamp from_unix_micros(std::int64_t micros) {
    return Timestamp{Microseconds{micros}};
}
inline std::int64_t to_unix_micros(Timestamp t) {
    return t.time_since_epoch().count();
}

// ISO 8601 in UTC, for messages ("2026-11-26T17:00:00Z").
std::string format_timestamp(Timestamp t);

}  // namespace workitem::core
