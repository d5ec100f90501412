// Timestamps and the state labels of the SQL enums.
#include <workitem/types.hpp>

#include <array>
#include <charconv>
#include <cstdio>

namespace workitem {
namespace {

constexpr std::array<std::string_view, 11> state_labels{
    "created", "offered", "allocated", "started", "suspended", "completed",
    "failed",  "error",   "cancelled", "skipped", "expired"};

constexpr std::array<std::string_view, 3> delegation_labels{"none", "pending", "resolved"};

[[noreturn]] void bad_timestamp(std::string_view text) {
    throw_error(ErrorKind::invalid_argument,
                "not an ISO 8601 timestamp: '" + std::string(text) + "'");
}

// Reads exactly `digits` decimal digits at text[position].
int read_number(std::string_view text, std::size_t& position, std::size_t digits) {
    if (position + digits > text.size()) bad_timestamp(text);
    int value = 0;
    const auto* first = text.data() + position;
    auto [end, error] = std::from_chars(first, first + digits, value);
    if (error != std::errc{} || end != first + digits) bad_timestamp(text);
    position += digits;
    return value;
}

void expect(std::string_view text, std::size_t& position, std::string_view allowed) {
    if (position >= text.size() || allowed.find(text[position]) == std::string_view::npos) {
        bad_timestamp(text);
    }
    ++position;
}

}  // namespace

std::string format_timestamp(Timestamp time) {
    using namespace std::chrono;
    const auto day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                  int(clock.minutes().count()), int(clock.seconds().count()),
                  int(clock.subseconds().count()));
    return text;
}

Timestamp parse_timestamp(std::string_view text) {
    using namespace std::chrono;
    std::size_t at = 0;
    const int year_value = read_number(text, at, 4);
    expect(text, at, "-");
    const int month_value = read_number(text, at, 2);
    expect(text, at, "-");
    const int day_value = read_number(text, at, 2);
    expect(text, at, " T");
    const int hour = read_number(text, at, 2);
    expect(text, at, ":");
    const int minute = read_number(text, at, 2);
    expect(text, at, ":");
    const int second = read_number(text, at, 2);
    long micros = 0;
    if (at < text.size() && text[at] == '.') {
        ++at;
        long scale = 100000;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            micros += (text[at] - '0') * scale;
            scale /= 10;
            ++at;
        }
    }
    long offset_seconds = 0;
    if (at < text.size() && text[at] == 'Z') {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        const int sign = text[at] == '-' ? -1 : 1;
        ++at;
        long offset = read_number(text, at, 2) * 3600L;
        if (at < text.size() && text[at] == ':') {
            ++at;
            offset += read_number(text, at, 2) * 60L;
            if (at < text.size() && text[at] == ':') {
                ++at;
                offset += read_number(text, at, 2);
            }
        }
        offset_seconds = sign * offset;
    } else {
        bad_timestamp(text);
    }
    if (at != text.size()) bad_timestamp(text);
    const year_month_day date{year{year_value}, month{unsigned(month_value)},
                              day{unsigned(day_value)}};
    if (!date.ok()) bad_timestamp(text);
    return Timestamp{sys_days{date}} + hours{hour} + minutes{minute} + seconds{second} +
           microseconds{micros} - seconds{offset_seconds};
}

std::string_view to_string(State state) {
    return state_labels.at(static_cast<std::size_t>(state));
}

std::optional<State> parse_state(std::string_view label) {
    for (std::size_t i = 0; i < state_labels.size(); ++i) {
        if (state_labels[i] == label) return static_cast<State>(i);
    }
    return std::nullopt;
}

bool is_terminal(State state) {
    return state >= State::completed;
}

std::string_view to_string(DelegationState state) {
    return delegation_labels.at(static_cast<std::size_t>(state));
}

std::string_view library_version() noexcept {
    return WORKITEM_LIBRARY_VERSION;
}

}  // namespace workitem
