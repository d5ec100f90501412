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

    // 400 naming the first field no reader asked for.
    void refuse_unknown_fields() const;

  private:
    explicit RequestBody(nlohmann::json document) : document_(std::move(document)) {}
    const nlohmann::json* field(const std::string& name);

    nlohmann::json document_;
    std::set<std::string> known_;
};

}  // namespace workitem::gateway
