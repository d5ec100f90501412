// Time as the core sees it: microseconds on the system clock, no time zones.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "workitem/core/result.hpp"

namespace workitem::core {

using Microseconds = std::chrono::microseconds;
using Timestamp = std::chrono::time_point<std::chrono::system_clock, Microseconds>;

constexpr Timestamp from_unix_micros(std::int64_t micros) {
    return Timestamp{Microseconds{micros}};
}
constexpr std::int64_t to_unix_micros(Timestamp t) {
    return t.time_since_epoch().count();
}

// The times an item may carry: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z, the years
// ISO 8601 writes with four digits. PostgreSQL represents more (4713 BC to 294276 AD, and
// +-infinity), but a time outside this range is a mistake in a work item, and near PostgreSQL's
// ends the conversion to the core's microseconds since 1970 would overflow.
inline constexpr Timestamp min_time = from_unix_micros(-62'135'596'800'000'000);
inline constexpr Timestamp max_time = from_unix_micros(253'402'300'799'999'999);

// WI422 naming `field` when `t` is outside [min_time, max_time].
Status check_time(std::string_view field, Timestamp t);

// ISO 8601 in UTC, for messages ("2026-11-26T17:00:00Z"). Any Timestamp, without overflow.
std::string format_timestamp(Timestamp t);
// The same with microseconds ("2026-11-26T17:00:00.250000Z").
std::string format_timestamp_micros(Timestamp t);

}  // namespace workitem::core
