#include "workitem/core/time.hpp"

#include <ctime>

#include <fmt/format.h>

namespace workitem::core {

std::string format_timestamp(Timestamp t) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
    const std::time_t as_time_t = std::chrono::system_clock::to_time_t(seconds);
    std::tm utc{};
    gmtime_r(&as_time_t, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                       utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

}  // namespace workitem::core
