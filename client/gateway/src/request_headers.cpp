#include "request_headers.hpp"

#include "problem.hpp"

#include <charconv>

namespace workitem::gateway {

namespace {

// "3" (with the quotes) -> 3.
std::optional<std::int64_t> quoted_version(std::string_view tag) {
    if (tag.size() < 3 || tag.size() > 21 || tag.front() != '"' || tag.back() != '"') {
        return std::nullopt;
    }
    const auto digits = tag.substr(1, tag.size() - 2);
    std::int64_t version = 0;
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), version);
    if (error != std::errc{} || end != digits.data() + digits.size() || version < 0) {
        return std::nullopt;
    }
    return version;
}

bool lower_hex(std::string_view text) {
    return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool all_zero(std::string_view text) {
    return text.find_first_not_of('0') == std::string_view::npos;
}

}  // namespace

std::string trace_context(const Request& request) {
    const auto found = request.find("traceparent");
    if (found == request.end()) return {};
    const std::string_view value(found->value().data(), found->value().size());
    // 00-<trace id: 32>-<parent id: 16>-<flags: 2>, 55 characters, lower-case hex.
    if (value.size() != 55 || value[2] != '-' || value[35] != '-' || value[52] != '-') return {};
    const auto version = value.substr(0, 2);
    const auto trace_id = value.substr(3, 32);
    const auto parent_id = value.substr(36, 16);
    const auto flags = value.substr(53, 2);
    if (version != "00" || !lower_hex(trace_id) || !lower_hex(parent_id) || !lower_hex(flags) ||
        all_zero(trace_id) || all_zero(parent_id)) {
        return {};
    }
    return std::string(value);
}

std::optional<std::int64_t> expected_version(const Request& request) {
    const auto found = request.find(http::field::if_match);
    if (found == request.end()) return std::nullopt;
    const std::string_view value = to_std(found->value());
    if (value == "*") return std::nullopt;
    if (value.starts_with("W/") && quoted_version(value.substr(2))) {
        throw_problem(412, "weak_etag",
                      "If-Match compares strongly: a weak entity tag never matches");
    }
    const auto version = quoted_version(value);
    if (!version) {
        throw_problem(400, "malformed_header",
                      "If-Match must be the item's ETag (\"3\", with the quotes) or *");
    }
    return version;
}

std::optional<std::string> idempotency_key(const Request& request) {
    const auto found = request.find("Idempotency-Key");
    if (found == request.end()) return std::nullopt;
    const std::string_view value = to_std(found->value());
    bool visible = !value.empty() && value.size() <= 255;
    for (const char character : value) {
        if (character < 0x21 || character > 0x7E) visible = false;
    }
    if (!visible) {
        throw_problem(400, "malformed_header",
                      "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    return std::string(value);
}

bool if_none_match_hits(const Request& request, const std::string& tag) {
    const auto found = request.find(http::field::if_none_match);
    if (found == request.end()) return false;
    const std::string_view value = to_std(found->value());
    if (value == "*") return true;
    // Weak comparison (RFC 9110 §13.1.2): W/"3" matches "3". A list is split on commas.
    std::string_view rest = value;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view candidate = rest.substr(0, comma);
        while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
        while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
        if (candidate.starts_with("W/")) candidate.remove_prefix(2);
        if (candidate == tag) return true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace workitem::gateway
