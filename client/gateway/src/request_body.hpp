// A request's JSON body, read field by field: a field of the wrong type, or one the route does
// not know, is 400 naming it (the contract refuses unknown fields rather than ignoring them).
// JSON documents the database keeps (input, output, fault, assignment, deadlines) are passed on
// as their JSON text: the database validates them (WI422 names the field).
#pragma once

#include "http_types.hpp"

#include <workitem/types.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace workitem::gateway {

class RequestBody {
  public:
    // Checks the media type (415 unless application/json, charset UTF-8 if named) and parses
    // the body (400 if it is not a JSON object). An empty body reads as {} unless required.
    static RequestBody parse(const Request& request, bool required);

    std::optional<std::string> text(const std::string& field);
    // A string the contract requires: 400 when absent.
    std::string required_text(const std::string& field);
    std::optional<std::int64_t> integer(const std::string& field, std::int64_t min,
                                        std::int64_t max);
    std::optional<bool> boolean(const std::string& field);
    std::optional<workitem::Timestamp> timestamp(const std::string& field);
    // Any JSON value but null, as its text (null and absent: nullopt).
    std::optional<std::string> document(const std::string& field);
    // A JSON object, as its text.
    std::optional<std::string> object(const std::string& field);

    // A JSON array of at most max_items elements (nullopt when absent or null).
    std::optional<nlohmann::json> array(const std::string& field, std::size_t max_items);
    // The contract's BatchIds: 1 to 10000 distinct positive integers (required).
    std::vector<std::int64_t> ids(const std::string& field);
    // The contract's ExpectedVersions: positive integers or null (absent: none).
    std::vector<std::optional<std::int64_t>> versions(const std::string& field);
    // An array of at most max_items names (strings of 1 to 1000 bytes).
    std::optional<std::vector<std::string>> names(const std::string& field, std::size_t max_items);

    // An element of an array of objects read with the same rules; `path` names it in the
    // problems ("items[2]"). 400 unless it is an object.
    static RequestBody element(const nlohmann::json& value, std::string path);

    // Whether the object has no field at all.
    bool empty() const { return document_.empty(); }

    // 400 naming the first field no reader asked for.
    void refuse_unknown_fields() const;

  private:
    RequestBody(nlohmann::json document, std::string path)
        : document_(std::move(document)), path_(std::move(path)) {}
    const nlohmann::json* field(const std::string& name);
    [[noreturn]] void wrong_type(const std::string& field, const std::string& expected) const;

    nlohmann::json document_;
    std::string path_;  // "" for the body itself, "items[2]." for an element
    std::set<std::string> known_;
};

}  // namespace workitem::gateway
