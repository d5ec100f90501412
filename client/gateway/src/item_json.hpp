// A work item as the gateway answers it (openapi.yaml, WorkItem): libworkitem's to_json (as the
// CLI's --json prints it), the item's deadlines, and the principals derived from its assignment
// and lease_expired_owner.
#pragma once

#include <workitem/item_json.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace workitem::gateway {

nlohmann::json item_json(const workitem::Item& item);

// The item's version as a strong entity tag: "3" with the quotes.
std::string entity_tag(const workitem::Item& item);

}  // namespace workitem::gateway
