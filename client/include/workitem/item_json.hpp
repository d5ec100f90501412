// An item as JSON: its JSON documents (assignment, input, output, fault) as JSON rather than
// text, times in RFC 3339 UTC, absent values as null. What the CLI's --json prints and the REST
// gateway answers (docs/sdk.md, "Items as JSON").
#pragma once

#include <workitem/export.hpp>
#include <workitem/types.hpp>

#include <nlohmann/json.hpp>

namespace workitem {

WORKITEM_API nlohmann::json to_json(const Item& item);

}  // namespace workitem
