// A request's query string, read parameter by parameter like RequestBody reads a body: a value
// of the wrong form, a parameter given twice or one the route does not know is 400 naming it.
// Parsed and percent-decoded by Boost.URL (no hand-written parsing).
#pragma once

#include "http_types.hpp"

#include <workitem/types.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace workitem::gateway {

class QueryParameters {
  public:
    // 400 when the target is not a valid origin-form or names a parameter twice.
    static QueryParameters parse(const Request& request);

    // A name (the contract's Name: 1 to 1000 bytes), or 1 to max_bytes bytes.
    std::optional<std::string> text(const std::string& name, std::size_t max_bytes = 1000);
    std::optional<std::int64_t> integer(const std::string& name, std::int64_t min,
                                        std::int64_t max);
    std::optional<workitem::Timestamp> timestamp(const std::string& name);
    std::optional<workitem::State> state(const std::string& name);
    // A JSON document of 1 to max_bytes bytes, as its text (400 when it does not parse).
    std::optional<std::string> json_text(const std::string& name, std::size_t max_bytes);
    // true or false.
    std::optional<bool> boolean(const std::string& name);

    // 400 naming the first parameter no reader asked for.
    void refuse_unknown() const;

  private:
    const std::string* value(const std::string& name);

    std::map<std::string, std::string> values_;
    std::set<std::string> known_;
};

// A path capture ({workflowId}, {userId}...) percent-decoded: 400 when the encoding is broken or
// the name is empty or longer than 1000 bytes.
std::string decoded_segment(const std::string& name, const std::string& raw);

}  // namespace workitem::gateway
