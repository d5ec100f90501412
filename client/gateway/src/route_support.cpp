#include "route_support.hpp"

#include "problem.hpp"
#include "query.hpp"

#include <openssl/evp.h>

#include <charconv>

namespace workitem::gateway {

namespace {
// The contract's Cursor: at most 1400 characters of base64url.
constexpr std::size_t max_cursor_chars = 1400;
}  // namespace

const Identity& caller(const Call& call) {
    return *call.caller;
}

std::int64_t positive_capture(const Call& call, const std::string& name) {
    const std::string& text = call.parameters.at(name);
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc{} || end != text.data() + text.size() || id < 1) {
        throw_problem(400, "invalid_parameter", name + " is a positive integer");
    }
    return id;
}

std::string name_capture(const Call& call, const std::string& name) {
    return decoded_segment(name, call.parameters.at(name));
}

std::optional<std::string> read_actor(const Identity& who) {
    if (who.capability == Capability::service) return std::nullopt;
    return who.subject;
}

std::optional<int> optional_int(std::optional<std::int64_t> value) {
    if (!value) return std::nullopt;
    return static_cast<int>(*value);
}

std::string encode_cursor(std::string_view key) {
    std::string encoded(4 * ((key.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                       reinterpret_cast<const unsigned char*>(key.data()),
                                       static_cast<int>(key.size()));
    encoded.resize(static_cast<std::size_t>(length));
    while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
    for (auto& c : encoded) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return encoded;
}

std::string decode_cursor(const std::string& cursor) {
    const auto refuse = [] {
        throw_problem(400, "invalid_parameter", "query parameter after is not a cursor of a page");
    };
    if (cursor.empty() || cursor.size() > max_cursor_chars || cursor.size() % 4 == 1) refuse();
    std::string standard = cursor;
    for (auto& c : standard) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (c == '+' || c == '/' || c == '=')
            refuse();
    }
    const std::size_t padding = (4 - standard.size() % 4) % 4;
    standard.append(padding, '=');
    std::string decoded(standard.size() / 4 * 3, '\0');
    const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                       reinterpret_cast<const unsigned char*>(standard.data()),
                                       static_cast<int>(standard.size()));
    if (length < 0) refuse();
    decoded.resize(static_cast<std::size_t>(length) - padding);
    if (decoded.empty()) refuse();
    return decoded;
}

std::optional<std::string> after_key(QueryParameters& query) {
    const auto cursor = query.text("after", max_cursor_chars);
    if (!cursor) return std::nullopt;
    return decode_cursor(*cursor);
}

std::optional<std::int64_t> after_id(QueryParameters& query) {
    const auto cursor = after_key(query);
    if (!cursor) return std::nullopt;
    const std::string& key = *cursor;
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (error != std::errc{} || end != key.data() + key.size() || id < 0) {
        throw_problem(400, "invalid_parameter", "query parameter after is not a cursor of a page");
    }
    return id;
}

workitem::WorklistOptions worklist_options(const Request& request) {
    auto query = QueryParameters::parse(request);
    workitem::WorklistOptions options;
    options.queue = query.text("queue");
    read_input_filters(query, options);
    options.page_size =
        static_cast<int>(query.integer("limit", 1, max_page_size).value_or(default_page_size));
    query.refuse_unknown();
    return options;
}

nlohmann::json time_or_null(const std::optional<workitem::Timestamp>& time) {
    return time ? nlohmann::json(workitem::format_timestamp(*time)) : nlohmann::json(nullptr);
}

}  // namespace workitem::gateway
