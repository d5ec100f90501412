// A work item as the gateway answers it: libworkitem's to_json (as the CLI's --json prints it)
// and the item's deadlines.
#pragma once

#include <workitem/item_json.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace workitem::gateway {

nlohmann::json item_json(const workitem::Item& item);

// The item's version as a strong entity tag: "3" with the quotes.
std::string entity_tag(const workitem::Item& item);

}  // namespace workitem::gateway
