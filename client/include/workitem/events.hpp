// Event consumers (docs/events.md): named cursors over the committed events of the event log,
// read in batches. A batch comes again until it is finished, so delivery is at-least-once:
// deduplicate on the event id.
#pragma once

#include <workitem/export.hpp>
#include <workitem/types.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace workitem {

struct ConsumerCreateOptions {
    // Deliver every tenant's events (workitem_service only; WI403 otherwise), not only the
    // events of the tenant the consumer is created in.
    bool all_tenants{false};
};

struct NextBatchOptions {
    int max_events{1000};  // 1 to 100000
};

// Where a rewind moves a consumer: give exactly one (the database answers WI422 otherwise).
struct RewindTarget {
    std::optional<std::int64_t> to_seq{};  // replay from this seq on (0: all retention kept)
    std::optional<Timestamp> to_time{};    // replay from the first event at or after this time
};

// One event of a batch. The payload is parsed, since a consumer forwards or acts on it (an
// Event of history() keeps it as text, like every other JSON document: parsed_payload reads it).
struct ConsumedEvent {
    std::int64_t seq{};
    std::string id{};  // uuid: the key to deduplicate on
    std::string tenant_id{};
    std::int64_t item_id{};       // aggregateid
    std::int64_t item_version{};  // aggregate_version: per item, batches deliver them in order
    std::string type{};           // "workitem.claimed", ...
    std::string operation{};
    std::string actor{};
    std::optional<std::string> reason{};
    nlohmann::json payload{};
    std::optional<std::string> idempotency_key{};
    std::optional<std::string> trace_context{};  // W3C traceparent, when the writer gave one
    Timestamp occurred_at{};
    std::string aggregatetype{"workitem"};
    std::string txid{};  // xid8 as decimal text (unsigned 64 bits)
    std::optional<std::string> login{};
    std::optional<std::string> capability{};
};

// An event of history() with its payload parsed, as a ConsumedEvent carries it. Throws
// Error(unexpected_result) if the payload is not JSON (the database only stores JSON).
WORKITEM_API nlohmann::json parsed_payload(const Event& event);

// A batch handed out by next_batch: the same id and events until finish_batch(id).
struct EventBatch {
    std::int64_t id{};
    std::vector<ConsumedEvent> events{};  // ordered by seq
};

// One row of workitem.event_lag: a consumer of the caller's tenant (kind "consumer") or, for
// services, a logical replication slot of the database (kind "logical_slot").
struct EventLag {
    std::string kind{};
    std::string name{};
    std::string tenant_id{};                      // "*": every tenant
    std::optional<std::int64_t> events_behind{};  // consumers; counted up to 100000
    std::optional<double> seconds_behind{};
    std::optional<std::int64_t> wal_bytes_behind{};  // slots
    std::optional<std::int64_t> open_batch{};        // consumers: the batch not yet finished
    std::optional<Timestamp> last_finished_at{};
    std::optional<bool> active{};
    std::optional<std::string> status{};  // consumers: "ok" or "far behind" (100000 or more);
                                          // slots: wal_status ("lost": re-create it)
};

}  // namespace workitem
