// One event as the relay hands it to a sink: the fields it routes, filters and orders by, and
// the event row as JSON, exactly as docs/events/envelope.v1.schema.json describes it (to_jsonb
// of the workitem.event row that workitem_batch_events returns; docs/events/README.md).
#pragma once

#include <cstdint>
#include <string>

namespace workitem::relay {

struct RelayEvent {
    std::int64_t seq{};
    std::string id{};  // uuid: what receivers deduplicate on (delivery is at least once)
    std::string tenant_id{};
    std::string aggregatetype{};  // "workitem"
    std::int64_t item_id{};       // aggregateid
    std::int64_t item_version{};  // aggregate_version: per item, the order to keep
    std::string type{};           // "workitem.completed", ...
    std::string envelope{};       // the row as one line of JSON text
};

}  // namespace workitem::relay
