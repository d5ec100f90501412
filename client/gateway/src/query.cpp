#include "query.hpp"

#include "problem.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/url_view.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace workitem::gateway {

namespace {

// The contract's Name: an id or a name, at most 1000 bytes (path captures).
constexpr std::size_t max_name_bytes = 1000;

[[noreturn]] void invalid(const std::string& name, const std::string& expected) {
    throw_problem(400, "invalid_parameter", "query parameter " + name + " must be " + expected);
}

}  // namespace

QueryParameters QueryParameters::parse(const Request& request) {
    const auto target = to_std(request.target());
    const auto url = boost::urls::parse_origin_form(target);
    if (!url) throw_problem(400, "invalid_parameter", "the query string is not well formed");
    QueryParameters query;
    for (const auto& parameter : url->params()) {
        if (!query.values_.emplace(parameter.key, parameter.value).second) {
            throw_problem(400, "invalid_parameter",
                          "query parameter " + parameter.key + " is given twice");
        }
    }
    return query;
}

const std::string* QueryParameters::value(const std::string& name) {
    known_.insert(name);
    const auto found = values_.find(name);
    return found == values_.end() ? nullptr : &found->second;
}

std::optional<std::string> QueryParameters::text(const std::string& name, std::size_t max_bytes) {
    const auto* text = value(name);
    if (text == nullptr) return std::nullopt;
    if (text->empty() || text->size() > max_bytes) {
        invalid(name, "1 to " + std::to_string(max_bytes) + " bytes");
    }
    return *text;
}

std::optional<std::int64_t> QueryParameters::integer(const std::string& name, std::int64_t min,
                                                     std::int64_t max) {
    const auto* text = value(name);
    if (text == nullptr) return std::nullopt;
    std::int64_t number = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), number);
    if (error != std::errc{} || end != text->data() + text->size() || number < min ||
        number > max) {
        invalid(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return number;
}

std::optional<workitem::Timestamp> QueryParameters::timestamp(const std::string& name) {
    const auto* text = value(name);
    if (text == nullptr) return std::nullopt;
    try {
        return workitem::parse_timestamp(*text);
    } catch (const workitem::Error&) {
        invalid(name, "an RFC 3339 timestamp");
    }
}

std::optional<workitem::State> QueryParameters::state(const std::string& name) {
    const auto* text = value(name);
    if (text == nullptr) return std::nullopt;
    std::string lower(*text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto state = workitem::parse_state(lower);
    if (!state) invalid(name, "a state (offered, allocated, ...)");
    return state;
}

std::optional<std::string> QueryParameters::json_text(const std::string& name,
                                                      std::size_t max_bytes) {
    auto text = this->text(name, max_bytes);
    if (text && !nlohmann::json::accept(*text)) invalid(name, "a JSON document");
    return text;
}

std::optional<bool> QueryParameters::boolean(const std::string& name) {
    const auto* text = value(name);
    if (text == nullptr) return std::nullopt;
    if (*text != "true" && *text != "false") invalid(name, "true or false");
    return *text == "true";
}

void QueryParameters::refuse_unknown() const {
    for (const auto& [name, value] : values_) {
        if (!known_.contains(name)) {
            throw_problem(400, "unknown_parameter", "unknown query parameter " + name);
        }
    }
}

std::string decoded_segment(const std::string& name, const std::string& raw) {
    const auto encoded = boost::urls::make_pct_string_view(raw);
    if (!encoded) throw_problem(400, "invalid_parameter", name + " is not well percent-encoded");
    std::string decoded = encoded->decode();
    if (decoded.empty() || decoded.size() > max_name_bytes) {
        throw_problem(400, "invalid_parameter", name + " must be 1 to 1000 bytes");
    }
    return decoded;
}

}  // namespace workitem::gateway
