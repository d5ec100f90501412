#include "workitem/core/time.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace workitem::core {

namespace {
// Calendar arithmetic on days, never through system_clock::time_point, whose nanoseconds
// overflow after 2262 (a date in 2300 came out as 1715).
struct CivilTime {
    int year;
    unsigned month, day;
    long hours, minutes, seconds, micros;
};

CivilTime civil(Timestamp t) {
    using namespace std::chrono;
    // A time out of range is refused by check_time; a message may still show it first, so it is
    // shown clamped (flooring the extreme values to days would overflow).
    t = std::clamp(t, min_time, max_time);
    const auto day = floor<days>(t);
    const year_month_day date{sys_days{day.time_since_epoch()}};
    const hh_mm_ss<Microseconds> clock{t - day};
    return CivilTime{static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()),
                     static_cast<long>(clock.hours().count()),
                     static_cast<long>(clock.minutes().count()),
                     static_cast<long>(clock.seconds().count()),
                     static_cast<long>(clock.subseconds().count())};
}
}  // namespace

Status check_time(std::string_view field, Timestamp t) {
    if (t >= min_time && t <= max_time) return ok();
    return Error{ErrorCode::invalid_input,
                 fmt::format("{} must be a finite time from 0001-01-01 to 9999-12-31 UTC", field),
                 "", "infinity, -infinity and times beyond year 9999 are not accepted."};
}

std::string format_timestamp(Timestamp t) {
    const CivilTime c = civil(t);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hours,
                       c.minutes, c.seconds);
}

std::string format_timestamp_micros(Timestamp t) {
    const CivilTime c = civil(t);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", c.year, c.month, c.day,
                       c.hours, c.minutes, c.seconds, c.micros);
}

}  // namespace workitem::core
