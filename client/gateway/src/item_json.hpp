// A work item as the gateway answers it: the SDK's Item with its JSON documents as JSON (not
// text) and times in RFC 3339 UTC, field for field as the CLI's --json prints it.
#pragma once

#include <workitem/types.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace workitem::gateway {

nlohmann::json item_json(const workitem::Item& item);

// The item's version as a strong entity tag: "3" with the quotes.
std::string entity_tag(const workitem::Item& item);

}  // namespace workitem::gateway
