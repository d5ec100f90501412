// An event as the contract's Event schema has it: every column of workitem.event, the payload
// as JSON. From history (workitem::Event) and from event batches (workitem::ConsumedEvent).
#pragma once

#include <workitem/events.hpp>
#include <workitem/types.hpp>

#include <nlohmann/json.hpp>

namespace workitem::gateway {

nlohmann::json event_json(const workitem::Event& event);
nlohmann::json event_json(const workitem::ConsumedEvent& event);

}  // namespace workitem::gateway
