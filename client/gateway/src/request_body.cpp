#include "request_body.hpp"

#include "problem.hpp"

#include <algorithm>
#include <cctype>

namespace workitem::gateway {

namespace {

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

// application/json, with no parameter but charset=utf-8.
bool is_json_media_type(std::string_view content_type) {
    const std::string value = lowercase(content_type);
    const auto semicolon = value.find(';');
    if (trimmed(std::string_view(value).substr(0, semicolon)) != "application/json") return false;
    if (semicolon == std::string::npos) return true;
    const std::string parameter = trimmed(std::string_view(value).substr(semicolon + 1));
    return parameter == "charset=utf-8" || parameter == "charset=\"utf-8\"";
}

// The contract's Name: an id or a name, at most 1000 bytes.
constexpr std::size_t max_name_bytes = 1000;

// Objects and arrays nested deeper are refused while parsing (docs/rest.md, "Limits"): no
// document the contract describes comes near, and the JSON the gateway passes on is written
// out recursively (dump), which a document nested a million deep would overflow.
constexpr int max_nesting = 64;

struct TooDeep {};

// The document of a body, refusing it as soon as a container opens deeper than max_nesting.
nlohmann::json parse_bounded(const std::string& body) {
    // depth is the number of containers already open around the one starting.
    const nlohmann::json::parser_callback_t bounded =
        [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
            const bool opens = event == nlohmann::json::parse_event_t::object_start ||
                               event == nlohmann::json::parse_event_t::array_start;
            if (opens && depth >= max_nesting) throw TooDeep{};
            return true;
        };
    return nlohmann::json::parse(body, bounded);
}

}  // namespace

void RequestBody::wrong_type(const std::string& field, const std::string& expected) const {
    throw_problem(400, "invalid_field", "field " + path_ + field + " must be " + expected);
}

RequestBody RequestBody::element(const nlohmann::json& value, std::string path) {
    if (!value.is_object()) {
        throw_problem(400, "invalid_field", "element " + path + " must be a JSON object");
    }
    return RequestBody(value, path + ".");
}

std::optional<nlohmann::json> RequestBody::array(const std::string& name, std::size_t max_items) {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_array()) wrong_type(name, "an array");
    if (value->size() > max_items) {
        wrong_type(name, "an array of at most " + std::to_string(max_items) + " elements");
    }
    return *value;
}

std::vector<std::int64_t> RequestBody::ids(const std::string& name) {
    const auto list = array(name, 10000);
    if (!list || list->empty()) wrong_type(name, "an array of 1 to 10000 item ids");
    std::vector<std::int64_t> ids;
    std::set<std::int64_t> seen;
    for (const auto& value : *list) {
        if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
            (value.is_number_unsigned() &&
             value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
            wrong_type(name, "an array of positive integers");
        }
        if (!seen.insert(value.get<std::int64_t>()).second) {
            wrong_type(name, "an array of distinct ids");
        }
        ids.push_back(value.get<std::int64_t>());
    }
    return ids;
}

std::vector<std::optional<std::int64_t>> RequestBody::versions(const std::string& name) {
    const auto list = array(name, 10000);
    std::vector<std::optional<std::int64_t>> versions;
    if (!list) return versions;
    for (const auto& value : *list) {
        if (value.is_null()) {
            versions.emplace_back();
            continue;
        }
        if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
            (value.is_number_unsigned() &&
             value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
            wrong_type(name, "an array of positive integers or nulls");
        }
        versions.emplace_back(value.get<std::int64_t>());
    }
    return versions;
}

std::optional<std::vector<std::string>> RequestBody::names(const std::string& name,
                                                           std::size_t max_items) {
    const auto list = array(name, max_items);
    if (!list) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& value : *list) {
        if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
            value.get_ref<const std::string&>().size() > max_name_bytes) {
            wrong_type(name, "an array of names (1 to 1000 bytes each)");
        }
        names.push_back(value.get<std::string>());
    }
    return names;
}

RequestBody RequestBody::parse(const Request& request, bool required) {
    const auto& body = request.body();
    if (body.empty()) {
        if (required) throw_problem(400, "body_required", "this request needs a JSON body");
        return RequestBody(nlohmann::json::object(), "");
    }
    const auto content_type = request.find(http::field::content_type);
    if (content_type == request.end() || !is_json_media_type(to_std(content_type->value()))) {
        throw_problem(415, "unsupported_media_type", "the body must be application/json (UTF-8)");
    }
    nlohmann::json document;
    try {
        document = parse_bounded(body);
    } catch (const TooDeep&) {
        throw_problem(400, "malformed_json",
                      "the body nests objects and arrays deeper than " +
                          std::to_string(max_nesting) + " levels");
    } catch (const nlohmann::json::parse_error& error) {
        throw_problem(400, "malformed_json",
                      "the body is not valid JSON (at byte " + std::to_string(error.byte) + ")");
    } catch (const nlohmann::json::exception&) {
        // out_of_range: a number too large for a double (1e400).
        throw_problem(400, "malformed_json", "the body holds a number out of range");
    }
    if (!document.is_object())
        throw_problem(400, "malformed_json", "the body must be a JSON object");
    return RequestBody(std::move(document), "");
}

const nlohmann::json* RequestBody::field(const std::string& name) {
    known_.insert(name);
    const auto found = document_.find(name);
    if (found == document_.end() || found->is_null()) return nullptr;
    return &*found;
}

std::optional<std::string> RequestBody::text(const std::string& name) {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) wrong_type(name, "a string");
    return value->get<std::string>();
}

std::string RequestBody::required_text(const std::string& name) {
    auto value = text(name);
    if (!value) throw_problem(400, "invalid_field", "field " + path_ + name + " is required");
    return std::move(*value);
}

std::optional<std::int64_t> RequestBody::integer(const std::string& name, std::int64_t min,
                                                 std::int64_t max) {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_number_integer()) wrong_type(name, "an integer");
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        wrong_type(name, "at most " + std::to_string(max));
    }
    const auto number = value->get<std::int64_t>();
    if (number < min || number > max) {
        wrong_type(name, std::to_string(min) + " to " + std::to_string(max));
    }
    return number;
}

std::optional<bool> RequestBody::boolean(const std::string& name) {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_boolean()) wrong_type(name, "true or false");
    return value->get<bool>();
}

std::optional<workitem::Timestamp> RequestBody::timestamp(const std::string& name) {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) wrong_type(name, "an RFC 3339 timestamp");
    try {
        return workitem::parse_timestamp(value->get<std::string>());
    } catch (const workitem::Error&) {
        wrong_type(name, "an RFC 3339 timestamp");
    }
}

std::optional<std::string> RequestBody::document(const std::string& name) {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    return value->dump();
}

std::optional<std::string> RequestBody::object(const std::string& name) {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_object()) wrong_type(name, "a JSON object");
    return value->dump();
}

void RequestBody::refuse_unknown_fields() const {
    for (const auto& [name, value] : document_.items()) {
        if (!known_.contains(name)) {
            throw_problem(400, "unknown_field", "unknown field " + path_ + name);
        }
    }
}

}  // namespace workitem::gateway
