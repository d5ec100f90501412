#include "event_source.hpp"

namespace workitem::relay {

EventSource::EventSource(Client& client, std::string consumer, bool all_tenants, int batch_size)
    : client_(client),
      consumer_(std::move(consumer)),
      all_tenants_(all_tenants),
      batch_size_(batch_size) {}

bool EventSource::ensure_consumer() {
    return client_.consumer_create(consumer_, {.all_tenants = all_tenants_});
}

std::optional<SourceBatch> EventSource::next_batch() {
    const auto taken =
        client_.exec("SELECT workitem_next_batch($1, max_events => $2)", consumer_, batch_size_);
    if (taken.rows.empty()) return std::nullopt;
    const auto id = taken.rows.front().get<std::optional<std::int64_t>>(0);
    if (!id) return std::nullopt;
    // The row as the published envelope: to_jsonb of workitem.event (docs/events/README.md).
    const auto rows = client_.exec(
        "SELECT e.seq, e.id, e.tenant_id, e.aggregatetype, e.aggregateid, e.aggregate_version, "
        "e.type, to_jsonb(e)::text FROM workitem_batch_events($1) AS e ORDER BY e.seq",
        *id);
    SourceBatch batch{.id = *id, .events = {}};
    batch.events.reserve(rows.rows.size());
    for (const auto& row : rows.rows) {
        batch.events.push_back(RelayEvent{.seq = row.get<std::int64_t>(0),
                                          .id = row.get<std::string>(1),
                                          .tenant_id = row.get<std::string>(2),
                                          .aggregatetype = row.get<std::string>(3),
                                          .item_id = row.get<std::int64_t>(4),
                                          .item_version = row.get<std::int64_t>(5),
                                          .type = row.get<std::string>(6),
                                          .envelope = row.get<std::string>(7)});
    }
    return batch;
}

void EventSource::finish(std::int64_t batch_id) {
    client_.finish_batch(batch_id);
}

}  // namespace workitem::relay
